"""Files as people have them (issue 14): every export era and saved-page kind, each on a
fixture the project wrote in tests/fixtures/ reproducing the real thing's header, dates and
markup, imported through the real command into a real SQLite file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_import(db: Path, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--db", str(db)])


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_letterboxd_export_with_profile_csv_names_its_owner(tmp_path):
    export = FIXTURES / "letterboxd" / "export-with-profile"
    db = tmp_path / "a.db"
    done = run_import(db, str(export))
    assert done.exit_code == 0, done.output
    assert rows(db, "select id from profiles") == [("letterboxd:rishiramesh",)]
    entries = rows(db, "select id, rating, text from reviews where id like '%/entry/%' order by id")
    assert entries == [
        ("letterboxd:rishiramesh/entry/5pZbQd", 9.0, "In-yun, again.\n\nSecond paragraph."),
        ("letterboxd:rishiramesh/entry/5qTXw9", 8.0, None),
    ]
    # The same member named with --profile is fine; another one is refused, naming both.
    same = run_import(db, str(export), "--profile", "letterboxd:RishiRamesh")
    assert same.exit_code == 0 and "(0 new, 0 changed)" in same.output, same.output
    other = run_import(tmp_path / "b.db", str(export), "--profile", "letterboxd:someoneelse")
    assert other.exit_code != 0
    assert "letterboxd:someoneelse" in other.output and "letterboxd:rishiramesh" in other.output


def test_letterboxd_export_of_2017_names_films_by_their_pages(tmp_path):
    db = tmp_path / "a.db"
    done = run_import(
        db, str(FIXTURES / "letterboxd" / "export-2017"), "--profile", "letterboxd:olduser"
    )
    assert done.exit_code == 0, done.output
    films = rows(db, "select id, title, year from films order by id")
    assert films == [
        ("letterboxd:film/arrival-2016", "Arrival", 2016),
        ("letterboxd:film/moonlight-2016", "Moonlight", 2016),
    ]
    entries = rows(
        db,
        "select id, rating, rewatch, watched_on, text from reviews "
        "where id like '%/entry/%' order by watched_on",
    )
    assert entries == [
        (
            "letterboxd:olduser/entry/slug:arrival-2016/2016-11-01",
            9.0,
            0,
            "2016-11-01",
            "Heptapods!\nAnd grief.",  # not "Heptapods!And grief.",
        ),
        ("letterboxd:olduser/entry/slug:moonlight-2016/2017-01-14", 10.0, 0, "2017-01-14", None),
        ("letterboxd:olduser/entry/slug:arrival-2016/2017-02-19", 8.0, 1, "2017-02-19", None),
    ]
    ratings = rows(db, "select id, rating from reviews where id like '%/rating/%' order by id")
    assert ratings == [
        ("letterboxd:olduser/rating/slug:arrival-2016", 8.0),
        ("letterboxd:olduser/rating/slug:moonlight-2016", 10.0),
    ]


IMDB = FIXTURES / "imdb"


def ratings_by_title(db: Path) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in rows(
            db,
            "select f.title, r.rating, r.rating_raw, substr(r.created_at, 1, 10), f.kind "
            "from reviews r join films f on f.id = r.film_id",
        )
    }


def test_imdb_export_resaved_day_first_is_read_day_first(tmp_path):
    db = tmp_path / "a.db"
    done = run_import(db, str(IMDB / "ratings-resaved-day-first.csv"), "--profile", "imdb:ur1")
    assert done.exit_code == 0, done.output
    # 29/4/2015 can only be day-first, so 8/7/2015 is the 8th of July, not August 7th.
    assert ratings_by_title(db) == {
        "The Shawshank Redemption": (10.0, "10/10", "2015-04-29", "movie"),
        "The Godfather": (9.0, "9/10", "2015-07-08", "movie"),
        "Breaking Bad": (9.0, "9/10", "2016-11-03", "tv"),
    }


def test_imdb_export_whose_rows_do_not_show_the_date_order_is_refused(tmp_path):
    db = tmp_path / "a.db"
    undecided = str(IMDB / "ratings-resaved-undecided.csv")
    refused = run_import(db, undecided, "--profile", "imdb:ur1")
    assert refused.exit_code == 1
    assert "Date Rated" in refused.output and "--date-order dmy" in refused.output
    assert not rows(db, "select * from sqlite_master where name = 'reviews'") or not rows(
        db, "select * from reviews"
    )
    done = run_import(db, undecided, "--profile", "imdb:ur1", "--date-order", "mdy")
    assert done.exit_code == 0, done.output
    assert {t: v[2] for t, v in ratings_by_title(db).items()} == {
        "The Godfather": "2015-08-07",
        "Breaking Bad": "2016-03-11",
    }


def test_reparse_reads_an_export_in_the_date_order_its_import_was_told(tmp_path):
    db = tmp_path / "a.db"
    undecided = str(IMDB / "ratings-resaved-undecided.csv")
    done = run_import(db, undecided, "--profile", "imdb:ur1", "--date-order", "dmy")
    assert done.exit_code == 0, done.output
    before = ratings_by_title(db)
    again = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 changed" in again.output, again.output
    assert ratings_by_title(db) == before


def test_the_date_order_an_import_was_told_is_kept_beside_the_address_not_in_it(tmp_path):
    db = tmp_path / "a.db"
    undecided = str(IMDB / "ratings-resaved-undecided.csv")
    done = run_import(db, undecided, "--profile", "imdb:ur1", "--date-order", "dmy")
    assert done.exit_code == 0, done.output
    [(url, order)] = rows(db, "select url, date_order from fetches")
    assert order == "dmy" and "#" not in url


def test_an_archive_that_kept_the_date_order_in_the_address_reparses_the_same(tmp_path):
    """Archives written before fetches.date_order kept it as the address's fragment."""
    db = tmp_path / "a.db"
    undecided = str(IMDB / "ratings-resaved-undecided.csv")
    done = run_import(db, undecided, "--profile", "imdb:ur1", "--date-order", "dmy")
    assert done.exit_code == 0, done.output
    before = ratings_by_title(db)
    with sqlite3.connect(db) as conn:
        conn.execute("update fetches set url = url || '#date-order=dmy', date_order = null")
    again = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 changed" in again.output, again.output
    assert ratings_by_title(db) == before


def test_imdb_export_of_2016_and_the_same_ratings_in_2026_decimals(tmp_path):
    db = tmp_path / "a.db"
    old = run_import(db, str(IMDB / "ratings-export-2016.csv"), "--profile", "imdb:ur1")
    assert old.exit_code == 0, old.output
    assert ratings_by_title(db) == {
        "The Shawshank Redemption": (10.0, "10/10", "2017-01-29", "movie"),
        "Breaking Bad": (9.0, "9/10", "2016-03-15", "tv"),
        "Pilot": (8.0, "8/10", "2016-03-15", "episode"),
    }
    new = run_import(db, str(IMDB / "ratings-export-2026-decimal.csv"), "--profile", "imdb:ur1")
    assert new.exit_code == 0, new.output
    assert "(0 new, 0 changed)" in new.output, new.output  # "8.0" is the "8" it was
    assert rows(db, "select count(*) from review_versions") == [(0,)]


def test_a_folder_of_mixed_files_imports_what_it_can_and_names_what_it_refused(tmp_path):
    folder = tmp_path / "downloads"
    shutil.copytree(FIXTURES / "letterboxd" / "export-with-profile", folder / "letterboxd")
    shutil.copy(IMDB / "ratings-export-2016.csv", folder / "imdb.csv")
    legacy = FIXTURES / "rottentomatoes" / "napi-legacy-page-without-cursor.json"
    shutil.copy(legacy, folder / "rt.json")
    (folder / "notes.txt").write_text("not a page")
    db = tmp_path / "a.db"
    done = run_import(db, str(folder))
    assert done.exit_code == 1
    assert "1 file (1 export): 5 reviews" in done.output, done.output
    refused = [line for line in done.output.splitlines() if line.startswith("refused: ")]
    assert len(refused) == 2
    # Each refusal names the option that would help, with an example.
    assert any("imdb.csv" in r and "--profile imdb:ur<digits>" in r for r in refused)
    assert any("rt.json" in r and "--profile rottentomatoes:user/976284330" in r for r in refused)
    # Notes beside the captures are no capture, and no refusal either (issue 31).
    assert "passed over 1 documentation file: notes.txt" in done.output
    assert "2 of 3 files refused" in done.output
    assert rows(db, "select count(*) from reviews") == [(5,)]
    # The file that needed --profile goes in alone with it.
    alone = run_import(db, str(folder / "imdb.csv"), "--profile", "imdb:ur1")
    assert alone.exit_code == 0 and "3 reviews (3 new" in alone.output


def test_closing_block_tags_end_lines_so_words_never_glue():
    from scraper.sites.text import plain

    assert plain("...Toototabon!</blockquote>Love it.") == "...Toototabon!\nLove it."
    assert plain("<ul><li>one</li><li>two</li></ul>after") == "one\ntwo\n\nafter"
    assert plain("<h3>Verdict</h3>Great<br>fun") == "Verdict\nGreat\nfun"
    assert plain("<pre>x</pre>y") == "x\ny"
    assert plain("<blockquote><p>q</p></blockquote><p>after</p>") == "q\n\nafter"


def test_letterboxd_diary_of_2022_names_its_days_years_and_own_address(tmp_path):
    db = tmp_path / "a.db"
    done = run_import(db, str(FIXTURES / "letterboxd" / "diary-2022.html"))
    assert done.exit_code == 0, done.output
    entries = rows(
        db,
        "select r.id, f.title, f.year, r.watched_on, r.rating, r.liked, r.rewatch, r.url "
        "from reviews r join films f on f.id = r.film_id order by r.watched_on",
    )
    assert entries == [
        (
            "letterboxd:olduser/viewing/301111111",
            "Dune",
            2021,  # from td.td-released
            "2022-03-02",
            9.0,
            0,
            1,
            "https://letterboxd.com/olduser/film/dune-2021/1/",
        ),
        (
            "letterboxd:olduser/viewing/301234567",
            "The Batman",
            2022,  # from data-film-release-year
            "2022-03-05",
            8.0,
            1,
            0,
            "https://letterboxd.com/olduser/film/the-batman/",
        ),
    ]
    # The page named its own address: nothing file:// reached the archive.
    assert rows(db, "select url from fetches") == [("https://letterboxd.com/olduser/films/diary/",)]
    for table, column in (("reviews", "url"), ("films", "url"), ("profiles", "url")):
        assert rows(db, f"select count(*) from {table} where {column} like 'file:%'") == [(0,)]


def test_titles_that_differ_only_in_case_are_two_films_when_their_lids_say_so(tmp_path):
    db = tmp_path / "a.db"
    done = run_import(db, str(FIXTURES / "letterboxd" / "export-case-titles"))
    assert done.exit_code == 0, done.output
    assert rows(db, "select id, title, year from films order by id") == [
        ("letterboxd:lid/mRq2", "Rain", 2019),
        ("letterboxd:lid/nS7k", "rain", 2019),
    ]
    # Watched on the same day, each entry keeps its own film and rating.
    assert rows(
        db,
        "select r.id, r.film_id, r.rating from reviews r where r.id like '%/entry/%' order by id",
    ) == [
        ("letterboxd:caseuser/entry/6Aa1Qb", "letterboxd:lid/mRq2", 6.0),
        ("letterboxd:caseuser/entry/6Aa1Qc", "letterboxd:lid/nS7k", 8.0),
    ]


def test_metacritic_film_pages_before_2023_with_and_without_profile(tmp_path):
    # The two saved pages at the top of the folder (its subfolders are tests/test_fixtures.py's).
    pages = [str(p) for p in sorted((FIXTURES / "metacritic").glob("movie-*-2019.html"))]
    db = tmp_path / "a.db"
    one = run_import(db, *pages, "--profile", "metacritic:Gnomishninja")
    assert one.exit_code == 0, one.output
    assert "2 files (2 legacy_film_page)" in one.output
    assert rows(
        db,
        "select r.id, r.rating, r.rating_raw, substr(r.created_at, 1, 10), r.text, f.title, f.year "
        "from reviews r join films f on f.id = r.film_id",
    ) == [
        (
            "metacritic:Gnomishninja/movie/v-for-vendetta",
            9.0,
            "9",
            "2006-03-25",
            "Remember, remember. A film that trusts its audience.\n\nAnd its ending earns every "
            "firework.",
            "V for Vendetta",
            2006,
        )
    ]
    everyone = tmp_path / "b.db"
    done = run_import(everyone, *pages)
    assert done.exit_code == 0, done.output
    assert rows(everyone, "select profile_id, rating from reviews order by profile_id") == [
        ("metacritic:Dal_Trent", 2.0),
        ("metacritic:EvieH", 5.0),
        ("metacritic:Gnomishninja", 9.0),
    ]
    assert rows(everyone, "select count(*) from review_versions") == [(0,)]


def test_watched_films_are_part_of_the_record_and_likes_keep_their_day(tmp_path):
    db = tmp_path / "a.db"
    done = run_import(db, str(FIXTURES / "letterboxd" / "export-with-profile"))
    assert done.exit_code == 0, done.output
    marks = rows(
        db,
        "select f.title, r.rating, r.liked, r.liked_on from reviews r join films f "
        "on f.id = r.film_id where r.id like '%/rating/%' order by f.title",
    )
    assert marks == [
        ("Past Lives", 9.0, 0, None),
        ("Paterson", None, 0, None),  # in watched.csv only: a watched mark
        ("The Holdovers", 8.0, 1, "2024-02-11"),  # likes/films.csv's day
    ]
    out = tmp_path / "all.jsonl"
    exported = CliRunner().invoke(cli, ["export", "-o", str(out), "--db", str(db)])
    assert exported.exit_code == 0, exported.output
    paterson = [line for line in out.read_text().splitlines() if '"Paterson"' in line]
    assert len(paterson) == 1 and '"watched_only": 1' in paterson[0]


def test_a_folder_holding_an_export_folder_is_not_itself_an_export(tmp_path):
    folder = tmp_path / "downloads"
    shutil.copytree(FIXTURES / "letterboxd" / "export-with-profile", folder / "lb" / "export")
    shutil.copy(FIXTURES / "letterboxd" / "diary-2022.html", folder / "lb" / "diary.html")
    done = run_import(tmp_path / "a.db", str(folder))
    assert done.exit_code == 0, done.output
    assert "2 files (1 diary, 1 export)" in done.output


@pytest.mark.parametrize("username", ["../../evil", "a/b", "films", "x" * 41])
def test_a_username_from_profile_csv_obeys_the_rules_of_a_typed_one(tmp_path, username):
    export = tmp_path / "export"
    shutil.copytree(FIXTURES / "letterboxd" / "export-with-profile", export)
    profile = export / "profile.csv"
    profile.write_text(profile.read_text().replace("RishiRamesh", username))
    db = tmp_path / "a.db"
    done = run_import(db, str(export))
    assert done.exit_code == 1 and "a Letterboxd username in profile.csv" in done.output
    assert not db.exists() or rows(db, "select count(*) from profiles") == [(0,)]


def test_imdb_export_whose_ratings_days_are_all_early_is_decided_by_its_release_dates(tmp_path):
    """A 2026 export as downloaded, rated on April 5th only: its Release Date column (10/26)
    shows the file is month-first, so it is neither refused nor read as May 4th."""
    db = tmp_path / "a.db"
    early = IMDB / "ratings-export-2026-early-days.csv"
    done = run_import(db, str(early), "--profile", "imdb:ur1")
    assert done.exit_code == 0, done.output
    assert {v[2] for v in ratings_by_title(db).values()} == {"2026-04-05"}


def test_letterboxd_deleted_entry_never_hides_its_live_twin(tmp_path):
    """Issue 29, item 1: a deleted/ row of the same film and watched day as a live entry is a
    record of its own (its own URI), marked deleted; the live entry stays live and whole."""
    export = FIXTURES / "letterboxd" / "export-deleted-twin"
    db = tmp_path / "a.db"
    done = run_import(db, str(export), "--profile", "letterboxd:twin")
    assert done.exit_code == 0, done.output
    assert "6 reviews (6 new, 0 changed), 2 of them deleted on the site, in" in done.output, (
        done.output
    )
    entries = rows(
        db,
        "select id, rating, text, deleted_at is not null from reviews "
        "where id like '%/entry/%' order by id",
    )
    assert entries == [
        ("letterboxd:twin/entry/2QvJk9", 2.0, "test review", 1),
        (
            "letterboxd:twin/entry/2QvLp1",
            8.0,
            "Three hours of rain, and I would sit through it again.",
            0,
        ),
        ("letterboxd:twin/entry/2ixGFf", 5.0, None, 1),
        ("letterboxd:twin/entry/2izPMt", 5.0, None, 0),
    ]
    # Again: every record is found under its own id, nothing is changed or merged.
    again = run_import(db, str(export), "--profile", "letterboxd:twin")
    assert "(0 new, 0 changed), 2 of them deleted on the site," in again.output, again.output
    assert rows(db, "select count(*) from reviews where id like '%/entry/%'") == [(4,)]


def test_letterboxd_reimport_repairs_a_live_entry_an_earlier_import_hid(tmp_path):
    """An archive written before issue 29 holds the live entry marked deleted, under the
    live id; importing the export again brings it back and adds the deleted one apart."""
    export = FIXTURES / "letterboxd" / "export-deleted-twin"
    db = tmp_path / "a.db"
    assert run_import(db, str(export), "--profile", "letterboxd:twin").exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("delete from reviews where id like '%/entry/2ixGFf'")
        conn.execute(
            "update reviews set deleted_at = first_seen_at, missing_since = first_seen_at "
            "where id like '%/entry/2izPMt'"
        )
    again = run_import(db, str(export), "--profile", "letterboxd:twin")
    assert again.exit_code == 0, again.output
    assert rows(
        db,
        "select id, deleted_at is not null from reviews where id like '%/entry/2i%' order by id",
    ) == [("letterboxd:twin/entry/2ixGFf", 1), ("letterboxd:twin/entry/2izPMt", 0)]


def test_letterboxd_reimport_keeps_a_relogged_entry_apart_from_the_one_it_replaced(tmp_path):
    """Export 1 has entry A live; the member deletes A and logs the same film on the same day
    again (B). Export 2 has B live and A in deleted/: two rows, B live, A deleted."""
    first = tmp_path / "first"
    (first / "deleted").mkdir(parents=True)
    export = FIXTURES / "letterboxd" / "export-deleted-twin"
    for name in ("ratings.csv", "watched.csv"):
        shutil.copy(export / name, first / name)
    # The live row of export 1 is the one export 2 lists as deleted.
    (first / "diary.csv").write_text(
        (export / "deleted" / "diary.csv").read_text().splitlines()[0]
        + "\n"
        + (export / "deleted" / "diary.csv").read_text().splitlines()[1]
        + "\n"
    )
    db = tmp_path / "a.db"
    assert run_import(db, str(first), "--profile", "letterboxd:twin").exit_code == 0
    assert run_import(db, str(export), "--profile", "letterboxd:twin").exit_code == 0
    assert rows(
        db,
        "select id, deleted_at is not null from reviews where id like '%/entry/2i%' order by id",
    ) == [("letterboxd:twin/entry/2ixGFf", 1), ("letterboxd:twin/entry/2izPMt", 0)]


def test_letterboxd_export_names_a_film_by_its_numeric_id_and_skips_what_names_nothing(tmp_path):
    """Issue 29, item 2: `letterboxd.com/film/film:253666/` is a film keyed by its Letterboxd
    film id; a row nothing identifies is skipped and named in one line, never the reason to
    refuse the export."""
    export = FIXTURES / "letterboxd" / "export-2017-film-ids"
    db = tmp_path / "a.db"
    done = run_import(db, str(export), "--profile", "letterboxd:olduser")
    assert done.exit_code == 0, done.output
    assert (
        "skipped 2 rows: watched.csv row 4 (a Letterboxd URI that names no film or entry "
        "('https://letterboxd.com/list/some-list/')); diary.csv row 4 (no Name) "
        f"(in {export})"
    ) in done.stdout, done.output
    assert rows(db, "select id, title, year, url from films where id like '%/253666'") == [
        (
            "letterboxd:id/253666",
            "Mon Oncle Antoine",
            1971,
            "https://letterboxd.com/film/film:253666/",
        )
    ]
    assert rows(
        db,
        "select id, film_id, rating, watched_on from reviews "
        "where film_id = 'letterboxd:id/253666' order by id",
    ) == [
        (
            "letterboxd:olduser/entry/id:253666/2017-03-02",
            "letterboxd:id/253666",
            7.0,
            "2017-03-02",
        ),
        ("letterboxd:olduser/rating/id:253666", "letterboxd:id/253666", 7.0, None),
    ]
    assert rows(db, "select count(*) from reviews") == [(4,)]  # Arrival's entry and rating too


def test_letterboxd_export_with_no_row_it_can_identify_is_refused(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "watched.csv").write_text(
        "Date,Name,Year,Letterboxd URI\n2017-03-12,Paterson,2016,https://example.com/x/\n"
    )
    (folder / "diary.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2017-03-10,,2017,https://boxd.it/abc,3,,,2017-03-09\n"
    )
    done = run_import(tmp_path / "a.db", str(folder), "--profile", "letterboxd:olduser")
    assert done.exit_code == 1, done.output
    assert "every row was skipped" in done.output, done.output


def test_metacritic_review_of_a_closed_account_is_kept_under_the_name_shown(tmp_path):
    """Issue 29, item 2: an author shown as plain text (no /user/ link) is archived under the
    name shown, as `metacritic:unlinked/<name>` with no url (not linked to an account); a
    review naming nobody is skipped and named; the page is never refused for them."""
    page = FIXTURES / "metacritic" / "movie-user-reviews-2017-closed-accounts.html"
    db = tmp_path / "a.db"
    done = run_import(db, str(page))
    assert done.exit_code == 0, done.output
    assert f"skipped 1 review: review 3 (no author) (in {page})" in done.stdout, done.output
    assert rows(db, "select id, handle, display_name, url from profiles order by id") == [
        (
            "metacritic:Rhondaqueen",
            "Rhondaqueen",
            "Rhondaqueen",
            "https://www.metacritic.com/user/Rhondaqueen/",
        ),
        ("metacritic:unlinked/EricB.", "unlinked/EricB.", "EricB.", None),
    ]
    assert rows(
        db, "select profile_id, reviewer_name, rating, film_id from reviews order by id"
    ) == [
        ("metacritic:Rhondaqueen", "Rhondaqueen", 8.0, "metacritic:movie/get-out"),
        ("metacritic:unlinked/EricB.", "EricB.", 9.0, "metacritic:movie/get-out"),
    ]
