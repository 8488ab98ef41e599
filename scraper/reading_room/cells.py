"""How a value reads in the reading room: stars as glyphs, long texts folded behind "more",
text as paragraphs, and an edited review's two texts with the changes marked.

Pure functions of their values returning HTML (markupsafe, which Datasette's Jinja brings), so
they are tested without a server."""

from __future__ import annotations

import difflib

from markupsafe import Markup, escape

# Stars and paragraphs read the same here as in exported pages.

# Enough to know the review from the table; the rest opens with "more".
EXCERPT = 320
# Word diffs are quadratic in the worst case: beyond this the texts are shown unmarked.
DIFF_LIMIT = 20_000


def fold(text: str, limit: int = EXCERPT) -> Markup:
    """The text whole when short; else its opening (cut at a word) with a "more" toggle that
    shows the rest in place, without script (<details>)."""
    if len(text) <= limit:
        return Markup('<div class="review-text">{}</div>').format(text)
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return Markup(
        '<details class="review-text fold"><summary><span class="excerpt">{}…</span> '
        '<span class="more">more</span></summary><div class="full">{}</div></details>'
    ).format(text[:cut].rstrip(), text)


def changes(before: str | None, after: str | None) -> Markup:
    """The earlier text above the current one, words taken out struck through in the first
    and words put in marked in the second."""
    before, after = before or "", after or ""
    if len(before) + len(after) > DIFF_LIMIT:
        old, new = escape(before), escape(after)
    else:
        old, new = _marked(before.split(" "), after.split(" "))
    return Markup(
        '<div class="change"><div class="before"><span class="label">before</span> {}</div>'
        '<div class="after"><span class="label">now</span> {}</div></div>'
    ).format(old, new)


def _marked(old: list[str], new: list[str]) -> tuple[Markup, Markup]:
    left: list[Markup] = []
    right: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed = escape(" ".join(old[a1:a2]))
        added = escape(" ".join(new[b1:b2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if a2 > a1:
            left.append(Markup("<del>{}</del>").format(removed))
        if b2 > b1:
            right.append(Markup("<ins>{}</ins>").format(added))
    return Markup(" ").join(left), Markup(" ").join(right)
