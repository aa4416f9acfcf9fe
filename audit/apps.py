from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    label = "audit"
    verbose_name = _("Audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The audit app's own codes; every other app registers its codes (and its retention
        # sources, audit.retention) from its own ready(): audit imports no domain app.
        from audit.audit_codes import AUDIT_GROUNDS, AUDIT_PURPOSES, AUDIT_SENSITIVITIES, AuditLogCode
        from audit.catalogue import register

        register(
            AuditLogCode, purposes=AUDIT_PURPOSES, sensitivities=AUDIT_SENSITIVITIES, grounds=AUDIT_GROUNDS
        )
