"""``manage.py load_demo``: the Heerlen/Parkstad demo organisations, users and second factors,
and information requests in every state and on every path (:mod:`demo.request_cases`,
:mod:`demo.followup_cases`), played through the real services as the demo users.

Idempotent: a second run creates nothing and prints the same (only the current codes move
with the clock). What exists is left alone: a password or membership changed by hand stays, and
a demo request someone clicked further keeps its state.
Not installed by the production settings, and refused there should it be installed anyway.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.events import record
from audit.models import AuditAction
from demo import accounts
from demo.audit_codes import DemoAuditCode
from demo.followup_cases import load_followup_demo
from demo.request_cases import load_demo_requests
from demo.runner import DemoRow, FollowupDemoRow
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.models import ClosureDay, DecreeDay, Membership, Organisation, User
from toolkid.services import membership_grant, organisation_create
from toolkid.workdays import DEFAULT_DECREE_DAYS


class Command(BaseCommand):
    help = (
        "Laadt demo-organisaties en demo-gebruikers voor de regio Heerlen/Parkstad "
        "(nooit in productie)."
    )

    def handle(self, *args, **options) -> None:
        accounts.refuse_in_production()
        actor = Actor.system("load_demo")
        with transaction.atomic():
            organisations = self._organisations(actor)
            self._calendar(organisations)
            users = [self._user(actor, spec, organisations) for spec in accounts.USERS]
        # Each case in its own transaction, after the people exist (committed above).
        cases = list(load_demo_requests(organisations))
        # The follow-up after the answer (duties, the path-C hold, Kindcheck, R3, R5).
        followup = load_followup_demo(organisations)
        self._report(users, organisations)
        self._report_cases(cases)
        self._report_followup(followup)

    # -- data ---------------------------------------------------------------------------

    def _organisations(self, actor: Actor) -> dict[str, Organisation]:
        result = {}
        for spec in accounts.ORGANISATIONS:
            organisation = Organisation.objects.filter(name=spec.name).first()
            if organisation is None:
                organisation = organisation_create(
                    actor=actor, name=spec.name, kind=spec.kind, municipality=spec.municipality
                )
            result[spec.name] = organisation
        return result

    def _calendar(self, organisations: dict[str, Organisation]) -> None:
        for org_name, day, reason in accounts.CLOSURE_DAYS:
            ClosureDay.objects.get_or_create(
                organisation=organisations[org_name], date=day, defaults={"reason": reason}
            )
        # A data migration may have seeded these already; get_or_create keeps both paths safe.
        for day, description in DEFAULT_DECREE_DAYS.items():
            DecreeDay.objects.get_or_create(date=day, defaults={"description": description})

    def _user(
        self, actor: Actor, spec: accounts.DemoUser, organisations: dict[str, Organisation]
    ) -> User:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.toolkid.invalid",
                is_functional_admin=spec.is_functional_admin,
            )
            user.set_password(accounts.DEMO_PASSWORD)
            user.save()
            record(
                actor=actor,
                event=DemoAuditCode.USER_CREATED,
                action=AuditAction.CREATE,
                obj=user,
                payload={"user_id": user.pk, "demo": True},
            )
        for org_name, role in spec.memberships:
            organisation = organisations[org_name]
            # An existing membership, also an ended one, is left as the beheerder left it.
            if not Membership.objects.filter(
                user=user, organisation=organisation, role=role
            ).exists():
                membership_grant(actor=actor, user=user, organisation=organisation, role=role)
        self._devices(user)
        return user

    def _devices(self, user: User) -> None:
        TOTPDevice.objects.get_or_create(
            user=user,
            name=accounts.DEMO_TOTP_DEVICE_NAME,
            defaults={"key": accounts.demo_totp_key_hex(user.username), "confirmed": True},
        )
        static, created = StaticDevice.objects.get_or_create(
            user=user, name=accounts.DEMO_STATIC_DEVICE_NAME, defaults={"confirmed": True}
        )
        if created:
            StaticToken.objects.bulk_create(
                StaticToken(device=static, token=code)
                for code in accounts.demo_backup_codes(user.username)
            )

    # -- output -------------------------------------------------------------------------

    def _report(self, users: list[User], organisations: dict[str, Organisation]) -> None:
        rows = [("Gebruikersnaam", "Rollen@organisatie", "TOTP-geheim (base32)", "Code nu")]
        for user in users:
            device = TOTPDevice.objects.get(user=user, name=accounts.DEMO_TOTP_DEVICE_NAME)
            memberships = (
                Membership.objects.filter(user=user, is_active=True)
                .select_related("organisation")
                .order_by("organisation__name", "role")
            )
            roles = [f"{m.role}@{m.organisation.name}" for m in memberships]
            if user.is_functional_admin:
                roles.insert(0, "functioneel beheerder")
            rows.append(
                (
                    user.username,
                    ", ".join(roles) or "-",
                    accounts.base32_secret(device.bin_key),
                    accounts.current_code(device),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]

        def line(row: tuple[str, ...]) -> str:
            return (
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                + "  "
                + row[-1]
            )

        write = self.stdout.write
        write(
            f"Demo-gegevens regio Heerlen/Parkstad: {len(organisations)} organisaties, "
            f"{len(users)} gebruikers."
        )
        write(f"Wachtwoord van alle demo-gebruikers: {accounts.DEMO_PASSWORD}")
        write("Tweede factor: voer het geheim in een authenticator-app in,")
        write("of vraag een actuele code op met:")
        write("  .venv/bin/python manage.py demo_code <gebruikersnaam> [--reservecodes]")
        write("")
        write(line(rows[0]))
        write(line(tuple("-" * len(cell) for cell in rows[0])))
        for row in rows[1:]:
            write(line(row))
        write("")
        write("Alleen voor ontwikkeling en demonstratie: deze gebruikers hebben bekende geheimen.")

    def _report_cases(self, cases: list[DemoRow]) -> None:
        rows = [("Kenmerk", "Pad", "Status", "Inloggen als", "Wat u ziet")]
        for row in cases:
            req = row.request
            if req is None:
                rows.append(("-", row.case.path, "overgeslagen", "-", row.skipped))
                continue
            status = RequestStatus(req.status)
            rows.append((
                req.reference or "(concept)",
                row.case.path,
                str(status.label),
                row.case.login,
                row.case.note,
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]

        def line(r: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=False)) + "  " + r[-1]

        write = self.stdout.write
        write("")
        write(f"Demo-informatieverzoeken ({sum(1 for r in cases if r.request is not None)}), "
              "alle naar Mondriaan:")
        write(line(rows[0]))
        write(line(tuple("-" * len(cell) for cell in rows[0])))
        for r in rows[1:]:
            write(line(r))
        write("Een weigering die op een tweede persoon wacht, ziet de aanvrager als 'In behandeling' (R11).")

    def _report_followup(self, rows: list[FollowupDemoRow]) -> None:
        """The follow-up cases after the answer, and whom to log in as to see each."""
        write = self.stdout.write
        write("")
        write("Vervolg na het antwoord (taken, afscherming pad C, Kindcheck, vragen over kinderen):")
        width = max((len(row.slug) for row in rows), default=0)
        for row in rows:
            state = f"overgeslagen: {row.skipped}" if row.skipped else row.note
            write(f"  {row.slug.ljust(width)}  {row.login}: {state}")
