"""``/fhir/``: the read-only FHIR R4 view (docs/adr/0007 §8). Each app's resources are included
by string, so the kernel imports none of them (import contract "kernel")."""

from django.urls import include, path

urlpatterns = [
    path("", include("requests.fhir.urls")),
    path("", include("consent.fhir_urls")),
    path("", include("audit.fhir_urls")),
]
