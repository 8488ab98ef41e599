"""How a value reads in the reading room: stars as glyphs, long texts folded behind "more",
text as paragraphs, and an edited review's two texts with the changes marked.

Pure functions of their values returning HTML (markupsafe, which Datasette's Jinja brings), so
they are tested without a server."""

from __future__ import annotations

import bisect

from markupsafe import Markup, escape

# Stars and paragraphs read the same here as in exported pages.

# Enough to know the review from the table; the rest opens with "more".
EXCERPT = 320
# Beyond this (two texts at the 20,000-character review limit) the texts are shown unmarked:
# the diff's work is bounded by DIFF_WORK, but its words and marks are held at once.
DIFF_LIMIT = 40_000
# Steps one diff may take (a word looked at, or a cell of an exact gap's table): about 30 ms.
DIFF_WORK = 100_000
# A gap between anchors with at most this many pairs of words (n x m) is matched exactly.
EXACT_GAP = 2_500


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
    i = j = 0
    for a1, b1, size in [*_matching_runs(old, new), (len(old), len(new), 0)]:
        if a1 > i:
            left.append(Markup("<del>{}</del>").format(" ".join(old[i:a1])))
        if b1 > j:
            right.append(Markup("<ins>{}</ins>").format(" ".join(new[j:b1])))
        if size:
            left.append(escape(" ".join(old[a1 : a1 + size])))
            right.append(escape(" ".join(new[b1 : b1 + size])))
        i, j = a1 + size, b1 + size
    return Markup(" ").join(left), Markup(" ").join(right)


def _matching_runs(old: list[str], new: list[str]) -> list[tuple[int, int, int]]:
    """Runs (i, j, size) of words kept, in order. difflib's matcher is cubic on repeated words
    (2 KB of "a a a" took 4 s, blocking the whole server), so this is a patience diff: words
    found once in each text anchor the match, the gaps between anchors are diffed the same way,
    and a gap small enough is matched exactly. Every step is paid for from one budget; a gap
    left when it runs out is shown as taken out and put in whole, still a true diff."""
    kept: list[tuple[int, int]] = []
    budget = DIFF_WORK
    regions = [(0, len(old), 0, len(new))]
    while regions:
        a1, a2, b1, b2 = regions.pop()
        while a1 < a2 and b1 < b2 and old[a1] == new[b1]:
            kept.append((a1, b1))
            a1, b1 = a1 + 1, b1 + 1
        while a1 < a2 and b1 < b2 and old[a2 - 1] == new[b2 - 1]:
            a2, b2 = a2 - 1, b2 - 1
            kept.append((a2, b2))
        n, m = a2 - a1, b2 - b1
        if not n or not m:
            continue
        if n * m <= EXACT_GAP:
            if n * m > budget:
                continue
            budget -= n * m
            kept += _longest_common(old, a1, a2, new, b1, b2)
            continue
        if n + m > budget:
            continue
        budget -= n + m
        anchors = _unique_anchors(old, a1, a2, new, b1, b2)
        kept += anchors
        for (i, j), (i2, j2) in zip(
            [(a1 - 1, b1 - 1), *anchors], [*anchors, (a2, b2)], strict=True
        ):
            regions.append((i + 1, i2, j + 1, j2))
    kept.sort()
    runs: list[tuple[int, int, int]] = []
    for i, j in kept:
        if runs and runs[-1][0] + runs[-1][2] == i and runs[-1][1] + runs[-1][2] == j:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((i, j, 1))
    return runs


def _unique_anchors(
    old: list[str], a1: int, a2: int, new: list[str], b1: int, b2: int
) -> list[tuple[int, int]]:
    """Words found exactly once in each side, the longest list of them in the same order in both."""
    once_old = _once(old, a1, a2)
    once_new = _once(new, b1, b2)
    pairs = sorted((i, once_new[w]) for w, i in once_old.items() if w in once_new)
    # Longest increasing run of j (patience sorting): tails[k] ends the best run of length k+1.
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        back.append(tail_at[at - 1] if at else -1)
        if at == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[at], tail_at[at] = j, k
    chain: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _once(words: list[str], lo: int, hi: int) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i in range(lo, hi):
        seen[words[i]] = -1 if words[i] in seen else i
    return {w: i for w, i in seen.items() if i >= 0}


def _longest_common(
    old: list[str], a1: int, a2: int, new: list[str], b1: int, b2: int
) -> list[tuple[int, int]]:
    """An exact longest common subsequence of a small gap (a table of n x m)."""
    n, m = a2 - a1, b2 - b1
    # longest[i][j]: words in common between old[a1+i:a2] and new[b1+j:b2].
    longest = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below, word = longest[i], longest[i + 1], old[a1 + i]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if word == new[b1 + j] else max(below[j], row[j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if old[a1 + i] == new[b1 + j]:
            pairs.append((a1 + i, b1 + j))
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs
