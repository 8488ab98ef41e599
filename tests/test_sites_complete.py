"""A site is four files (docs/development.md, "Adding a site"): its package under scraper/sites/,
its line in scraper/site_names.py, its fixtures folder tests/fixtures/<name>/ and its stand-in
server tests/fakes/<name>.py. A registered site without one of them fails here, and so does a
fixtures folder or a fake that names no registered site (a site renamed or removed by half)."""

from __future__ import annotations

from pathlib import Path

from scraper.site_names import NAMES

TESTS = Path(__file__).resolve().parent
SITES = TESTS.parent / "scraper" / "sites"
# The fakes that stand in for no one site: the local server they all run on, and replays.
SHARED_FAKES = {"__init__", "server", "replay"}


def test_every_registered_site_has_its_package_fixtures_and_fake() -> None:
    for name in NAMES:
        assert (SITES / name / "__init__.py").is_file(), f"scraper/sites/{name}/ is missing"
        assert (TESTS / "fixtures" / name).is_dir(), f"tests/fixtures/{name}/ is missing"
        assert (TESTS / "fakes" / f"{name}.py").is_file(), f"tests/fakes/{name}.py is missing"


def test_every_fixtures_folder_and_fake_names_a_registered_site() -> None:
    folders = {p.name for p in (TESTS / "fixtures").iterdir() if p.is_dir()}
    fakes = {p.stem for p in (TESTS / "fakes").glob("*.py")} - SHARED_FAKES
    assert folders - set(NAMES) == set(), "fixtures folders of no site in site_names.py"
    assert fakes - set(NAMES) == set(), "fakes of no site in site_names.py"
