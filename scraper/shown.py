"""How archived values read for people, in the reading room and in exported pages alike:
a 0-5 rating as star glyphs, a review's text as its paragraphs."""

from __future__ import annotations

import re


def stars(value: object) -> str | None:
    """'3.5' -> '★★★½' (the 0.5-5 scale the archive keeps as text); None when not a rating."""
    try:
        number = float(str(value))
    except ValueError:
        return None
    if not 0 <= number <= 5:
        return None
    return half_stars(round(number * 2))


def half_stars(halves: int) -> str:
    """7 -> '★★★½'."""
    return "★" * (halves // 2) + ("½" if halves % 2 else "")


def paragraphs(text: str | None) -> list[str]:
    """The text's paragraphs: blank lines divide them, single line breaks too (sites that
    flatten <p> keep one newline between them)."""
    return [part.strip() for part in re.split(r"\n\s*", text or "") if part.strip()]
