"""The README and the help text are part of the product: check they stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"scrape {name}" in README


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
        assert name in README, name


def test_every_sites_root_variable_is_documented():
    from scraper import sites

    for name in sites.SITES:
        assert f"SCRAPE_{name.upper()}_ROOT" in README, name
