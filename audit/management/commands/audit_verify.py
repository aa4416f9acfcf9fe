"""``manage.py audit_verify``: walk the audit hash chain; exit 1 when it is broken (R41)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Controleert de hashketen van de auditlog (exitcode 0: intact, 1: verbroken)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Aantal gebeurtenissen per databaseronde (geheugengebruik blijft constant).",
        )

    def handle(self, *args, batch_size: int, **options):
        result = verify_chain(batch_size=batch_size)
        if result.ok:
            self.stdout.write(
                _("Auditketen intact: %(count)d gebeurtenissen gecontroleerd.")
                % {"count": result.checked}
            )
            return
        self.stderr.write(
            _("Auditketen verbroken bij gebeurtenis seq=%(seq)s (id=%(id)s): %(reason)s")
            % {
                "seq": result.first_broken_seq,
                "id": result.first_broken_id if result.first_broken_id is not None else "-",
                "reason": result.reason,
            }
        )
        raise SystemExit(1)
