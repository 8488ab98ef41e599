"""Every file of the shared corpus (../shared/corpus: real captures, see its README), parsed and
compared with the records the project keeps for it in tests/expected/<site>/ (the same form as
the fixtures', tests/expectations.py; large files summarised). Skipped in a clone without the
corpus, a failure on CI. `pytest tests/test_corpus.py --regenerate-expected` rewrites the
expected files from what the parsers give today: read the diff against the raw files first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import expectations as ex

CASES = ex.corpus_cases()


def case_id(path: Path) -> str:
    return str(path.relative_to(ex.EXPECTED)).removesuffix(".json")


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_corpus_file_parses_to_its_expected_records(path, corpus, regenerate_expected):
    expected = ex.load(path)
    site = expected["site"]
    assert path.relative_to(ex.EXPECTED).parts[0] == site
    assert expected["input"].startswith(f"{site}/")
    ex.verify(path, ex.read_input(site, corpus / expected["input"]), regenerate_expected)


def corpus_inputs(corpus: Path) -> set[str]:
    """Every page of the corpus, an unzipped export folder counted as one."""
    found = set()
    for site in ex.site_names():
        is_export = ex.export_folder_test(site)
        exports = [p for p in (corpus / site).rglob("*") if p.is_dir() and is_export(p)]
        for path in (corpus / site).rglob("*"):
            inside = any(path == e or e in path.parents for e in exports)
            if path in exports or (path.is_file() and not inside):
                found.add(str(path.relative_to(corpus)))
    return found


def test_every_corpus_file_has_its_expected_records(corpus):
    named = [ex.load(path)["input"] for path in CASES]
    assert len(named) == len(set(named)), "one expected file per corpus file"
    assert corpus_inputs(corpus) == set(named)
