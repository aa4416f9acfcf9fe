"""The legal ground and the object sensitivity on every audit line (NEN 7513 consent profile and
``objectSensitivity``; DOMAIN.md L3, L5; R41).

**Ground** — under which ground the access happened, as it stood at that moment. For an event about
an information request it is the request's consent path (R24: A with which declaration, B with the
outcome of the consultation with the parent, C) with the request's legal framework beside it (L3:
voluntary, OTS, Raad voor de Kinderbescherming, Veilig Thuis, conflict of duties). Events outside a
request have a ground of their own (the meldcode for a Kindcheck, the legal duty to check the log,
the parent's right of access) or "niet van toepassing" (logging in, managing users). Three columns:

- ``ground``: a :class:`Ground` value;
- ``ground_framework``: the request's framework code (labels registered by the app that owns them,
  :func:`register_frameworks`), empty when there is none;
- ``ground_ref``: identifiers that pin it down, ``"verklaring:12"`` or ``"uitkomst:niet_akkoord"``.

**Sensitivity** — whether the event touched health data of a parent (answers, consultations,
decisions, Kindchecks), other personal data (names in a list, a request's filing) or only metadata
(due dates, assignment, logging in). Every code carries one (:func:`audit.catalogue.register`).

Events written before these were recorded have them empty and show "onbekend (vóór registratie)",
never a guess; a new event always has both (``nvt`` when no ground applies).

The apps that know requests and declarations register a resolver (:func:`register_ground_resolver`)
from their ``ready()``; ``audit`` imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .purposes import UNKNOWN_LABEL

__all__ = [
    "Ground",
    "GroundValue",
    "Sensitivity",
    "framework_label",
    "frameworks",
    "ground_label",
    "register_frameworks",
    "register_ground_resolver",
    "resolve_ground",
    "sensitivity_label",
]


class Ground(models.TextChoices):
    # The consent path of the request (R24).
    CONSENT = "toestemming", _("Toestemming van de ouder")
    CONSENT_REFUSED = "toestemming_geweigerd", _("Toestemming gevraagd en geweigerd")
    SERIOUS_DANGER = "ernstig_gevaar", _("Niet om toestemming gevraagd vanwege ernstig gevaar")
    NOT_YET_CHOSEN = "nog_niet_gekozen", _("Nog geen keuze over toestemming (concept)")
    # Outside a request.
    MELDCODE = "meldcode", _("Meldcode huiselijk geweld en kindermishandeling")
    LOGGING_DUTY = "toezicht", _("Wettelijke plicht: controle op wie gegevens inzag")
    ACCESS_RIGHT = "inzagerecht", _("Recht op inzage van de ouder")
    RETENTION = "bewaartermijn", _("Wettelijke bewaartermijn")
    NOT_APPLICABLE = "nvt", _("Niet van toepassing")
    # Only for filtering and showing rows written before grounds were recorded (stored empty).
    UNKNOWN = "onbekend", _("onbekend (vóór registratie)")


#: The grounds that say under which consent situation a request was handled.
REQUEST_GROUNDS = frozenset(
    {Ground.CONSENT, Ground.CONSENT_REFUSED, Ground.SERIOUS_DANGER, Ground.NOT_YET_CHOSEN}
)


class Sensitivity(models.TextChoices):
    HEALTH = "gezondheid", _("Gezondheidsgegevens")
    PERSONAL = "persoonsgegevens", _("Persoonsgegevens")
    METADATA = "metadata", _("Metagegevens")
    UNKNOWN = "onbekend", _("onbekend (vóór registratie)")


@dataclass(frozen=True)
class GroundValue:
    """One event's ground: the kind, the framework beside it and the identifiers."""

    ground: str
    framework: str = ""
    ref: str = ""

    def columns(self) -> dict[str, str]:
        return {"ground": str(self.ground), "ground_framework": self.framework, "ground_ref": self.ref}


NOT_APPLICABLE = GroundValue(Ground.NOT_APPLICABLE)

#: ``resolver(obj)`` -> the ground of an event about ``obj``, or ``None`` when it is not theirs.
GroundResolver = Callable[[Any], "GroundValue | None"]

_resolvers: list[GroundResolver] = []
_frameworks: dict[str, object] = {}


def register_ground_resolver(resolver: GroundResolver) -> None:
    """Add an app's resolver (idempotent: registering the same function again is harmless)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def register_frameworks(choices: type[models.TextChoices]) -> None:
    """The labels of the legal frameworks (L3) the owning app stores on its requests."""
    for member in choices:
        _frameworks[str(member.value)] = member.label


def frameworks() -> dict[str, str]:
    return {code: str(label) for code, label in _frameworks.items()}


def resolve_ground(obj: Any) -> GroundValue | None:
    """The ground an app's resolver gives for ``obj`` as it is now, or ``None``."""
    if obj is None:
        return None
    for resolver in _resolvers:
        found = resolver(obj)
        if found is not None:
            return found
    return None


def framework_label(code: str) -> str:
    found = _frameworks.get(code)
    return str(found) if found is not None else code


def _ref_words(ref: str) -> str:
    """``verklaring:12`` -> "verklaring 12"; the consultation outcome in words."""
    outcomes = {
        "akkoord": gettext("ouder akkoord met verstrekken"),
        "niet_akkoord": gettext("ouder niet akkoord met verstrekken"),
        "open": gettext("overleg met de ouder nog niet vastgelegd"),
    }
    words = []
    for part in filter(None, ref.split(";")):
        key, _sep, value = part.partition(":")
        if key == "verklaring":
            words.append(gettext("verklaring %(number)s") % {"number": value})
        elif key == "uitkomst":
            words.append(outcomes.get(value, value))
        else:
            words.append(part)
    return ", ".join(words)


def ground_label(ground: str, framework: str = "", ref: str = "") -> str:
    """The ground in words, e.g. "Toestemming van de ouder (verklaring 12); kader: Ondertoezicht-
    stelling …". Empty is a row written before grounds were recorded."""
    if not ground:
        return str(UNKNOWN_LABEL)
    try:
        text = str(Ground(ground).label)
    except ValueError:
        text = ground
    details = _ref_words(ref)
    if details:
        text = f"{text} ({details})"
    if framework:
        text = gettext("%(ground)s; kader: %(framework)s") % {
            "ground": text, "framework": framework_label(framework)
        }
    return text


def sensitivity_label(value: str) -> str:
    if not value:
        return str(UNKNOWN_LABEL)
    try:
        return str(Sensitivity(value).label)
    except ValueError:
        return value


def ground_filter_choices() -> list[tuple[str, str]]:
    """The audit page's "Grondslag" filter: every ground, then every framework ("kader:<code>")."""
    choices = [(str(value), str(label)) for value, label in Ground.choices]
    choices += [
        (f"kader:{code}", gettext("Kader: %(framework)s") % {"framework": label})
        for code, label in frameworks().items()
    ]
    return choices


def checked_sensitivity(value: str, event: str) -> str:
    if value not in Sensitivity.values or value == Sensitivity.UNKNOWN:
        raise ValueError(f"audit code {event!r}: {value!r} is not a sensitivity; use Sensitivity")
    return str(value)


def checked_ground(value: GroundValue, event: str) -> GroundValue:
    if value.ground not in Ground.values or value.ground == Ground.UNKNOWN:
        raise ValueError(f"audit code {event!r}: {value.ground!r} is not a ground; use Ground")
    if len(value.framework) > 30 or len(value.ref) > 64:
        raise ValueError(f"audit code {event!r}: ground framework or reference too long")
    return value


def as_ground(value: GroundValue | str | Mapping | None) -> GroundValue | None:
    """Accept a :class:`GroundValue` or a bare :class:`Ground` value."""
    if value is None or value == "":
        return None
    if isinstance(value, GroundValue):
        return value
    if isinstance(value, Mapping):
        return GroundValue(**value)
    return GroundValue(str(value))
