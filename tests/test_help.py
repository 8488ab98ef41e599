"""Help a person can paste from (issue 16, item 12)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import ROOT
from tests.docs_text import readme

COMMANDS = sorted(cli.commands)


def example_lines(command: click.Command) -> list[str]:
    """The example command lines of a command's docstring."""
    text = command.help or ""
    section = re.split(r"Examples?:", text, maxsplit=1)
    return (
        [
            line.strip()
            for line in section[-1].splitlines()
            if line.strip().startswith(("scrape ", "mkdir "))
        ]
        if len(section) == 2
        else []
    )


@pytest.mark.parametrize("name", COMMANDS)
def test_help_examples_are_never_rewrapped(name):
    command = cli.commands[name]
    examples = example_lines(command)
    for width in (60, 200):
        shown = CliRunner().invoke(cli, [name, "--help"], terminal_width=width).output
        for line in examples:
            assert line in shown, f"{name} --help at {width} columns breaks: {line}"


def test_every_command_that_has_examples_shows_them():
    assert all(example_lines(cli.commands[n]) for n in ("user", "backup", "search", "export"))


def test_status_runs_and_search_limit_say_what_they_do():
    status = CliRunner().invoke(cli, ["status", "--help"]).output
    search = CliRunner().invoke(cli, ["search", "--help"]).output
    assert "How many of the latest runs to list" in status
    assert "Show at most this many reviews" in search


def test_counts_of_one_are_singular(run_scrape, tmp_path):
    export = ROOT / "tests" / "fixtures" / "letterboxd" / "export-with-profile"
    done = run_scrape("import", str(export), "--db", str(tmp_path / "a.db"))
    assert done.stdout.startswith("1 file (1 export): 5 reviews (5 new, 0 changed)")
    status = run_scrape("status", "--db", str(tmp_path / "a.db"))
    assert "1 file, 5 reviews" in status.stdout and "1 profile" in status.stdout


def test_every_option_says_what_it_does():
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"scrape {name} {param.opts[0]} has no description"


def test_user_help_leads_with_a_name_as_the_readme_does():
    shown = " ".join(CliRunner().invoke(cli, ["user", "--help"]).output.split())
    assert "IDENT is your name on the sites" in shown
    assert example_lines(cli.commands["user"])[0].startswith("scrape user RishiRamesh --remember")
    assert "scrape user RishiRamesh" in readme()


def test_export_summary_names_every_format():
    summary = CliRunner().invoke(cli, ["export", "--help"]).output.split("\n\n")[1]
    for fmt in ("JSON lines", "CSV", "Letterboxd", "Markdown", "HTML"):
        assert fmt in " ".join(summary.split()), fmt
