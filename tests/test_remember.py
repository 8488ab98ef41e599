"""`--remember` writes the config as the user keeps it: through a symlink, with its permissions,
in the table style the file uses; a config it cannot write is one line, left as it was."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from scraper.errors import UsageError
from scraper.jobs.remember import remember
from scraper.models import Target

RISHI = [Target("letterboxd", "rishiramesh"), Target("rottentomatoes", "critic/rishi-ramesh")]


def people(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["people"]


def test_a_symlinked_config_is_written_where_it_points_and_keeps_its_mode(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "scrape.toml"
    real.write_text('# mine\n[people.ana]\nletterboxd = "letterboxd:ana"\n')
    real.chmod(0o644)
    link = tmp_path / "scrape.toml"
    link.symlink_to(real)
    remember(link, "Rishi", RISHI)
    assert link.is_symlink() and link.resolve() == real
    assert people(real)["Rishi"] == {
        "letterboxd": "letterboxd:rishiramesh",
        "rottentomatoes": "rottentomatoes:critic/rishi-ramesh",
    }
    assert real.read_text().startswith("# mine\n")
    assert real.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in dotfiles.iterdir()) == ["scrape.toml"]  # no temporary left


def test_a_new_config_gets_the_usual_permissions(tmp_path):
    config = tmp_path / "scrape.toml"
    umask = os.umask(0o022)
    try:
        remember(config, "Rishi", RISHI[:1])
    finally:
        os.umask(umask)
    assert config.stat().st_mode & 0o777 == 0o644


def test_people_written_inline_take_the_person_inline(tmp_path):
    config = tmp_path / "scrape.toml"
    config.write_text('people = { ana = { letterboxd = "letterboxd:ana" } }\n')
    remember(config, "rishi", RISHI[:1])
    remember(config, "Ana", RISHI[1:])
    assert people(config) == {
        "ana": {
            "letterboxd": "letterboxd:ana",
            "rottentomatoes": "rottentomatoes:critic/rishi-ramesh",
        },
        "rishi": {"letterboxd": "letterboxd:rishiramesh"},
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("people = 3\n", "`people` is not a table"),
        ('[people]\nrishi = "x"\n', "people.rishi is not"),
    ],
)
def test_people_that_are_not_tables_are_one_line_and_left_alone(tmp_path, text, says):
    config = tmp_path / "scrape.toml"
    config.write_text(text)
    with pytest.raises(UsageError, match=says):
        remember(config, "Rishi", RISHI)
    assert config.read_text() == text


def test_a_config_that_cannot_be_written_is_one_line(tmp_path):
    # (Root writes into read-only folders; a folder that is a file fails for everyone.)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(
        UsageError, match=r"scrape.toml: cannot write it \(Not a directory\); left as it was"
    ):
        remember(blocker / "scrape.toml", "Rishi", RISHI)
