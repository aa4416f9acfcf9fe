"""The roles a member holds in an organisation (ARCHITECTURE.md "Permissions"). Re-exported by
toolkid.models, where the rest of the code imports it from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Files information requests (the youth-care side).
    JEUGDHULPVERLENER = "jeugdhulpverlener", _("Jeugdhulpverlener")
    # Answers requests about their adult clients (the provider side).
    ZORGVERLENER = "zorgverlener", _("Zorgverlener")
    # Legal advisor, care director or geneesheer-directeur, consulted in doubt (R31).
    JURIDISCH_ADVISEUR = "juridisch_adviseur", _("Juridisch adviseur")
    # Sees the team's work, assigns, confirms refusals (R11), receives escalations.
    TEAMLEIDER = "teamleider", _("Teamleider")
    # Organisation administrator: users and audit, never case content.
    BEHEERDER = "beheerder", _("Beheerder")
