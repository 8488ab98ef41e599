"""Issue 33, item 7: the package says what it is and under which licence (PEP 639), and names
no address that is not true."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_licence_is_apache_2_with_its_full_text_shipped():
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert " ".join(text.split()[:6]) == "Apache License Version 2.0, January 2004"
    # The whole text, appendix included, not a header pointing elsewhere.
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX" in text
    assert len(text.splitlines()) > 190


def test_no_licence_classifier_beside_the_spdx_expression():
    # PEP 639: a "License ::" classifier with a `license` expression is an error for builders.
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_the_metadata_says_who_what_and_for_whom():
    assert PROJECT["authors"] == [{"name": "The scrape developers"}]
    assert {"sqlite", "letterboxd", "imdb"} <= set(PROJECT["keywords"])
    for wanted in (
        "Development Status ::",
        "Intended Audience :: End Users/Desktop",
        "Topic :: Database",
    ):
        assert any(c.startswith(wanted) for c in PROJECT["classifiers"]), wanted


def test_the_build_backend_understands_the_licence_fields():
    # license = "<SPDX>" and license-files need setuptools 77 (older ones reject the table).
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert "setuptools>=77" in requires
