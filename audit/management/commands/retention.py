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
from audit.retention import (
    KIND_AUDIT_PREFIX,
    KIND_CONSENT,
    KIND_KINDCHECK,
    KIND_ORDER,
    KIND_PARENT,
    KIND_REQUEST,
    KIND_REVERSE_QUESTION,
    RetentionResult,
    retention_run,
)
from requests.models import Kindcheck, ReverseQuestion
from toolkid.actors import Actor

SYSTEM_NAME = "retention_command"


def kind_label(kind: str) -> str:
    return {
        KIND_REQUEST: _("informatieverzoeken"),
        # The models' own plural names (already in the catalog).
        KIND_REVERSE_QUESTION: str(ReverseQuestion._meta.verbose_name_plural),
        KIND_KINDCHECK: str(Kindcheck._meta.verbose_name_plural),
        KIND_CONSENT: _("toestemmingsverklaringen"),
        KIND_PARENT: _("ouders"),
        KIND_AUDIT_PREFIX: _("auditgebeurtenissen (oudste deel van de keten)"),
    }[kind]


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
        if result.busy:
            write(_("Er loopt al een bewaartermijnronde; deze ronde heeft niets gedaan."))
            return
        if not result.items:
            write(_("Niets is de bewaartermijn voorbij."))
            return
        counts = result.counts()
        for rule in RetentionRule:
            for kind in KIND_ORDER:
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
        if result.dry_run:
            write(_("Totaal: %(n)d onderdelen zouden worden verwijderd.") % {"n": len(result.items)})
            return
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
