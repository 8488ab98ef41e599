"""Letterboxd's lists (lists/*.csv) and watchlist (watchlist.csv), from the official export to
their own tables, Datasette and `scrape export`.

The watchlist is the corpus export's own (2,540 films). The corpus has no list file: the list
files here are written by hand in the shape real exports have (the banner, the list's own
table, a blank line, the films' table; CRLF line ends; a description over two lines), see
list_file; every film they name is one of the corpus export's own films."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import httpx

from tests.replaying import query
from tests.test_datasette import start_serve

EXPORT = "letterboxd/export-2026"


# Hand-written in the shape of real list exports (public exports committed by their owners):
# version banner, the list's table, a blank line, the films' table; CRLF line ends, a field
# quoted only when it holds a comma, a quote or a line end.
def list_file(
    name: str, url: str, rows: list[str], *, date="2024-03-01", tags="", description=""
) -> str:
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\r\n")
    writer.writerow(["Letterboxd list export v7"])
    writer.writerow(["Date", "Name", "Tags", "URL", "Description"])
    writer.writerow([date, name, tags, url, description])
    writer.writerow([])
    writer.writerow(["Position", "Name", "Year", "URL", "Description"])
    return head.getvalue() + "".join(row + "\r\n" for row in rows)


FAVOURITES = [
    "1,Sanctuary,2022,https://boxd.it/wPKW,",
    '2,The Edge of Seventeen,2016,https://boxd.it/d5nu,"Still the best, by far"',
    "3,Mystic River,2003,https://boxd.it/2aAG,",
]


def export_with_lists(corpus: Path, where: Path, lists: dict[str, str], watchlist_rows=None):
    """The corpus export, unzipped into `where`, with these list files (and, when given, only
    these watchlist rows)."""
    shutil.copytree(corpus / EXPORT, where)
    (where / "lists").mkdir()
    for name, text in lists.items():
        (where / "lists" / name).write_bytes(text.encode("utf-8"))
    if watchlist_rows is not None:
        head = (corpus / EXPORT / "watchlist.csv").read_text(encoding="utf-8").splitlines()[0]
        text = "\n".join([head, *watchlist_rows]) + "\n"
        (where / "watchlist.csv").write_text(text, encoding="utf-8")
    return where


def watchlist_rows(corpus: Path) -> list[list[str]]:
    with (corpus / EXPORT / "watchlist.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def import_export(run_scrape, db: Path, folder: Path, captured: str):
    done = run_scrape(
        "import",
        str(folder),
        "--profile",
        "letterboxd:aguitov",
        "--captured-at",
        captured,
        "--db",
        str(db),
    )
    assert done.returncode == 0, done.stderr
    return done


def test_the_corpus_watchlist_is_archived_whole_and_exported(corpus, run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    done = import_export(run_scrape, db, corpus / EXPORT, "2026-07-20")
    rows = watchlist_rows(corpus)
    assert f"a watchlist of {len(rows):,} films" in done.stdout
    assert query(db, "select count(*) from watchlist") == [(len(rows),)]
    # Each row as the file has it: the film by its own boxd.it link, the day it was added.
    first = rows[0]
    assert query(
        db,
        "select film, year, added_on, status, film_url from watchlist_films where film_url = ?",
        first[3],
    ) == [(first[1], int(first[2]), first[0], "current", first[3])]
    exported = run_scrape(
        "export", "--what", "watchlist", "--format", "csv", "-o", "w.csv", "--db", str(db)
    )
    assert exported.returncode == 0, exported.stderr
    assert f"{len(rows)} watchlist films written to w.csv" in exported.stderr
    with (tmp_path / "w.csv").open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(rows)
    assert {(r["film"], r["added_on"]) for r in written} == {(r[1], r[0]) for r in rows}


def test_lists_are_archived_in_order_with_notes_and_odd_rows_named(corpus, run_scrape, tmp_path):
    folder = export_with_lists(
        corpus,
        tmp_path / "export",
        {
            "favourites.csv": list_file(
                "Favourites, in order",
                "https://boxd.it/dWPpg",
                FAVOURITES,
                tags="best, rewatchable",
                description="A list,\r\nover two lines.",
            ),
            # A film row that names no film, and a list whose link names no list.
            "odd-row.csv": list_file(
                "Odd row",
                "https://boxd.it/aB3",
                ["1,,2001,,", "2,Mystic River,2003,https://boxd.it/2aAG,"],
            ),
            "no-link.csv": list_file("No link", "https://example.com/x", FAVOURITES[:1]),
        },
    )
    db = tmp_path / "archive.db"
    done = import_export(run_scrape, db, folder, "2026-07-20")
    assert "2 lists (4 films)" in done.stdout
    assert (
        "skipped 2 records: lists/no-link.csv (a URL that names no list ('https://example.com/x'))"
        "; lists/odd-row.csv line 6 (no Name)" in done.stdout
    )
    assert query(
        db,
        "select list, position, film, year, notes, status from list_films "
        "where list_id = 'letterboxd:aguitov/list/dWPpg' order by position",
    ) == [
        ("Favourites, in order", 1, "Sanctuary", 2022, None, "current"),
        (
            "Favourites, in order",
            2,
            "The Edge of Seventeen",
            2016,
            "Still the best, by far",
            "current",
        ),
        ("Favourites, in order", 3, "Mystic River", 2003, None, "current"),
    ]
    assert query(
        db, "select name, tags, description, created_on, url from lists order by name"
    ) == [
        (
            "Favourites, in order",
            "best, rewatchable",
            "A list,\nover two lines.",
            "2024-03-01",
            "https://boxd.it/dWPpg",
        ),
        ("Odd row", None, None, "2024-03-01", "https://boxd.it/aB3"),
    ]
    # A film on a list is the same film row its reviews and watchlist entry name.
    assert query(
        db,
        "select count(distinct e.film_id) from list_entries e join watchlist w "
        "on w.film_id = e.film_id",
    ) == [(3,)]


def test_a_later_export_marks_what_it_lost_and_an_older_one_changes_nothing(
    corpus, run_scrape, tmp_path
):
    db = tmp_path / "archive.db"
    rows = [",".join(r) for r in watchlist_rows(corpus)[:3]]
    july = export_with_lists(
        corpus,
        tmp_path / "july",
        {
            "favourites.csv": list_file("Favourites", "https://boxd.it/dWPpg", FAVOURITES),
            "gone.csv": list_file("Gone", "https://boxd.it/gOne", FAVOURITES[:1]),
        },
        watchlist_rows=rows,
    )
    # In August, Mystic River is off the list, the first film off the watchlist (watched),
    # the Edge of Seventeen moved to first place, and the list "Gone" deleted.
    august_favourites = [
        "1,The Edge of Seventeen,2016,https://boxd.it/d5nu,Moved up",
        "2,Sanctuary,2022,https://boxd.it/wPKW,",
    ]
    august = export_with_lists(
        corpus,
        tmp_path / "august",
        {"favourites.csv": list_file("Favourites", "https://boxd.it/dWPpg", august_favourites)},
        watchlist_rows=rows[1:],
    )
    import_export(run_scrape, db, july, "2026-07-01")
    import_export(run_scrape, db, august, "2026-08-01")
    expected_lists = [
        ("Favourites", 1, "The Edge of Seventeen", "Moved up", "current"),
        ("Favourites", 2, "Sanctuary", None, "current"),
        ("Favourites", 3, "Mystic River", None, "removed"),
        ("Gone", 1, "Sanctuary", None, "list removed"),
    ]
    lists_sql = "select list, position, film, notes, status from list_films order by list, position"
    watch_sql = "select film, status from watchlist_films order by film"
    first_film = watchlist_rows(corpus)[0][1]
    assert query(db, lists_sql) == expected_lists
    watched = query(db, watch_sql)
    assert (first_film, "removed") in watched and len(watched) == 3
    assert query(db, "select list, status, films from list_summary order by list") == [
        ("Favourites", "current", 2),
        ("Gone", "removed", 1),
    ]
    # The July export imported again, after August: an older snapshot changes nothing.
    import_export(run_scrape, db, july, "2026-07-01")
    assert query(db, lists_sql) == expected_lists
    assert query(db, watch_sql) == watched
    # Nothing was deleted: every film and list ever seen keeps its row.
    assert query(db, "select count(*) from list_entries") == [(4,)]


def test_lists_and_watchlist_show_in_datasette_and_export(corpus, run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    folder = export_with_lists(
        corpus,
        tmp_path / "export",
        {"favourites.csv": list_file("Favourites", "https://boxd.it/dWPpg", FAVOURITES)},
    )
    import_export(run_scrape, db, folder, "2026-07-20")
    exported = run_scrape("export", "--what", "lists", "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    assert len(lines) == 3 and '"position": 1, "film": "Sanctuary"' in lines[0]
    refused = run_scrape("export", "--what", "lists", "--format", "markdown", "-o", "x")
    assert refused.returncode == 2 and "jsonl or csv" in refused.stderr
    server, base = start_serve(db)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            database = client.get("/archive.json").json()
            views = {view["name"] for view in database["views"]}
            assert {"list_films", "list_summary", "watchlist_films"} <= views
            listed = client.get(
                "/archive/list_films.json", params={"_shape": "objects", "list": "Favourites"}
            ).json()["rows"]
            assert [r["film"] for r in sorted(listed, key=lambda r: r["position"])] == [
                "Sanctuary",
                "The Edge of Seventeen",
                "Mystic River",
            ]
            # The reading room's home leads to them, with the counts of what is current.
            home = client.get("/").text
            assert 'list_summary?status=current">Lists</a> (1,' in home
            assert f'">Watchlist</a> ({len(watchlist_rows(corpus)):,} films)' in home
            page = client.get("/archive/watchlist_films").text
            assert (
                "The films on a person&#39;s watchlist" in page or "watchlist (Letterboxd" in page
            )
            count = client.get(
                "/archive/watchlist_films.json", params={"_shape": "objects", "status": "current"}
            ).json()
            assert count["filtered_table_rows_count"] == len(watchlist_rows(corpus))
    finally:
        server.terminate()
        server.wait(timeout=10)


# Real list files, their first lines verbatim (public exports committed by their owners):
# 2019, before the version line (line 1 blank) and before boxd.it links:
# forrestdiamond/letterboxd data/lists/favorite-heists.csv @ 7058d670ab34 (2019-11-20).
HEISTS_2019 = (
    "\n"
    "Date,Name,Tags,URL,Description\n"
    '2019-03-21,Favorite Heists,"top-10, heists",'
    "https://letterboxd.com/forrestdiamond/list/favorite-heists/,\n"
    "\n"
    "Position,Name,Year,URL,Description\n"
    "1,Heat,1995,https://letterboxd.com/film/heat-1995/,\n"
    "2,Inside Man,2006,https://letterboxd.com/film/inside-man/,\n"
    "3,Ocean's Eleven,2001,https://letterboxd.com/film/oceans-eleven-2001/,\n"
)
# 2022-02, CRLF, line 1 blank: mBaratta96/letterboxd-plots data/lists/top-2019.csv @ d5ef7cee5d6d.
TOP_2019 = (
    "\r\n"
    "Date,Name,Tags,URL,Description\r\n"
    "2019-11-15,Top 2019,top10,https://boxd.it/4depC,\r\n"
    "\r\n"
    "Position,Name,Year,URL,Description\r\n"
    "1,Once Upon a Time\u2026 in Hollywood,2019,https://boxd.it/gH0O,\r\n"
    "2,The Lighthouse,2019,https://boxd.it/icFU,\r\n"
)
# 2022-10, the first version line seen, a deleted list whose note runs over three lines with
# HTML in it: bcentner/letterboxd_stats letterboxd_data/deleted/lists/a-list.csv @ 4199978353ff.
A_LIST_DELETED = (
    "Letterboxd list export v7\n"
    "Date,Name,Tags,URL,Description\n"
    "2019-08-18,A list ,,https://boxd.it/3Qunw,\n"
    "\n"
    "Position,Name,Year,URL,Description\n"
    "1,Call Me by Your Name,2017,https://boxd.it/dYmm,\n"
    "2,The Tree of Life,2011,https://boxd.it/1Zu8,A stunning mediation on love and time.\n"
    '3,Cold War,2018,https://boxd.it/fEoc,"This is not our story.\u00a0\n'
    "A beautiful yet equally tragic mediation on love. Inseparable lovers that simply do not "
    "work together.\n"
    'The novel <i>The Mill On The Floss</i> is a very strong companion piece to this film."\n'
)
# A list with no films: its header, then nothing under the films' header (6 of 960 real list
# files are so). And a file of 434 NUL bytes, as a failed unzip left 9 files in
# AgosVenezia/Letterboxd-aguitov (lists/celine-song-ranked.csv @ 60736d454f9e).
EMPTY_LIST = list_file("Someday", "https://boxd.it/eMpt", [])
NUL_FILE = "\x00" * 434


def test_list_files_of_every_era_are_read_and_a_broken_one_is_named(corpus, run_scrape, tmp_path):
    folder = export_with_lists(
        corpus,
        tmp_path / "export",
        {
            "favorite-heists.csv": HEISTS_2019,
            "top-2019.csv": TOP_2019,
            "someday.csv": EMPTY_LIST,
            "celine-song-ranked.csv": NUL_FILE,
        },
    )
    (folder / "deleted" / "lists").mkdir()
    (folder / "deleted" / "lists" / "a-list.csv").write_text(A_LIST_DELETED, encoding="utf-8")
    db = tmp_path / "archive.db"
    done = import_export(run_scrape, db, folder, "2026-07-20")
    assert "4 lists (8 films)" in done.stdout
    assert (
        "skipped 1 list: lists/celine-song-ranked.csv (no Date,Name,Tags,URL,Description "
        "header naming the list)" in done.stdout
    )
    summary = query(
        db, "select list_id, list, films, status, tags, list_url from list_summary order by list"
    )
    assert summary == [
        ("letterboxd:aguitov/list/3Qunw", "A list", 3, "deleted", None, "https://boxd.it/3Qunw"),
        (
            "letterboxd:aguitov/list/slug:favorite-heists",
            "Favorite Heists",
            3,
            "current",
            "top-10, heists",
            "https://letterboxd.com/forrestdiamond/list/favorite-heists/",
        ),
        ("letterboxd:aguitov/list/eMpt", "Someday", 0, "current", None, "https://boxd.it/eMpt"),
        (
            "letterboxd:aguitov/list/4depC",
            "Top 2019",
            2,
            "current",
            "top10",
            "https://boxd.it/4depC",
        ),
    ]
    # Films by their page (2019) or their boxd.it link, as the rest of the export names them.
    assert query(
        db,
        "select position, film, year, film_id from list_films "
        "where list = 'Favorite Heists' order by position",
    ) == [
        (1, "Heat", 1995, "letterboxd:film/heat-1995"),
        (2, "Inside Man", 2006, "letterboxd:film/inside-man"),
        (3, "Ocean's Eleven", 2001, "letterboxd:film/oceans-eleven-2001"),
    ]
    ((note, status),) = query(
        db, "select notes, status from list_films where list = 'A list' and position = 3"
    )
    assert status == "list deleted"
    assert note.startswith("This is not our story.") and "<i>" not in note
    assert "The novel The Mill On The Floss is a very strong companion piece" in note
    assert query(db, "select film from list_films where list = 'Top 2019' order by position") == [
        ("Once Upon a Time\u2026 in Hollywood",),
        ("The Lighthouse",),
    ]


def test_a_list_re_saved_by_a_spreadsheet_reads_the_same(corpus, run_scrape, tmp_path):
    """Excel and LibreOffice write every row with all its columns, so the version line and the
    blank lines become "Letterboxd list export v7,,,," and ",,,,", and save with a BOM."""
    resaved = (
        "\ufeffLetterboxd list export v7,,,,\r\n"
        "Date,Name,Tags,URL,Description\r\n"
        "2024-03-01,Favourites,,https://boxd.it/dWPpg,\r\n"
        ",,,,\r\n"
        "Position,Name,Year,URL,Description\r\n"
        + "".join(row + "\r\n" for row in FAVOURITES)
        + ",,,,\r\n"
    )
    folder = export_with_lists(corpus, tmp_path / "export", {"favourites.csv": resaved})
    db = tmp_path / "archive.db"
    done = import_export(run_scrape, db, folder, "2026-07-20")
    assert "1 list (3 films)" in done.stdout and "skipped" not in done.stdout
    assert query(db, "select film from list_films order by position") == [
        ("Sanctuary",),
        ("The Edge of Seventeen",),
        ("Mystic River",),
    ]
