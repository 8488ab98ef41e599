"""Expected records as JSON, for the project's own fixture pages (tests/fixtures/<site>/<parser>/)
and for the shared corpus (tests/expected/<site>/): one form for both, walked by
tests/test_fixtures.py and tests/test_corpus.py.

An expected file holds what the parser is given and what it must give back:

    {"site": ..., "parser": ..., "url": ..., "fetched_at": "...Z", "page": {...}}

`page` is the parsed Page as plain JSON: every field of every record (profiles, films, reviews,
next), except fields left at their default (a review's `truncated: false`, a film's `keys: []`),
which are left out. A review's `when` is {at, earliest, latest, precision} in ISO 8601 UTC.
A list too long to keep whole (a corpus export of thousands of rows) is stored as
{"count", "first", "last", "sha256"}: its length, its first and last records, and a hash of all
of them. A corpus file may also carry `samples`: reviews (by id) checked by hand against the raw
file, compared record for record. The parser named is also the one `scrape import` recognises
the file as (sites.sniff), unless `sniffed` says otherwise (null: a page known only by its
address, such as Letterboxd's full-text fragments).

`pytest --regenerate-expected` rewrites every expected file the tests it runs walk, from what
the parsers give today (keeping site, parser, url, fetched_at and the ids of the samples): read
the diff before committing it, as a wrong expectation is worse than none.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scraper import sites, timeparse
from scraper.models import Page
from scraper.timeparse import When

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
EXPECTED = TESTS / "expected"
# A fixture's expected records sit beside it: diary-2025.html -> diary-2025.expected.json.
SUFFIX = ".expected.json"
# A whole page is kept when its JSON is at most this big; past it, long lists are summarised.
WHOLE_LIMIT = 24 * 1024
# Records kept at each end of a summarised list.
ENDS = 3


# The registry (scraper.sites.SITES) is read in these few helpers alone, so that a change to it
# is a change here; parsers are only ever called through scraper.sites.parse.


def site_names() -> list[str]:
    return list(sites.SITES)


def parser_names(site: str) -> list[str]:
    """Every parser a site has: the list the walker checks each has a fixture."""
    return list(sites.SITES[site].parsers)


def read_input(site: str, path: Path) -> bytes:
    """A page's bytes; a folder (an unzipped export) zipped as its site downloads it."""
    if not path.is_dir():
        return path.read_bytes()
    export = sites.SITES[site].export
    pack = export.pack_export if export else None
    body = pack(path, None) if pack else None
    if body is None:
        raise ValueError(f"{path} is a folder but not an export of {site}")
    return body


def export_folder_test(site: str):
    """Whether a folder is the site's unzipped export (never, for a site without exports)."""
    export = sites.SITES[site].export
    test = export.is_export_folder if export else None
    return test if test else (lambda path: False)


def sniffed(expected: dict[str, Any], body: bytes) -> str | None:
    """The parser `scrape import` picks for the body by its content alone (None: none)."""
    found = sites.sniff(body, expected["site"])
    return found[1] if found else None


def parse(expected: dict[str, Any], body: bytes) -> Page:
    fetched_at = timeparse.from_iso(expected["fetched_at"]).at
    return sites.parse(expected["site"], expected["parser"], body, expected["url"], fetched_at)


def plain(value: Any) -> Any:
    """A record's value as JSON: dataclasses as records, tuples as lists, times in ISO."""
    if isinstance(value, When):
        return {
            "at": timeparse.to_iso(value.at),
            "earliest": timeparse.to_iso(value.earliest),
            "latest": timeparse.to_iso(value.latest),
            "precision": value.precision,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return timeparse.to_iso(value)
    return value


def record(obj: Any) -> dict[str, Any]:
    """A dataclass as a dict, leaving out the fields that hold their default."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING
        if default is not dataclasses.MISSING and _same(value, default):
            continue
        out[field.name] = plain(value)
    return out


def _same(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


def digest(items: list[Any]) -> str:
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def summary(items: list[Any], ends: int = ENDS) -> dict[str, Any]:
    return {
        "count": len(items),
        "first": items[:ends],
        "last": items[-ends:] if ends else [],
        "sha256": digest(items),
    }


def is_summary(value: Any) -> bool:
    return isinstance(value, dict) and {"count", "sha256"} <= set(value)


def shaped_like(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The actual page record, each list summarised where the expected one is."""
    shaped = dict(actual)
    for name, value in expected.items():
        if is_summary(value) and isinstance(actual.get(name), list):
            shaped[name] = summary(actual[name], len(value["first"]))
    return shaped


def summarised(page: dict[str, Any]) -> dict[str, Any]:
    """The page record as stored: whole, or with its long lists summarised when it is big."""
    if len(json.dumps(page, ensure_ascii=False, indent=2)) <= WHOLE_LIMIT:
        return page
    return {
        name: summary(value) if isinstance(value, list) and len(value) > 2 * ENDS + 1 else value
        for name, value in page.items()
    }


def samples(page: Page, ids: list[str]) -> list[dict[str, Any]]:
    by_id = {review.id: review for review in page.reviews}
    return [record(by_id[i]) for i in ids if i in by_id]


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, expected: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def regenerated(expected: dict[str, Any], page: Page) -> dict[str, Any]:
    """The expected file anew from a parse: its inputs kept, its records from `page`."""
    inputs = ("site", "parser", "input", "url", "fetched_at", "sniffed", "note")
    fresh = {k: expected[k] for k in inputs if k in expected}
    fresh["page"] = summarised(record(page))
    if "samples" in expected:
        fresh["samples"] = samples(page, [s["id"] for s in expected["samples"]])
    return fresh


def check(expected: dict[str, Any], page: Page) -> None:
    """Assert the parse gives what the expected file says, naming the first difference."""
    actual = shaped_like(record(page), expected["page"])
    for name in sorted(set(actual) | set(expected["page"])):
        want, got = expected["page"].get(name), actual.get(name)
        if is_summary(want) and is_summary(got):
            for part in ("count", "first", "last"):
                assert got[part] == want[part], f"page.{name}.{part}"
            assert got["sha256"] == want["sha256"], (
                f"page.{name}: same count and ends, but a record between them differs "
                "(run pytest --regenerate-expected and read the diff)"
            )
        elif isinstance(want, list) and isinstance(got, list):
            for i, (w, g) in enumerate(zip(want, got, strict=False)):
                assert g == w, f"page.{name}[{i}]"
            assert len(got) == len(want), f"page.{name}: {len(got)} records, not {len(want)}"
        else:
            assert got == want, f"page.{name}"
    want_samples = expected.get("samples", [])
    got_samples = samples(page, [s["id"] for s in want_samples])
    assert [s["id"] for s in got_samples] == [s["id"] for s in want_samples], "sample ids"
    for got, want in zip(got_samples, want_samples, strict=True):
        assert got == want, f"sample {want['id']}"


def fixture_cases() -> list[tuple[Path, Path]]:
    """(expected file, fixture) for every *.expected.json under tests/fixtures/<site>/<parser>/."""
    cases = []
    for path in sorted(FIXTURES.glob(f"*/*/*{SUFFIX}")):
        stem = path.name.removesuffix(SUFFIX)
        inputs = [p for p in path.parent.iterdir() if p != path and _stem(p) == stem]
        if len(inputs) != 1:
            raise ValueError(f"{path} needs exactly one fixture named {stem}[.ext] beside it")
        cases.append((path, inputs[0]))
    return cases


def _stem(path: Path) -> str | None:
    if path.name.endswith(SUFFIX):
        return None
    return path.name if path.is_dir() else path.name.rsplit(".", 1)[0]


def corpus_cases() -> list[Path]:
    """Every expected file of the corpus, tests/expected/<site>/...json."""
    return sorted(EXPECTED.rglob("*.json"))


def check_invariants(page: Page) -> None:
    """What holds of every page, whatever the site: one review per id, ratings on 0-10, an
    estimated time within its bounds."""
    ids = [review.id for review in page.reviews]
    assert len(ids) == len(set(ids)), "review ids are unique within a page"
    for review in page.reviews:
        assert review.rating is None or 0 <= review.rating <= 10, review.id
        when = review.when
        if when.at and when.earliest and when.latest:
            assert when.earliest <= when.at <= when.latest, review.id


def verify(path: Path, body: bytes, regenerate: bool) -> None:
    """The body is recognised as its expectation's parser and parses to its records (written
    anew first, with --regenerate-expected), within the invariants every page keeps."""
    expected = load(path)
    assert sniffed(expected, body) == expected.get("sniffed", expected["parser"])
    page = parse(expected, body)
    if regenerate:
        write(path, regenerated(expected, page))
        expected = load(path)
    check(expected, page)
    check_invariants(page)
