"""The BSN elfproef: 9*d1 + 8*d2 + … + 2*d8 - 1*d9 divisible by 11; nine digits; not all zeros."""

from __future__ import annotations

import pytest

from requests.core.bsn import is_valid_bsn, normalise_bsn


@pytest.mark.parametrize("value", ["111222333", "123456782", "999999990", "012345672"])
def test_valid_test_numbers_pass(value):
    assert is_valid_bsn(value)


@pytest.mark.parametrize(
    "value",
    [
        "123456789",  # elfproef fails (sum 147)
        "111222334",  # one digit off
        "000000000",  # passes the arithmetic, but no one holds it
        "12345678",  # eight digits
        "1234567820",  # ten digits
        "12345678a",
        "111 222 333",  # separators: normalise first
        "１２３４５６７８２",  # full-width digits are not ASCII digits
        "",
        None,
        123456782,  # a BSN is a string (leading zeros matter)
    ],
)
def test_invalid_values_fail(value):
    assert not is_valid_bsn(value)


def test_normalise_strips_separators_that_people_type():
    assert normalise_bsn(" 1112.22-333 ") == "111222333"
    assert is_valid_bsn(normalise_bsn("1234 56 782"))
    assert normalise_bsn(None) == ""
