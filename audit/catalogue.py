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
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["codes", "is_registered", "label", "register"]

_labels: dict[str, object] = {}
_owner: dict[str, str] = {}


def register(catalogue: type[models.TextChoices]) -> None:
    """Add an app's codes. Registering the same class again (tests, autoreload) is harmless; two
    classes claiming one code is a configuration error, because the label would depend on the
    order in which apps load."""
    owner = f"{catalogue.__module__}.{catalogue.__qualname__}"
    for member in catalogue:
        code = str(member.value)
        if _owner.get(code, owner) != owner:
            raise ImproperlyConfigured(f"audit code {code!r} is claimed by {_owner[code]} and {owner}")
        _labels[code] = member.label
        _owner[code] = owner


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
