"""What `scrape import` says of files it does not import (issue 31, item 7): a README beside
the captures is passed over, a Letterboxd full-text fragment is named for what it is, a refusal
names its file once, and a folder with nothing imported says so in words."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from scraper.cli import cli
from tests.docs_text import page_path

ROOT = Path(__file__).resolve().parent.parent
NOT_RECOGNISED = "not a page or response that scrape recognises"


def run_import(db: Path, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--db", str(db)])


def test_a_readme_quoting_markup_is_not_a_page(tmp_path):
    # The project's own docs (the import section of commands.md) quote
    # `<script id="reviews-json">`, as a user's notes may.
    readme = tmp_path / "README.md"
    shutil.copy(page_path("commands"), readme)
    done = run_import(tmp_path / "a.db", str(readme))
    assert done.exit_code == 2, done.output
    assert f"{readme}: {NOT_RECOGNISED}" in done.output
    assert "reviews-json" not in done.output


def test_a_folder_passes_over_its_documentation_quietly(tmp_path, corpus):
    folder = tmp_path / "dump"
    folder.mkdir()
    shutil.copy(page_path("commands"), folder / "README.md")
    (folder / "notes.txt").write_text("saved these on the 5th\n")
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    good = corpus / "rottentomatoes" / "napi-userprofile-movieratings-2020-last.json"
    shutil.copy(good, folder / "ratings.json")
    done = run_import(tmp_path / "a.db", str(folder))
    assert done.exit_code == 0, done.output
    assert "refused" not in done.output
    assert "1 file (1 legacy_ratings): 20 reviews" in done.output
    assert "passed over 3 documentation files: README.md, cover.png, notes.txt" in done.output


def test_a_review_copied_as_text_in_a_folder_is_still_imported(tmp_path, corpus):
    folder = tmp_path / "copies"
    folder.mkdir()
    shutil.copy(corpus / "copied-text" / "review-saved-as-text.txt", folder / "review.txt")
    (folder / "README.md").write_text("# my copies\n")
    done = run_import(tmp_path / "a.db", str(folder))
    assert done.exit_code == 0, done.output
    assert "1 file (1 copied_review)" in done.output
    assert "passed over 1 documentation file: README.md" in done.output


def test_a_full_text_fragment_is_named_for_what_it_is(tmp_path, corpus):
    reviews = corpus / "letterboxd" / "film-reviews-2026"
    fragments = sorted(reviews.glob("s-full-text-viewing-*.html"))
    assert len(fragments) == 4
    for fragment in fragments:
        done = run_import(tmp_path / "a.db", str(fragment))
        assert done.exit_code == 2, done.output
        assert (
            f"{fragment}: a Letterboxd full-text fragment (/s/full-text/viewing:<id>/): "
            "import the listing it belongs to"
        ) in done.output
    # Beside the listing they belong to, the listing is imported and each fragment named.
    done = run_import(tmp_path / "b.db", str(reviews))
    refused = [line for line in done.output.splitlines() if line.startswith("refused: ")]
    assert len(refused) == 4 and all("full-text fragment" in line for line in refused)


def test_a_refusal_names_its_file_once(tmp_path, corpus):
    page = tmp_path / "critic.html"
    page.write_text('<html><script id="reviews-json">{not json</script></html>')
    good = corpus / "rottentomatoes" / "napi-userprofile-movieratings-2020-last.json"
    done = run_import(tmp_path / "a.db", str(good), str(page))
    assert done.exit_code == 1, done.output
    (line,) = [line for line in done.output.splitlines() if line.startswith("refused: ")]
    assert line.startswith(f"refused: {page}: rottentomatoes: cannot parse it: "), line
    assert "file://" not in line and line.count("critic.html") == 1


def test_a_folder_with_nothing_imported_says_so(tmp_path):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.json").write_text('{"hello": 1}')
    (folder / "b.json").write_text('{"hello": 2}')
    done = run_import(tmp_path / "a.db", str(folder))
    assert done.exit_code == 1, done.output
    assert "0 files" not in done.output and "()" not in done.output
    assert f"no file imported into {tmp_path / 'a.db'}" in done.output
    assert "2 of 2 files refused" in done.output
