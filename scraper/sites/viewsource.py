"""A page saved from Chrome's `view-source:` tab, unwrapped into the page it shows.

Saving a `view-source:` tab (Ctrl+S) writes the browser's rendering of the source, not the
source: Blink's HTMLViewSourceDocument (third_party/blink/renderer/core/html/
html_view_source_document.cc) builds
`<html><head><meta name="color-scheme" content="light dark"></head><body>
<div class="line-gutter-backdrop"></div><form autocomplete="off"><label class="line-wrap-control">
Line wrap<input type="checkbox" aria-label="Line wrap"></label></form><table><tbody>` and then,
for every line of the source, `<tr><td class="line-number" value="N"></td>
<td class="line-content">...</td></tr>` (AddLine). Within a line the source's own text sits
escaped (`&lt;`, `&amp;`), tags in `<span class="html-tag">`, attribute names and values in
`html-attribute-name` / `html-attribute-value` spans, `href`/`src` values in
`<a class="html-attribute-value html-external-link|html-resource-link" target="_blank" ...>`,
comments in `html-comment`, the doctype in `html-doctype`, the end in an empty
`html-end-of-file` span; a `<base>` is copied in as an element with no text (AddBase). AddText
splits the source on "\\r\\n", "\\r" or "\\n" only, one row per line, and an empty line gets a
`<br>` (FinishLine). Long lines are never split: "Line wrap" only sets `class="line-wrap"` on the
table (ViewSourceEventListener), so one source line is always one cell. Older WebKit/Blink named
the cells `webkit-line-number` / `webkit-line-content`.
Pages saved so are seen in public repositories: a saved hockeydb.com page that starts
`<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>
<body><div class="line-gutter-backdrop"></div><table><tbody><tr><td class="line-number"
value="1"></td><td class="line-content"><span class="html-doctype">&lt;!DOCTYPE html&gt;`
(before the line-wrap control existed), and tools that unwrap them the same way (the text of
every `td.line-content`, joined by newlines): found with the code search, 2026-12-07.

So the page shown is the text of each `line-content` cell, one line each. Only the line breaks
themselves are lost ("\\r\\n" comes back as "\\n"), which no parser reads. The unwrapped page is
returned UTF-8 encoded behind a byte-order mark, which outranks any charset the page declares
(the saved wrapper was decoded by its own charset already); a JSON response shown so comes back
without one. The wrapper is read with the same
nesting bounds as any page (nesting.py); the page it shows is then parsed as any page is, so the
bounds hold for it too, and it is never larger than the wrapper.
"""

from __future__ import annotations

import re

from scraper.sites import nesting
from scraper.sites import text as textmod

# The first row Blink writes, in its current and its WebKit-era class names; it sits within the
# first few hundred bytes of the saved file (after the head and the line-wrap control).
_FIRST_ROW = re.compile(
    rb'<td class="(?:webkit-)?line-number"(?: value="1")?></td>'
    rb'<td class="(?:webkit-)?line-content">'
)
_HEAD = 16_384
_BOM = b"\xef\xbb\xbf"


def is_view_source(body: bytes) -> bool:
    """Whether `body` is a saved view-source tab (its table's first row, near the top)."""
    return _FIRST_ROW.search(body[:_HEAD]) is not None


def unwrapped(body: bytes) -> bytes:
    """The page a saved view-source tab shows, or `body` itself when it is not one.

    Raises nesting.Unbounded for a wrapper nested past the bounds of any page."""
    if not is_view_source(body):
        return body
    tree = nesting.tree(textmod.decode(body))
    cells = tree.css("td.line-content, td.webkit-line-content")
    shown = "\n".join(cell.text(deep=True) for cell in cells)
    # JSON is UTF-8 by definition, and its parsers read no byte-order mark.
    json = shown.lstrip()[:1] in ("{", "[")
    return (b"" if json else _BOM) + shown.encode("utf-8")
