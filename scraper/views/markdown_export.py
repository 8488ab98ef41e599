"""Reviews as Markdown files with YAML front matter, for a static site generator (Hugo, Jekyll,
Eleventy read the front matter as is): one file a review, named stably, rewritten only when its
review changed, and never a file this export did not write deleted.

The files this export wrote are listed in DIR/.scrape-export.json: --prune removes those whose
review is no longer in the export set, and nothing else (see export_files.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from hashlib import sha1
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii
from markdownify import MarkdownConverter

from scraper import weblinks, wording
from scraper.views.export_files import Written, write_files

# "<" left out of the tag's inside: 80 kB of "<a" cost 3.4 s of backtracking with [^>]*.
_TAG = re.compile(r"<[a-zA-Z/][^<>]*>")
# Eleventy, Hugo and Jekyll pass HTML in Markdown through: a "<" of the text is written as an
# entity, an "&" that would start one as "&amp;", and "[" "]" escaped so that text never makes
# a link of its own ("[x](javascript:...)" typed in a review). A "{" that opens a template tag
# ("{{", "{%", "{#") is an entity too: Hugo reads "{{% x %}}" in content as a shortcode and
# stops the build when there is none (Jekyll and Eleventy are told not to run templates).
_RAW_HTML = re.compile(r"<|&(?=#?[0-9A-Za-z]+;)|[\[\]]|\{(?=[{%#])")
_AS_TEXT = {"<": "&lt;", "&": "&amp;", "[": "\\[", "]": "\\]", "{": "&#123;"}
# Hugo reads a shortcode in code too, where no entity can break it: such code is written as text.
_SHORTCODE = re.compile(r"\{\{[<%]")
# Line breaks to a YAML 1.1 reader (PyYAML): written as is, NEL would come back as a space.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def as_text(text: str) -> str:
    """`text` written in Markdown so that it reads as itself: no tag, entity or link in it."""
    return _RAW_HTML.sub(lambda m: _AS_TEXT[m[0]], text)


class _Converter(MarkdownConverter):
    """markdownify, with the text of the HTML kept as text and links to http(s) alone."""

    def _base(self) -> Any:
        """markdownify's own methods: its stubs declare convert() alone."""
        return super()

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return as_text(self._base().escape(text, parent_tags))

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        target = weblinks.markdown_target(el.get("href"))
        if target is None:
            return text
        el["href"] = target
        return str(self._base().convert_a(el, text, parent_tags))

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        alt = as_text(" ".join(str(el.get("alt") or "").split()))
        target = weblinks.markdown_target(el.get("src"))
        if target is None:
            return alt
        el["src"], el["alt"] = target, alt
        return str(self._base().convert_img(el, text, parent_tags))

    def convert_code(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" not in parent_tags and _SHORTCODE.search(text):
            return self.escape(text, set())
        return str(self._base().convert_code(el, text, parent_tags))

    convert_kbd = convert_samp = convert_code

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if _SHORTCODE.search(text):
            lines = [self.escape(line, set()).strip() for line in text.strip("\n").splitlines()]
            return "\n\n" + "\\\n".join(line for line in lines if line) + "\n\n"
        fenced = str(self._base().convert_pre(el, text, parent_tags))
        runs = [len(run) for run in re.findall(r"`{3,}", text)]
        if not runs:
            return fenced
        # A fence longer than any run of backticks inside, or the text's own ``` would end
        # the block and what follows it would be read as Markdown (and HTML).
        fence = "`" * (max(runs) + 1)
        opened = fenced.replace("```", fence, 1)
        head, _, tail = opened.rpartition("```")
        return f"{head}{fence}{tail}"


class _FrontMatterDumper(yaml.SafeDumper):
    """PyYAML's safe dumper; a value holding a YAML line break is written double-quoted, where
    the break is an escape ("\\N") that every reader gives back."""

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        analysis = super().analyze_scalar(scalar)
        if any(c in scalar for c in _YAML_BREAKS):
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis


def write_folder(
    rows: Iterator[dict[str, Any]], folder: Path, *, prune: bool = False, dry_run: bool = False
) -> Written:
    """Write one file per row into `folder` (made if missing), only where its content changed."""
    entries = list(rows)
    stems = names(entries)
    pages = {f"{stems[row['id']]}.md": document(row) for row in entries}
    return write_files(folder, pages, reviews=len(entries), prune=prune, dry_run=dry_run)


def document(row: dict[str, Any]) -> str:
    """The file: YAML front matter, then the review's text as Markdown paragraphs."""
    front = front_matter(row)
    dumped = yaml.dump(
        front, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=100
    )
    return f"---\n{dumped}---\n\n{body(row.get('text_original'), row.get('text'))}"


def front_matter(row: dict[str, Any]) -> dict[str, Any]:
    kind = "review" if (row.get("text_original") or "").strip() else "rating"
    return {
        "title": title(row),
        "film": row["film"] or row["id"],
        "year": row["year"],
        "site": row["site"],
        "rating": row["rating"],
        "stars": stars_of(row),
        "rating_shown": row["rating_shown"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        # Not `url`: Hugo and Eleventy take that (and `permalink`, `slug`) as the page's own
        # address, and Hugo refuses a whole build on one with a scheme. A template makes these
        # links: http(s) alone, as everywhere.
        "review_url": weblinks.web_url(row["review_url"]),
        "film_url": weblinks.web_url(row["film_url"]),
        "person": row["reviewer"] or row["profile_id"],
        "profile": row["profile_id"],
        "review_id": row["id"],
        "tags": [row["site"], kind],
        # The text is the review's, not a template: Jekyll and Eleventy run Liquid over a
        # page's content unless told not to, and "{% include x %}" in a review stops a build.
        "render_with_liquid": False,
        "templateEngineOverride": "md",
    }


def body(original: str | None, text: str | None = None) -> str:
    """The text as Markdown: converted from the HTML the site gave (`original`), else the
    paragraphs of the plain `text` scrape keeps (`original` without its mojibake), each
    written as text: what a review says never becomes a tag or a link in the page."""
    if not original or not original.strip():
        return ""
    if _TAG.search(original):
        converter = _Converter(heading_style="ATX", bullets="-", escape_underscores=False)
        converted = converter.convert(original)
    else:
        converted = "\n\n".join(as_text(p) for p in wording.paragraphs(text or original))
    return re.sub(r"\n{3,}", "\n\n", converted).strip() + "\n"


def title(row: dict[str, Any]) -> str:
    """'The Matrix (1999)', or the film alone when its year is unknown."""
    film = str(row["film"] or row["id"])
    return f"{film} ({row['year']})" if row["year"] else film


def names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each review's file name, without its suffix: its day and its film ("2024-05-01-the-
    matrix"). A name two reviews would share (the same film and day: a rewatch, two people)
    takes a short hash of the review's id, so it stays the same from one export to the next;
    and as a film may be called "Heat 2ebcae", every name that still clashes takes a longer
    one, until none does."""
    bases = {
        r["id"]: f"{(r['date'] or '')[:10] or 'undated'}-{slug(r['film'] or r['id'])}" for r in rows
    }
    shared = Counter(bases.values())
    digits = {rid: 0 if shared[base] == 1 else 6 for rid, base in bases.items()}

    def name(rid: str) -> str:
        tail = sha1(str(rid).encode()).hexdigest()[: digits[rid]]
        return f"{bases[rid]}-{tail}" if tail else bases[rid]

    while True:
        chosen = {rid: name(rid) for rid in bases}
        taken = Counter(chosen.values())
        clashing = [rid for rid, stem in chosen.items() if taken[stem] > 1]
        if not clashing:
            return chosen
        # Distinct ids differ within sha1's 40 digits, and a name only grows: this ends.
        for rid in clashing:
            digits[rid] = min(40, digits[rid] + 6) if digits[rid] else 6


def slug(text: str) -> str:
    """'Amélie (2001)' -> 'amelie-2001', 'Ла-Ла Ленд' -> 'la-la-lend', 'Straße' -> 'strasse':
    every script transliterated, so a title is never lost to a bare 'film'."""
    folded = anyascii(str(text))
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].rstrip("-") or "film"


def stars_of(row: dict[str, Any]) -> float | None:
    """The rating on 0-5 (review_list shows it as text, "3.5")."""
    return float(row["stars"]) if row["stars"] not in (None, "") else None
