"""Text as sites serve it (bytes in odd encodings, HTML fragments, mojibake) made plain."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad
from w3lib.encoding import html_to_unicode

from scraper.sites import nesting

# Some Flixster-era reviews went through UTF-8 -> Latin-1 -> ASCII transliteration, so "é"
# (C3 A9) became "Ã©" and then "Ã (C)". Putting the © back lets ftfy undo the rest.
_TRANSLITERATED = re.compile(r"([ÃÂ]) ?\((C|R)\)")
_SYMBOL = {"C": "©", "R": "®"}
_TAG = re.compile(r"<(?:br|p|div|/?[a-z][a-z0-9]*(?:\s[^<>]*)?/?)>", re.I)
# Where a line ends: <br>, and the end of every block (quotes, list items, lists, headings,
# preformatted text, divisions), so that words on both sides never run together.
_BLOCK_BREAK = re.compile(r"<\s*(?:br\s*/?|/(?:div|h\d|blockquote|li|ul|ol|pre))\s*>", re.I)
# A paragraph ends in a blank line, as exports write paragraphs in plain text.
_PARAGRAPH_END = re.compile(r"<\s*/p\s*>", re.I)
_BLANK_LINES = re.compile(r"\n{3,}")
# Any tag; "<" is left out of it so that text full of "<" costs one pass.
_ANY_TAG = re.compile(r"<[^<>]*>")


def escape(value: str) -> str:
    return html.escape(value, quote=False)


def decode(body: bytes, content_type: str | None = None) -> str:
    """Bytes of a page as text, with the encoding chosen the way a browser would."""
    _, text = html_to_unicode(content_type, body)
    return text


def _legacy_bytes(error: UnicodeError) -> tuple[str, int]:
    """Invalid UTF-8 inside otherwise UTF-8 files: a two-byte GBK character (files that went
    through a Chinese editor: A1 AA is an em dash) or else a single Windows-1252 byte."""
    if not isinstance(error, UnicodeDecodeError):  # registered for decoding only
        raise error
    pair = error.object[error.start : error.start + 2]
    try:
        char = pair.decode("gb18030")
    except UnicodeDecodeError:
        char = ""
    if len(pair) == 2 and len(char) == 1 and not char.isalnum():
        return char, error.start + 2
    return error.object[error.start : error.start + 1].decode("cp1252", "replace"), error.start + 1


codecs.register_error("scrape-legacy", _legacy_bytes)


def decode_lenient(body: bytes) -> str:
    """UTF-8, with the odd invalid byte read as what it most likely was instead of failing."""
    return body.decode("utf-8", errors="scrape-legacy")


# What ftfy would remove or mend beyond mojibake (controls other than tab and newlines, C1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r]")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Every sequence ftfy's badness test looks for holds a non-ASCII character and reaches at most
# two characters beyond the nearest one, so these windows (one more for margin) hold every
# sequence it could find.
_REACH = 3


def mojibake_suspects(text: str) -> str:
    """The parts of `text` around its non-ASCII characters, one per line: what is_bad needs
    to see, a small fraction of a long review (the test costs time in proportion)."""
    windows: list[list[int]] = []
    for run in _NON_ASCII.finditer(text):
        start, end = max(run.start() - _REACH, 0), run.end() + _REACH
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    return "\n".join(text[start:end] for start, end in windows)


def repair(text: str) -> str:
    """Undo mojibake, including the transliterated kind ftfy cannot see on its own."""
    if "Ã" in text or "Â" in text:
        text = _TRANSLITERATED.sub(lambda m: m[1] + _SYMBOL[m[2]], text)
    # ftfy is most of a parser's time; text it would leave alone skips it: plain ASCII without
    # control characters, or text its own quick test finds free of mojibake (then only
    # normalised, as ftfy would).
    if not _CONTROL.search(text):
        if text.isascii():
            return text
        if not is_bad(mojibake_suspects(text)):
            return unicodedata.normalize("NFC", text)
    return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False)


def plain(raw: str | None, *, markup: bool | None = None) -> str | None:
    """Review text for reading and search: HTML removed, mojibake repaired, blank -> None.

    `markup` says what `raw` is: True, an HTML fragment (its entities are read even where it
    has no tag); False, text, never read as HTML; None, HTML if it holds a tag. HTML is read
    once: a "&lt;b&gt;" in it becomes the text "<b>", which is never read again as a tag."""
    if raw is None:
        return None
    text = raw
    if markup or markup is None and _TAG.search(text):
        text = _PARAGRAPH_END.sub("\n\n", _BLOCK_BREAK.sub("\n", text))
        try:
            body = nesting.tree(f"<body>{text}</body>").body
            text = body.text(separator="") if body is not None else ""
        except nesting.Unbounded:
            # A text that is the user's own, however sloppy (hundreds of <i>s never closed),
            # is kept: its tags are dropped in one pass instead.
            text = html.unescape(_ANY_TAG.sub("", text))
    text = repair(text).replace("\xa0", " ")
    text = "\n".join(line.strip() for line in text.strip().splitlines())
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text or None
