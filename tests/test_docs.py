"""The docs (README.md, the front page, and docs/) and the help text are part of the product:
check they stay true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.docs_text import page, readme
from tests.test_reading_room_browser import browser  # noqa: F401  (the Chromium fixture)

ROOT = Path(__file__).resolve().parent.parent
README = readme()
COMMANDS = page("commands")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_its_section_in_the_commands_page(name):
    assert re.search(rf"^## `scrape {name}\b", COMMANDS, re.M), name


def test_readme_opens_with_the_two_setup_commands():
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", README, re.S)
    first = blocks[0].strip().splitlines()
    assert len(first) == 2
    assert "pip install" in first[0] and "scrape user" in first[0]
    assert "pip install" in first[1] and "pytest" in first[1]


def test_ci_runs_the_readme_test_command():
    test_command = re.findall(r"```(?:bash|sh)\n(.*?)```", README, re.S)[0].strip().splitlines()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_every_env_var_is_documented():
    used = set()
    for path in (ROOT / "scraper").rglob("*.py"):
        used |= set(re.findall(r"SCRAPE_[A-Z_]+", path.read_text()))
    for name in used:
        assert name in COMMANDS, name


def test_every_sites_root_variable_is_documented():
    from scraper import sites

    for name in sites.SITES:
        assert f"SCRAPE_{name.upper()}_ROOT" in COMMANDS, name


def test_readme_is_a_front_page_that_links_every_docs_page():
    assert len(README.splitlines()) < 250
    for path in sorted((ROOT / "docs").glob("*.md")):
        if path.name != "index.md":
            assert f"](docs/{path.name})" in README, path.name


def test_the_docs_build_strictly_with_every_page_in_the_nav(tmp_path):
    """mkdocs.yml turns anchor checks into warnings, so --strict also fails on a link to a
    heading that is not there (a section moved without its links)."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for path in (ROOT / "docs").glob("*.md"):
        assert f": {path.name}" in nav, path.name
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "commands" / "index.html").exists()


def test_every_docs_page_fits_a_phone_and_a_desktop(tmp_path, browser):  # noqa: F811
    """The built pages in Chromium at 1400 and 390 px: none is wider than the screen (a wide
    table or a long command scrolls inside itself)."""
    built = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(built)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    pages = sorted(built.glob("*/index.html")) + [built / "index.html"]
    assert len(pages) == len(list((ROOT / "docs").glob("*.md")))
    wide = []
    for width, height in ((1400, 1000), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        for path in pages:
            page.goto(path.as_uri())
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                wide.append(f"{path.parent.name} at {width} px")
        page.close()
    assert wide == []
