"""Chrome's view-source rendering of a page, as "Save as" writes it, built in the test from a
real page's bytes (the corpus is never copied into the project).

Follows Blink's HTMLViewSourceDocument (html_view_source_document.cc, CreateContainingTable,
AddLine, AddText, AddRange, AddLink, FinishLine; see scraper/sites/viewsource.py): one
`<tr><td class="line-number" value="N"></td><td class="line-content">` row per source line (split
on \\r\\n, \\r or \\n, never for length), an empty line as `<br>`, the text escaped, tags in
`html-tag` spans with `html-attribute-name` / `html-attribute-value` spans inside and `href`/`src`
values as `html-external-link` / `html-resource-link` anchors, comments in `html-comment`, the
doctype in `html-doctype`, and an empty `html-end-of-file` span at the end. Chrome's "Save as"
adds its `<!-- saved from url=(NNNN)... -->` mark and a Content-Type <meta> (as the saved
hockeydb.com page in a public repository shows). A tag that runs over several lines is written
as plain text here where Blink would open a span on each of its lines: the text is the same.
"""

from __future__ import annotations

import html
import re

_TOKEN = re.compile(r"<!--.*?-->|<![Dd][Oo][Cc][Tt][Yy][Pp][Ee][^>]*>|</?[A-Za-z][^<>]*>")
_ATTRIBUTE = re.compile(r"""(\s+)([^\s=/>"']+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s>"']+))?""")
_HEAD = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    '<meta name="color-scheme" content="light dark"></head><body>'
    '<div class="line-gutter-backdrop"></div><form autocomplete="off">'
    '<label class="line-wrap-control">Line wrap<input type="checkbox" aria-label="Line wrap">'
    "</label></form><table><tbody>"
)


def _text(value: str) -> str:
    return html.escape(value, quote=False).replace("\xa0", "&nbsp;")


def _tag(token: str) -> str:
    name = re.match(r"</?([A-Za-z][^\s/>]*)", token)
    tag = name[1].lower() if name else ""
    out, pos = [], 0
    for found in _ATTRIBUTE.finditer(token, name.end() if name else 0):
        if token[found.start() : found.end()].strip() in ("", "/"):
            continue
        out.append(_text(token[pos : found.start(2)]))
        out.append(f'<span class="html-attribute-name">{_text(found[2])}</span>')
        pos = found.end(2)
        if found[4] is None:
            continue
        quoted = found[4][:1] in "\"'"
        value = found[4][1:-1] if quoted else found[4]
        out.append(_text(found[3] + (found[4][:1] if quoted else "")))
        if found[2].lower() in ("href", "src"):
            kind = "html-external-link" if tag == "a" else "html-resource-link"
            link = html.escape(html.unescape(value), quote=True)
            out.append(
                f'<a class="html-attribute-value {kind}" target="_blank" href="{link}" '
                f'rel="noreferrer noopener">{_text(value)}</a>'
            )
        else:
            out.append(f'<span class="html-attribute-value">{_text(value)}</span>')
        out.append(_text(found[4][-1:] if quoted else ""))
        pos = found.end()
    out.append(_text(token[pos:]))
    return f'<span class="html-tag">{"".join(out)}</span>'


def _line(line: str) -> str:
    out, pos = [], 0
    for token in _TOKEN.finditer(line):
        out.append(_text(line[pos : token.start()]))
        text = token[0]
        if text.startswith("<!--"):
            out.append(f'<span class="html-comment">{_text(text)}</span>')
        elif text.startswith("<!"):
            out.append(f'<span class="html-doctype">{_text(text)}</span>')
        else:
            out.append(_tag(text))
        pos = token.end()
    out.append(_text(line[pos:]))
    return "".join(out)


def view_source(page: bytes, url: str) -> bytes:
    """The file Chrome saves from the `view-source:` tab of `page` (UTF-8), served at `url`."""
    lines = re.split(r"\r\n|\r|\n", page.decode("utf-8"))
    ends_in_newline = lines[-1] == ""
    if ends_in_newline:
        lines.pop()
    rows = []
    for number, line in enumerate(lines, 1):
        cell = _line(line) or "<br>"
        rows.append(
            f'<tr><td class="line-number" value="{number}"></td>'
            f'<td class="line-content">{cell}</td></tr>'
        )
    end = '<span class="html-end-of-file"></span>'
    if ends_in_newline:
        rows.append(
            f'<tr><td class="line-number" value="{len(lines) + 1}"></td>'
            f'<td class="line-content">{end}</td></tr>'
        )
    else:
        rows[-1] = rows[-1].replace("</td></tr>", f"{end}</td></tr>")
    mark = f"<!-- saved from url=({len(url):04d}){url} -->\n"
    return (mark + _HEAD + "".join(rows) + "</tbody></table></body></html>").encode("utf-8")
