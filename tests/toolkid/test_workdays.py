"""Tests for toolkid.workdays: the working-day calendar of DOMAIN.md L1, used for R26.

Every expected date below was read off a printed calendar (``python3 -m calendar 2026``) and
the published Easter table, never derived from the module under test. Weekdays of the dates
used are noted in the comments so a reader can check them against a calendar.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from toolkid.workdays import (
    DEFAULT_DECREE_DAYS,
    Closure,
    DueDateExplanation,
    SkippedDay,
    add_working_days,
    easter_sunday,
    explain_due_date,
    is_working_day,
    non_working_reason,
    public_holidays,
    working_days_between,
)

D = date  # short alias keeps the tables readable

# --------------------------------------------------------------------------------------------
# L1: Easter (anonymous Gregorian algorithm) against the published table
# --------------------------------------------------------------------------------------------

EASTER_SUNDAYS = {
    2000: D(2000, 4, 23),
    2001: D(2001, 4, 15),
    2002: D(2002, 3, 31),
    2003: D(2003, 4, 20),
    2004: D(2004, 4, 11),
    2005: D(2005, 3, 27),
    2006: D(2006, 4, 16),
    2007: D(2007, 4, 8),
    2008: D(2008, 3, 23),
    2009: D(2009, 4, 12),
    2010: D(2010, 4, 4),
    2011: D(2011, 4, 24),
    2012: D(2012, 4, 8),
    2013: D(2013, 3, 31),
    2014: D(2014, 4, 20),
    2015: D(2015, 4, 5),
    2016: D(2016, 3, 27),
    2017: D(2017, 4, 16),
    2018: D(2018, 4, 1),
    2019: D(2019, 4, 21),
    2020: D(2020, 4, 12),
    2021: D(2021, 4, 4),
    2022: D(2022, 4, 17),
    2023: D(2023, 4, 9),
    2024: D(2024, 3, 31),
    2025: D(2025, 4, 20),
    2026: D(2026, 4, 5),
    2027: D(2027, 3, 28),
    2028: D(2028, 4, 16),
    2029: D(2029, 4, 1),
    2030: D(2030, 4, 21),
    2031: D(2031, 4, 13),
    2032: D(2032, 3, 28),
    2033: D(2033, 4, 17),
    2034: D(2034, 4, 9),
    2035: D(2035, 3, 25),
}


@pytest.mark.parametrize(("year", "expected"), sorted(EASTER_SUNDAYS.items()))
def test_l1_easter_sunday_matches_published_table_2000_2035(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_l1_easter_sunday_is_always_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 3000):
        easter = easter_sunday(year)
        assert easter.weekday() == 6, year
        assert D(year, 3, 22) <= easter <= D(year, 4, 25), year


def test_l1_easter_sunday_refuses_pre_gregorian_years_and_non_ints() -> None:
    with pytest.raises(ValueError):
        easter_sunday(1582)
    with pytest.raises(TypeError):
        easter_sunday(2026.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        easter_sunday(True)


# --------------------------------------------------------------------------------------------
# L1: the Algemene termijnenwet (art. 3) holidays, every one of them, 2024-2030
# --------------------------------------------------------------------------------------------

# fmt: off
HOLIDAYS_BY_YEAR: dict[int, dict[date, str]] = {
    2024: {  # Easter 31 March
        D(2024, 1, 1): "Nieuwjaarsdag",        # Monday
        D(2024, 3, 29): "Goede Vrijdag",
        D(2024, 4, 1): "Tweede Paasdag",
        D(2024, 4, 27): "Koningsdag",          # Saturday
        D(2024, 5, 5): "Bevrijdingsdag",       # Sunday
        D(2024, 5, 9): "Hemelvaartsdag",
        D(2024, 5, 20): "Tweede Pinksterdag",
        D(2024, 12, 25): "Eerste Kerstdag",    # Wednesday
        D(2024, 12, 26): "Tweede Kerstdag",    # Thursday
    },
    2025: {  # Easter 20 April
        D(2025, 1, 1): "Nieuwjaarsdag",        # Wednesday
        D(2025, 4, 18): "Goede Vrijdag",
        D(2025, 4, 21): "Tweede Paasdag",
        D(2025, 4, 26): "Koningsdag",          # 27 April is a Sunday -> Saturday 26 April
        D(2025, 5, 5): "Bevrijdingsdag",       # Monday, lustrum year
        D(2025, 5, 29): "Hemelvaartsdag",
        D(2025, 6, 9): "Tweede Pinksterdag",
        D(2025, 12, 25): "Eerste Kerstdag",    # Thursday
        D(2025, 12, 26): "Tweede Kerstdag",    # Friday
    },
    2026: {  # Easter 5 April
        D(2026, 1, 1): "Nieuwjaarsdag",        # Thursday
        D(2026, 4, 3): "Goede Vrijdag",
        D(2026, 4, 6): "Tweede Paasdag",
        D(2026, 4, 27): "Koningsdag",          # Monday
        D(2026, 5, 5): "Bevrijdingsdag",       # Tuesday, NOT a lustrum year
        D(2026, 5, 14): "Hemelvaartsdag",
        D(2026, 5, 25): "Tweede Pinksterdag",
        D(2026, 12, 25): "Eerste Kerstdag",    # Friday
        D(2026, 12, 26): "Tweede Kerstdag",    # Saturday
    },
    2027: {  # Easter 28 March
        D(2027, 1, 1): "Nieuwjaarsdag",        # Friday
        D(2027, 3, 26): "Goede Vrijdag",
        D(2027, 3, 29): "Tweede Paasdag",
        D(2027, 4, 27): "Koningsdag",          # Tuesday
        D(2027, 5, 5): "Bevrijdingsdag",       # Wednesday, NOT a lustrum year
        D(2027, 5, 6): "Hemelvaartsdag",
        D(2027, 5, 17): "Tweede Pinksterdag",
        D(2027, 12, 25): "Eerste Kerstdag",    # Saturday
        D(2027, 12, 26): "Tweede Kerstdag",    # Sunday
    },
    2028: {  # Easter 16 April
        D(2028, 1, 1): "Nieuwjaarsdag",        # Saturday
        D(2028, 4, 14): "Goede Vrijdag",
        D(2028, 4, 17): "Tweede Paasdag",
        D(2028, 4, 27): "Koningsdag",          # Thursday
        D(2028, 5, 5): "Bevrijdingsdag",       # Friday, NOT a lustrum year
        D(2028, 5, 25): "Hemelvaartsdag",
        D(2028, 6, 5): "Tweede Pinksterdag",
        D(2028, 12, 25): "Eerste Kerstdag",    # Monday
        D(2028, 12, 26): "Tweede Kerstdag",    # Tuesday
    },
    2029: {  # Easter 1 April
        D(2029, 1, 1): "Nieuwjaarsdag",        # Monday
        D(2029, 3, 30): "Goede Vrijdag",
        D(2029, 4, 2): "Tweede Paasdag",
        D(2029, 4, 27): "Koningsdag",          # Friday
        D(2029, 5, 5): "Bevrijdingsdag",       # Saturday
        D(2029, 5, 10): "Hemelvaartsdag",
        D(2029, 5, 21): "Tweede Pinksterdag",
        D(2029, 12, 25): "Eerste Kerstdag",    # Tuesday
        D(2029, 12, 26): "Tweede Kerstdag",    # Wednesday
    },
    2030: {  # Easter 21 April
        D(2030, 1, 1): "Nieuwjaarsdag",        # Tuesday
        D(2030, 4, 19): "Goede Vrijdag",
        D(2030, 4, 22): "Tweede Paasdag",
        D(2030, 4, 27): "Koningsdag",          # Saturday
        D(2030, 5, 5): "Bevrijdingsdag",       # Sunday, lustrum year
        D(2030, 5, 30): "Hemelvaartsdag",
        D(2030, 6, 10): "Tweede Pinksterdag",
        D(2030, 12, 25): "Eerste Kerstdag",    # Wednesday
        D(2030, 12, 26): "Tweede Kerstdag",    # Thursday
    },
}
# fmt: on

ALL_HOLIDAYS_2024_2030 = [
    (day, label)
    for year in sorted(HOLIDAYS_BY_YEAR)
    for day, label in HOLIDAYS_BY_YEAR[year].items()
]


@pytest.mark.parametrize("year", sorted(HOLIDAYS_BY_YEAR))
def test_l1_public_holidays_are_exactly_the_nine_termijnenwet_days(year: int) -> None:
    assert public_holidays(year) == HOLIDAYS_BY_YEAR[year]


@pytest.mark.parametrize(("day", "label"), ALL_HOLIDAYS_2024_2030, ids=str)
def test_l1_every_holiday_2024_2030_is_not_a_working_day(day: date, label: str) -> None:
    assert not is_working_day(day)
    # A statutory holiday is named as such, even when it falls on a weekend.
    assert non_working_reason(day) == label


def test_l1_public_holidays_is_sorted_and_a_fresh_copy() -> None:
    holidays = public_holidays(2026)
    assert list(holidays) == sorted(holidays)
    holidays.clear()
    assert len(public_holidays(2026)) == 9


def test_l1_public_holidays_exclude_easter_and_whit_sunday_weekends_and_decree_days() -> None:
    holidays = public_holidays(2026)
    assert D(2026, 4, 5) not in holidays  # Easter Sunday: a Sunday anyway
    assert D(2026, 5, 24) not in holidays  # Whit Sunday: a Sunday anyway
    assert D(2026, 1, 2) not in holidays  # decree day, not a statutory holiday
    assert non_working_reason(D(2026, 4, 5)) == "zondag"
    assert non_working_reason(D(2026, 5, 24)) == "zondag"


def test_l1_ascension_day_on_liberation_day_keeps_both_names() -> None:
    # 2016: Easter 27 March, so Ascension Day (Easter + 39) is Thursday 5 May.
    holidays = public_holidays(2016)
    assert len(holidays) == 8
    assert "Bevrijdingsdag" in holidays[D(2016, 5, 5)]
    assert "Hemelvaartsdag" in holidays[D(2016, 5, 5)]


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 5, 5),  # Tuesday
        D(2027, 5, 5),  # Wednesday
        D(2028, 5, 5),  # Friday
        D(2029, 5, 5),  # Saturday (a weekend day anyway, still named Bevrijdingsdag)
    ],
)
def test_l1_liberation_day_5_may_is_off_in_non_lustrum_years_too(day: date) -> None:
    # The `holidays` package has 5 May only every fifth year; L1 says every year.
    assert not is_working_day(day)
    assert non_working_reason(day) == "Bevrijdingsdag"


@pytest.mark.parametrize("day", [D(2026, 4, 3), D(2027, 3, 26)])
def test_l1_good_friday_is_not_a_working_day(day: date) -> None:
    assert day.weekday() == 4
    assert non_working_reason(day) == "Goede Vrijdag"


def test_l1_kings_day_on_a_sunday_moves_to_saturday_26_april() -> None:
    # 27 April 2025 is a Sunday, so Koningsdag is Saturday 26 April 2025.
    assert D(2025, 4, 27).weekday() == 6
    holidays = public_holidays(2025)
    assert holidays[D(2025, 4, 26)] == "Koningsdag"
    assert D(2025, 4, 27) not in holidays
    assert non_working_reason(D(2025, 4, 26)) == "Koningsdag"
    assert non_working_reason(D(2025, 4, 27)) == "zondag"
    # Also 2031 and 2036: 27 April is a Sunday in both.
    assert public_holidays(2031)[D(2031, 4, 26)] == "Koningsdag"
    assert public_holidays(2036)[D(2036, 4, 26)] == "Koningsdag"


def test_l1_kings_day_on_a_weekday_is_27_april() -> None:
    assert non_working_reason(D(2026, 4, 27)) == "Koningsdag"  # Monday
    assert is_working_day(D(2026, 4, 24))  # the Friday before
    assert is_working_day(D(2026, 4, 28))  # the Tuesday after


def test_l1_ascension_and_whit_monday_2026() -> None:
    assert non_working_reason(D(2026, 5, 14)) == "Hemelvaartsdag"  # Thursday
    assert non_working_reason(D(2026, 5, 25)) == "Tweede Pinksterdag"  # Monday
    assert is_working_day(D(2026, 5, 26))  # the Tuesday after Whitsun


# --------------------------------------------------------------------------------------------
# L1: weekends, ordinary days, Carnival
# --------------------------------------------------------------------------------------------


def test_l1_weekends_are_not_working_days() -> None:
    assert non_working_reason(D(2026, 11, 7)) == "zaterdag"
    assert non_working_reason(D(2026, 11, 8)) == "zondag"
    assert not is_working_day(D(2026, 11, 7))


def test_l1_an_ordinary_weekday_is_a_working_day() -> None:
    for day in (D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)):
        assert is_working_day(day)
        assert non_working_reason(day) is None


@pytest.mark.parametrize("day", [D(2026, 2, 16), D(2026, 2, 17)])
def test_l1_carnival_monday_and_tuesday_are_working_days(day: date) -> None:
    # Carnival 2026 (Ash Wednesday 18 Feb): ordinary working days unless an organisation closes.
    assert is_working_day(day)
    assert is_working_day(day, decree_days={})


# --------------------------------------------------------------------------------------------
# L1: extra days by royal decree, kept as editable data
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2026, 1, 2), "Vrijdag na Nieuwjaarsdag (besluit)"),
        (D(2026, 5, 15), "Vrijdag na Hemelvaartsdag (besluit)"),
        (D(2027, 5, 7), "Vrijdag na Hemelvaartsdag (besluit)"),
    ],
)
def test_l1_default_decree_days_are_not_working_days(day: date, label: str) -> None:
    assert day.weekday() == 4  # all three are Fridays
    assert DEFAULT_DECREE_DAYS[day] == label
    assert not is_working_day(day)
    assert non_working_reason(day) == label


def test_l1_default_decree_days_are_exactly_the_three_known_days() -> None:
    assert set(DEFAULT_DECREE_DAYS) == {D(2026, 1, 2), D(2026, 5, 15), D(2027, 5, 7)}


def test_l1_default_decree_days_cannot_be_mutated_by_accident() -> None:
    with pytest.raises(TypeError):
        DEFAULT_DECREE_DAYS[D(2030, 1, 2)] = "x"  # type: ignore[index]


def test_l1_empty_decree_mapping_makes_2_january_2026_a_working_day() -> None:
    assert is_working_day(D(2026, 1, 2), decree_days={})
    assert is_working_day(D(2026, 5, 15), decree_days={})
    assert is_working_day(D(2027, 5, 7), decree_days={})


def test_l1_custom_decree_mapping_replaces_the_defaults() -> None:
    custom = {D(2026, 11, 6): "Extra vrije dag (besluit)"}
    assert non_working_reason(D(2026, 11, 6), decree_days=custom) == "Extra vrije dag (besluit)"
    assert is_working_day(D(2026, 11, 6))  # not with the defaults
    # The defaults are replaced, not extended.
    assert is_working_day(D(2026, 1, 2), decree_days=custom)


def test_l1_decree_day_without_label_gets_a_generic_dutch_reason() -> None:
    assert non_working_reason(D(2026, 11, 6), decree_days={D(2026, 11, 6): " "}) == (
        "extra vrije dag (besluit)"
    )


# --------------------------------------------------------------------------------------------
# L1: an organisation's own closure days
# --------------------------------------------------------------------------------------------


def test_l1_closure_day_as_plain_date() -> None:
    assert is_working_day(D(2026, 2, 16))
    assert not is_working_day(D(2026, 2, 16), closures=[D(2026, 2, 16)])
    assert non_working_reason(D(2026, 2, 16), closures=[D(2026, 2, 16)]) == (
        "sluitingsdag organisatie"
    )


def test_l1_closure_day_with_reason() -> None:
    closures = [(D(2026, 2, 16), "carnaval")]
    assert non_working_reason(D(2026, 2, 16), closures=closures) == (
        "sluitingsdag organisatie: carnaval"
    )
    # Only that day: Tuesday 17 Feb 2026 stays a working day.
    assert is_working_day(D(2026, 2, 17), closures=closures)


def test_l1_closure_day_listed_twice_joins_its_reasons() -> None:
    closures: list[Closure] = [
        (D(2026, 2, 16), "carnaval"),
        D(2026, 2, 16),
        (D(2026, 2, 16), "teamdag"),
    ]
    assert non_working_reason(D(2026, 2, 16), closures=closures) == (
        "sluitingsdag organisatie: carnaval; teamdag"
    )


def test_l1_closures_may_be_a_one_shot_generator() -> None:
    closures = (day for day in [D(2026, 11, 3)])
    # Mon 2 Nov 2026 + 1: Tuesday 3 closed -> Wednesday 4 November.
    assert add_working_days(D(2026, 11, 2), 1, closures=closures) == D(2026, 11, 4)


def test_l1_a_holiday_or_weekend_keeps_its_own_name_when_also_a_closure_day() -> None:
    closures = [(D(2026, 4, 27), "teamuitje"), (D(2026, 11, 7), "verhuizing")]
    assert non_working_reason(D(2026, 4, 27), closures=closures) == "Koningsdag"
    assert non_working_reason(D(2026, 11, 7), closures=closures) == "zaterdag"


def test_l1_malformed_closures_are_refused() -> None:
    with pytest.raises(TypeError):
        is_working_day(D(2026, 11, 2), closures=["2026-11-02"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        is_working_day(D(2026, 11, 2), closures=[(D(2026, 11, 2), 5)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        is_working_day(D(2026, 11, 2), closures=[datetime(2026, 11, 2)])


def test_l1_datetimes_are_refused_because_they_would_miss_every_holiday() -> None:
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 1, 1, 9, 0))
    with pytest.raises(TypeError):
        add_working_days(datetime(2026, 11, 2, 9, 0), 5)
    with pytest.raises(TypeError):
        working_days_between(D(2026, 11, 2), datetime(2026, 11, 9))
    with pytest.raises(TypeError):
        is_working_day(D(2026, 11, 2), decree_days={datetime(2026, 11, 2): "x"})


# --------------------------------------------------------------------------------------------
# R26 / L1: add_working_days
# --------------------------------------------------------------------------------------------


def test_r26_five_working_days_from_an_ordinary_monday() -> None:
    # Mon 2 Nov 2026: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 -> due Monday 9 November.
    assert add_working_days(D(2026, 11, 2), 5) == D(2026, 11, 9)


def test_r26_the_start_day_itself_is_not_counted() -> None:
    assert add_working_days(D(2026, 11, 2), 1) == D(2026, 11, 3)
    assert add_working_days(D(2026, 11, 6), 1) == D(2026, 11, 9)  # Friday -> Monday


def test_r26_submitted_on_a_weekend_counting_starts_monday() -> None:
    # Sat 7 / Sun 8 Nov 2026: Mon 9 is day 1, Fri 13 is day 5.
    assert add_working_days(D(2026, 11, 7), 1) == D(2026, 11, 9)
    assert add_working_days(D(2026, 11, 7), 5) == D(2026, 11, 13)
    assert add_working_days(D(2026, 11, 8), 5) == D(2026, 11, 13)


def test_r26_zero_days_is_start_on_a_working_day_else_the_next_working_day() -> None:
    assert add_working_days(D(2026, 11, 2), 0) == D(2026, 11, 2)  # Monday
    assert add_working_days(D(2026, 11, 7), 0) == D(2026, 11, 9)  # Saturday -> Monday
    assert add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 28)  # Kerst -> Monday 28


def test_r26_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 2), -1)
    with pytest.raises(ValueError):
        explain_due_date(D(2026, 11, 2), -5)


def test_r26_non_int_days_are_refused() -> None:
    with pytest.raises(TypeError):
        add_working_days(D(2026, 11, 2), 5.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        add_working_days(D(2026, 11, 2), True)


def test_r26_across_ascension_thursday_and_decree_friday_2026() -> None:
    # Wed 13 May 2026: Thu 14 Hemelvaartsdag, Fri 15 decree day, Sat 16, Sun 17 skipped;
    # Mon 18 (1), Tue 19 (2), Wed 20 (3), Thu 21 (4), Fri 22 (5).
    assert add_working_days(D(2026, 5, 13), 5) == D(2026, 5, 22)
    # Without the decree day, Friday 15 counts: Fri 15, Mon 18, Tue 19, Wed 20, Thu 21.
    assert add_working_days(D(2026, 5, 13), 5, decree_days={}) == D(2026, 5, 21)


def test_r26_across_easter_2026() -> None:
    # Thu 2 Apr 2026: Fri 3 Goede Vrijdag, Sat 4, Sun 5, Mon 6 Tweede Paasdag skipped;
    # Tue 7 (1), Wed 8 (2), Thu 9 (3), Fri 10 (4), Mon 13 (5).
    assert add_working_days(D(2026, 4, 2), 5) == D(2026, 4, 13)


def test_r26_across_kings_day_2026() -> None:
    # Fri 24 Apr 2026: Sat 25, Sun 26, Mon 27 Koningsdag skipped;
    # Tue 28 (1), Wed 29 (2), Thu 30 (3), Fri 1 May (4), Mon 4 May (5).
    assert add_working_days(D(2026, 4, 24), 5) == D(2026, 5, 4)


def test_r26_across_kings_day_and_liberation_day_2026() -> None:
    # Sun 26 Apr 2026 (start), Mon 27 Koningsdag; Tue 28 (1), Wed 29 (2), Thu 30 (3),
    # Fri 1 May (4), Mon 4 May (5), Tue 5 May Bevrijdingsdag, Wed 6 May (6), Thu 7 May (7).
    assert add_working_days(D(2026, 4, 26), 7) == D(2026, 5, 7)


def test_r26_across_liberation_day_2026() -> None:
    # Thu 30 Apr 2026: Fri 1 (1), Sat 2, Sun 3, Mon 4 (2), Tue 5 Bevrijdingsdag,
    # Wed 6 (3), Thu 7 (4), Fri 8 (5).
    assert add_working_days(D(2026, 4, 30), 5) == D(2026, 5, 8)
    # Fri 1 May 2026: Mon 4 (1), Wed 6 (2), Thu 7 (3), Fri 8 (4), Mon 11 (5).
    assert add_working_days(D(2026, 5, 1), 5) == D(2026, 5, 11)


def test_r26_christmas_to_new_year_2026_2027() -> None:
    # Wed 23 Dec 2026: Thu 24 (1), Fri 25 Eerste Kerstdag, Sat 26 Tweede Kerstdag, Sun 27,
    # Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5).
    assert add_working_days(D(2026, 12, 23), 5) == D(2026, 12, 31)
    # One more: Fri 1 Jan 2027 Nieuwjaarsdag, Sat 2, Sun 3 -> Mon 4 Jan 2027 (6).
    assert add_working_days(D(2026, 12, 23), 6) == D(2027, 1, 4)
    # Thu 24 Dec 2026: Mon 28 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), Mon 4 Jan (5).
    assert add_working_days(D(2026, 12, 24), 5) == D(2027, 1, 4)
    # Thu 31 Dec 2026: Mon 4 (1), Tue 5 (2), Wed 6 (3), Thu 7 (4), Fri 8 Jan 2027 (5).
    assert add_working_days(D(2026, 12, 31), 5) == D(2027, 1, 8)


def test_r26_christmas_to_new_year_2025_2026_with_decree_day() -> None:
    # Wed 24 Dec 2025: Thu 25, Fri 26 Kerst, Sat 27, Sun 28; Mon 29 (1), Tue 30 (2), Wed 31 (3);
    # Thu 1 Jan 2026 Nieuwjaarsdag, Fri 2 Jan decree day, Sat 3, Sun 4; Mon 5 (4), Tue 6 (5).
    assert add_working_days(D(2025, 12, 24), 5) == D(2026, 1, 6)
    # Without the decree day, Fri 2 Jan counts (4) and Mon 5 Jan is day 5.
    assert add_working_days(D(2025, 12, 24), 5, decree_days={}) == D(2026, 1, 5)


def test_r26_carnival_days_count_unless_the_organisation_closes() -> None:
    # Fri 13 Feb 2026: Mon 16 (1), Tue 17 (2), Wed 18 (3), Thu 19 (4), Fri 20 (5).
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 20)
    # Closed Mon 16 and Tue 17: Wed 18 (1), Thu 19 (2), Fri 20 (3), Mon 23 (4), Tue 24 (5).
    closures: list[Closure] = [(D(2026, 2, 16), "carnaval"), D(2026, 2, 17)]
    assert add_working_days(D(2026, 2, 13), 5, closures=closures) == D(2026, 2, 24)


# --------------------------------------------------------------------------------------------
# working_days_between: the "nog 3 werkdagen" / "2 werkdagen te laat" chips
# --------------------------------------------------------------------------------------------


def test_working_days_between_positive() -> None:
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 9)) == 5  # Mon -> next Mon
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 3)) == 1
    # Fri 1 May -> Fri 8 May 2026: Mon 4, Wed 6, Thu 7, Fri 8 (Tue 5 is Bevrijdingsdag).
    assert working_days_between(D(2026, 5, 1), D(2026, 5, 8)) == 4


def test_working_days_between_negative_when_end_is_before_start() -> None:
    assert working_days_between(D(2026, 11, 9), D(2026, 11, 2)) == -5
    # "2 werkdagen te laat": due Fri 22 May 2026, today Tue 26 May (Mon 25 is Pinksteren).
    assert working_days_between(D(2026, 5, 22), D(2026, 5, 26)) == 1
    assert working_days_between(D(2026, 5, 22), D(2026, 5, 27)) == 2
    assert working_days_between(D(2026, 5, 27), D(2026, 5, 22)) == -2


def test_working_days_between_zero() -> None:
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 2)) == 0
    assert working_days_between(D(2026, 11, 7), D(2026, 11, 8)) == 0  # Sat -> Sun
    assert working_days_between(D(2026, 11, 8), D(2026, 11, 7)) == 0
    assert working_days_between(D(2026, 11, 6), D(2026, 11, 8)) == 0  # Fri -> Sun
    assert working_days_between(D(2026, 11, 7), D(2026, 11, 9)) == 1  # Sat -> Mon


def test_working_days_between_honours_closures_and_decree_days() -> None:
    # Wed 13 -> Fri 22 May 2026: Mon 18 .. Fri 22 = 5 (Thu 14, Fri 15 off).
    assert working_days_between(D(2026, 5, 13), D(2026, 5, 22)) == 5
    assert working_days_between(D(2026, 5, 13), D(2026, 5, 22), decree_days={}) == 6
    closures = [D(2026, 5, 18)]
    assert working_days_between(D(2026, 5, 13), D(2026, 5, 22), closures=closures) == 4
    assert working_days_between(D(2026, 5, 22), D(2026, 5, 13), closures=closures) == -4


def test_working_days_between_a_whole_year_2026() -> None:
    # 2026: 261 weekdays (Jan 1 is a Thursday and the year is not a leap year: 52 weeks + Thu).
    # Minus holidays on weekdays: Nieuwjaarsdag (Thu), Goede Vrijdag, Tweede Paasdag,
    # Koningsdag (Mon), Bevrijdingsdag (Tue), Hemelvaartsdag, Tweede Pinksterdag,
    # Eerste Kerstdag (Fri) = 8 (Tweede Kerstdag is a Saturday), minus 2 decree days.
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 261 - 8 - 2


# --------------------------------------------------------------------------------------------
# Explanation: stored with the due date (JSONField) and shown in the UI
# --------------------------------------------------------------------------------------------


def test_explanation_lists_skipped_days_and_counted_days() -> None:
    explanation = explain_due_date(D(2026, 5, 13), 5)
    assert explanation.start == D(2026, 5, 13)
    assert explanation.days == 5
    assert explanation.due == D(2026, 5, 22)
    assert explanation.skipped == (
        SkippedDay(D(2026, 5, 14), "Hemelvaartsdag"),
        SkippedDay(D(2026, 5, 15), "Vrijdag na Hemelvaartsdag (besluit)"),
        SkippedDay(D(2026, 5, 16), "zaterdag"),
        SkippedDay(D(2026, 5, 17), "zondag"),
    )
    assert explanation.counted == (
        D(2026, 5, 18),
        D(2026, 5, 19),
        D(2026, 5, 20),
        D(2026, 5, 21),
        D(2026, 5, 22),
    )


def test_explanation_names_the_organisation_closure_with_its_reason() -> None:
    closures: list[Closure] = [(D(2026, 2, 16), "carnaval"), D(2026, 2, 17)]
    explanation = explain_due_date(D(2026, 2, 13), 5, closures=closures)
    assert explanation.due == D(2026, 2, 24)
    assert explanation.skipped == (
        SkippedDay(D(2026, 2, 14), "zaterdag"),
        SkippedDay(D(2026, 2, 15), "zondag"),
        SkippedDay(D(2026, 2, 16), "sluitingsdag organisatie: carnaval"),
        SkippedDay(D(2026, 2, 17), "sluitingsdag organisatie"),
        SkippedDay(D(2026, 2, 21), "zaterdag"),
        SkippedDay(D(2026, 2, 22), "zondag"),
    )
    assert "di 17 februari (sluitingsdag organisatie)" in explanation.summary_nl()
    assert "ma 16 februari (sluitingsdag organisatie: carnaval)" in explanation.summary_nl()


def test_explanation_with_no_skipped_days() -> None:
    explanation = explain_due_date(D(2026, 11, 2), 4)  # Mon -> Fri 6 Nov
    assert explanation.due == D(2026, 11, 6)
    assert explanation.skipped == ()
    assert explanation.summary_nl() == (
        "Ingediend op maandag 2 november 2026. Vier werkdagen geteld; geen dagen overgeslagen. "
        "Uiterste datum: vrijdag 6 november 2026."
    )


def test_explanation_of_zero_days() -> None:
    on_a_working_day = explain_due_date(D(2026, 11, 2), 0)
    assert on_a_working_day == DueDateExplanation(D(2026, 11, 2), 0, D(2026, 11, 2), (), ())
    on_a_saturday = explain_due_date(D(2026, 11, 7), 0)
    assert on_a_saturday.due == D(2026, 11, 9)
    assert on_a_saturday.skipped == (SkippedDay(D(2026, 11, 8), "zondag"),)
    assert on_a_saturday.counted == ()
    assert on_a_saturday.summary_nl().startswith(
        "Ingediend op zaterdag 7 november 2026. Geen werkdagen geteld; overgeslagen: "
        "zo 8 november (zondag)."
    )


def test_explanation_summary_nl_exact_text_around_liberation_day() -> None:
    # Thu 30 Apr 2026 + 5: skips Sat 2, Sun 3 and Tue 5 May; due Friday 8 May 2026.
    explanation = explain_due_date(D(2026, 4, 30), 5)
    assert explanation.summary_nl() == (
        "Ingediend op donderdag 30 april 2026. Vijf werkdagen geteld; overgeslagen: "
        "za 2 mei (zaterdag), zo 3 mei (zondag), di 5 mei (Bevrijdingsdag). "
        "Uiterste datum: vrijdag 8 mei 2026."
    )


def test_explanation_summary_nl_from_friday_1_may_2026() -> None:
    # Fri 1 May 2026 + 5: Mon 4, Wed 6, Thu 7, Fri 8, Mon 11 -> due Monday 11 May 2026.
    explanation = explain_due_date(D(2026, 5, 1), 5)
    assert explanation.summary_nl() == (
        "Ingediend op vrijdag 1 mei 2026. Vijf werkdagen geteld; overgeslagen: "
        "za 2 mei (zaterdag), zo 3 mei (zondag), di 5 mei (Bevrijdingsdag), "
        "za 9 mei (zaterdag), zo 10 mei (zondag). Uiterste datum: maandag 11 mei 2026."
    )


def test_explanation_summary_nl_across_the_year_end_names_the_new_year() -> None:
    explanation = explain_due_date(D(2026, 12, 24), 5)
    summary = explanation.summary_nl()
    assert summary.startswith("Ingediend op donderdag 24 december 2026. Vijf werkdagen geteld")
    assert "vr 25 december (Eerste Kerstdag)" in summary
    assert "za 26 december (Tweede Kerstdag)" in summary
    assert "vr 1 januari 2027 (Nieuwjaarsdag)" in summary
    assert summary.endswith("Uiterste datum: maandag 4 januari 2027.")


def test_explanation_summary_nl_number_words_and_custom_start_label() -> None:
    assert "Eén werkdag geteld" in explain_due_date(D(2026, 11, 2), 1).summary_nl()
    assert "Tien werkdagen geteld" in explain_due_date(D(2026, 11, 2), 10).summary_nl()
    assert "25 werkdagen geteld" in explain_due_date(D(2026, 11, 2), 25).summary_nl()
    restarted = explain_due_date(D(2026, 11, 2), 5).summary_nl(start_label="Termijn herstart op")
    assert restarted.startswith("Termijn herstart op maandag 2 november 2026.")


def test_explanation_round_trips_through_json() -> None:
    explanation = explain_due_date(
        D(2026, 12, 23), 6, closures=[(D(2026, 12, 24), "kerstsluiting")]
    )
    stored = json.loads(json.dumps(explanation.to_dict()))
    assert stored["start"] == "2026-12-23"
    assert stored["due"] == "2027-01-05"  # Thu 24 closed, so Tue 5 Jan 2027 is day 6
    assert stored["days"] == 6
    assert {"day": "2026-12-24", "reason": "sluitingsdag organisatie: kerstsluiting"} in (
        stored["skipped"]
    )
    assert stored["counted"][0] == "2026-12-28"
    assert DueDateExplanation.from_dict(stored) == explanation


def test_explanation_from_dict_refuses_malformed_data() -> None:
    good = explain_due_date(D(2026, 11, 2), 5).to_dict()
    for broken in (
        {k: v for k, v in good.items() if k != "due"},
        {**good, "due": 20261109},
        {**good, "due": "9 november"},
        {**good, "days": -1},
        {**good, "days": "5"},
        {**good, "skipped": [{"day": "2026-11-07"}]},
        {**good, "version": 99},
    ):
        with pytest.raises(ValueError):
            DueDateExplanation.from_dict(broken)


def test_explanation_is_frozen() -> None:
    explanation = explain_due_date(D(2026, 11, 2), 5)
    with pytest.raises(AttributeError):
        explanation.due = D(2026, 11, 10)  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Properties over every day of 2024-2030
# --------------------------------------------------------------------------------------------


def _every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_property_five_working_days_from_every_day_2024_2030() -> None:
    for day in _every_day(D(2024, 1, 1), D(2030, 12, 31)):
        due = add_working_days(day, 5)
        assert due > day, day
        assert is_working_day(due), day
        # Exactly five working days lie in (day, due]; checked by direct enumeration.
        in_between = [d for d in _every_day(day + timedelta(days=1), due) if is_working_day(d)]
        assert len(in_between) == 5, day
        assert in_between[-1] == due, day
        assert working_days_between(day, due) == 5, day
        assert working_days_between(due, day) == -5, day


def test_property_explanation_is_consistent_for_every_day_2026() -> None:
    for day in _every_day(D(2026, 1, 1), D(2026, 12, 31)):
        explanation = explain_due_date(day, 5)
        assert explanation.due == add_working_days(day, 5)
        assert len(explanation.counted) == 5
        assert explanation.counted[-1] == explanation.due
        covered = sorted([*explanation.counted, *(s.day for s in explanation.skipped)])
        # counted + skipped partition (start, due] without gaps or overlaps
        assert covered == _every_day(day + timedelta(days=1), explanation.due), day
        assert all(non_working_reason(s.day) == s.reason for s in explanation.skipped)


def test_property_every_weekday_2024_2030_is_a_working_day_unless_a_listed_holiday() -> None:
    listed = {day for year in HOLIDAYS_BY_YEAR.values() for day in year} | set(DEFAULT_DECREE_DAYS)
    for day in _every_day(D(2024, 1, 1), D(2030, 12, 31)):
        expected = day.weekday() < 5 and day not in listed
        assert is_working_day(day) == expected, day
