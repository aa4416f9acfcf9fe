"""``/fhir/Consent/<public_id>``, included by ``toolkid/fhir_urls.py``."""

from django.urls import path

from consent.fhir import ConsentRead

urlpatterns = [
    path("Consent/<str:public_id>", ConsentRead.as_view(), name="fhir-consent"),
]
