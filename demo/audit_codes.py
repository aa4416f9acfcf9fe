"""The audit codes the demo writes itself (see :mod:`audit.catalogue`); everything else in the
demo's trail is written by the services it calls, under their own apps' codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.grounds import Sensitivity
from audit.purposes import Purpose


class DemoAuditCode(models.TextChoices):
    #: ``load_demo`` made a demo user (outside the services: the demo sets a known password and
    #: second factors). toolkid itself writes this code nowhere.
    USER_CREATED = "user.created", _("Demogebruiker aangemaakt")
    #: The overdue demo request was dated back (:func:`demo.direct_writes.backdate_submission_for_demo`).
    REQUEST_BACKDATED = "demo.request_backdated", _("Demoverzoek teruggedateerd")


#: Loading demo data is the system's own work (audit.catalogue.register).
DEMO_PURPOSES: dict[str, str] = {code: Purpose.SYSTEM for code in DemoAuditCode.values}

DEMO_SENSITIVITIES: dict[str, str] = {code: Sensitivity.METADATA for code in DemoAuditCode.values}
