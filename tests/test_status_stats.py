"""What `scrape status` says of imports and reparses, and how `scrape stats` lays out an archive
full of strangers from film pages (issue 16, items 6 and 11). The CLI runs in a child process."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3

RUN = r"  #{id} {command:<7} \S+  {status:<11} "


def run_line(stdout: str, run_id: int) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(f"  #{run_id} "))


def test_status_shows_what_imports_and_a_reparse_did(run_scrape, corpus, tmp_path):
    db = str(tmp_path / "archive.db")
    critic = tmp_path / "critic.html"
    shutil.copy(corpus / "rottentomatoes" / "critic-movies-page-2023.html", critic)
    strangers = corpus / "metacritic" / "user-reviews-page-2026-08.html"
    first = run_scrape("import", str(critic), str(strangers), "--db", db)
    assert first.returncode == 0, first.stderr
    # The critic edits one review: a second import finds it changed.
    body = critic.read_text()
    critic.write_text(body.replace("very loud, very busy", "very loud, ever so busy", 1))
    second = run_scrape("import", str(critic), "--db", db)
    assert second.returncode == 0, second.stderr
    assert run_scrape("reparse", "--db", db).returncode == 0

    status = run_scrape("status", "--db", db)
    assert status.returncode == 0, status.stderr
    assert re.fullmatch(
        RUN.format(id=1, command="import", status="ok")
        + r"2 files, 100 reviews \(100 new, 0 changed\), 51 profiles",
        run_line(status.stdout, 1),
    )
    assert re.fullmatch(
        RUN.format(id=2, command="import", status="ok")
        + r"1 file, 50 reviews \(0 new, 1 changed\), 1 profile",
        run_line(status.stdout, 2),
    )
    # Replayed in order, the edit is undone by the first capture and made again by the second.
    assert re.fullmatch(
        RUN.format(id=3, command="reparse", status="ok")
        + r"3 pages, 150 reviews \(0 new, 2 changed\), 51 profiles",
        run_line(status.stdout, 3),
    )
    assert "0 requests" not in status.stdout

    report = json.loads(run_scrape("status", "--db", db, "--json").stdout)
    by_id = {r["id"]: r for r in report["runs"]}
    assert {k: by_id[1][k] for k in ("files", "reviews", "new", "changed", "profiles")} == {
        "files": 2,
        "reviews": 100,
        "new": 100,
        "changed": 0,
        "profiles": 51,
    }
    assert by_id[3]["pages"] == 3 and by_id[3]["files"] is None


def test_status_reads_an_archive_from_before_import_counts(run_scrape, corpus, tmp_path):
    db = tmp_path / "archive.db"
    page = corpus / "rottentomatoes" / "critic-movies-page-2023.html"
    assert run_scrape("import", str(page), "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:  # as an older scrape left it: no such columns
        conn.execute("ALTER TABLE runs DROP COLUMN files")
        conn.execute("ALTER TABLE runs DROP COLUMN reviews")
    status = run_scrape("status", "--db", str(db))
    assert status.returncode == 0, status.stderr
    assert run_line(status.stdout, 1).endswith(
        "no counts recorded (run by an older scrape, or killed)"
    )


LONG = (
    "rottentomatoes:GeDt0zCK1fenF8NTwehrduK0seeCXJTL4H28fjquRRCzRi1zIknSwBFllCxgFepI"
    "jgSZRuYYCdOcNGtk2Fv2HmWu9zSxLTZQfJjIB1FVKuYj"
)


def test_stats_shortens_long_handles_omits_missing_averages_and_groups_strangers(
    run_scrape, corpus, tmp_path
):
    db = str(tmp_path / "archive.db")
    imports = [
        # Strangers: 24 reviews on a Letterboxd film's pages, 35 on an IMDb title's.
        [str(corpus / "letterboxd" / "film-reviews-2026" / "oppenheimer-base.html")],
        [str(corpus / "letterboxd" / "film-reviews-2026" / "oppenheimer-rated5-page1.html")],
        [
            str(corpus / "imdb" / "title-reviews-fragment-2025.html"),
            "--url",
            "https://www.imdb.com/title/tt1213663/reviews/",
        ],
        # A 100-character handle; a critic with no 0-10 rating.
        [str(corpus / "rottentomatoes" / "napi-profiles-ratings-movie-2023.json")],
        [str(corpus / "rottentomatoes" / "critic-movies-page-2023.html")],
        # A person's own page with one review: listed, not a stranger.
        [str(corpus / "metacritic" / "user-profile-legacy-2020.html")],
    ]
    for args in imports:
        done = run_scrape("import", *args, "--db", db)
        assert done.returncode == 0, done.stderr

    table = run_scrape("stats", "--db", db)
    assert table.returncode == 0, table.stderr
    block = table.stdout.split("\n\n")[0].splitlines()
    assert block[0] == "Reviews per profile"
    rows, grouped = block[1:-1], block[-1]
    assert grouped == "  + 59 other reviewers with 1 review each (from film pages)"
    assert [row.split()[0] for row in rows[1:]] == [
        "rottentomatoes:critic/rain-jokinen",
        "metacritic:Gnomishninja",
    ]
    long_row = rows[0]
    shown = long_row[2:50]
    assert shown == LONG[:24] + "…" + LONG[-23:] and long_row[50] == " "
    # Every count ends in the same column, so the table reads down.
    assert len({row.rindex("  (") for row in rows}) == 1
    assert long_row.endswith("415  (297 with text, average 7.52/10)")
    assert rows[1].endswith(" 50  (50 with text)")
    assert "/10" not in rows[1] and "-/10" not in table.stdout

    figures = json.loads(run_scrape("stats", "--db", db, "--json").stdout)
    profiles = figures["profiles"]
    assert len(profiles) == 62 and sum(p["from_film_pages"] for p in profiles) == 59
    assert profiles[0]["profile_id"] == LONG
    critic = next(p for p in profiles if p["profile_id"] == "rottentomatoes:critic/rain-jokinen")
    assert critic["avg_rating"] is None and critic["from_film_pages"] is False
