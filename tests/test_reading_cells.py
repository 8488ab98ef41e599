"""How values read in the reading room (scraper/views/reading_room/cells.py and the chart axes of
queries.py): pure functions, checked without a server."""

from __future__ import annotations

import random
import re
import time

import pytest

from scraper import wording
from scraper.views.reading_room import cells, queries


@pytest.mark.parametrize(
    ("value", "glyphs"),
    [("5", "★★★★★"), ("3.5", "★★★½"), ("0.5", "½"), ("3.75", "★★★★"), (4, "★★★★"), ("0", "")],
)
def test_stars(value, glyphs):
    assert wording.stars(value) == glyphs


@pytest.mark.parametrize("value", ["fresh", "", None, "6", "-1"])
def test_not_a_star_rating(value):
    assert wording.stars(value) is None


def test_a_short_text_is_shown_whole_and_escaped():
    html = cells.fold("Loved it <3 & more")
    assert "details" not in html and "Loved it &lt;3 &amp; more" in html


def test_a_long_text_folds_at_a_word_with_the_whole_text_behind_more():
    text = ("word " * 200).strip() + " <end>"
    html = str(cells.fold(text))
    excerpt = html.split('<span class="excerpt">')[1].split("</span>")[0]
    assert excerpt.endswith("word…") and len(excerpt) <= cells.EXCERPT + 1
    assert '<span class="more">more</span>' in html
    assert "word &lt;end&gt;</div></details>" in html


def test_paragraphs():
    assert wording.paragraphs("One.\n\nTwo.\nThree.\n  \n") == ["One.", "Two.", "Three."]
    assert wording.paragraphs(None) == []


def test_changes_mark_words_taken_out_and_put_in():
    html = str(cells.changes("a very good film <b>", "a good film, truly <b>"))
    before, after = html.split('<div class="after">')
    assert "<del>very</del>" in before and "<ins>" not in before
    assert "<ins>film, truly</ins>" in after and "<del>" not in after
    assert "&lt;b&gt;" in before and "&lt;b&gt;" in after


def test_changes_of_huge_texts_are_shown_unmarked():
    big = "x " * cells.DIFF_LIMIT
    html = str(cells.changes(big, big + "y"))
    assert "<del>" not in html and "<ins>" not in html and html.count("x") > cells.DIFF_LIMIT


def _review(words: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choice("abcdefghij") for _ in range(rng.randint(1, 7))) for _ in range(900)
    ]
    return [rng.choice(vocab) for _ in range(words)]


def test_two_texts_at_the_review_limit_with_many_small_edits_are_marked_quickly():
    words = _review(3_500, seed=30)
    before = " ".join(words)[:20_000]
    after = " ".join(w if i % 20 else "EDITED" for i, w in enumerate(before.split(" ")))
    started = time.perf_counter()
    html = str(cells.changes(before, after))
    assert time.perf_counter() - started < 1
    old, new = html.split('<div class="after">')
    # Every 20th word was replaced; most of them are marked one by one.
    assert old.count("<del>") > 100 and new.count("<ins>EDITED</ins>") > 100


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Repeated words made difflib's matcher cubic: this pair took 4 s, 4 KB of it 10 s.
        ("a " * 1_000, " ".join("a" if i % 10 else "b" for i in range(1_000))),
        ("a " * 10_000, " ".join("a" if i % 10 else "b" for i in range(10_000))),
        (
            " ".join("ab"[i % 3 == 0] for i in range(10_000)),
            " ".join("ab"[i % 2] for i in range(10_000)),
        ),
        (" ".join(map(str, range(3_000))), " ".join(map(str, reversed(range(3_000))))),
    ],
)
def test_any_pair_is_diffed_in_bounded_time(before, after):
    started = time.perf_counter()
    html = str(cells.changes(before, after))
    assert time.perf_counter() - started < 1
    old, new = html.split('<div class="after">')
    # Still a true diff: each side's words are all there, in order, marks aside.
    for side, text in ((old, before), (new, after)):
        shown_words = re.sub(r"<[^>]*>", " ", side.split("</span>", 1)[1]).split()
        assert shown_words == text.split()


def test_timeline_has_every_month_between_first_and_last():
    months = [{"month": "2023-11", "n": 2}, {"month": "2024-02", "n": 5}]
    assert queries._every_month(months) == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert queries._filled_months(months) == [2, 0, 0, 5]
    assert queries._every_month([]) == []


def test_years_by_site_fill_the_gaps():
    counts = [
        {"reviewed": "2019", "site": "letterboxd", "n": 3},
        {"reviewed": "2021", "site": "imdb", "n": 1},
    ]
    chart = queries._by_site("t", counts)
    assert chart["labels"] == ["2019", "2020", "2021"]
    assert chart["datasets"] == [
        {"label": "imdb", "data": [0, 0, 1]},
        {"label": "letterboxd", "data": [3, 0, 0]},
    ]
