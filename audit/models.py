"""The audit trail: one append-only row per event (NEN 7513, DOMAIN.md L5; R41).

Rows are written by :func:`audit.events.record` only. Each row carries its own leaf hash
(``hash``); a sealer (:mod:`audit.sealing`) covers runs of rows with an :class:`AuditSeal`, a
Merkle root chained to the seal before it (ADR 0006). Events written before that carry the hash
of the row before them (``prev_hash``) instead: the old chain, which ends at
:class:`AuditChainHead`. Either way a changed, inserted or removed row breaks the structure and
``manage.py audit_verify`` names it.

Append-only is enforced in three layers:
- the ORM: the queryset refuses ``update()``/``delete()``, an instance refuses a second
  ``save()`` and ``delete()``;
- the database (PostgreSQL only): a trigger refuses UPDATE, DELETE and TRUNCATE
  (migration 0003); retention alone may delete, and only the oldest events (migration 0005,
  ``AuditEventManager._purge_prefix``);
- the hashes and seals: anything that gets past both is detected afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .hashing import GENESIS_HASH  # one definition, re-exported here

#: NEN 7513 (DOMAIN.md L5): audit events are kept at least this long. No setting and no
#: code path removes a younger event (see ``AuditEventManager._purge_prefix``).
AUDIT_MINIMUM_YEARS = 5


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same calendar moment ``years`` earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def minimum_audit_cutoff() -> dt.datetime:
    """Events at or after this moment are younger than the legal minimum."""
    return years_before(timezone.now(), AUDIT_MINIMUM_YEARS)


@dataclass(frozen=True)
class PurgedPrefix:
    """What ``AuditEvent.objects._purge_prefix`` removed: seqs ``first_seq..anchor_seq``."""

    first_seq: int
    anchor_seq: int
    anchor_hash: str
    deleted: int


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

    Retention deletion (L5/L6, after the legal term) has its own explicit, logged path:
    ``AuditEvent.objects._purge_prefix`` (oldest events only), called by
    :mod:`audit.retention`. It is never a casual ``.delete()``.
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


class AuditEventManager(models.Manager.from_queryset(AuditEventQuerySet)):
    """The queryset's refusals, plus one documented escape hatch for retention (L6)."""

    def _purge_prefix(self, up_to_seq: int) -> PurgedPrefix:
        """Delete the oldest events of the chain, ``seq <= up_to_seq``. **Retention only.**

        The one way audit events are ever removed, and only by :mod:`audit.retention`, which
        decides what has expired, writes the register row (:class:`RetentionRecord`, holding
        the *anchor*: the hash of the last removed event) and a ``retention.deleted`` event
        in the same transaction. ``audit.chain.verify_chain`` then accepts a chain that starts
        at ``up_to_seq + 1`` whose first ``prev_hash`` is that anchor.

        Guard rails, so that this cannot become a casual delete:
        - only a whole prefix (oldest first): what remains is still one unbroken chain;
        - only inside the caller's ``transaction.atomic()`` (with the register and the event);
        - never an event younger than :data:`AUDIT_MINIMUM_YEARS` (L5: at least 5 years),
          whatever the configured term says;
        - the chain head is locked, so no purge races another;
        - on PostgreSQL the trigger refuses DELETE unless ``toolkid.audit_retention`` is
          set LOCAL in this transaction (migration 0005); it is switched on for this one
          statement only, and a second trigger refuses a DELETE that leaves an older event
          behind (not a prefix).
        """
        from django.db import connections

        if isinstance(up_to_seq, bool) or not isinstance(up_to_seq, int) or up_to_seq < 1:
            raise ValueError(f"up_to_seq must be a positive int, got {up_to_seq!r}")
        connection = connections[self.db]
        if not connection.in_atomic_block:
            raise AppendOnlyError(
                "_purge_prefix runs only inside transaction.atomic(), together with its "
                "RetentionRecord and retention event (audit.retention)"
            )
        anchor_hash, last_occurred_at = self._anchor_of(up_to_seq)
        if last_occurred_at is not None and last_occurred_at >= minimum_audit_cutoff():
            raise AppendOnlyError(
                f"event seq={up_to_seq} is younger than {AUDIT_MINIMUM_YEARS} years "
                "(NEN 7513: kept at least 5 years); nothing purged"
            )
        first_seq = self.order_by("seq").values_list("seq", flat=True).first()
        table = connection.ops.quote_name(self.model._meta.db_table)
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL toolkid.audit_retention = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [up_to_seq])  # noqa: S608
            deleted = cursor.rowcount
            seals = connection.ops.quote_name(AuditSeal._meta.db_table)
            cursor.execute(f"DELETE FROM {seals} WHERE last_seq <= %s", [up_to_seq])  # noqa: S608
            if postgres:
                # Off again at once: the rest of the transaction gets no licence to delete.
                # (After an error the transaction is rolled back, which resets it too.)
                cursor.execute("SET LOCAL toolkid.audit_retention = 'off'")
        return PurgedPrefix(
            first_seq=first_seq, anchor_seq=up_to_seq, anchor_hash=anchor_hash, deleted=deleted
        )

    def _anchor_of(self, up_to_seq: int) -> tuple[str, dt.datetime | None]:
        """The hash the rest of the log will start from after removing ``seq <= up_to_seq``, and
        the time of the newest event removed. In the old chain: the last removed event's hash.
        Past it: the last removed seal's hash, so only whole seals go (ADR 0006)."""
        # Locked: purges do not race each other (record() no longer touches the head).
        head = AuditChainHead.objects.using(self.db).select_for_update().filter(
            pk=AuditChainHead.SINGLETON_PK
        ).first()
        if up_to_seq <= (head.last_seq if head is not None else 0):
            last = self.filter(seq=up_to_seq).values_list("hash", "occurred_at").first()
            if last is None:
                raise AppendOnlyError(f"event seq={up_to_seq} does not exist (already purged?)")
            return last
        seals = AuditSeal.objects.using(self.db).filter(last_seq=up_to_seq)
        seal = seals.values_list("hash", "last_at").first()
        if seal is None:
            raise AppendOnlyError(
                f"seq {up_to_seq} ends no seal: retention removes whole seals only; nothing purged"
            )
        return seal


class AuditEvent(models.Model):
    """One logged event. Identifiers only: no names, no free text (privacy by design)."""

    # Position in the log, from a database sequence (ADR 0006): ascending, unique, with a gap where
    # a transaction that drew a number rolled back (a seal records those). Orders events.
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
        # audit_event_org_time_seq_idx leads with it: a second index would only cost writes,
        # and tempts the planner to read an organisation's whole history and sort it.
        db_index=False,
    )
    # On whose behalf: a system job's name or a delegated colleague.
    on_behalf_of = models.CharField(_("namens"), max_length=200, blank=True)
    # Opaque reference to the parent (ouder) concerned, e.g. "ouder:42"; never a name.
    # Indexed by audit_event_parent_time_idx (Meta), of which it is the first column.
    parent_ref = models.CharField(_("betrokken ouder"), max_length=100, blank=True)
    # The object concerned: app_label.modelname and primary key.
    object_type = models.CharField(_("objecttype"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True, db_index=True)
    # The access point (L5).
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    # Extra identifiers (e.g. from/to state); never free text. Validated by audit.events.
    payload = models.JSONField(_("gegevens"), default=dict, blank=True)
    # NEN 7513 purpose of use (audit.purposes.Purpose); empty on events written before it was
    # recorded, shown as "onbekend (vóór registratie)".
    purpose = models.CharField(_("doel"), max_length=40, blank=True, default="", db_default="", db_index=True)
    # The installation that wrote the event (settings.TOOLKID_AUDIT_SOURCE) and the acting
    # organisation's identifier at that moment (empty for anonymous and system actors).
    audit_source = models.CharField(_("bron"), max_length=100, blank=True, default="", db_default="")
    site = models.CharField(_("locatie"), max_length=64, blank=True, default="", db_default="")
    # The legal ground as it stood at that moment (audit.grounds): the request's consent path with
    # its framework beside it and the declaration or consultation outcome; empty on old rows.
    ground = models.CharField(
        _("grondslag"), max_length=40, blank=True, default="", db_default="", db_index=True
    )
    ground_framework = models.CharField(_("kader"), max_length=30, blank=True, default="", db_default="")
    ground_ref = models.CharField(
        _("grondslag-kenmerk"), max_length=64, blank=True, default="", db_default=""
    )
    # Health data, other personal data or metadata (audit.grounds.Sensitivity); empty on old rows.
    sensitivity = models.CharField(
        _("gevoeligheid"), max_length=20, blank=True, default="", db_default="", db_index=True
    )
    # Old chain only: the hash of the event before. Empty on sealed events (ADR 0006).
    prev_hash = models.CharField(_("vorige hash"), max_length=64, blank=True, editable=False)
    # Old chain: over prev_hash and the event; sealed events: the event's own leaf hash.
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
            # The Audit page (audit.selectors.LOG_ORDER): a beheerder's scope, period, cursor
            # and order as one index range; the CSV and PDF read the same range. Replaces
            # (organisation, occurred_at), of which it is a superset.
            models.Index(fields=["organisation", "occurred_at", "seq"], name="audit_event_org_time_seq_idx"),
            # The parent access page (audit.selectors.PARENT_ORDER, R41): one parent's events,
            # cursor and order as one range. Replaces the index on parent_ref alone, its prefix.
            models.Index(fields=["parent_ref", "occurred_at", "seq"], name="audit_event_parent_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} ({self.get_outcome_display()})"

    def save(self, *args, **kwargs):
        # Not a business rule: the append-only guarantee. A stored event is never saved again.
        if not self._state.adding:
            raise AppendOnlyError(
                "audit events are append-only: a stored event cannot be saved again"
            )
        if not (self.hash and self.seq):
            raise AppendOnlyError("write audit events with audit.events.record, not directly")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only: an event cannot be deleted")


class AuditChainHead(models.Model):
    """The single row (pk=1) holding the end of the **old chain**: the events written before
    ADR 0006, each hashed over the one before it. Migration 0008 froze it there: nothing moves it
    any more. The first seal (:class:`AuditSeal`) starts right after it, from its hash. On a new
    installation it stays at ``(0, GENESIS_HASH)``; missing (after a test flush) means the same.
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


class RetentionRule(models.TextChoices):
    """Under which rule something was deleted after its retention term (L6, L5)."""

    # WGBO / Jeugdwet: the file is kept 20 years after its last change; the records of an
    # exchange (requests, their parent and consents) belong with it (L6).
    CASE_FILE = "case_file", _("Dossier: bewaartermijn na de laatste wijziging (WGBO/Jeugdwet)")
    # NEN 7513: the audit log is kept at least 5 years; only the oldest events, as a prefix
    # of the hash chain (L5).
    AUDIT_LOG = "audit_log", _("Auditlog: bewaartermijn (NEN 7513)")


class _AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes and deletes; ``append_only`` opens the message."""

    append_only = "this table is append-only"

    def _refuse(self, what: str):
        raise AppendOnlyError(f"{self.append_only}: {what} is not allowed")

    def update(self, **kwargs):
        self._refuse("QuerySet.update()")

    def _update(self, values):
        self._refuse("UPDATE")

    def delete(self):
        self._refuse("QuerySet.delete()")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        self._refuse("DELETE")


class RetentionRecordQuerySet(_AppendOnlyQuerySet):
    """The register is append-only as well: it is the proof of what was deleted and why."""

    append_only = "the retention register is append-only"


class RetentionRecord(models.Model):
    """The register of deletions after the retention term (L6: "a deliberate, logged act").

    One row per deleted case record (with the number of rows its cascade removed) and one
    row per removed prefix of the audit chain. **No personal data**: object types and ids,
    counts, dates and the rule; never a name, a BSN or free text. Rows are written by
    :mod:`audit.retention` only, in the transaction that deletes.

    For an audit prefix, ``anchor_seq``/``anchor_hash`` are the seq and hash of the last
    removed event: the remaining chain starts at ``anchor_seq + 1`` with ``prev_hash ==
    anchor_hash``, which is how ``audit.chain.verify_chain`` still verifies it. The same
    anchor is also in the payload of the ``retention.deleted`` audit event of that run, so
    a register row forged to hide a removed prefix does not verify.
    """

    run_id = models.UUIDField(_("run"), db_index=True, editable=False)
    run_at = models.DateTimeField(_("uitgevoerd op"), db_index=True, editable=False)
    # The system job that ran it, e.g. "retention_sweep" (never a person's name).
    run_by = models.CharField(_("uitgevoerd door"), max_length=100, editable=False)
    rule = models.CharField(_("regel"), max_length=20, choices=RetentionRule.choices, editable=False)
    term_years = models.PositiveSmallIntegerField(_("termijn (jaren)"), editable=False)
    # Deleted: last change (or event time) before this moment.
    cutoff = models.DateTimeField(_("grens"), editable=False)
    object_type = models.CharField(_("objecttype"), max_length=100, editable=False)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True, editable=False)
    # Rows removed: the object and its cascade (children, topics, events, ...), or the events
    # of an audit prefix.
    deleted_count = models.PositiveIntegerField(_("aantal verwijderd"), editable=False)
    first_seq = models.BigIntegerField(_("eerste volgnummer"), null=True, blank=True, editable=False)
    anchor_seq = models.BigIntegerField(_("ankervolgnummer"), null=True, blank=True, editable=False)
    anchor_hash = models.CharField(_("ankerhash"), max_length=64, blank=True, editable=False)

    objects = RetentionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["run_at", "pk"]
        verbose_name = _("bewaarregister-regel")
        verbose_name_plural = _("bewaarregister")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["anchor_seq"], name="audit_retention_anchor_idx")]

    def __str__(self) -> str:
        return f"{self.run_at:%Y-%m-%d} {self.rule} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the retention register is append-only: a row cannot change")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the retention register is append-only: a row cannot be deleted")


class AuditSealQuerySet(_AppendOnlyQuerySet):
    """Seals are append-only like the events they cover; only retention removes the oldest."""

    append_only = "audit seals are append-only"


class AuditSeal(models.Model):
    """One batch of the audit log, sealed (ADR 0006): the events numbered ``first_seq`` to
    ``last_seq``, minus the ``gaps`` (numbers no event holds: a rolled-back transaction drew
    them), under one Merkle root over their leaf hashes, chained to the seal before it.

    Written by :func:`audit.sealing.seal_pending` only, one sealer at a time, after a grace
    period in which every transaction that drew a number has ended. A row that is changed,
    removed or slipped into a gap afterwards no longer matches its seal; ``audit_verify`` names it.
    """

    first_seq = models.BigIntegerField(_("eerste volgnummer"), unique=True, editable=False)
    last_seq = models.BigIntegerField(_("laatste volgnummer"), unique=True, editable=False)
    event_count = models.PositiveIntegerField(_("aantal gebeurtenissen"), editable=False)
    # [[start, end], ...]: the numbers in the range without an event, ascending.
    gaps = models.JSONField(_("gaten"), default=list, editable=False)
    # The newest event's time (retention asks whether a whole seal has expired); None if empty.
    last_at = models.DateTimeField(_("laatste tijdstip"), null=True, editable=False)
    merkle_root = models.CharField(_("Merkle-wortel"), max_length=64, editable=False)
    prev_hash = models.CharField(_("vorige hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    sealed_at = models.DateTimeField(_("verzegeld op"), default=timezone.now, editable=False)

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        ordering = ["first_seq"]
        verbose_name = _("auditzegel")
        verbose_name_plural = _("auditzegels")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_seq__gte=models.F("first_seq")), name="audit_seal_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_seq}–{self.last_seq} {self.hash[:12]}…"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit seals are append-only: a seal cannot change")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit seals are append-only: a seal cannot be deleted")
