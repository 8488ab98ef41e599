"""A page that is not what a parser expects is a ParseError; a bug in a parser is a bug: it is
never passed off as a layout change, and the user is asked to report it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError
from scraper.sites.fields import Fields

FIXTURE = Path(__file__).parent / "fixtures/rottentomatoes/napi-legacy-page-without-cursor.json"
PROFILE = ["--profile", "rottentomatoes:user/1"]
URL = "https://www.rottentomatoes.com/napi/userProfile/movieRatings/1"
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def buggy_parser(monkeypatch):
    """The legacy ratings parser, broken the way code breaks (not the way pages do)."""

    def parse(body: bytes, url: str, fetched_at: datetime):
        return {}["a key our own code got wrong"]

    monkeypatch.setitem(sites.SITES["rottentomatoes"].parsers, "legacy_ratings", parse)


def test_a_parser_bug_propagates_as_itself(buggy_parser):
    with pytest.raises(KeyError):
        sites.parse("rottentomatoes", "legacy_ratings", FIXTURE.read_bytes(), URL, WHEN)


def test_a_shape_the_site_changed_is_a_parse_error_naming_the_field():
    body = b'{"ratings": [{"item": {"url": "/m/x"}, "review": ["not", "an", "object"]}]}'
    with pytest.raises(ParseError, match=r"ratings\[0\]\.review as a JSON object"):
        sites.parse("rottentomatoes", "legacy_ratings", body, URL, WHEN)


@pytest.mark.parametrize(
    ("data", "read", "message"),
    [
        ({"a": [1]}, lambda f: f.obj("a"), "a as a JSON object"),
        ({"a": {"b": 1}}, lambda f: f.value("a"), "a as a single value"),
        ({"a": True}, lambda f: f.text("a"), "a as text"),
        ({"a": 5}, lambda f: f.link("a"), r"a \(a link\)"),
        ({"a": {}}, lambda f: f.objs("a"), "the list a"),
        ({"a": [{}, 3]}, lambda f: f.objs("a"), r"a\[1\] as a JSON object"),
        ({}, lambda f: f.objs("a", required=True), "the list a"),
        ({"a": {"b": ""}}, lambda f: f.obj("a").required("b"), r"a\.b"),
    ],
)
def test_fields_name_what_is_wrong(data, read, message):
    with pytest.raises(ParseError, match=message):
        read(Fields("rottentomatoes", URL, data))


def test_fields_read_what_is_right():
    fields = Fields("rottentomatoes", URL, {"n": 4.5, "s": "x", "e": "", "o": None, "l": [{}]})
    assert fields.text("n") == "4.5" and fields.text("s") == "x"
    assert fields.text("e") is None and fields.text("missing") is None
    assert not fields.obj("o") and len(fields.objs("l")) == 1 and fields.objs("o") == []


def test_import_with_a_parser_bug_asks_for_a_report_in_one_line(buggy_parser, tmp_path):
    db = tmp_path / "archive.db"
    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("one.json", "two.json"):  # two files: the run is open when the bug strikes
        (folder / name).write_bytes(FIXTURE.read_bytes())
    result = CliRunner().invoke(cli, ["import", str(folder), *PROFILE, "--db", str(db)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "internal error, please report it" in lines[-1] and "KeyError" in lines[-1]
    assert "Traceback" not in result.output
    status = sqlite3.connect(db).execute("SELECT status FROM runs").fetchall()
    assert status == [("failed",)]


def test_reparse_does_not_skip_a_parser_bug(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    imported = CliRunner().invoke(cli, ["import", str(FIXTURE), *PROFILE, "--db", str(db)])
    assert imported.exit_code == 0, imported.output

    def parse(body: bytes, url: str, fetched_at: datetime):
        raise TypeError("a bug")

    monkeypatch.setitem(sites.SITES["rottentomatoes"].parsers, "legacy_ratings", parse)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert result.exit_code == 1 and "internal error, please report it" in result.output
    reviews = sqlite3.connect(db).execute("SELECT count(*) FROM reviews").fetchone()
    assert reviews == (1,)  # nothing archived was lost to the failed reparse
