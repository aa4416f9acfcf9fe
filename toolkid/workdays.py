"""Dutch working-day calendar (DOMAIN.md L1), used for the R26 answer term.

The protocol asks a provider to answer "reasonably within five working days" (R26). "Working
day" is therefore a protocol term and toolKID defines it once, here (DOMAIN.md L1):

* Monday to Friday are working days;
* minus the public holidays of the Algemene termijnenwet, art. 3: New Year's Day, Good Friday,
  Easter Monday, King's Day, 5 May (Liberation Day) **every year**, Ascension Day, Whit
  Monday, Christmas Day and Boxing Day (Easter Sunday and Whit Sunday are Sundays anyway);
* minus the extra days set by royal decree (``decree_days``; kept as editable data, with
  :data:`DEFAULT_DECREE_DAYS` as the built-in default);
* minus the closure days an organisation sets for itself (``closures``, supplied by the caller).

Carnival is an ordinary working day unless an organisation registers it as a closure day.

This module is deliberately pure: standard library only, no Django, no locale, no clock. It does
not use the ``holidays`` package, whose NL calendar has 5 May only in lustrum years and knows no
decree days. The labels it returns are Dutch because the UI shows them to users as-is.

Scope: today's rules are applied to every year. The calendar does not model Koninginnedag
(30 April, before 2014) or other historical arrangements; toolKID only computes terms for
requests filed in the present.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, TypeAlias

__all__ = [
    "DEFAULT_DECREE_DAYS",
    "Closure",
    "DueDateExplanation",
    "SkippedDay",
    "add_working_days",
    "easter_sunday",
    "explain_due_date",
    "is_working_day",
    "non_working_reason",
    "public_holidays",
    "working_days_between",
]

#: One organisation closure day: a bare date, or a ``(date, reason)`` pair.
Closure: TypeAlias = date | tuple[date, str]

#: Extra non-working days set by royal decree (L1). This is only the default: the database keeps
#: the editable list, and callers pass it as ``decree_days``. Read-only on purpose.
DEFAULT_DECREE_DAYS: Mapping[date, str] = MappingProxyType(
    {
        date(2026, 1, 2): "Vrijdag na Nieuwjaarsdag (besluit)",
        date(2026, 5, 15): "Vrijdag na Hemelvaartsdag (besluit)",
        date(2027, 5, 7): "Vrijdag na Hemelvaartsdag (besluit)",
    }
)

# Dutch UI labels. Kept as private constants so the wording lives in one place.
_NEW_YEARS_DAY = "Nieuwjaarsdag"
_GOOD_FRIDAY = "Goede Vrijdag"
_EASTER_MONDAY = "Tweede Paasdag"
_KINGS_DAY = "Koningsdag"
_LIBERATION_DAY = "Bevrijdingsdag"
_ASCENSION_DAY = "Hemelvaartsdag"
_WHIT_MONDAY = "Tweede Pinksterdag"
_CHRISTMAS_DAY = "Eerste Kerstdag"
_BOXING_DAY = "Tweede Kerstdag"
_SATURDAY = "zaterdag"
_SUNDAY = "zondag"
_CLOSURE = "sluitingsdag organisatie"
_DECREE_FALLBACK = "extra vrije dag (besluit)"

# Hard-coded Dutch names: the output must not depend on the server's locale.
_WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_WEEKDAYS_NL_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_NUMBERS_NL = (
    "nul",
    "één",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
    "twintig",
)

_ONE_DAY = timedelta(days=1)
_FIRST_GREGORIAN_EASTER_YEAR = 1583
_EXPLANATION_VERSION = 1


# --------------------------------------------------------------------------------------------
# Holidays
# --------------------------------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Return the date of (Western, Gregorian) Easter Sunday in ``year``.

    Uses the anonymous Gregorian algorithm (Meeus/Jones/Butcher), valid for every year of the
    Gregorian calendar (1583 onwards).

    Raises:
        ValueError: for years before 1583 or beyond what :class:`datetime.date` can hold.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if year < _FIRST_GREGORIAN_EASTER_YEAR:
        raise ValueError(f"Easter is only computed for Gregorian years (>= 1583), got {year}")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day_minus_one = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day_minus_one + 1)


def _kings_day(year: int) -> date:
    # Koningsdag is 27 April; when that is a Sunday it is celebrated on Saturday 26 April.
    # Both are weekend days then, but the label still matters for the explanation.
    day = date(year, 4, 27)
    return day - _ONE_DAY if day.weekday() == 6 else day


@functools.lru_cache(maxsize=256)
def _holidays_for(year: int) -> Mapping[date, str]:
    easter = easter_sunday(year)
    entries = (
        (date(year, 1, 1), _NEW_YEARS_DAY),
        (easter - timedelta(days=2), _GOOD_FRIDAY),
        (easter + timedelta(days=1), _EASTER_MONDAY),
        (_kings_day(year), _KINGS_DAY),
        (date(year, 5, 5), _LIBERATION_DAY),  # every year, not only lustrum years (L1)
        (easter + timedelta(days=39), _ASCENSION_DAY),
        (easter + timedelta(days=50), _WHIT_MONDAY),
        (date(year, 12, 25), _CHRISTMAS_DAY),
        (date(year, 12, 26), _BOXING_DAY),
    )
    result: dict[date, str] = {}
    for day, label in entries:
        # Ascension Day can fall on 5 May (2016, 2005); keep both names rather than lose one.
        result[day] = f"{result[day]} en {label}" if day in result else label
    return MappingProxyType(dict(sorted(result.items())))


def public_holidays(year: int) -> dict[date, str]:
    """Return the Algemene termijnenwet (art. 3) public holidays of ``year``, with Dutch labels.

    Only the statutory holidays are returned: no weekends, no decree days, no organisation
    closures. The dict is ordered by date and is a fresh copy the caller may modify. When two
    holidays share a date (Ascension Day on 5 May, e.g. 2016) the labels are joined with " en ".
    """
    return dict(_holidays_for(year))


# --------------------------------------------------------------------------------------------
# The calendar: holidays + decree days + weekends + organisation closures
# --------------------------------------------------------------------------------------------


def _require_date(value: object, name: str) -> date:
    # datetime is a subclass of date, but date(2026, 1, 1) != datetime(2026, 1, 1): a datetime
    # would silently miss every holiday lookup. Refuse it loudly instead.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime), got {value!r}")
    return value


def _require_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {days!r}")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return days


class _Calendar:
    """The non-working days for one call, with closures and decree days normalised once."""

    __slots__ = ("_closures", "_decree_days")

    def __init__(
        self,
        closures: Iterable[Closure],
        decree_days: Mapping[date, str] | None,
    ) -> None:
        self._decree_days = self._normalise_decree_days(decree_days)
        self._closures = self._normalise_closures(closures)

    @staticmethod
    def _normalise_decree_days(decree_days: Mapping[date, str] | None) -> dict[date, str]:
        source = DEFAULT_DECREE_DAYS if decree_days is None else decree_days
        result: dict[date, str] = {}
        for day, label in source.items():
            _require_date(day, "a decree day")
            text = label.strip() if isinstance(label, str) else ""
            result[day] = text or _DECREE_FALLBACK
        return result

    @staticmethod
    def _normalise_closures(closures: Iterable[Closure]) -> dict[date, str]:
        reasons: dict[date, list[str]] = {}
        for item in closures:
            if isinstance(item, date):
                day, reason = item, ""
            elif isinstance(item, (tuple, list)) and len(item) == 2:
                day, reason = item
                if not isinstance(reason, str):
                    raise TypeError(f"a closure reason must be a str, got {reason!r}")
            else:
                raise TypeError(f"a closure must be a date or a (date, reason) pair, got {item!r}")
            _require_date(day, "a closure day")
            known = reasons.setdefault(day, [])
            reason = reason.strip()
            if reason and reason not in known:
                known.append(reason)
        return {
            day: f"{_CLOSURE}: {'; '.join(found)}" if found else _CLOSURE
            for day, found in reasons.items()
        }

    def reason(self, day: date) -> str | None:
        # Precedence when a day is non-working for several reasons: the statutory holiday,
        # then the decree day, then the weekend, then the organisation's closure. The most
        # specific public reason is the one a user recognises ("za 26 dec (Tweede Kerstdag)").
        label = _holidays_for(day.year).get(day)
        if label is not None:
            return label
        label = self._decree_days.get(day)
        if label is not None:
            return label
        weekday = day.weekday()
        if weekday == 5:
            return _SATURDAY
        if weekday == 6:
            return _SUNDAY
        return self._closures.get(day)


def non_working_reason(
    day: date,
    *,
    closures: Iterable[Closure] = (),
    decree_days: Mapping[date, str] | None = None,
) -> str | None:
    """Return why ``day`` is not a working day (a Dutch label), or ``None`` if it is one.

    Args:
        day: the calendar day to check.
        closures: the organisation's own closure days, each a ``date`` or a ``(date, reason)``
            pair; labelled "sluitingsdag organisatie" or "sluitingsdag organisatie: <reason>".
        decree_days: extra non-working days set by royal decree, mapped to their label.
            ``None`` means :data:`DEFAULT_DECREE_DAYS`; pass the database's list (an empty
            mapping means "no decree days").

    When several reasons apply, the first of these wins: public holiday, decree day, weekend
    ("zaterdag"/"zondag"), organisation closure.
    """
    _require_date(day, "day")
    return _Calendar(closures, decree_days).reason(day)


def is_working_day(
    day: date,
    *,
    closures: Iterable[Closure] = (),
    decree_days: Mapping[date, str] | None = None,
) -> bool:
    """Return whether ``day`` is a working day under L1 (see :func:`non_working_reason`)."""
    return non_working_reason(day, closures=closures, decree_days=decree_days) is None


# --------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A non-working day passed over while counting, with its Dutch reason."""

    day: date
    reason: str


@dataclass(frozen=True, slots=True)
class DueDateExplanation:
    """How a due date was computed: stored beside the due date so the UI can show it.

    Attributes:
        start: the day the term started (not counted itself).
        days: the number of working days in the term.
        due: the last day of the term (the ``days``-th working day after ``start``).
        skipped: every non-working day in ``(start, due]``, in date order, with its reason.
        counted: the working days counted, in date order (``len(counted) == days``).
    """

    start: date
    days: int
    due: date
    skipped: tuple[SkippedDay, ...] = ()
    counted: tuple[date, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (ISO dates) for a JSONField; inverse of :meth:`from_dict`."""
        return {
            "version": _EXPLANATION_VERSION,
            "start": self.start.isoformat(),
            "days": self.days,
            "due": self.due.isoformat(),
            "skipped": [{"day": s.day.isoformat(), "reason": s.reason} for s in self.skipped],
            "counted": [d.isoformat() for d in self.counted],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DueDateExplanation:
        """Rebuild an explanation stored with :meth:`to_dict`.

        The stored explanation is a historical record: it is restored as written and is *not*
        recomputed against today's calendar (decree days or closures may have been edited
        since).

        Raises:
            ValueError: when ``data`` is not a stored explanation of a known version.
        """
        try:
            version = data.get("version", _EXPLANATION_VERSION)
            if version != _EXPLANATION_VERSION:
                raise ValueError(f"unknown explanation version {version!r}")
            days = data["days"]
            if isinstance(days, bool) or not isinstance(days, int) or days < 0:
                raise ValueError(f"days must be a non-negative int, got {days!r}")
            return cls(
                start=_parse_iso_date(data["start"]),
                days=days,
                due=_parse_iso_date(data["due"]),
                skipped=tuple(
                    SkippedDay(day=_parse_iso_date(item["day"]), reason=_parse_str(item["reason"]))
                    for item in data["skipped"]
                ),
                counted=tuple(_parse_iso_date(item) for item in data["counted"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a stored due-date explanation: {exc!r}") from exc

    def summary_nl(self, *, start_label: str = "Ingediend op") -> str:
        """Return a one-paragraph Dutch explanation for the UI.

        Example: "Ingediend op donderdag 30 april 2026. Vijf werkdagen geteld; overgeslagen:
        za 2 mei (zaterdag), zo 3 mei (zondag), di 5 mei (Bevrijdingsdag). Uiterste datum:
        vrijdag 8 mei 2026."

        ``start_label`` replaces "Ingediend op" when the term started otherwise (e.g. after
        the clock was restarted). Skipped days outside the start's year carry their year.
        """
        if self.days == 0:
            counted = "Geen werkdagen geteld"
        elif self.days == 1:
            counted = "Eén werkdag geteld"
        elif self.days < len(_NUMBERS_NL):
            counted = f"{_NUMBERS_NL[self.days].capitalize()} werkdagen geteld"
        else:
            counted = f"{self.days} werkdagen geteld"
        if self.skipped:
            listed = ", ".join(
                f"{_short_date_nl(s.day, self.start.year)} ({s.reason})" for s in self.skipped
            )
            skipped = f"overgeslagen: {listed}"
        else:
            skipped = "geen dagen overgeslagen"
        return (
            f"{start_label} {_long_date_nl(self.start)}. {counted}; {skipped}. "
            f"Uiterste datum: {_long_date_nl(self.due)}."
        )


def _parse_iso_date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string, got {value!r}")
    return date.fromisoformat(value)


def _parse_str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _long_date_nl(day: date) -> str:
    return f"{_WEEKDAYS_NL[day.weekday()]} {day.day} {_MONTHS_NL[day.month - 1]} {day.year}"


def _short_date_nl(day: date, reference_year: int) -> str:
    text = f"{_WEEKDAYS_NL_SHORT[day.weekday()]} {day.day} {_MONTHS_NL[day.month - 1]}"
    return text if day.year == reference_year else f"{text} {day.year}"


def _walk(start: date, days: int, calendar: _Calendar) -> DueDateExplanation:
    skipped: list[SkippedDay] = []
    counted: list[date] = []
    current = start
    if days == 0 and calendar.reason(start) is None:
        return DueDateExplanation(start=start, days=0, due=start)
    # days == 0 on a non-working day: stop at the first working day, without counting it.
    target = max(days, 1)
    found = 0
    while found < target:
        current += _ONE_DAY
        reason = calendar.reason(current)
        if reason is None:
            found += 1
            if days:
                counted.append(current)
        else:
            skipped.append(SkippedDay(day=current, reason=reason))
    return DueDateExplanation(
        start=start, days=days, due=current, skipped=tuple(skipped), counted=tuple(counted)
    )


def explain_due_date(
    start: date,
    days: int,
    *,
    closures: Iterable[Closure] = (),
    decree_days: Mapping[date, str] | None = None,
) -> DueDateExplanation:
    """Compute the due date of a ``days``-working-day term from ``start``, with its working.

    The counting rule is that of :func:`add_working_days`; the result also lists every day
    skipped and why, and every day counted. See :func:`non_working_reason` for ``closures``
    and ``decree_days``.
    """
    _require_date(start, "start")
    return _walk(start, _require_days(days), _Calendar(closures, decree_days))


def add_working_days(
    start: date,
    days: int,
    *,
    closures: Iterable[Closure] = (),
    decree_days: Mapping[date, str] | None = None,
) -> date:
    """Return the ``days``-th working day after ``start`` (R26: "within five working days").

    The start day itself is never counted: a request submitted on Monday 2 November 2026 with
    a five-day term is due Monday 9 November 2026; one submitted on a Saturday starts counting
    on the Monday.

    ``days == 0`` returns ``start`` if it is a working day, otherwise the next working day.

    Raises:
        ValueError: if ``days`` is negative.
        TypeError: if ``start`` is not a ``date`` (a ``datetime`` is refused) or ``days`` is
            not an int.
    """
    return explain_due_date(start, days, closures=closures, decree_days=decree_days).due


def working_days_between(
    start: date,
    end: date,
    *,
    closures: Iterable[Closure] = (),
    decree_days: Mapping[date, str] | None = None,
) -> int:
    """Count the working days ``d`` with ``start < d <= end``; negative when ``end < start``.

    For the "nog 3 werkdagen" / "2 werkdagen te laat" chips:
    ``working_days_between(today, due)`` is the number of working days left, and
    ``working_days_between(due, today)`` the number of working days overdue. The function is
    antisymmetric: ``working_days_between(a, b) == -working_days_between(b, a)``, and for
    ``days >= 1``, ``working_days_between(start, add_working_days(start, days)) == days``.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end < start:
        return -working_days_between(end, start, closures=closures, decree_days=decree_days)
    calendar = _Calendar(closures, decree_days)
    count = 0
    current = start
    while current < end:
        current += _ONE_DAY
        if calendar.reason(current) is None:
            count += 1
    return count
