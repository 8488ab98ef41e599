"""IMDb exports from accounts in other languages (issue 29, item 5): the Title Type is written in
the account's language, and a label scrape does not know gives no kind, never a guessed movie.
The fixtures are hand-written in the shape of a real Italian export (see their README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli

LANGUAGES = Path(__file__).resolve().parent / "fixtures" / "imdb" / "languages"
# Every fixture rates the same eight titles, each of one type.
KINDS = {
    "tt0083658": "movie",  # a film
    "tt3647998": "tv",  # a series
    "tt31806037": "tv",  # a mini series
    "tt28741830": "tv",  # a TV special
    "tt0959621": "episode",
    "tt0108778": "movie",  # a TV movie
    "tt0437012": "movie",  # a short
    "tt2140553": "game",
}


def imported(tmp_path: Path, name: str) -> tuple[object, dict[str, str | None]]:
    db = tmp_path / "a.db"
    done = CliRunner().invoke(
        cli, ["import", str(LANGUAGES / name), "--profile", "imdb:ur1", "--db", str(db)]
    )
    with sqlite3.connect(db) as conn:
        kinds = dict(conn.execute("SELECT site_film_id, kind FROM films").fetchall())
    return done, kinds


@pytest.mark.parametrize("language", ["it", "de", "fr", "es", "pt"])
def test_title_types_in_the_accounts_language_are_their_kinds(tmp_path, language):
    done, kinds = imported(tmp_path, f"ratings-export-2025-{language}.csv")
    assert done.exit_code == 0, done.output
    assert "8 reviews (8 new" in done.output
    assert kinds == KINDS
    assert "warning" not in done.output


def test_an_unknown_title_type_is_no_kind_and_named_with_its_rows(tmp_path):
    done, kinds = imported(tmp_path, "ratings-export-2025-unknown-type.csv")
    assert done.exit_code == 0, done.output
    assert "3 reviews (3 new" in done.output
    assert kinds == {"tt0083658": "movie", "tt3647998": None, "tt0903747": None}
    path = LANGUAGES / "ratings-export-2025-unknown-type.csv"
    assert (
        f'warning: {path}: 2 rows with the Title Type "Serial TV", which scrape does not know: '
        "their kind is left empty (NULL)"
    ) in done.output
    # The ratings themselves are kept whatever the kind.
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT count(*) FROM reviews WHERE rating IS NOT NULL").fetchone() == (
            3,
        )
