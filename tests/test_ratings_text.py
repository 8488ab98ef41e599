import pytest
from ftfy.badness import is_bad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scraper.sites import ratings, text


@pytest.mark.parametrize(
    ("raw", "out_of", "expected"),
    [
        (3.5, 5, 7.0),
        ("3.5", 5, 7.0),
        ("5.0", 5, 10.0),
        (0.5, 5, 1.0),
        ("STAR_3_5", None, 7.0),
        ("STAR_5", None, 10.0),
        ("3/4", None, 7.5),
        ("8/10", None, 8.0),
        ("3.5/5", None, 7.0),
        ("3.5 out of 5", None, 7.0),
        ("B+", None, 7.5),
        ("A+", None, 10.0),
        ("F", None, 0.0),
        ("fresh", None, None),
        ("rotten", None, None),
        ("4", None, None),
        ("", 5, None),
        (None, 5, None),
        (6, 5, None),
        ("11/10", None, None),
        ("nonsense", None, None),
    ],
)
def test_ratings_on_ten(raw, out_of, expected):
    assert ratings.to_ten(raw, out_of=out_of) == expected


def test_stars_raw():
    assert ratings.stars_raw("4.0") == "4/5"
    assert ratings.stars_raw(3.5) == "3.5/5"
    assert ratings.stars_raw("") is None


def test_plain_text_repairs_and_strips():
    assert text.plain("full of awesome clichÃ (C)s.") == "full of awesome clichés."
    assert text.plain("donâ€™t") == "don’t"
    assert text.plain("one<br>two &amp; <i>three</i>") == "one\ntwo & three"
    assert text.plain("x < y and 3 > 2") == "x < y and 3 > 2"
    assert text.plain("   ") is None and text.plain(None) is None


def test_decode_honours_latin1_declaration():
    body = '<meta charset="ISO-8859-1"><p>Magalhães</p>'.encode("latin-1")
    assert "Magalhães" in text.decode(body)


# Characters ftfy's badness test reacts to, mixed with the ASCII around them in real text.
_MOJIBAKE_ALPHABET = "ab Z.,?!\n'\"ÃÂÎÐØÙàâ€œŠš¢£Ÿž\xa0\xad®©°·»–—´’“”…√±∂≈‚ÄìîВГРСўЂβΆā×²³Œœ"


@settings(max_examples=3000, deadline=None)
# The sequences that reach furthest from their non-ASCII characters: two letters before, two
# after.
@example("a Ã ", "xyz")
@example("ГўВЂВ.ab", "z")
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=40), st.text(alphabet="ab .", max_size=30))
def test_mojibake_suspects_miss_nothing_ftfy_would_see(core, padding):
    """repair() asks ftfy's is_bad about the windows around non-ASCII characters only; every
    text it calls bad whole must still be bad in its windows."""
    whole = padding + core + padding
    if is_bad(whole):
        assert is_bad(text.mojibake_suspects(whole))


def test_mojibake_suspects_on_the_corpus_texts(corpus):
    """The same over every corpus file's decoded text, cut into review-sized pieces."""
    seen = 0
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".json", ".xml", ".csv"}:
            continue
        body = text.decode_lenient(path.read_bytes())
        for start in range(0, len(body), 2000):
            piece = body[start : start + 2000]
            seen += 1
            if is_bad(piece):
                assert is_bad(text.mojibake_suspects(piece)), (path.name, start)
    assert seen > 1000


@pytest.mark.parametrize(
    ("raw", "scale", "expected"),
    [
        ("3/5", None, 6.0),
        ("3.5/4", None, 8.75),
        ("8/10", None, 8.0),
        ("B+", None, 7.5),
        ("A-", 4.0, 8.33),
        ("4 stars", 5.0, 8.0),
        ("4 stars", 4.0, 10.0),
        ("4 stars", None, None),  # out of 4 or out of 5: not guessed
        ("3½ stars", 4.0, 8.75),
        ("3 1/2 stars", 5.0, 7.0),
        ("★★★½", 5.0, 7.0),
        ("***", 4.0, 7.5),
        ("4.5 stars", None, 9.0),  # no four-star scale has four and a half
        ("4.5 stars", 4.0, None),
        ("fresh", None, None),
        ("7", None, None),
        ("two thumbs up", None, None),
    ],
)
def test_critic_scores_on_ten(raw, scale, expected):
    from scraper.sites.ratings import critic_to_ten

    assert critic_to_ten(raw, scale) == expected


def test_a_critics_star_scale_comes_from_their_other_scores():
    from scraper.sites.ratings import star_scale

    assert star_scale(["3/4", "2.5/4", "B", "4 stars"]) == 4.0
    assert star_scale(["3/5", None, ""]) == 5.0
    assert star_scale(["3/4", "4/5"]) is None  # they disagree: no scale
    assert star_scale(["8/10", "B+"]) is None
