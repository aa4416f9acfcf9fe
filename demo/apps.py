from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (``load_demo``, ``demo_code``); never installed in production."""

    name = "demo"
    label = "demo"
    verbose_name = _("Demogegevens")

    def ready(self) -> None:
        from audit.catalogue import register

        from .audit_codes import DEMO_PURPOSES, DEMO_SENSITIVITIES, DemoAuditCode

        register(DemoAuditCode, purposes=DEMO_PURPOSES, sensitivities=DEMO_SENSITIVITIES)
