from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolkidConfig(AppConfig):
    name = "toolkid"
    verbose_name = _("toolKID")

    def ready(self):
        from audit.catalogue import register
        from toolkid import health
        from toolkid.audit_codes import TOOLKID_PURPOSES, TOOLKID_SENSITIVITIES, ToolkidAuditCode

        register(ToolkidAuditCode, purposes=TOOLKID_PURPOSES, sensitivities=TOOLKID_SENSITIVITIES)
        from toolkid.api.audit_codes import API_PURPOSES, API_SENSITIVITIES, ApiAuditCode

        register(ApiAuditCode, purposes=API_PURPOSES, sensitivities=API_SENSITIVITIES)
        # How its organisations, users and days read in the audit log (audit.objects).
        from toolkid.auditing import register_objects

        register_objects()
        # /gereed/ does not fail on a heartbeat not seen yet during the first minutes.
        health.note_process_start()
