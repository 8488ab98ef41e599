"""Issue 21, the static site: well-formed pages, one a review, one a year, an index with a
ratings histogram; each review's film, stars and text on its page; nothing rewritten twice."""

from __future__ import annotations

import html
import sqlite3
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from scraper.cli import cli
from scraper.wording import stars


def build(db, folder, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "html", "-o", str(folder), *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_site_holds_every_review_and_every_page_is_well_formed(corpus_db, tmp_path):
    folder = tmp_path / "site"
    said = build(corpus_db, folder)
    pages = sorted(folder.rglob("*.html"))
    for page in pages:
        root = ET.parse(page).getroot()  # well-formed, or this raises
        assert root.tag == "html" and root.findall(".//script") == []  # no JavaScript
    with sqlite3.connect(corpus_db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM review_list WHERE status != 'deleted'").fetchall()
    reviews = list((folder / "reviews").glob("*.html"))
    assert len(reviews) == len(rows) == 842 and "842 reviews in" in said
    years = {r["date"][:4] if r["date"] else "undated" for r in rows}
    assert {p.stem for p in (folder / "years").glob("*.html")} == years
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "<svg" in index and index.count('href="reviews/') == 842
    assert 'name="viewport"' in index


def test_a_sample_of_reviews_shows_film_stars_and_text(corpus_db, tmp_path):
    folder = tmp_path / "site"
    build(corpus_db, folder)
    pages = [p.read_text(encoding="utf-8") for p in (folder / "reviews").glob("*.html")]
    with sqlite3.connect(corpus_db) as conn:
        conn.row_factory = sqlite3.Row
        sample = conn.execute(
            "SELECT film, year, stars, text FROM review_list WHERE text IS NOT NULL "
            "AND stars IS NOT NULL ORDER BY id LIMIT 25"
        ).fetchall()
    assert len(sample) == 25
    for row in sample:
        film = html.escape(f"{row['film']} ({row['year']})" if row["year"] else row["film"])
        opening = html.escape(row["text"].split("\n\n")[0].strip()[:60])
        found = [p for p in pages if f"<title>{film}</title>" in p and opening in p]
        assert found, row["film"]
        assert any(f'<p class="stars">{stars(float(row["stars"]))}</p>' in p for p in found)


def test_a_rebuild_writes_nothing_and_no_foreign_file_is_touched(corpus_db, tmp_path):
    folder = tmp_path / "site"
    build(corpus_db, folder)
    (folder / "CNAME").write_text("reviews.example.org")
    again = build(corpus_db, folder, "--prune")
    assert "0 pages written" in again and "0 pruned" in again
    assert (folder / "CNAME").read_text() == "reviews.example.org"


def test_stars_read_as_glyphs_as_in_the_reading_room():
    assert (stars(3.5), stars(5.0), stars(0.5), stars(None)) == ("★★★½", "★★★★★", "½", None)


def test_year_pages_are_named_for_the_year_reviewed_and_undated_is_a_word(tmp_path, corpus):
    """Issue 31, item 4: `years/unda.html`, "Reviews of unda" and "Reviews of 2023" (read as
    films of 2023) before; a nav with no space between its links; a histogram of bars alone."""
    db = tmp_path / "a.db"
    # Ages ("2 years ago") imported without --captured-at: no known date.
    for args in (["--captured-at", "2023-06-01T00:00:00Z"], []):
        folder = corpus / ("rottentomatoes" if args else "metacritic")
        done = CliRunner().invoke(cli, ["import", str(folder), "--db", str(db), *args])
        assert done.exit_code == 0, done.output
    folder = tmp_path / "site"
    build(db, folder)
    years = sorted(p.stem for p in (folder / "years").glob("*.html"))
    assert "undated" in years and not any(len(y) == 4 and not y.isdigit() for y in years)
    undated = ET.parse(folder / "years" / "undated.html").getroot()
    assert undated.findtext(".//h1") == "Reviews with no known date"
    assert ET.parse(folder / "years" / "2023.html").getroot().findtext(".//h1") == (
        "Reviewed in 2023"
    )
    index = ET.parse(folder / "index.html").getroot()
    links = index.findall(".//nav/a")
    # Newest year first, the page without a date last, the links apart (they wrap).
    assert [a.text for a in links][:2] == ["All reviews", max(y for y in years if y.isdigit())]
    assert links[-1].text == "no date" and links[-1].get("href") == "years/undated.html"
    assert all((a.tail or "") == " " for a in links[:-1])
    svg = "{http://www.w3.org/2000/svg}"
    figure = index.find(".//figure")
    assert figure is not None and figure.findtext("figcaption").startswith("Ratings in stars (")
    texts = [t.text or "" for t in figure.iter(f"{svg}text")]
    counts, labels = [int(t.replace(",", "")) for t in texts[0::2]], texts[1::2]
    assert labels == ["0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]
    rated = int(figure.findtext("figcaption").split("(")[1].split()[0].replace(",", ""))
    assert sum(counts) == rated > 0
