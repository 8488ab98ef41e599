"""Letterboxd end to end: a real `scrape` process against a local server in the site's URL
scheme (SCRAPE_LETTERBOXD_ROOT), a real SQLite file; then the export of the same history."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fakes.letterboxd import (
    DIARY_PAGE,
    EXCERPT,
    FILMS_PAGE,
    REVIEWS_PAGE,
    FakeLetterboxd,
    add_entries,
    export_zip,
    make_member,
)

ENTRIES = 120


@pytest.fixture
def site():
    with FakeLetterboxd(make_member("alice", ENTRIES)) as server:
        yield server


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def entry_rows(db):
    return query(
        db, "select count(*) from reviews where id like '%/viewing/%' or id like '%/entry/%'"
    )[0][0]


def test_full_crawl_reads_every_listing_then_nightly_costs_one_request(site, run_scrape, tmp_path):
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    member = site.members["alice"]
    reviewed = [e for e in member.entries if e.text]
    long_ones = [e for e in reviewed if len(e.html) > EXCERPT]
    first = run_scrape("user", "https://letterboxd.com/alice/", "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    diary_pages = -(-ENTRIES // DIARY_PAGE)
    review_pages = -(-len(reviewed) // REVIEWS_PAGE)
    film_pages = -(-len(member.films) // FILMS_PAGE)
    requests = site.requests()
    assert requests[:diary_pages] == ["GET /alice/films/diary/"] + [
        f"GET /alice/films/diary/page/{n}/" for n in range(2, diary_pages + 1)
    ]
    assert sum("/films/reviews/" in r for r in requests) == review_pages
    assert (
        sum(
            r.startswith("GET /alice/films/") and "diary" not in r and "reviews" not in r
            for r in requests
        )
        == film_pages
    )
    # Each cut-short review was completed from its full-text fragment, once.
    fragments = [r for r in requests if "/s/full-text/" in r]
    assert sorted(fragments) == sorted(
        f"GET /s/full-text/viewing:{e.viewing_id}/" for e in long_ones
    )
    assert len(long_ones) == 4
    assert not any("/alice/film/" in r for r in requests)
    assert not any("/rss/" in r for r in requests)  # a first run is a full one

    assert entry_rows(db) == ENTRIES
    # One row per film in the grid: rated, liked, or only watched (rating NULL).
    assert query(db, "select count(*) from reviews where id like '%/rating/%'")[0][0] == len(
        member.films
    )
    watched_only = [f for f in member.films if not f.stars and not f.liked]
    assert watched_only and query(
        db,
        "select count(*) from reviews where id like '%/rating/%' and rating is null and not liked",
    )[0][0] == len(watched_only)
    long_one = long_ones[0]
    text, original, spoiler, likes, watched, liked = query(
        db,
        "select text, text_original, spoiler, likes, watched_on, liked from reviews where id = ?",
        f"letterboxd:alice/viewing/{long_one.viewing_id}",
    )[0]
    assert text == "\n\n".join(long_one.text)  # the whole text, not the excerpt
    assert "…" not in original and original == long_one.html
    assert (spoiler, likes, watched, liked) == (
        int(long_one.spoiler),
        long_one.likes,
        long_one.watched,
        int(long_one.liked),
    )
    # The repeat viewing (/film/<slug>/1/) is an entry of its own, on the same film.
    repeat = next(e for e in member.entries if e.number == 1)
    rows = query(
        db,
        "select id, rewatch, url from reviews "
        "where film_id = ? and id like '%/viewing/%' order by id",
        f"letterboxd:film/{repeat.film.slug}",
    )
    assert len(rows) == 2 and {r[1] for r in rows} == {0, 1}
    assert any(r[2].endswith(f"/alice/film/{repeat.film.slug}/1/") for r in rows)
    stars = query(
        db,
        "select rating, rating_raw from reviews where id = ?",
        f"letterboxd:alice/viewing/{member.entries[0].viewing_id}",
    )[0]
    assert stars == (member.entries[0].stars * 2, f"{member.entries[0].stars:g}/5")

    site.log.clear()
    second = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert second.returncode == 0, second.stderr
    assert "50 reviews on 1 page (0 new, 0 changed) [incremental]" in second.stdout, second.stdout
    assert site.requests() == ["GET /alice/rss/"]

    site.log.clear()
    new = add_entries(member, 5, "fresh")
    third = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert third.returncode == 0, third.stderr
    assert "(5 new, 0 changed" in third.stdout, third.stdout
    assert site.requests() == ["GET /alice/rss/"]
    assert (
        query(
            db,
            "select text from reviews where id = ?",
            f"letterboxd:alice/viewing/{new[0].viewing_id}",
        )[0][0]
        == new[0].text[0]
    )
    assert entry_rows(db) == ENTRIES + 5


def test_feed_with_no_overlap_falls_back_to_the_listings(site, run_scrape, tmp_path):
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    assert run_scrape("user", "letterboxd:alice", "--db", str(db), env=env).returncode == 0
    member = site.members["alice"]
    add_entries(member, 60, "binge")  # more than the feed holds: it no longer reaches the archive
    site.log.clear()
    done = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    # 60 entries and the 60 films' grid ratings; the feed's 50 did not hide the diary's other 10.
    assert "(120 new, 0 changed)" in done.stdout, done.stdout
    assert site.requests()[0] == "GET /alice/rss/"
    assert "GET /alice/films/diary/" in site.requests()
    assert entry_rows(db) == ENTRIES + 60


def test_export_then_live_scrape_gives_no_duplicates(site, run_scrape, tmp_path):
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    member = site.members["alice"]
    export = tmp_path / "letterboxd-alice-2026-11-28.zip"
    export.write_bytes(export_zip(member))
    imported = run_scrape("import", str(export), "--profile", "letterboxd:alice", "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert entry_rows(db) == ENTRIES
    before = query(db, "select id, rating, text from reviews order by id")

    live = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert live.returncode == 0, live.stderr
    assert "(0 new, 0 changed" in live.stdout, live.stdout
    assert entry_rows(db) == ENTRIES
    assert query(db, "select id, rating, text from reviews order by id") == before
    assert query(db, "select count(*) from review_versions")[0][0] == 0
    # Every entry now carries the live facts the export lacks.
    assert (
        query(
            db,
            "select count(*) from reviews "
            "where id like '%/entry/%' and likes is null and text is not null",
        )[0][0]
        == 0
    )
    assert (
        query(db, "select count(*) from films where site = 'letterboxd'")[0][0]
        == len(member.films) + 1  # and the one film on the watchlist
    )
    assert query(db, "select film, status from watchlist_films") == [("Some Day", "current")]
    # The same history imported again, after the crawl: still nothing new.
    again = run_scrape("import", str(export), "--profile", "letterboxd:alice", "--db", str(db))
    assert "(0 new, 0 changed)" in again.stdout, again.stdout


def test_live_scrape_then_export_gives_no_duplicates(site, run_scrape, tmp_path):
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    assert run_scrape("user", "letterboxd:alice", "--db", str(db), env=env).returncode == 0
    export = tmp_path / "export.zip"
    export.write_bytes(export_zip(site.members["alice"]))
    imported = run_scrape("import", str(export), "--profile", "letterboxd:alice", "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert "0 new, 0 changed" in imported.stdout, imported.stdout
    assert entry_rows(db) == ENTRIES


def test_cloudflare_challenge_is_a_loud_failure_with_letterboxd_advice(site, run_scrape, tmp_path):
    site.challenge.add("/alice/films/diary/")
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "letterboxd:alice", "--db", str(db), env={"SCRAPE_LETTERBOXD_ROOT": site.root}
    )
    assert done.returncode != 0
    assert "Letterboxd (Cloudflare)" in done.stderr, done.stderr
    assert "Export your data" in done.stderr
    assert query(db, "select count(*) from reviews")[0][0] == 0


def test_unknown_member_is_named(site, run_scrape, tmp_path):
    done = run_scrape(
        "user",
        "letterboxd:nobody",
        "--db",
        str(tmp_path / "a.db"),
        env={"SCRAPE_LETTERBOXD_ROOT": site.root},
    )
    assert done.returncode != 0
    assert "letterboxd:nobody does not exist on letterboxd" in done.stderr, done.stderr


def test_reparse_rebuilds_the_crawl_from_raw_pages(site, run_scrape, tmp_path):
    """Excerpts and the own pages that complete them replay in order: same rows, no versions."""
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    assert run_scrape("user", "letterboxd:alice", "--db", str(db), env=env).returncode == 0
    columns = "id, film_id, rating, text, text_original, url, watched_on, liked, rewatch, likes"
    before = query(db, f"select {columns} from reviews order by id")
    with sqlite3.connect(db) as conn:
        conn.execute("delete from review_keys")
        conn.execute("delete from reviews")
    done = run_scrape("reparse", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert query(db, f"select {columns} from reviews order by id") == before
    assert query(db, "select count(*) from review_versions")[0][0] == 0


def test_todays_cards_full_texts_and_a_failed_completion_retried(run_scrape, tmp_path):
    """30 reviews on 3 pages of 2026 cards, 5 cut short, one fragment refused: 30 archived, 4
    completed, 1 kept as an excerpt and noted, then completed by the next (nightly) run."""
    member = make_member("bea", 90, long_every=18)
    reviewed = [e for e in member.entries if e.text]
    long_ones = [e for e in reviewed if len(e.html) > EXCERPT]
    assert (len(reviewed), len(long_ones)) == (30, 5)
    # The oldest long one: older than the feed's 50 entries, so only a retry completes it.
    refused = long_ones[-2]
    assert refused not in member.entries[:50]
    db = tmp_path / "archive.db"
    with FakeLetterboxd(member) as site:
        site.refuse_full_text.add(refused.viewing_id)
        env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
        first = run_scrape("user", "letterboxd:bea", "--db", str(db), env=env)
        assert first.returncode == 0, first.stderr
        assert "1 review(s) kept as excerpts" in first.stdout, first.stdout
        listing = [r for r in site.requests() if "/films/reviews/" in r]
        assert listing == [
            "GET /bea/films/reviews/",
            "GET /bea/films/reviews/page/2/",
            "GET /bea/films/reviews/page/3/",
        ]
        fragments = [r for r in site.requests() if "/s/full-text/" in r]
        assert sorted(fragments) == sorted(
            f"GET /s/full-text/viewing:{e.viewing_id}/" for e in long_ones
        )
        rows = dict(
            query(
                db,
                "select id, text from reviews where text is not null and id like '%/viewing/%'",
            )
        )
        assert len(rows) == 30
        whole = {e.viewing_id for e in long_ones if e is not refused}
        for entry in long_ones:
            text = rows[f"letterboxd:bea/viewing/{entry.viewing_id}"]
            if entry.viewing_id in whole:
                assert text == "\n\n".join(entry.text)
            else:
                assert text == entry.text[0] + "…"
        assert query(db, "select id from reviews where text_incomplete = 1") == [
            (f"letterboxd:bea/viewing/{refused.viewing_id}",)
        ]
        note = query(db, "select note from profile_runs order by id desc limit 1")[0][0]
        assert "1 review(s) kept as excerpts" in note and "Cloudflare" in note

        site.refuse_full_text.clear()
        site.log.clear()
        second = run_scrape("user", "letterboxd:bea", "--db", str(db), env=env)
        assert second.returncode == 0, second.stderr
        assert "[incremental]" in second.stdout and "kept as excerpts" not in second.stdout
        assert site.requests() == [
            "GET /bea/rss/",
            f"GET /s/full-text/viewing:{refused.viewing_id}/",
        ]
        # A full run reads the excerpts again, but fetches no whole text the archive holds.
        site.log.clear()
        third = run_scrape("user", "letterboxd:bea", "--full", "--db", str(db), env=env)
        assert third.returncode == 0, third.stderr
        assert "(0 new, 0 changed, 0 missing) [full]" in third.stdout, third.stdout
        assert not any("/s/full-text/" in r for r in site.requests())
    text, incomplete = query(
        db,
        "select text, text_incomplete from reviews where id = ?",
        f"letterboxd:bea/viewing/{refused.viewing_id}",
    )[0]
    assert (text, incomplete) == ("\n\n".join(refused.text), None)
    assert query(db, "select count(*) from review_versions")[0][0] == 0  # completed, not edited


def test_html_pages_go_out_as_chrome_and_without_it_cloudflare_refuses(site, run_scrape, tmp_path):
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    db = tmp_path / "archive.db"
    done = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    pages = [(path, h) for path, h in site.headers if path != "/robots.txt"]
    assert pages and all("Chromium" in (h.get("sec-ch-ua") or "") for _, h in pages)
    # A browser's navigation: no Accept */* and no library User-Agent from httpx's defaults.
    assert all(h.get("accept", "").startswith("text/html") for _, h in pages)
    assert not any("python-httpx" in (h.get("user-agent") or "") for _, h in pages)
    listings = [h for path, h in pages if not path.startswith("/s/full-text/")]
    assert listings and all(h.get("sec-fetch-mode") == "navigate" for h in listings)
    # The full-text fragment as the card's own script asks for it: a same-origin script
    # request from the reviews listing, with none of a navigation's headers.
    fragments = [h for path, h in pages if path.startswith("/s/full-text/")]
    assert len(fragments) == 4
    for h in fragments:
        assert h.get("accept") == "text/html, */*; q=0.01"
        assert h.get("x-requested-with") == "XMLHttpRequest"
        assert h.get("referer") == f"{site.root}/alice/films/reviews/"
        assert (h.get("sec-fetch-site"), h.get("sec-fetch-mode"), h.get("sec-fetch-dest")) == (
            "same-origin",
            "cors",
            "empty",
        )
        assert "Chromium" in (h.get("sec-ch-ua") or "")
        for navigation_only in ("sec-fetch-user", "upgrade-insecure-requests", "cache-control"):
            assert navigation_only not in h, navigation_only

    plain = run_scrape(
        "user", "letterboxd:alice", "--full", "--impersonate", "none", "--db", str(db), env=env
    )
    assert plain.returncode == 1
    assert "a Cloudflare challenge (HTTP 403)" in plain.stderr, plain.stderr
    assert "--impersonate none" in plain.stderr  # the advice names the way back


def test_a_listing_that_links_past_its_last_page_ends_there(run_scrape, tmp_path):
    member = make_member("cyd", 36)  # 12 reviews: exactly one page
    with FakeLetterboxd(member) as site:
        site.link_past_the_end = True
        env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
        done = run_scrape("user", "letterboxd:cyd", "--db", str(tmp_path / "a.db"), env=env)
        assert done.returncode == 0, done.stderr
        assert "GET /cyd/films/reviews/page/2/" in site.requests()
    # The empty page after the last is the listing's end, not a suspicious empty page.
    assert "where some were expected" not in done.stdout, done.stdout
    assert "[full]" in done.stdout
