"""``manage.py audit_seal``: seal the audit events older than the grace period now (ADR 0006).
Beat does this every ``TOOLKID_AUDIT_SEAL_SECONDS``; the command is for operators and scripts."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.sealing import seal_pending


class Command(BaseCommand):
    help = "Verzegelt de auditgebeurtenissen die ouder zijn dan de wachttijd (ADR 0006)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            help=(
                "Wachttijd in seconden (standaard TOOLKID_AUDIT_SEAL_GRACE). "
                "0 alleen als niemand schrijft."
            ),
        )
        parser.add_argument(
            "--max-seals", type=int, default=10_000, help="Hoogstens zoveel zegels in deze ronde."
        )

    def handle(self, *args, grace: int | None, max_seals: int, **options):
        period = None if grace is None else dt.timedelta(seconds=grace)
        run = seal_pending(grace_period=period, max_seals=max_seals)
        if run.busy:
            self.stdout.write(
                _("Een andere verzegelaar is bezig; %(seals)d zegels gezet.") % {"seals": run.seals}
            )
            return
        self.stdout.write(
            _("%(seals)d zegels gezet over %(events)d gebeurtenissen.")
            % {"seals": run.seals, "events": run.events}
        )
