"""The catalogue of audit event codes: every code the application writes, with its Dutch label.

``audit`` knows no domain app (the arrows point at it, never away from it). Each app declares its
own codes as a ``TextChoices`` class, value = the code, label = what the audit page, the CSV and
PDF reports and the "wie heeft ingezien" overview show, and registers it from its
``AppConfig.ready()``::

    class ConsentAuditCode(models.TextChoices):
        CREATED = "consent.created", _("Toestemming vastgelegd")

    # consent/apps.py
    def ready(self):
        from audit.catalogue import register
        register(ConsentAuditCode)

A service then names its code once, as ``ConsentAuditCode.CREATED``.

Every code also carries a default purpose of use (:mod:`audit.purposes`), given at registration
as ``register(ConsentAuditCode, purposes={ConsentAuditCode.CREATED: Purpose.FILING, ...})``; an
app may add a rule that refines it for the actor's side or role
(:func:`register_purpose_rule`). :func:`audit.events.record` refuses a code without a purpose.
Likewise every code carries its object sensitivity (``sensitivities=``) and may carry a ground for
events whose object gives none (``grounds=``; :mod:`audit.grounds`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .grounds import Ground, GroundValue, Sensitivity
from .purposes import Purpose

__all__ = [
    "codes",
    "default_ground",
    "default_purpose",
    "sensitivity_for",
    "is_registered",
    "label",
    "purpose_for",
    "register",
    "register_purpose_rule",
]

#: ``rule(actor, obj, payload)`` -> a :class:`Purpose` value, or ``None`` to keep the default.
PurposeRule = Callable[[Any, Any, Mapping], "str | None"]

_labels: dict[str, object] = {}
_owner: dict[str, str] = {}
_purposes: dict[str, str] = {}
_rules: dict[str, PurposeRule] = {}
_sensitivities: dict[str, str] = {}
_grounds: dict[str, GroundValue] = {}


def register(
    catalogue: type[models.TextChoices],
    purposes: Mapping[str, str] | None = None,
    sensitivities: Mapping[str, str] | None = None,
    grounds: Mapping[str, str] | None = None,
) -> None:
    """Add an app's codes. Registering the same class again (tests, autoreload) is harmless; two
    classes claiming one code is a configuration error, because the label would depend on the
    order in which apps load.

    ``sensitivities``: each code's object sensitivity (:class:`audit.grounds.Sensitivity`);
    ``grounds``: the ground of a code when its object does not give one (a Kindcheck is done
    under the meldcode, reading the log under the duty to check it); see :mod:`audit.grounds`."""
    owner = f"{catalogue.__module__}.{catalogue.__qualname__}"
    for member in catalogue:
        code = str(member.value)
        if _owner.get(code, owner) != owner:
            raise ImproperlyConfigured(f"audit code {code!r} is claimed by {_owner[code]} and {owner}")
        _labels[code] = member.label
        _owner[code] = owner
    for code, purpose in (purposes or {}).items():
        code = str(code)
        if _owner.get(code) != owner:
            raise ImproperlyConfigured(f"purpose for {code!r}, which {owner} does not declare")
        if purpose not in Purpose.values or purpose == Purpose.UNKNOWN:
            raise ImproperlyConfigured(f"{code!r}: {purpose!r} is not a purpose of use")
        _purposes[code] = str(purpose)
    for code, sensitivity in (sensitivities or {}).items():
        code = str(code)
        if _owner.get(code) != owner:
            raise ImproperlyConfigured(f"sensitivity for {code!r}, which {owner} does not declare")
        if sensitivity not in Sensitivity.values or sensitivity == Sensitivity.UNKNOWN:
            raise ImproperlyConfigured(f"{code!r}: {sensitivity!r} is not a sensitivity")
        _sensitivities[code] = str(sensitivity)
    for code, ground in (grounds or {}).items():
        code = str(code)
        if _owner.get(code) != owner:
            raise ImproperlyConfigured(f"ground for {code!r}, which {owner} does not declare")
        if ground not in Ground.values or ground == Ground.UNKNOWN:
            raise ImproperlyConfigured(f"{code!r}: {ground!r} is not a ground")
        _grounds[code] = GroundValue(str(ground))


def register_purpose_rule(codes: Iterable[str], rule: PurposeRule) -> None:
    """Refine the default purpose of these codes by who acts on what (e.g. a read of a request
    by the requesting side is "indienen en volgen", by the providing side "behandelen")."""
    for code in codes:
        _rules[str(code)] = rule


def default_purpose(code: str) -> str:
    """The purpose registered with a code, or empty when its app gave it none."""
    return _purposes.get(str(code), "")


def purpose_for(code: str, *, actor: Any, obj: Any, payload: Mapping) -> str:
    """The purpose of one event: the code's rule when it has one and it decides, else its
    default. Empty when the code has no purpose (record() refuses it)."""
    rule = _rules.get(str(code))
    if rule is not None:
        refined = rule(actor, obj, payload)
        if refined:
            return str(refined)
    return default_purpose(code)


def sensitivity_for(code: str) -> str:
    """The object sensitivity registered with a code, or empty (record() refuses it then)."""
    return _sensitivities.get(str(code), "")


def default_ground(code: str) -> GroundValue | None:
    """The ground registered with a code for events whose object gives none."""
    return _grounds.get(str(code))


def is_registered(code: str) -> bool:
    return code in _labels


def label(code: str) -> str:
    """The Dutch (or active language's) label of a code; an unknown code shows as itself, so an
    old event whose code was retired still reads as something."""
    found = _labels.get(code)
    return str(found) if found is not None else code


def codes() -> dict[str, str]:
    """Every registered code with its label, in the active language, sorted by code."""
    return {code: str(_labels[code]) for code in sorted(_labels)}
