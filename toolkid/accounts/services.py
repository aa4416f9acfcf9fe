"""The second factor (L7): enrolling an authenticator app, backup codes, verifying a code.

Writes take ``actor=`` and record an audit event in the same transaction (L5). Codes and
secrets never reach the audit trail: payloads carry identifiers only.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.events import record, record_denied
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.models import User

#: The name of the one authenticator app device a user has.
TOTP_DEVICE_NAME = "authenticator"
#: The name of the device that holds the backup codes (reservecodes).
STATIC_DEVICE_NAME = "reservecodes"

#: Backup codes: letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10
BACKUP_CODE_GROUP = 5

_SEPARATORS = re.compile(r"[\s\-]+")


class SecondFactorThrottled(Exception):
    """The device refuses to check codes for a while after wrong ones (django-otp throttling).

    Nothing was checked and nothing was written; ``locked_until`` says when to try again.
    """

    def __init__(self, locked_until: datetime | None = None):
        super().__init__("second factor throttled")
        self.locked_until = locked_until


def normalise_code(token: str) -> str:
    """A typed code without spaces or dashes, in lower case (backup codes are shown grouped)."""
    return _SEPARATORS.sub("", token or "").lower()


def format_backup_code(code: str) -> str:
    """``abcdefghjk`` → ``abcde-fghjk``: easier to read aloud and copy."""
    return "-".join(code[i : i + BACKUP_CODE_GROUP] for i in range(0, len(code), BACKUP_CODE_GROUP))


def _looks_like_totp(token: str) -> bool:
    # TOTP codes are 6 digits (TOTPDevice.digits may be 8); backup codes are 10 characters.
    return token.isdigit() and len(token) in (6, 8)


def has_confirmed_totp_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _throttle_state(device: Device) -> tuple[bool, datetime | None]:
    allowed, data = device.verify_is_allowed()
    return allowed, (data or {}).get("locked_until")


@transaction.atomic
def totp_device_start(*, actor: Actor, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator device with a fresh secret.

    Unconfirmed devices left from earlier attempts are removed, so a secret shown once
    (on another screen, perhaps) never becomes valid later. A confirmed device is untouched.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    record(
        actor=actor,
        event=ToolkidAuditCode.OTP_ENROLMENT_STARTED,
        action=AuditAction.CREATE,
        obj=device,
    )
    return device


@transaction.atomic
def totp_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm ``device`` with a code from the app. Raises :class:`SecondFactorThrottled`
    while the device refuses codes; a wrong code is audited and returns ``False``."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, locked_until = _throttle_state(device)
    if not allowed:
        raise SecondFactorThrottled(locked_until)
    token = normalise_code(token)
    if not device.verify_token(token):
        record_denied(
            actor=actor,
            event=ToolkidAuditCode.OTP_FAILED,
            action=AuditAction.AUTHENTICATE,
            obj=device,
            payload={"step": "enrolment", "failures": device.throttling_failure_count},
        )
        return False
    # Only one authenticator per user: another confirmed one would be a second way in.
    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        actor=actor,
        event=ToolkidAuditCode.OTP_ENROLLED,
        action=AuditAction.UPDATE,
        obj=device,
    )
    return True


@transaction.atomic
def backup_codes_generate(*, actor: Actor, user: User) -> list[str]:
    """Replace all backup codes of ``user`` with new single-use ones and return them in
    plain text (grouped, e.g. ``abcde-fghjk``). Show them once; they are not retrievable."""
    device, created = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=STATIC_DEVICE_NAME, defaults={"confirmed": True}
    )
    # Other static devices would hold codes this page cannot show or replace.
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    replaced = device.token_set.count()
    device.token_set.all().delete()
    count = settings.TOOLKID_BACKUP_CODE_COUNT
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH)))
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if not device.confirmed:
        device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    record(
        actor=actor,
        event=ToolkidAuditCode.BACKUP_CODES_GENERATED,
        action=AuditAction.CREATE,
        obj=device,
        payload={"count": count, "replaced": replaced, "new_device": created},
    )
    return [format_backup_code(code) for code in sorted(codes)]


@transaction.atomic
def verify_second_factor(*, user: User, token: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``token``, or ``None``.

    The authenticator app first: a code of 6 (or 8) digits is checked against the TOTP
    device only, anything else against the backup codes only, so a backup code never counts
    as a wrong app code (and the reverse). A backup code is deleted when it is used.
    Raises :class:`SecondFactorThrottled` when the device to check is throttled.

    Not audited here: the caller knows the request and records the outcome.
    """
    token = normalise_code(token)
    if not token:
        return None
    if _looks_like_totp(token):
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    throttled_until: list[datetime | None] = []
    checked = False
    for device in devices:
        allowed, locked_until = _throttle_state(device)
        if not allowed:
            throttled_until.append(locked_until)
            continue
        checked = True
        if device.verify_token(token):
            return device
    if throttled_until and not checked:
        known = [moment for moment in throttled_until if moment is not None]
        raise SecondFactorThrottled(max(known) if known else None)
    return None


def device_kind(device: Device) -> str:
    """``totp`` or ``static`` for audit payloads."""
    return "static" if isinstance(device, StaticDevice) else "totp"


def record_auth_event(
    *,
    actor: Actor,
    event: str,
    denied: bool = False,
    username: str = "",
    payload: dict | None = None,
) -> None:
    """One authentication event (login, logout, failures) in the audit trail (L5).

    ``username`` is the name typed in a failed login (only when ``actor`` has no user; for a
    known user the audit trail takes the name from the actor).
    """
    kwargs = {
        "actor": actor,
        "event": event,
        "action": AuditAction.AUTHENTICATE,
        "payload": payload,
        "username": _clean_username(username) if actor.user is None else "",
    }
    if denied:
        record_denied(**kwargs)
    else:
        record(**kwargs)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_username(username: str) -> str:
    """The typed name as the audit trail can hold it: no control characters, 150 at most."""
    return _CONTROL.sub("", username or "")[:150]
