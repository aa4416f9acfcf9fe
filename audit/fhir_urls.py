"""``/fhir/AuditEvent``, included by ``toolkid/fhir_urls.py``."""

from django.urls import path

from audit.fhir import AuditEventSearch

urlpatterns = [
    path("AuditEvent", AuditEventSearch.as_view(), name="fhir-auditevent"),
]
