"""How counts read in what users see: "1 page", "2 pages"."""

from __future__ import annotations


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
