"""The read-only FHIR R4 view of a request (docs/adr/0007 §8)."""
