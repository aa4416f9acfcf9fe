"""The REST API over requests: serializers shape, services decide (docs/adr/0007)."""
