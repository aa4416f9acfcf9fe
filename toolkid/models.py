"""Organisations, their members and roles, and the calendar data that working days need."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

# Role lives in its own module so that toolkid/oidc/models.py can name the roles without
# importing this one (which re-exports the OIDC models: that would be a cycle).
from toolkid.roles import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their memberships, never from here,
    except for the platform-wide functional administrator."""

    is_functional_admin = models.BooleanField(
        _("functioneel beheerder"),
        default=False,
        help_text=_("Beheert het platform: organisaties, sluitingsdagen, besluitdagen, bewaartermijnen."),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")


class OrganisationKind(models.TextChoices):
    # The provider side: adult care, including adult GGZ (Mondriaan).
    VOLWASSENENZORG = "volwassenenzorg", _("Volwassenenzorg / GGZ")
    # The requester side (R1): youth care, youth GGZ, wijkteam, Veilig Thuis, GI, RvdK.
    JEUGDHULP = "jeugdhulp", _("Jeugdhulp")
    JEUGD_GGZ = "jeugd_ggz", _("Jeugd-GGZ")
    WIJKTEAM = "wijkteam", _("Wijkteam")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    GI = "gi", _("Gecertificeerde Instelling (GI)")
    RVDK = "rvdk", _("Raad voor de Kinderbescherming")

    @classmethod
    def requester_kinds(cls) -> frozenset[str]:
        return frozenset(k for k in cls.values if k != cls.VOLWASSENENZORG)


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    # AVG art. 15, R41: the parent's access overview names organisations and roles; the names
    # of the professionals only when the organisation chooses so.
    access_report_names_professionals = models.BooleanField(
        _("namen van medewerkers in het inzageoverzicht voor de ouder"),
        default=False,
        help_text=_(
            "Aangevinkt: het overzicht dat een ouder krijgt op de vraag wie zijn of haar gegevens "
            "heeft gebruikt, noemt per regel de naam van de medewerker. Niet aangevinkt: alleen "
            "de organisatie en de rol."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        permissions = [
            ("manage_members", _("Gebruikers van de organisatie beheren")),
            ("view_audit", _("Auditlog van de organisatie inzien")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganisationKind.VOLWASSENENZORG

    @property
    def is_requester(self) -> bool:
        return self.kind in OrganisationKind.requester_kinds()


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationRoleGroup(models.Model):
    """The one auth group per organisation and role; object permissions are granted to it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=30, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="organisation_role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="one_group_per_org_role"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class Membership(models.Model):
    """A user holds a role in an organisation. One row per (user, organisation, role)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership"),
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class ClosureDay(models.Model):
    """A day an organisation is closed; it does not count as a working day for deadlines
    on requests it receives (L1)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField(_("datum"))
    reason = models.CharField(_("reden"), max_length=200)
    # A closure day moves due dates (L1): who set or changed it, and when, is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("sluitingsdag")
        verbose_name_plural = _("sluitingsdagen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="one_closure_per_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.date} ({self.reason})"


class DecreeDay(models.Model):
    """An extra non-working day set by royal decree under the Algemene termijnenwet (L1).
    Editable data: the government announces them year by year."""

    date = models.DateField(_("datum"), unique=True)
    description = models.CharField(_("omschrijving"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("besluitdag (Algemene termijnenwet)")
        verbose_name_plural = _("besluitdagen (Algemene termijnenwet)")

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"


class WorkerHeartbeat(models.Model):
    """One row per background process name, touched by a periodic task: operators (and the
    integration tests) can see that the Celery worker and beat are running."""

    name = models.CharField(max_length=100, unique=True)
    last_seen = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("signaal achtergrondverwerking")
        verbose_name_plural = _("signalen achtergrondverwerking")

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------
# Notifications: the in-app notification centre and its neutral e-mail.
# What each kind means, who may receive it and whether e-mail is optional is decided in
# ``toolkid/notifications.py``; these rows only hold identifiers (never case content).
# --------------------------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    # R26: to the handling clinician, or the receiving organisation's intake when unassigned.
    # Reminders: the user may switch their e-mail off.
    DEADLINE_REMINDER = "termijn_herinnering", _("Herinnering: de uiterste datum nadert")
    DEADLINE_DUE = "termijn_vandaag", _("Herinnering: de uiterste datum is bereikt")
    # Escalations: always e-mailed.
    DEADLINE_OVERDUE = "termijn_verstreken", _("Termijn verstreken")
    DEADLINE_OVERDUE_REQUESTER = "termijn_verstreken_aanvrager", _("Termijn verstreken (aanvrager)")
    DEADLINE_ESCALATION = "termijn_escalatie", _("Termijn ruim verstreken (tweede escalatie)")
    # Messages about the clock between the two sides.
    DEADLINE_EXTENDED = "termijn_verlengd", _("Termijn verlengd")
    EXTENSION_CONTESTED = "verlenging_bezwaar", _("Bezwaar tegen verlenging van de termijn")


class EmailStatus(models.TextChoices):
    # Waits for the next delivery run (after the notification's transaction committed).
    PENDING = "wacht", _("Wacht op verzending")
    # Claimed by one delivery run and being sent now (committed before the send): a run that
    # dies here leaves it claimed, and it is sent again only after TOOLKID_EMAIL_CLAIM_TIMEOUT.
    SENDING = "wordt_verzonden", _("Wordt verzonden")
    SENT = "verzonden", _("Verzonden")
    # The user switched e-mail for reminders off, or has no e-mail address.
    SKIPPED = "niet_verzonden", _("Niet verzonden")


class Notification(models.Model):
    """One message in a user's notification centre. Holds identifiers only (``params``: a
    request's reference, ISO dates); the text is made from ``kind`` when shown, and the e-mail
    carries nothing but a link to this row and a neutral sentence."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The organisation the recipient acts for when they handle it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    target_url = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # What caused it, e.g. "deadline_notice:42": one notification per source and recipient,
    # so a cause that is processed twice cannot notify anyone twice.
    source_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "source_key"], name="one_notification_per_source"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "created_at"]),
            # Meldingen pages by (created_at, id) within one recipient (toolkid/pagination.py).
            models.Index(fields=["recipient", "created_at", "id"], name="notification_page_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.public_id})"


class NotificationPreference(models.Model):
    """A user's choice about e-mail. Reminders may be switched off; escalations always go."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_reminders = models.BooleanField(_("e-mail bij herinneringen"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")

    def __str__(self) -> str:
        return f"{self.user}: e-mail bij herinneringen {'aan' if self.email_reminders else 'uit'}"


# Models kept beside the code that uses them, registered under this app's label (toolkid).
from toolkid.api.models import ConnectedSystem, Scope, SystemKey  # noqa: E402,F401

# --------------------------------------------------------------------------------------------
# Login with the organisation's own account (toolkid/oidc/): defined there, re-exported here so
# that the app label stays ``toolkid`` and migrations live in toolkid/migrations/.
# --------------------------------------------------------------------------------------------
from toolkid.oidc.models import (  # noqa: E402, F401 - re-exported (the app's model registry)
    ExternalIdentity,
    IdentityProvider,
    OidcMfaDevice,
    RoleMapping,
)

# --------------------------------------------------------------------------------------------
# Webhooks (docs/adr/0007 §9): their models live in toolkid/webhooks/models.py, gathered here
# so Django finds them under the app label "toolkid".
# --------------------------------------------------------------------------------------------
from toolkid.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
