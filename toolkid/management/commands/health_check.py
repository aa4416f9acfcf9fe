"""``manage.py health_check``: the readiness checks of ``/gereed/`` from the command line, or
one heartbeat (``--heartbeat``), for containers that serve no HTTP (docker-compose.yml: beat).

Exit status 0 when healthy, 1 when not; the JSON report (no personal data, no secrets) on
stdout either way.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from toolkid import health


class Command(BaseCommand):
    help = (
        "Controleert database, broker en de hartslag van de termijnbewaking, zoals /gereed/ "
        "(exitcode 0: gereed, 1: niet). Met --heartbeat alleen één hartslag."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heartbeat",
            nargs="?",
            const=health.BEAT_HEARTBEAT,
            default=None,
            metavar="NAAM",
            help=(
                "Alleen de hartslag met deze naam: jonger dan TOOLKID_SWEEP_STALE_AFTER seconden? "
                f"Zonder naam: '{health.BEAT_HEARTBEAT}' (beat plant, een worker voert uit); "
                f"'{health.SWEEP_HEARTBEAT}' is de termijnbewaking."
            ),
        )

    def handle(self, *args, heartbeat: str | None, **options):
        if heartbeat is not None:
            # No grace period here: the container's start_period covers the first minutes.
            check = health.check_heartbeat(name=heartbeat)
            ok, report = check.ok, {"status": "ok" if check.ok else "niet gereed",
                                    "checks": {heartbeat: check.as_dict()}}
        else:
            result = health.readiness()
            ok, report = result.ok, result.as_dict()
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if not ok:
            raise SystemExit(1)
