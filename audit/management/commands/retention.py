"""``manage.py retention [--dry-run [--today YYYY-MM-DD]]``: delete what outlived its term (L6).

``--dry-run`` lists exactly what a real run would delete today, per rule and kind, with
counts, and deletes nothing. Without it the items are deleted, the retention register is
written and one ``retention.deleted`` audit event is recorded (see :mod:`audit.retention`).
The daily task ``audit.tasks.retention_sweep`` runs the same service.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import RetentionRule
from audit.retention import KIND_AUDIT_PREFIX, RetentionResult, kinds, retention_run, source_for
from toolkid.actors import Actor

SYSTEM_NAME = "retention_command"


def kind_label(kind: str) -> str:
    """The kind in words: the audit prefix is the audit app's; every other kind's words come
    with the source its app registered (audit.retention.register_source)."""
    if kind == KIND_AUDIT_PREFIX:
        return _("auditgebeurtenissen (oudste deel van de keten)")
    return str(source_for(kind).label)


class Command(BaseCommand):
    help = (
        "Verwijdert wat de bewaartermijn voorbij is (dossier 20 jaar na de laatste wijziging, "
        "auditlog 5 jaar) en legt dat vast in het bewaarregister. Met --dry-run: alleen tonen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Toon wat verwijderd zou worden, per regel en soort; verwijder niets.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Peildatum (JJJJ-MM-DD), alleen met --dry-run: wat is op die dag verlopen?",
        )

    def handle(self, *args, dry_run: bool, today: dt.date | None, **options):
        if today is not None and not dry_run:
            raise CommandError(
                _("--today kan alleen met --dry-run: echt verwijderen gebeurt op de datum van vandaag.")
            )
        result = retention_run(actor=Actor.system(SYSTEM_NAME), dry_run=dry_run, today=today)
        self._report(result)

    def _report(self, result: RetentionResult) -> None:
        self._report_terms(result)
        if result.busy:
            self.stdout.write(_("Er loopt al een bewaartermijnronde; deze ronde heeft niets gedaan."))
            return
        if not result.items:
            self.stdout.write(_("Niets is de bewaartermijn voorbij."))
            return
        self._report_items(result)
        if result.dry_run:
            self.stdout.write(
                _("Totaal: %(n)d onderdelen zouden worden verwijderd.") % {"n": len(result.items)}
            )
            return
        self._report_deleted(result)

    def _report_terms(self, result: RetentionResult) -> None:
        """Whether anything is deleted, and the date and terms the run went by."""
        write = self.stdout.write
        policy = result.policy
        if result.dry_run:
            write(_("Proefdraaien: er wordt niets verwijderd."))
        write(
            _(
                "Peildatum %(today)s. Dossiertermijn %(case)d jaar (laatste wijziging vóór %(case_cutoff)s), "
                "audittermijn %(audit)d jaar (gebeurtenissen vóór %(audit_cutoff)s)."
            )
            % {
                "today": result.today.isoformat(),
                "case": policy.case_years,
                "case_cutoff": timezone.localtime(
                    policy.cutoff(RetentionRule.CASE_FILE, result.today)
                ).date(),
                "audit": policy.audit_years,
                "audit_cutoff": timezone.localtime(
                    policy.cutoff(RetentionRule.AUDIT_LOG, result.today)
                ).date(),
            }
        )

    def _report_items(self, result: RetentionResult) -> None:
        """The items past their term, per rule and kind, each with its count."""
        write = self.stdout.write
        counts = result.counts()
        for rule in RetentionRule:
            for kind in kinds():
                count = counts.get((rule.value, kind))
                if not count:
                    continue
                write(f"{rule.value} · {kind_label(kind)}: {count}")
                for item in result.items:
                    if item.rule == rule.value and item.kind == kind:
                        last = timezone.localtime(item.last_change).date().isoformat()
                        write(
                            "  "
                            + _("%(type)s %(id)s (laatste wijziging %(last)s)")
                            % {"type": item.object_type, "id": item.object_id, "last": last}
                        )

    def _report_deleted(self, result: RetentionResult) -> None:
        """What a real run skipped and deleted, and where the audit chain starts now."""
        write = self.stdout.write
        for item, reason in result.skipped:
            self.stderr.write(
                _("Overgeslagen: %(type)s %(id)s (%(reason)s).")
                % {"type": item.object_type, "id": item.object_id, "reason": reason}
            )
        removed = sum(result.deleted.values())
        write(
            _("Verwijderd: %(rows)d databaseregels; vastgelegd in het bewaarregister (run %(run)s).")
            % {"rows": removed, "run": result.run_id}
        )
        if result.anchor_seq:
            write(
                _("De auditketen begint nu na seq %(seq)d (anker %(hash)s).")
                % {"seq": result.anchor_seq, "hash": result.anchor_hash}
            )
