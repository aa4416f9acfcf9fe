"""``manage.py audit_verify``: verify the audit log — the old chain, every seal and the unsealed
tail (ADR 0006); exit 1 when anything is broken (R41). Prints events per second and the lag."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Controleert de auditlog: hashketen, zegels en nog niet verzegelde gebeurtenissen "
        "(exitcode 0: intact, 1: verbroken)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Aantal gebeurtenissen per databaseronde (geheugengebruik blijft constant).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help=(
                "Aantal processen dat zegels tegelijk controleert "
                "(PostgreSQL; standaard: het aantal processorkernen)."
            ),
        )

    def handle(self, *args, batch_size: int, workers: int, **options):
        if workers <= 0:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        started = time.perf_counter()
        result = verify_chain(batch_size=batch_size, workers=workers)
        seconds = max(time.perf_counter() - started, 1e-9)
        if result.ok:
            self.stdout.write(
                _("Auditketen intact: %(count)d gebeurtenissen gecontroleerd.") % {"count": result.checked}
            )
            self.stdout.write(
                _("%(seals)d zegels; %(rate)d gebeurtenissen per seconde (%(workers)d processen).")
                % {"seals": result.seals, "rate": int(result.checked / seconds), "workers": workers}
            )
            self.stdout.write(self._lag(result))
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

    @staticmethod
    def _lag(result) -> str:
        if not result.unsealed:
            return _("Alles verzegeld.")
        return _(
            "Nog niet verzegeld: %(count)d gebeurtenissen, de oudste van %(age)d s geleden."
        ) % {"count": result.unsealed, "age": result.oldest_unsealed_seconds or 0}
