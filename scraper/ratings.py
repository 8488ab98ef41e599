"""Scores as sites write them ("3.5", 4, "STAR_3_5", "3/4", "B+", "fresh") on one 0-10 scale.

The raw form is always kept beside the number; this module only decides the number, and says
None where a number would be invented (a bare "4" from a critic with no stated scale, "fresh").
"""

from __future__ import annotations

import re

# Letter grades are ordinal, so they are spread evenly from F (0) to A+ (10): B+ is 7.5.
_GRADES = ["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"]
_GRADE_VALUE = {g: round(i * 10 / (len(_GRADES) - 1), 2) for i, g in enumerate(_GRADES)}
_FRACTION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+(?:\.\d+)?)\s*(?:stars?)?\s*$", re.I
)
_STAR_TOKEN = re.compile(r"^STAR_(\d+)(?:_(\d))?$")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
SENTIMENTS = ("fresh", "rotten", "certified_fresh", "upright", "spilled")


def to_ten(raw: object, *, out_of: float | None = None) -> float | None:
    """The rating on 0-10, or None when `raw` holds no number we can place on a scale.

    `out_of` is the scale the site uses for bare numbers (5 for RT's stars); without it a bare
    number is ambiguous and gives None.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return _scaled(float(raw), out_of)
    text = str(raw).strip()
    if not text:
        return None
    if star := _STAR_TOKEN.match(text):
        return _scaled(float(f"{star[1]}.{star[2] or 0}"), 5)
    if fraction := _FRACTION.match(text):
        return _scaled(float(fraction[1]), float(fraction[2]))
    if _NUMBER.match(text):
        return _scaled(float(text), out_of)
    return _GRADE_VALUE.get(text.upper().replace(" ", ""))


def stars_raw(value: object) -> str | None:
    """How a star score reads on the site: 3.5 -> "3.5/5", "4.0" -> "4/5"."""
    if value is None or str(value).strip() == "":
        return None
    number = float(value)
    return f"{number:g}/5"


def _scaled(value: float, out_of: float | None) -> float | None:
    if out_of is None or out_of <= 0 or value < 0 or value > out_of:
        return None
    return round(value * 10 / out_of, 2)
