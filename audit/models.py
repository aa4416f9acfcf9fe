"""The audit trail: one append-only row per event (NEN 7513, DOMAIN.md L5; R41).

Rows are written by :func:`audit.events.record` only. Each row carries the hash of the row
before it (``prev_hash``) and its own ``hash``, so a changed, inserted or removed row breaks
the chain and ``manage.py audit_verify`` finds it.

Append-only is enforced in three layers:
- the ORM: the queryset refuses ``update()``/``delete()``, an instance refuses a second
  ``save()`` and ``delete()``;
- the database (PostgreSQL only): a trigger refuses UPDATE, DELETE and TRUNCATE
  (migration 0003);
- the hash chain: anything that gets past both is detected afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: ``prev_hash`` of the first event in the chain.
GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event (L5: changed by no one)."""


class AuditAction(models.TextChoices):
    """The NEN 7513 action of an event (L5)."""

    # A record was created.
    CREATE = "create", _("Aanmaken")
    # Personal data was viewed (reads count, not only changes).
    READ = "read", _("Inzien")
    # A record was changed.
    UPDATE = "update", _("Wijzigen")
    # A record was removed.
    DELETE = "delete", _("Verwijderen")
    # Printed or exported (PDF, download, CSV).
    EXPORT = "export", _("Afdrukken/exporteren")
    # A search over personal data.
    SEARCH = "search", _("Zoeken")
    # Data left the organisation (answer sent to the requester).
    TRANSFER = "transfer", _("Verstrekken")
    # Login, logout, failed login, second factor.
    AUTHENTICATE = "authenticate", _("Authenticeren")


class AuditOutcome(models.TextChoices):
    """Whether the access was allowed or denied (L5); denied access is logged too."""

    ALLOWED = "allowed", _("toegestaan")
    DENIED = "denied", _("geweigerd")


class AuditEventQuerySet(models.QuerySet):
    """Append-only: bulk changes and deletes are refused in the ORM.

    Retention deletion (L6, after the legal term) will get its own explicit, logged path;
    it must not be a casual ``.delete()``.
    """

    def _refuse(self, what: str):
        raise AppendOnlyError(
            f"audit events are append-only: {what} is not allowed "
            "(write new events with audit.events.record)"
        )

    def update(self, **kwargs):
        self._refuse("QuerySet.update()")

    def _update(self, values):  # used by Model.save() for UPDATE statements
        self._refuse("UPDATE")

    def bulk_update(self, objs, fields, batch_size=None):
        self._refuse("QuerySet.bulk_update()")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        self._refuse("QuerySet.update_or_create()")

    def bulk_create(self, objs, *args, **kwargs):
        # Would skip the hash chain; events are appended one at a time by record().
        self._refuse("QuerySet.bulk_create()")

    def delete(self):
        self._refuse("QuerySet.delete()")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):  # used by the deletion collector's fast path
        self._refuse("DELETE")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """One logged event. Identifiers only: no names, no free text (privacy by design)."""

    # Position in the hash chain; 1, 2, 3, ... without gaps. Orders events unambiguously.
    seq = models.BigIntegerField(_("volgnummer"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # A dotted code, e.g. "request.read", "auth.login_failed".
    event = models.CharField(_("gebeurtenis"), max_length=100, db_index=True)
    action = models.CharField(_("actie"), max_length=20, choices=AuditAction.choices)
    outcome = models.CharField(
        _("uitkomst"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED
    )
    # PROTECT: a user or organisation that appears in the log cannot be deleted (L5: 5 years).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshot of the user name at the time; also the name tried in a failed login.
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    # The actor's roles at the time (Actor.role_label), e.g. "teamleider,zorgverlener".
    role = models.CharField(_("rol"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "toolkid.Organisation",
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # On whose behalf: a system job's name or a delegated colleague.
    on_behalf_of = models.CharField(_("namens"), max_length=200, blank=True)
    # Opaque reference to the parent (ouder) concerned, e.g. "ouder:42"; never a name.
    parent_ref = models.CharField(_("betrokken ouder"), max_length=100, blank=True, db_index=True)
    # The object concerned: app_label.modelname and primary key.
    object_type = models.CharField(_("objecttype"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True, db_index=True)
    # The access point (L5).
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    # Extra identifiers (e.g. from/to state); never free text. Validated by audit.events.
    payload = models.JSONField(_("gegevens"), default=dict, blank=True)
    prev_hash = models.CharField(_("vorige hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEventManager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        # Nobody adds, changes or deletes events by hand; viewing is a permission.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
            models.Index(fields=["organisation", "occurred_at"], name="audit_event_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} ({self.get_outcome_display()})"

    def save(self, *args, **kwargs):
        # Not a business rule: the append-only guarantee. A stored event is never saved again.
        if not self._state.adding:
            raise AppendOnlyError(
                "audit events are append-only: a stored event cannot be saved again"
            )
        if not (self.hash and self.prev_hash and self.seq):
            raise AppendOnlyError("write audit events with audit.events.record, not directly")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only: an event cannot be deleted")


class AuditChainHead(models.Model):
    """The single row (pk=1) holding the end of the chain.

    Writers lock it with SELECT ... FOR UPDATE, so exactly one transaction at a time appends
    to the chain: concurrent writers queue instead of forking it. Created by migration 0002;
    :func:`audit.events.record` recreates it if it is missing (e.g. after a test flush).
    """

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    last_seq = models.BigIntegerField(_("laatste volgnummer"), default=0)
    last_hash = models.CharField(_("laatste hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("auditketenkop")
        verbose_name_plural = _("auditketenkop")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton"),
        ]

    def __str__(self) -> str:
        return f"seq={self.last_seq} {self.last_hash[:12]}…"
