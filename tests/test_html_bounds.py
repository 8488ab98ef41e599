"""HTML that an HTML5 tree builder takes quadratic time over (issue 15, item 9) is refused
before lexbor sees it, quickly, whichever way it arrives: a crawl, an import, any parser. Real
pages, however sloppy, are not: they are checked against lexbor's own trees."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser

from scraper import sites
from scraper.errors import ParseError
from scraper.sites import common, nesting
from scraper.sites import text as textmod
from tests.conftest import CORPUS
from tests.test_e2e_imdb_metacritic import FakeImdb, imdb_reviews

ROOT = Path(__file__).resolve().parent.parent
FETCHED = datetime(2026, 11, 28, tzinfo=UTC)
LIMIT = f"nested deeper than the limit of {nesting.MAX_DEPTH} elements"
# Every parser that builds a tree of the page (the others read JSON, CSV, XML or a script).
HTML_PARSERS = [
    ("rottentomatoes", "critic_page"),
    ("rottentomatoes", "movie_page"),
    ("rottentomatoes", "flixster_movie_page"),
    ("letterboxd", "diary"),
    ("letterboxd", "reviews"),
    ("letterboxd", "review_page"),
    ("letterboxd", "film_reviews"),
    ("letterboxd", "film_page"),
    ("letterboxd", "films"),
    ("letterboxd", "profile"),
    ("imdb", "review_cards"),
    ("metacritic", "legacy_profile"),
    ("metacritic", "legacy_film_page"),
    ("metacritic", "profile_page"),
]


def nested(count: int, tag: str = "div") -> bytes:
    return b"<html><head><title>x</title></head><body>" + f"<{tag}>".encode() * count


def refused_quickly(site: str, parser: str, body: bytes, url: str) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(ParseError) as error:
        sites.parse(site, parser, body, url, FETCHED)
    return str(error.value), time.perf_counter() - started


@pytest.mark.parametrize(("site", "parser"), HTML_PARSERS)
def test_100k_nested_divs_are_refused_fast_by_every_html_parser(site, parser):
    message, elapsed = refused_quickly(site, parser, nested(100_000), "https://example.com/x/")
    assert LIMIT in message and "not a page this site serves" in message, message
    assert elapsed < 2, f"{elapsed:.2f} s"  # lexbor alone took 47 s


def test_a_million_nested_divs_are_refused_fast():
    message, elapsed = refused_quickly(
        "letterboxd", "diary", nested(1_000_000), "https://letterboxd.com/alice/films/diary/"
    )
    assert LIMIT in message
    assert elapsed < 2, f"{elapsed:.2f} s"  # lexbor alone: over 600 s


def test_no_parser_builds_a_tree_but_through_the_guard():
    """Every tree comes from nesting.tree, so that no parser, present or future, skips it."""
    for path in (ROOT / "scraper").rglob("*.py"):
        if path.name == "nesting.py":
            continue
        assert "HTMLParser(" not in path.read_text(), path


# Each builds a deep tree in lexbor in a way a scan that only counted tags would miss: a quoted
# ">" or "</div>", a comment, a script that "</script>" does not end, a slash that ends an
# unquoted value, formatting elements the tree builder re-opens, misnested end tags it ignores.
HIDDEN = {
    "quoted >": '<div title="a>b">',
    "quoted end tag": '<div title="></div>">',
    "end tag in a comment": "<div><!-- </div> -->",
    "end tag in a script": "<div><script><!--<script></script></div></script>",
    "end tag in CDATA": "<div><svg><![CDATA[</svg></div>]]></svg>",
    "unquoted slash in SVG": "<svg><g a=x/>",
    "re-opened formatting": "<p><b id={n}></p>",
    "re-opened at every text": "<p><i class={n}>x</p><p>y",
    "adoption agency": "<b><div></b>",
    "ignored end tag": "<span><div></span></div>",
    "form closed under a div": "<form><div></form>",
    "nested tables": "<table><tr><td>",
    "foster-parented": "<div>x",
    "svg in an integration point": "<svg><foreignObject><div>",
    "</p> at an integration point": "<div><svg><desc></p>",
    "end tag inside a select": "<object><select></object>",
    "a name that only Unicode lowercases to <link>": "<lin\u212a>",
    "an end tag that only Unicode matches": "<div><script></\u017fcript></div></script>",
    "framesets": "<frameset>",
}
PREFIX = {"foster-parented": "<table>"}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_nesting_hidden_from_a_naive_scan_is_still_refused(name):
    rounds = (HIDDEN[name].replace("{n}", str(n)) for n in range(20_000))
    markup = PREFIX.get(name, "") + "".join(rounds)
    started = time.perf_counter()
    with pytest.raises(nesting.Unbounded):
        nesting.check(markup)
    assert time.perf_counter() - started < 2


# Closed implicitly, void, self-closing in SVG, or closed by the next one (a second <a> or
# <button>): long, and never deep.
FLAT = {
    "p": "<p>x",
    "li": "<li>x",
    "dd and dt": "<dt>a<dd>b",
    "table rows": "<tr><td>a<td>b",
    "options": "<option>x",
    "void": "<br><img src=x><input><hr>",
    "svg paths": "<path d='M0 0'/>",
    "headings": "<h1>a<h2>b",
    "closed b": "<b>x</b>",
    "a in a": "<a href=x>y",
    "buttons": "<button>x",
    "unclosed script-like text": "<3 < x",
    "comments": "<!-- <div> -->",
}


@pytest.mark.parametrize("name", sorted(FLAT))
def test_long_flat_markup_passes_and_parses_fast(name):
    prefix = {"options": "<select>", "table rows": "<table>", "li": "<ul>", "svg paths": "<svg>"}
    markup = prefix.get(name, "") + FLAT[name] * 100_000
    started = time.perf_counter()
    tree = nesting.tree(markup)
    assert time.perf_counter() - started < 3
    assert nesting.depth(markup) <= 8
    assert tree.body is not None


def test_other_bounds_name_the_limit():
    attributes = "<div " + " ".join(f"a{i}" for i in range(80_000)) + ">"
    with pytest.raises(nesting.Unbounded, match="80000 attributes, over the limit of 512"):
        nesting.check(attributes)
    formatting = "<table><td>" + "".join(f"<b id={n}>" for n in range(65))
    with pytest.raises(nesting.Unbounded, match="formatting elements open at once"):
        nesting.check(formatting + "x" * 300)


def test_a_review_text_too_deep_for_a_tree_is_kept_as_plain_text():
    """A user's own sloppy HTML (hundreds of <i> never closed) is not a hostile page: its text
    is archived, its tags dropped in one pass."""
    raw = "Seen with <i>friends<i> & family. " * 3_000
    started = time.perf_counter()
    plain = textmod.plain(raw)
    assert time.perf_counter() - started < 2
    assert plain is not None and plain.startswith("Seen with friends & family.")
    assert "<" not in plain


def lexbor_depth(markup: str) -> int:
    """The depth of lexbor's tree, html included (text and comments are not elements)."""
    tree = LexborHTMLParser(markup, options=LexborDocumentOptions.WO_EVENTS)
    deepest, stack = 0, [(tree.root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        child = node.child
        while child is not None:
            if not child.tag.startswith(("-", "_", "!")):
                stack.append((child, level + 1))
            child = child.next
    return deepest


TOKENS = [
    *("div", "p", "span", "b", "i", "a", "font", "nobr", "li", "ul", "dd", "dt", "h1", "pre"),
    *("table", "td", "tr", "tbody", "caption", "colgroup", "col", "select", "option", "form"),
    *("svg", "math", "g", "foreignObject", "desc", "mi", "mtext", "button", "object", "br"),
    *("template", "textarea", "style", "script", "xmp", "ruby", "rt", "img", "hr", "input"),
    *("body", "html", "frameset"),
]
ODD = [
    "x",
    " ",
    "<!--x-->",
    "<!-->",
    "<![CDATA[</div>]]>",
    "<script><!--<script></script>",
    '<a href="></div>">',
    "<g a=x/>",
    "<div/>",
    "<g/>",
    "<svg/>",
    "<font color=red>",
    '<annotation-xml encoding="text/html">',
    '<div/="><div>">',
    "<b id={n}>",
    "<i class={n}>",
    "<title>x</title>",
]


def test_the_scan_never_counts_much_shallower_than_lexbor_builds():
    """Random rounds of tags, repeated: wherever lexbor's tree grows with the repetitions, the
    scan's count grows too (a tree may be one level deeper: void and self-closed elements
    are leaves the stack never holds)."""
    rng = random.Random(15)

    def token() -> str:
        roll = rng.random()
        if roll < 0.45:
            return f"<{rng.choice(TOKENS)}>"
        return f"</{rng.choice(TOKENS)}>" if roll < 0.85 else rng.choice(ODD)

    for _ in range(250):
        prefix = "".join(token() for _ in range(rng.randint(0, 3)))
        round_ = [token() for _ in range(rng.randint(1, 6))]
        markup = prefix + "".join(
            "".join(t.replace("{n}", str(n)) for t in round_) for n in range(30)
        )
        counted = nesting.depth(markup) + markup.lower().count("<frameset")
        assert lexbor_depth(markup) <= counted + 2, (prefix, round_)


CORPUS_PAGES = (
    sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.htm*"))
    if CORPUS.is_dir()
    else ["(corpus absent)"]
)
FIXTURE_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/fixtures").rglob("*.htm*"))


def check_real_page(path: Path) -> None:
    markup = textmod.decode(path.read_bytes())
    nesting.check(markup)
    counted = nesting.depth(markup)
    # Real pages nest 31 deep at most: the limit leaves more than ample room.
    assert counted <= nesting.MAX_DEPTH // 8
    assert lexbor_depth(markup) <= counted + 1


@pytest.mark.parametrize("name", CORPUS_PAGES)
def test_every_corpus_page_passes_the_guard(corpus, name):
    check_real_page(corpus / name)


@pytest.mark.parametrize("name", FIXTURE_PAGES)
def test_every_fixture_page_passes_the_guard(name):
    check_real_page(ROOT / name)


def query(db: Path, sql: str) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


class DeepSecondPage(FakeImdb):
    """IMDb whose second page of a member's reviews is 1.4 MB of nested divs."""

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        if query.get("paginationKey") == ["k25"]:
            return 200, nested(280_000), "text/html; charset=utf-8"
        return super().route(path, query)


def test_a_deep_page_served_during_a_crawl_ends_the_run_in_one_line(run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    with DeepSecondPage({"ur7654321": imdb_reviews(60)}, {}) as site:
        started = time.perf_counter()
        done = run_scrape(
            "user", "imdb:ur7654321", "--db", str(db), env={"SCRAPE_IMDB_ROOT": site.root}
        )
        elapsed = time.perf_counter() - started
        assert site.requests()[:2] == [
            "GET /user/ur7654321/reviews/",
            "GET /user/ur7654321/reviews/?paginationKey=k25",
        ]
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and LIMIT in lines[0] and "reviews/?paginationKey=" in lines[0], lines
    assert "Traceback" not in done.stderr
    assert elapsed < 20, f"{elapsed:.1f} s"  # the page alone took lexbor 23 s
    # The first page is kept; nothing of the deep one is.
    assert query(db, "select count(*) from reviews") == [(25,)]
    fetched = [url for (url,) in query(db, "select url from fetches")]
    assert fetched and not any("k25" in url for url in fetched), fetched


def test_import_of_a_deep_saved_page_is_refused_in_one_line(run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    good = ROOT / "tests/fixtures/letterboxd/diary-2022.html"
    first = run_scrape("import", str(good), "--profile", "letterboxd:alice", "--db", str(db))
    assert first.returncode == 0, first.stderr
    before = [query(db, f"select * from {table}") for table in ("reviews", "fetches", "films")]
    saved = tmp_path / "diary.html"
    saved.write_bytes(
        b'<html><head><meta property="og:url" content="https://letterboxd.com/alice/films/'
        b'diary/"></head><body class="letterboxd"><table id="diary-table">'
        b'<tr class="diary-entry-row">' + b"<div>" * 300_000
    )
    done = run_scrape("import", str(saved), "--profile", "letterboxd:alice", "--db", str(db))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and LIMIT in lines[0], lines
    assert [query(db, f"select * from {table}") for table in ("reviews", "fetches", "films")] == (
        before
    )


# Texts with at most nesting.FEW_TAGS tags skip the scan (a review's own HTML, parsed for its
# text dozens of times a page); these are the worst such texts for the tree builder.
FEW_TAG_WORST = {
    "nested divs": "<div>" * 64,
    "unclosed formatting re-opened": "".join(f"<p><b id={n}>x</p>" for n in range(21)),
    "formatting in cells": "<table><td>" + "".join(f"<b id={n}>x" for n in range(60)),
    "nested tables": "<table><td>" * 32,
    "long text between": ("<i>" + "word " * 20_000) * 8,
}


@pytest.mark.parametrize("name", sorted(FEW_TAG_WORST))
def test_texts_with_few_tags_skip_the_scan_and_stay_cheap(name, monkeypatch):
    markup = FEW_TAG_WORST[name]
    assert markup.count("<") <= nesting.FEW_TAGS
    monkeypatch.setattr(nesting, "_Scan", None)  # the scan must not be needed
    started = time.perf_counter()
    tree = nesting.tree(markup)
    assert tree.body is not None
    assert time.perf_counter() - started < 0.05


def test_a_few_tags_with_too_many_attributes_are_still_refused():
    markup = "<b>hi</b><div " + " ".join(f"a{i}" for i in range(5_000)) + ">x</div>"
    with pytest.raises(nesting.Unbounded, match="5000 attributes"):
        nesting.check(markup)


@pytest.mark.parametrize("opening", ["<script>", "<svg>", "<textarea>", "<![CDATA["])
def test_a_few_tags_outside_the_data_state_take_the_whole_scan(opening, monkeypatch):
    """Inside <script> (and raw text, foreign content) a scan by tags sees tags the tokenizer
    does not, and misses ones it does: such texts are not let through by their tag count."""
    calls = []
    real = nesting._Scan

    class Counted(real):
        def run(self):
            calls.append(1)
            return super().run()

    monkeypatch.setattr(nesting, "_Scan", Counted)
    nesting.check(opening + "x" * 300 + "<div>" * 3)
    assert calls == [1]


SCRIPT_PAGES = [
    ("imdb", "ratings_page", "https://www.imdb.com/user/ur7654321/ratings/"),
    ("metacritic", "profile_page", "https://www.metacritic.com/user/someone/"),
    ("metacritic", "film_page", "https://www.metacritic.com/movie/heat/"),
]


@pytest.mark.parametrize(("site", "parser", "url"), SCRIPT_PAGES)
@pytest.mark.parametrize(
    "body",
    [
        b"<script " * 67_500,
        b'<script id="__NEXT_DATA__" ' * 20_000,
        b'<script id="__NUXT_DATA__" ' * 20_000,
        # Inside a script, where the tree builder's guard reads no tags.
        b"<html><body><script>" + b"<script " * 67_500,
        b'<html><body><script id="__NUXT_DATA__">' + b"<script " * 67_500,
    ],
    ids=["script", "next-id", "nuxt-id", "in-a-script", "in-the-payload"],
)
def test_540kb_of_script_openings_fail_to_parse_quickly(site, parser, url, body):
    # The __NEXT_DATA__ / __NUXT_DATA__ regexes took minutes over 540 kB of "<script ".
    started = time.perf_counter()
    with pytest.raises(ParseError) as error:
        sites.parse(site, parser, body, url, FETCHED)
    elapsed = time.perf_counter() - started
    assert url in str(error.value)
    assert elapsed < 1, f"{elapsed:.2f} s"


@pytest.mark.parametrize(
    ("page", "found"),
    [
        (b'<script id="__NEXT_DATA__" type="application/json">[1]</script>', b"[1]"),
        (b'<SCRIPT type="application/json" ID="__NEXT_DATA__">[1]</Script >', b"[1]"),
        (b'<script id="other">x</script><script id="__NEXT_DATA__">[2]</script>', b"[2]"),
        (b'<script data-id="__NEXT_DATA__">x</script>', None),
        (b'<script id="__NEXT_DATA__">[1]', None),
        (b'<script id="__NEXT_DATA__"', None),
        (b'<div id="__NEXT_DATA__">[1]</div>', None),
    ],
)
def test_a_script_is_found_by_its_id(page, found):
    assert common.script_by_id(b"<html><body>" + page + b"</body>", "__NEXT_DATA__") == found
