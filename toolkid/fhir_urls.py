"""``/fhir/``: the read-only FHIR R4 view (docs/adr/0007 §8). Each app's resources are included
by string, so the kernel imports none of them (import contract "kernel")."""

from django.urls import include, path, re_path

from toolkid.fhir import Metadata, UnknownResource

urlpatterns = [
    path("metadata", Metadata.as_view(), name="fhir-metadata"),
    path("", include("requests.fhir.urls")),
    path("", include("consent.fhir_urls")),
    path("", include("audit.fhir_urls")),
    # Anything else (another resource type, a search we do not offer): a FHIR 404, not HTML.
    re_path(r"^(?P<rest>.*)$", UnknownResource.as_view()),
]
