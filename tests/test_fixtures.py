"""Every fixture page the project writes itself (tests/fixtures/<site>/<parser>/<name>.<ext>),
parsed with the parser its folder names and compared with the records in the
<name>.expected.json beside it (see tests/expectations.py for the form). They need no corpus:
they run in any clone. `pytest tests/test_fixtures.py --regenerate-expected` rewrites the
expected files from what the parsers give today; read each one before committing it."""

from __future__ import annotations

import pytest

from tests import expectations as ex

CASES = ex.fixture_cases()


def case_id(case) -> str:
    expected, _ = case
    return str(expected.relative_to(ex.FIXTURES)).removesuffix(ex.SUFFIX)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_fixture_parses_to_its_expected_records(case, regenerate_expected):
    path, fixture = case
    site, parser = path.relative_to(ex.FIXTURES).parts[:2]
    expected = ex.load(path)
    assert (expected["site"], expected["parser"]) == (site, parser), "the folder names the parser"
    ex.verify(path, ex.read_input(site, fixture), regenerate_expected)


def test_every_parser_of_every_site_has_a_fixture():
    covered = {ex.load(path)["site"] + "/" + ex.load(path)["parser"] for path, _ in CASES}
    wanted = {f"{site}/{parser}" for site in ex.site_names() for parser in ex.parser_names(site)}
    assert wanted - covered == set(), "write a fixture (and its expected JSON) for these"


def test_every_parser_folder_is_a_parser_and_every_fixture_has_its_expectation():
    known = {(site, parser) for site in ex.site_names() for parser in ex.parser_names(site)}
    for folder in sorted(p for p in ex.FIXTURES.glob("*/*") if p.is_dir()):
        site, parser = folder.relative_to(ex.FIXTURES).parts
        if (site, parser) not in known:
            continue  # a fixture another test reads (an export folder), not a parser's
        names = {p.name for p in folder.iterdir()}
        for name in names:
            if not name.endswith(ex.SUFFIX):
                stem = name if (folder / name).is_dir() else name.rsplit(".", 1)[0]
                assert stem + ex.SUFFIX in names, f"{folder / name} has no expected records"
