"""Issue 21, Markdown: one file a review, front matter a YAML parser reads back as the archive
holds it, rewritten only when its review changed, and no file this export did not write ever
removed."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner

from scraper.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}|undated)-[a-z0-9-]+(-[0-9a-f]{6})?\.md$")


def export(db: Path, folder: Path, *args: str):
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "markdown", "-o", str(folder), *args]
    )
    assert result.exit_code == 0, result.output
    return result


def reviews_page_archive(tmp_path: Path) -> Path:
    """An archive of one Letterboxd reviews page (two films, reviews with HTML)."""
    db = tmp_path / "archive.db"
    page = FIXTURES / "letterboxd/reviews/reviews-2026-page2.html"
    url = "https://letterboxd.com/dan/films/reviews/page/2/"
    imported = CliRunner().invoke(cli, ["import", str(page), "--db", str(db), "--url", url])
    assert imported.exit_code == 0, imported.output
    return db


def read(path: Path) -> tuple[dict, str]:
    head, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    assert head == ""
    return yaml.safe_load(front), body


def test_every_review_is_a_file_whose_front_matter_is_the_archive(corpus_db, tmp_path):
    folder = tmp_path / "reviews"
    done = export(corpus_db, folder)
    with sqlite3.connect(corpus_db) as conn:
        conn.row_factory = sqlite3.Row
        archived = {
            row["id"]: dict(row)
            for row in conn.execute("SELECT * FROM review_list WHERE status != 'deleted'")
        }
    files = sorted(folder.glob("*.md"))
    assert len(files) == len(archived) == 842
    assert f"842 reviews in {folder}: 842 written, 0 unchanged, 0 pruned" in done.output
    for path in files:
        assert NAME.match(path.name), path.name
        front, _ = read(path)
        row = archived[front["review_id"]]
        assert front["film"] == row["film"] and front["year"] == row["year"]
        assert front["rating"] == row["rating"]
        assert front["stars"] == (float(row["stars"]) if row["stars"] else None)
        assert front["rating_shown"] == row["rating_shown"]
        assert front["date"] == row["date"] and front["date_precision"] == row["date_precision"]
        assert front["review_url"] == row["review_url"] and front["film_url"] == row["film_url"]
        # Keys Hugo, Jekyll or Eleventy read as the page's own address, layout or kind.
        assert not front.keys() & {"url", "permalink", "slug", "layout", "type", "aliases"}
        assert front["site"] == "rottentomatoes" and front["profile"] == row["profile_id"]
        assert front["tags"][0] == "rottentomatoes" and front["tags"][1] in ("review", "rating")
        assert path.name.startswith((row["date"] or "undated")[:10])


def test_a_second_run_rewrites_nothing_and_prune_removes_only_its_own(corpus_db, tmp_path):
    folder = tmp_path / "reviews"
    export(corpus_db, folder)
    folder.joinpath("about.md").write_text("my own page")
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.md")}
    again = export(corpus_db, folder)
    assert "0 written, 842 unchanged, 0 pruned" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.md")} == stamps
    narrower = export(corpus_db, folder, "--since", "2023-01-01", "--prune")
    kept = int(re.search(r"(\d+) reviews? in", narrower.output)[1])
    assert 0 < kept < 842 and f"{842 - kept} pruned" in narrower.output
    assert len(list(folder.glob("*.md"))) == kept + 1
    assert folder.joinpath("about.md").read_text() == "my own page"  # never written by us


def test_review_html_becomes_markdown_paragraphs(tmp_path):
    db = reviews_page_archive(tmp_path)
    folder = tmp_path / "out"
    export(db, folder, "--only", "reviews")
    bodies = {read(p)[0]["film"]: read(p)[1] for p in folder.glob("*.md")}
    assert bodies and all(body.strip() for body in bodies.values())
    joined = "\n".join(bodies.values())
    assert "*harbour*" in joined and "<i>" not in joined and "<p>" not in joined


def test_markdown_needs_a_folder_and_other_formats_refuse_its_options(corpus_db, tmp_path):
    runner = CliRunner()
    no_folder = runner.invoke(cli, ["export", "--db", str(corpus_db), "--format", "markdown"])
    assert no_folder.exit_code == 2 and "-o DIR" in no_folder.output
    pruned_csv = runner.invoke(cli, ["export", "--db", str(corpus_db), "--prune"])
    assert pruned_csv.exit_code == 2 and "--format markdown" in pruned_csv.output
    a_file = tmp_path / "file.md"
    a_file.write_text("x")
    onto_file = runner.invoke(
        cli, ["export", "--db", str(corpus_db), "--format", "markdown", "-o", str(a_file)]
    )
    assert onto_file.exit_code == 2 and a_file.read_text() == "x"


def test_a_text_of_unclosed_tag_openings_is_written_in_linear_time():
    """Issue 30 (found beside item 9): 80 kB of "<a" took 3.4 s to tell whether it is HTML."""
    import time

    from scraper.views.markdown_export import body

    started = time.perf_counter()
    written = body("<a" * 40_000)
    assert time.perf_counter() - started < 1.0
    assert written.startswith("&lt;a&lt;a")


def test_text_that_opens_a_template_tag_stays_text():
    """Issue 31, item 1: Hugo took "{{% x %}}" in a review for a shortcode, Jekyll and
    Eleventy ran "{% include x %}" (the builds themselves: test_site_generators.py)."""
    from scraper.views import markdown_export

    written = markdown_export.as_text("{{ a }} {% b %} {{% c %}} {# d #} {e}")
    assert written == "&#123;{ a }} &#123;% b %} &#123;&#123;% c %}} &#123;# d #} {e}"
    row = {"id": "x", "film": "F", "year": None, "site": "s", "rating": None, "stars": None}
    row |= dict.fromkeys(
        ("rating_shown", "date", "date_precision", "review_url", "film_url", "reviewer")
    )
    front = markdown_export.front_matter(row | {"profile_id": "s:p"})
    assert front["render_with_liquid"] is False and front["templateEngineOverride"] == "md"


def test_titles_in_every_script_name_their_files():
    """Issue 33: NFKD folding kept Latin letters only ('Ла-Ла Ленд' became 'film')."""
    from scraper.views.markdown_export import slug

    assert slug("Ла-Ла Ленд") == "la-la-lend"
    assert slug("Straße der Sehnsucht") == "strasse-der-sehnsucht"
    assert slug("となりのトトロ") == "tonarinototoro"
    assert slug("千と千尋の神隠し") not in ("", "film")
    assert slug("Þrestir") == "threstir" and slug("Hrútar") == "hrutar"
    assert slug("Amélie (2001)") == "amelie-2001"
    assert slug("!!!") == "film"  # nothing to spell: the fallback stays


def test_an_export_of_non_latin_titles_keeps_them_in_its_file_names(tmp_path):
    from scraper.views.markdown_export import slug

    db = reviews_page_archive(tmp_path)
    # The page holds two films: each pair of titles is exported in turn.
    for pair in (("Ла-Ла Ленд", "Straße"), ("となりのトトロ", "Þrestir")):
        with sqlite3.connect(db) as conn:
            ids = [row[0] for row in conn.execute("select id from films order by id")]
            for film_id, title in zip(ids, pair, strict=True):
                conn.execute("update films set title = ? where id = ?", (title, film_id))
        folder = tmp_path / pair[0]
        export(db, folder, "--only", "reviews")
        names = " ".join(sorted(p.name for p in folder.glob("*.md")))
        for title in pair:
            assert slug(title) in names, names


def test_a_file_an_earlier_export_wrote_under_another_name_is_reported_not_left_silently(tmp_path):
    """A review named anew (its film retitled, or a title spelled in ASCII since issue 33) gets
    a new file; the old one stays the export's, is counted, and --prune removes it."""
    db = reviews_page_archive(tmp_path)
    folder = tmp_path / "out"

    def names() -> set[str]:
        return {p.name for p in folder.glob("*.md")}

    first = export(db, folder, "--only", "reviews")
    assert "of an earlier export" not in first.output
    before = names()
    with sqlite3.connect(db) as conn:
        film_id = conn.execute("select id from films order by id").fetchone()[0]
        conn.execute("update films set title = 'Ла-Ла Ленд' where id = ?", (film_id,))
    again = export(db, folder, "--only", "reviews")
    renamed = {n for n in names() - before if "la-la-lend" in n}
    assert renamed and before <= names()  # the old files are still there: nothing deleted
    said = re.search(r"(\d+) files? of an earlier export not written this time", again.output)
    assert said and int(said[1]) == len(renamed), again.output
    pruned = export(db, folder, "--only", "reviews", "--prune")
    assert "of an earlier export" not in pruned.output
    assert len(before - names()) == len(renamed) and renamed <= names()


def test_dry_run_names_what_prune_would_remove_and_touches_nothing(corpus_db, tmp_path):
    """Issue 33: --dry-run previews an export --prune; the real run then removes just those."""
    folder = tmp_path / "reviews"
    export(corpus_db, folder)
    folder.joinpath("about.md").write_text("my own page")

    def state() -> dict[str, tuple[bytes, int]]:
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}

    before = state()
    preview = export(corpus_db, folder, "--since", "2023-01-01", "--prune", "--dry-run")
    assert state() == before  # the manifest too
    named = {line.removeprefix(f"would remove {folder}/") for line in preview.stdout.splitlines()}
    assert named and "about.md" not in named
    assert all(line.startswith("would remove ") for line in preview.stdout.splitlines())
    assert f"{len(named)} removed; nothing was touched" in preview.stderr
    pruned = export(corpus_db, folder, "--since", "2023-01-01", "--prune")
    assert f"{len(named)} pruned" in pruned.output
    assert set(before) - set(state()) == named


def test_dry_run_into_a_new_folder_makes_no_folder(corpus_db, tmp_path):
    folder = tmp_path / "new" / "reviews"
    preview = export(corpus_db, folder, "--dry-run")
    assert len(preview.stdout.splitlines()) == 842 and not folder.parent.exists()
    refused = CliRunner().invoke(cli, ["export", "--db", str(corpus_db), "--dry-run"])
    assert refused.exit_code == 2 and "--format markdown and html" in refused.output
