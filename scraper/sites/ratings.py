"""Scores as sites write them ("3.5", 4, "STAR_3_5", "3/4", "B+", "fresh") on one 0-10 scale.

The raw form is always kept beside the number; this module only decides the number, and says
None where a number would be invented (a bare "4" from a critic with no stated scale, "fresh").
"""

from __future__ import annotations

import re

from scraper import numbers

# Letter grades are ordinal, so they are spread evenly from F (0) to A+ (10): B+ is 7.5.
_GRADES = ["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"]
_GRADE_VALUE = {g: round(i * 10 / (len(_GRADES) - 1), 2) for i, g in enumerate(_GRADES)}
_FRACTION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+(?:\.\d+)?)\s*(?:stars?)?\s*$", re.I | re.A
)
_STAR_TOKEN = re.compile(r"^STAR_(\d+)(?:_(\d))?$", re.A)
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$", re.A)
# No site scores on a scale past 1,000 (Metacritic's critics: 100).
_MOST = 1000.0


def to_ten(raw: object, *, out_of: float | None = None) -> float | None:
    """The rating on 0-10, or None when `raw` holds no number we can place on a scale.

    `out_of` is the scale the site uses for bare numbers (5 for RT's stars); without it a bare
    number is ambiguous and gives None.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return _scaled(numbers.decimal(raw, 0, _MOST), out_of)
    text = str(raw).strip()
    if not text:
        return None
    if star := _STAR_TOKEN.match(text):
        return _scaled(numbers.decimal(f"{star[1]}.{star[2] or 0}", 0, _MOST), 5)
    if fraction := _FRACTION.match(text):
        return _scaled(
            numbers.decimal(fraction[1], 0, _MOST), numbers.decimal(fraction[2], 0, _MOST)
        )
    if _NUMBER.match(text):
        return _scaled(numbers.decimal(text, 0, _MOST), out_of)
    return _GRADE_VALUE.get(text.upper().replace(" ", ""))


# "4 stars", "3.5 stars", "3 1/2 stars", "3½ stars", "★★★½", "***1/2": a count of stars whose
# scale the text does not say.
_STAR_WORDS = re.compile(r"^\s*(\d+(?:\.5)?)\s*(?:(?:and a half|1/2|½))?\s*stars?\s*$", re.I | re.A)
_STAR_GLYPHS = re.compile(r"^\s*([★*]+)\s*(½|1/2)?\s*$")


def star_count(raw: object) -> float | None:
    """The number of stars in a score that names stars but not its scale, else None."""
    text = str(raw or "").strip()
    half = "½" in text or "1/2" in text or "and a half" in text.lower()
    if words := _STAR_WORDS.match(text):
        count = (numbers.decimal(words[1], 0, 10) or 0) + (0.5 if half else 0)
    elif glyphs := _STAR_GLYPHS.match(text):
        count = len(glyphs[1]) + (0.5 if half else 0)
    else:
        return None
    return count if 0 < count <= 10 else None


def star_scale(raws: list[object]) -> float | None:
    """The star scale one critic uses, from their scores that state it ("3/4", "2.5/5"):
    4 or 5 when every such score agrees, else None."""
    scales = set()
    for raw in raws:
        fraction = _FRACTION.match(str(raw or ""))
        scale = numbers.decimal(fraction[2], 0, _MOST) if fraction else None
        if scale in (4.0, 5.0):
            scales.add(scale)
    return scales.pop() if len(scales) == 1 else None


def critic_to_ten(raw: object, scale: float | None = None) -> float | None:
    """A critic's original score on 0-10: fractions and letter grades as to_ten reads them;
    a count of stars on `scale` (the critic's own, see star_scale), or on 5 when the count
    is over 4 (no four-star scale has it); otherwise None, never a guess between 4 and 5."""
    value = to_ten(raw)
    if value is not None:
        return value
    count = star_count(raw)
    if count is None:
        return None
    if scale is None and count > 4:
        scale = 5.0
    return _scaled(count, scale)


def stars_raw(value: object) -> str | None:
    """How a star score reads on the site: 3.5 -> "3.5/5", "4.0" -> "4/5"."""
    if value is None or str(value).strip() == "":
        return None
    number = numbers.decimal(value, 0, _MOST)
    if number is None:  # a token ("STAR_3_5") or a word: as the scale reads it, else as is
        ten = to_ten(value, out_of=5)
        return f"{ten / 2:g}/5" if ten is not None else str(value).strip()[:80]
    return f"{number:g}/5"


def _scaled(value: float | None, out_of: float | None) -> float | None:
    if value is None or out_of is None or out_of <= 0 or value < 0 or value > out_of:
        return None
    return round(value * 10 / out_of, 2)
