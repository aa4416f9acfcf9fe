"""``manage.py demo_code <username>``: the current TOTP code of a demo user (dev/demo only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import accounts


class Command(BaseCommand):
    help = (
        "Toont de actuele code voor de tweede factor van een demo-gebruiker (nooit in productie)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="gebruikersnaam van de demo-gebruiker")
        parser.add_argument(
            "--reservecodes",
            action="store_true",
            help="toon de nog ongebruikte reservecodes in plaats van de actuele code",
        )

    def handle(self, *args, username: str, reservecodes: bool = False, **options) -> None:
        accounts.refuse_in_production()
        # Only the demo devices that load_demo made: a real enrolment is never read out here.
        if reservecodes:
            static = StaticDevice.objects.filter(
                user__username=username, name=accounts.DEMO_STATIC_DEVICE_NAME
            ).first()
            if static is None:
                raise CommandError(f"Geen demo-gebruiker met reservecodes: {username}")
            for token in static.token_set.order_by("id").values_list("token", flat=True):
                self.stdout.write(token)
            return
        device = TOTPDevice.objects.filter(
            user__username=username, name=accounts.DEMO_TOTP_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"Geen demo-gebruiker: {username} (draai eerst manage.py load_demo)")
        self.stdout.write(accounts.current_code(device))
