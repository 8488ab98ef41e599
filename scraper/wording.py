"""How values read for people: counts ("1 page", "2 pages"), durations, values quoted in
messages, and, in the reading room and exported pages alike, a 0-5 rating as star glyphs and a
review's text as its paragraphs."""

from __future__ import annotations

import re


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`count` and the noun in its number; `nouns` for an irregular plural."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def about(seconds: float) -> str:
    """A rough duration a person plans by: "about 40 s", "about 7 min", "about 2.5 h"."""
    if seconds < 90:
        return f"about {max(round(seconds), 1)} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"


# A value from a file or a page quoted in a message: enough to recognise it, never the whole of
# a 900 KB field (a message is one line a person reads, and lands in runs.error).
ECHO_MAX = 80


def shown(value: object, limit: int = ECHO_MAX) -> str:
    """`value` as a message quotes it: repr'd (control characters escaped), its first `limit`
    characters only, with its length when cut."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def cut(text: str, limit: int = ECHO_MAX) -> str:
    """shown() without the quotes, for a name a message prints bare (a config key)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


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
