"""The Dutch citizen service number (burgerservicenummer, BSN): format and elfproef.

A BSN is nine digits. The *elfproef* (eleven test): with d1..d9 the digits from the left,
``9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8 - 1*d9`` must be divisible by 11.
Nine zeros pass the arithmetic but are no number anyone holds, so they are refused.

Pure module: no Django imports, so forms, services and tests share it.
"""

from __future__ import annotations

BSN_LENGTH = 9
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def normalise_bsn(value: object) -> str:
    """The BSN as typed, with spaces, dots and hyphens removed (``"1112.22.333"`` → ``"111222333"``).

    Does not validate; pair it with :func:`is_valid_bsn`.
    """
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch not in " .-\u00a0")


def is_valid_bsn(value: object) -> bool:
    """True when ``value`` is a string of exactly nine ASCII digits that passes the elfproef.

    Anything else (an int, eight digits, letters, nine zeros) is False. Leading zeros are
    significant: a BSN is a string, so pass ``"012345672"``, not ``12345672``. Separators are
    not accepted here; call :func:`normalise_bsn` first when a user typed them.
    """
    if not isinstance(value, str) or len(value) != BSN_LENGTH:
        return False
    # str.isdigit() accepts other scripts' digits and superscripts; a BSN is ASCII only.
    if not all("0" <= ch <= "9" for ch in value):
        return False
    if value == "0" * BSN_LENGTH:
        return False
    total = sum(weight * int(digit) for weight, digit in zip(_WEIGHTS, value, strict=True))
    return total % 11 == 0
