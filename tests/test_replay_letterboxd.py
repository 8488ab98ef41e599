"""Letterboxd on real bytes: the corpus captures replayed byte for byte (tests/fakes/replay.py)
behind Cloudflare's refusal of non-browsers, read by a real `scrape` process where the crawl asks
for them (the diary, the films grid, the feed of an incremental run), and in-process through the
crawl's own code for the pages it never asks (a profile, liked films, 2022 grids, a film's
reviews and their full texts). Every expected number and record below was read off the raw
files by hand (rows of diary-2026.html, posters of films-2026.html, items of the feeds)."""

from __future__ import annotations

import sqlite3
import zlib

import httpx
import pytest

from scraper.models import Target
from tests.fakes import replay
from tests.replaying import complete_texts, count, query, read_listing

M = replay.LB_MEMBER


@pytest.fixture
def site(corpus):
    with replay.letterboxd(corpus) as server:
        yield server


def lb(handle: str = M) -> Target:
    return Target("letterboxd", handle)


def test_member_crawl_reads_the_real_diary_and_films_grid(site, run_scrape, tmp_path, corpus):
    db = tmp_path / "archive.db"
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    done = run_scrape("user", f"https://letterboxd.com/{M}/", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    # Diary page 1 (50 rows) and the films grid page 1 (72 posters) are real; each links to a
    # page 2 that answers as a listing past its end; the reviews listing is not captured.
    assert site.requests() == [
        f"GET /{M}/films/diary/",
        f"GET /{M}/diary/films/page/2/",
        f"GET /{M}/films/reviews/",
        f"GET /{M}/films/",
        f"GET /{M}/films/page/2/",
    ]
    assert "122 reviews on 5 pages (122 new, 0 changed, 0 missing) [full]" in done.stdout
    # A page past the end is the listing's end, not a page that lost its entries.
    assert "where some were expected" not in done.stdout, done.stdout

    # The diary: 50 viewings, each once; 47 films (Past Lives, Sharp Stick and The Fabelmans
    # twice); 48 rated (Charade and the first Sharp Stick not); 21 liked; 8 rewatches.
    viewings = f"id like 'letterboxd:{M}/viewing/%'"
    assert count(db, f"select count(*) from reviews where {viewings}") == 50
    assert count(db, f"select count(distinct id) from reviews where {viewings}") == 50
    assert count(db, f"select count(distinct film_id) from reviews where {viewings}") == 47
    assert count(db, f"select count(*) from reviews where {viewings} and rating is null") == 2
    assert count(db, f"select count(*) from reviews where {viewings} and liked") == 21
    assert count(db, f"select count(*) from reviews where {viewings} and rewatch") == 8
    assert count(db, "select count(*) from reviews where text is not null") == 0
    row = query(
        db,
        "select f.title, f.year, r.rating, r.rating_raw, r.watched_on, r.liked, r.rewatch, "
        "r.url from reviews r join films f on f.id = r.film_id where r.id = ?",
        f"letterboxd:{M}/viewing/1104692589",
    )
    assert row[0][:7] == ("The Holdovers", 2023, 10.0, "5/5", "2025-12-14", 1, 1)
    assert row[0][7].endswith(f"/{M}/film/the-holdovers/2/")
    charade = query(
        db,
        "select rating, watched_on from reviews where id = ?",
        f"letterboxd:{M}/viewing/499824917",
    )
    assert charade == [(None, "2023-12-31")]
    # An en dash and an entity in titles, as the posters give them.
    titles = {t for (t,) in query(db, "select title from films")}
    assert {"Mission: Impossible – Dead Reckoning", "Love & Mercy"} <= titles

    # The grid: 72 films, 64 rated, 8 only watched (rating NULL), 21 liked.
    grid = "source = 'letterboxd-films'"
    assert count(db, f"select count(*) from reviews where {grid}") == 72
    assert count(db, f"select count(*) from reviews where {grid} and rating is null") == 8
    assert count(db, f"select count(*) from reviews where {grid} and liked") == 21
    marty = query(
        db,
        "select r.rating, r.liked, f.year from reviews r join films f on f.id = r.film_id "
        f"where {grid} and f.id = 'letterboxd:film/marty-supreme'",
    )
    assert marty == [(8.0, 1, 2025)]
    # 47 diary films and 72 grid films, 9 of them in both.
    assert count(db, "select count(*) from films") == 110

    # What was archived is what the site sent, byte for byte.
    stored = dict(query(db, "select f.url, p.body from fetches f join raw_pages p using (sha256)"))
    diary = (corpus / "letterboxd/diary-2026.html").read_bytes()
    assert zlib.decompress(stored[f"{site.root}/{M}/films/diary/"]) == diary
    assert query(db, "select distinct content_type from fetches where url like '%/films/'") == [
        (replay.HTML,)
    ]


def test_nightly_run_reads_the_real_feed_and_stops_there(site, run_scrape, tmp_path, corpus):
    """An incremental run reads the member's feed first. The archive already holds the feed's
    entries (an import of the same capture) and an earlier complete full crawl of the member
    (recorded below: the member's listings have no capture), so the feed is all it reads: every
    entry found again unchanged, none twice."""
    db = tmp_path / "archive.db"
    member, feed = "joshuasalazar", corpus / "letterboxd/rss-2022.xml"
    # Imported as saved from the address the crawl reads it at: the feed's entries link to
    # their pages on the host the feed came from.
    imported = run_scrape(
        "import", str(feed), "--url", f"{site.root}/{member}/rss/", "--db", str(db)
    )
    assert imported.returncode == 0, imported.stderr
    before = query(db, "select id, film_id, rating, text, watched_on from reviews order by id")
    assert len(before) == 50
    with sqlite3.connect(db) as conn:
        run = conn.execute(
            "insert into runs (command, started_at, finished_at, status) values "
            "('user', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'ok')"
        ).lastrowid
        conn.execute(
            "insert into profile_runs (run_id, profile_id, site, handle, mode, status, "
            "started_at, finished_at) values (?, ?, 'letterboxd', ?, 'full', 'ok', "
            "'2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')",
            (run, f"letterboxd:{member}", member),
        )
    env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
    done = run_scrape("user", f"letterboxd:{member}", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    assert site.requests() == [f"GET /{member}/rss/"]
    # 26 reviews, 24 watches: 50 entries, the same rows the import made, none twice.
    assert "50 reviews on 1 page (0 new, 0 changed) [incremental]" in done.stdout, done.stdout
    assert query(db, "select id, film_id, rating, text, watched_on from reviews order by id") == (
        before
    )
    fetched = query(
        db, "select url, status, content_type, parser from fetches where status is not null"
    )
    assert fetched == [(f"{site.root}/{member}/rss/", 200, replay.RSS, "rss")]


# --- the captures no crawl asks for, read in-process through the crawl's own code ----------


def test_profile_pages_name_their_members(site, tmp_path):
    db = tmp_path / "a.db"
    for member in (M, "dankmccoy"):
        result = read_listing(db, lb(member), f"{site.root}/{member}/", "profile")
        assert (result.pages, result.reviews) == (1, 0)
    names = dict(query(db, "select handle, display_name from profiles"))
    # As each page's h1 gives it: span.displayname (2026), h1.title-1 (2022).
    assert names == {M: "spazznolo", "dankmccoy": "Dan McCoy"}


def test_liked_films_page_then_its_end(site, tmp_path):
    db = tmp_path / "a.db"
    result = read_listing(
        db, lb(), f"{site.root}/{M}/likes/films/", "films", source="letterboxd-likes"
    )
    # 72 posters, every one liked; page 2 (of 77 liked films) answers as past the end.
    assert (result.pages, result.reviews, result.suspicious_empty) == (2, 72, 0)
    assert site.requests() == [f"GET /{M}/likes/films/", f"GET /{M}/likes/films/page/2/"]
    assert count(db, "select count(*) from reviews where liked") == 72
    closer = query(
        db,
        "select f.title, f.year, r.rating from reviews r join films f on f.id = r.film_id "
        "where f.id = 'letterboxd:film/closer'",
    )
    assert closer == [("Closer", 2004, 7.0)]


def test_2022_grids_first_page_last_page_and_a_single_page(site, tmp_path):
    db = tmp_path / "a.db"
    first = read_listing(db, lb("erick99"), f"{site.root}/erick99/films/", "films")
    last = read_listing(db, lb("erick99"), f"{site.root}/erick99/films/page/5/", "films")
    single = read_listing(db, lb("reeldonaldtrump"), f"{site.root}/reeldonaldtrump/films/", "films")
    # 72 on page 1 (page 2 past the end here), 33 on the last page, 34 on a one-page grid.
    assert (first.pages, first.reviews) == (2, 72)
    assert (last.pages, last.reviews) == (1, 33)
    assert (single.pages, single.reviews) == (1, 34)
    per_member = dict(query(db, "select profile_id, count(*) from reviews group by profile_id"))
    assert per_member == {"letterboxd:erick99": 105, "letterboxd:reeldonaldtrump": 34}
    assert count(db, "select count(*) from reviews where rating is null") == 2


def test_a_films_reviews_their_full_texts_and_the_real_end_of_a_listing(
    site, tmp_path, monkeypatch
):
    db = tmp_path / "a.db"
    film = Target("letterboxd", "oppenheimer-2023")
    root = f"{site.root}{replay.OPPENHEIMER}"
    base = read_listing(db, film, root, "film_reviews")
    rated = read_listing(db, film, f"{root}rated/5/by/activity/", "film_reviews")
    # 12 cards a page, each by its own member; page 2 of each answers as the site did past the
    # end (200, an empty list): the listing's end, not a page that lost its reviews.
    assert (base.pages, base.reviews, base.suspicious_empty, base.unfinished) == (2, 12, 0, [])
    assert (rated.pages, rated.reviews, rated.suspicious_empty) == (2, 12, 0)
    assert count(db, "select count(*) from reviews") == 24
    assert count(db, "select count(distinct profile_id) from reviews") == 24
    assert query(db, "select id, title, year from films") == [
        ("letterboxd:film/oppenheimer-2023", "Oppenheimer", 2023)
    ]
    # The 12 of the 5-star listing, and two of the base page's (eugeniobegato, _briguy12).
    assert count(db, "select count(*) from reviews where rating = 10.0") == 14
    # Six cards were cut short ("collapsed-text"): five of the base page's, silentdawn's of
    # the 5-star one; the rest are whole.
    assert count(db, "select count(*) from reviews where text_incomplete") == 6
    added = query(
        db,
        "select created_at, created_at_precision from reviews where id = ?",
        "letterboxd:hilyelo/viewing/412771321",
    )
    assert added[0][0].startswith("2023-07-11T23:26:24") and added[0][1] == "exact"
    stars = query(
        db,
        "select rating, rewatch from reviews where id = ?",
        "letterboxd:temooz/viewing/1401220279",
    )
    assert stars == [(9.0, 1)]

    # Two of the six have their fragment captured: the crawl's completion fetches each as the
    # card's script does, and the archive takes the whole text.
    monkeypatch.setenv("SCRAPE_LETTERBOXD_ROOT", site.root)
    for member, viewing, ending in (
        ("temooz", 1401220279, "حرك مشاعري داخليا."),
        ("ithrmal", 1401220676, "I don’t know how this works so well."),
    ):
        done = complete_texts(db, Target("letterboxd", member))
        assert (done.pages, done.notes) == (1, [])
        text, incomplete = query(
            db,
            "select text, text_incomplete from reviews where id = ?",
            f"letterboxd:{member}/viewing/{viewing}",
        )[0]
        assert text.endswith(ending) and not incomplete, text[-80:]
    assert len(query(db, "select text from reviews where id like '%/1401220676'")[0][0]) > 3000
    assert count(db, "select count(*) from reviews where text_incomplete") == 4
    fragments = [(p, h) for p, h in site.headers if p.startswith("/s/full-text/")]
    assert [p for p, _ in fragments] == [
        "/s/full-text/viewing:1401220279/",
        "/s/full-text/viewing:1401220676/",
    ]
    assert [h.get("referer") for _, h in fragments] == [
        f"{site.root}/temooz/films/reviews/",
        f"{site.root}/ithrmal/films/reviews/",
    ]
    assert all(h.get("x-requested-with") == "XMLHttpRequest" for _, h in fragments)


# Each feed: (member, entries archived, with text, rated, a title and year, its rating)
FEEDS = {
    "rss-2020.xml": ("dekadans", 50, 0, 50, ("Miss Americana", 2020), 7.0),
    "rss-2022.xml": ("joshuasalazar", 50, 26, 49, ("Love and Leashes", 2022), 5.0),
    "rss-2025-12.xml": ("filipe_furtado", 50, 50, 50, ("The Passion According to G.H.", 2023), 4.0),
    "rss-2026.xml": ("sdiamond", 50, 0, 50, ("The Sheep Detectives", 2026), 7.0),
}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_real_feed_through_the_crawl(site, tmp_path, name):
    member, entries, texts, rated, (title, year), first_rating = FEEDS[name]
    db = tmp_path / "a.db"
    result = read_listing(
        db, lb(member), f"{site.root}/{member}/rss/", "rss", source="letterboxd-rss"
    )
    assert (result.pages, result.reviews) == (1, entries)
    assert count(db, "select count(distinct id) from reviews") == entries
    assert count(db, "select count(*) from reviews where text is not null") == texts
    assert count(db, "select count(*) from reviews where rating is not null") == rated
    newest = query(
        db,
        "select f.title, f.year, r.rating from reviews r join films f on f.id = r.film_id "
        "order by r.created_at desc limit 1",
    )
    assert newest == [(title, year, first_rating)]
    # The feed answers any client, as the real one does; it went out as Chrome all the same.
    (headers,) = [h for path, h in site.headers if path.endswith("/rss/")]
    assert "Chromium" in (headers.get("sec-ch-ua") or "")


def test_the_stand_in_answers_as_cloudflare_does(site, corpus):
    """Every answer names Cloudflare; a client that is not a browser gets its challenge on the
    HTML pages, the feed answers anyone; what is served is the capture, byte for byte."""
    page = httpx.get(f"{site.root}/{M}/films/")
    assert (page.status_code, page.headers["server"]) == (403, "cloudflare")
    feed = httpx.get(f"{site.root}/sdiamond/rss/")
    assert (feed.status_code, feed.headers["server"]) == (200, "cloudflare")
    assert feed.headers["content-type"] == replay.RSS
    assert feed.content == (corpus / "letterboxd/rss-2026.xml").read_bytes()
