"""Numbers read from a site or a file, each within bounds, or None: the one place they are read.

A page, a header or an imported file can say anything where a number belongs: "²" (which
str.isdigit() takes for a digit and int() refuses), Arabic-Indic digits, 5,000 digits (past
int()'s limit), 10**30 (past SQLite's integers) or 10**400 (past a float). Each of those is
no number here, so a bad value costs its record a field, never the run.
"""

from __future__ import annotations

import math
import re

# A year outside this range is a typo or an attack, not a film's: no year.
FIRST_YEAR, LAST_YEAR = 1870, 2100
# Digits read at most: far past any count or score a site gives, far short of int()'s limit.
MAX_DIGITS = 18

_WHOLE = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}", re.ASCII)
_DECIMAL = re.compile(rf"[+-]?(?:[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{0,{MAX_DIGITS}}})?)", re.ASCII)


def whole(value: object, low: int, high: int) -> int | None:
    """`value` (an int, or ASCII digits with an optional sign, spaces around) as an int within
    low..high; None for anything else (a bool, a float, "²", "1e3", too many digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(stripped := value.strip()):
        number = int(stripped)
    else:
        return None
    return number if low <= number <= high else None


def decimal(value: object, low: float, high: float) -> float | None:
    """`value` (an int, a finite float, or ASCII digits with an optional fraction) as a float
    within low..high; None for anything else (a bool, nan, inf, 10**400, "1e3", "½")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Compared as an int: float(10**400) would overflow.
        return float(value) if low <= value <= high else None
    if isinstance(value, float):
        number = value
    elif isinstance(value, str) and _DECIMAL.fullmatch(stripped := value.strip()):
        number = float(stripped)
    else:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def year(value: object) -> int | None:
    """A release year: an int or ASCII digits within FIRST_YEAR..LAST_YEAR, else None."""
    return whole(value, FIRST_YEAR, LAST_YEAR)
