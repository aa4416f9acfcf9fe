from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Toestemming")

    def ready(self):
        from audit.catalogue import register
        from audit.retention import register_source
        from consent.audit_codes import (
            CONSENT_GROUNDS,
            CONSENT_PURPOSES,
            CONSENT_SENSITIVITIES,
            ConsentAuditCode,
        )
        from consent.retention import CONSENT_SOURCE

        register(
            ConsentAuditCode,
            purposes=CONSENT_PURPOSES,
            sensitivities=CONSENT_SENSITIVITIES,
            grounds=CONSENT_GROUNDS,
        )
        register_source(CONSENT_SOURCE)
        # How its declarations read in the audit log (audit.objects).
        from consent.auditing import register_ground, register_objects

        register_objects()
        register_ground()
        # The FHIR view's AuditEvent search finds a Consent's lines (audit imports no domain app).
        from audit.fhir import register_entity
        from consent.fhir import audit_entity

        register_entity("Consent", audit_entity)
