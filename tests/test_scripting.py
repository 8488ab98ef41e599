"""Issue 33, item 4: good with scripts. Shell completion from click (a real process, as the shell
runs it), -v and -q before or after the command, and --nl/--csv beside every --json."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import scrape_env
from tests.test_markdown_export import reviews_page_archive


def complete(shell_env: dict[str, str]) -> subprocess.CompletedProcess:
    # The installed command, as a shell's completion function calls it.
    scrape = [sys.executable, "-c", "from scraper.cli import main; main()"]
    return subprocess.run(
        scrape, capture_output=True, text=True, env=scrape_env(shell_env), timeout=60
    )


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _scrape_completion scrape"),
        ("zsh", "#compdef scrape"),
        ("fish", "complete --no-files --command scrape"),
    ],
)
def test_each_shell_gets_a_completion_script(shell, marker):
    made = complete({"_SCRAPE_COMPLETE": f"{shell}_source"})
    assert made.returncode == 0 and marker in made.stdout, made.stdout + made.stderr


def test_completion_names_commands_and_choices():
    command = complete(
        {"_SCRAPE_COMPLETE": "bash_complete", "COMP_WORDS": "scrape exp", "COMP_CWORD": "1"}
    )
    assert command.stdout.split() == ["plain,export"]
    formats = complete(
        {
            "_SCRAPE_COMPLETE": "bash_complete",
            "COMP_WORDS": "scrape export --format ",
            "COMP_CWORD": "3",
        }
    )
    assert (
        "plain,letterboxd" in formats.stdout.split() and "plain,markdown" in formats.stdout.split()
    )


def test_every_command_with_json_has_nl_and_csv():
    shaped = []
    for name, command in cli.commands.items():
        flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
        if "--json" in flags:
            shaped.append(name)
            assert {"--nl", "--csv"} <= flags, name
    assert {"search", "stats", "status", "backup"} <= set(shaped)


def test_every_command_takes_v_and_q_after_it():
    for name, command in cli.commands.items():
        flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
        assert {"-v", "--verbose", "-q", "--quiet"} <= flags, name
    # ...and before it, as the group's own options.
    assert isinstance(cli, click.Group)
    assert {"-v", "--verbose", "-q", "--quiet"} <= {f for p in cli.params for f in p.opts}


def test_quiet_import_prints_only_what_is_wrong(tmp_path):
    loud_db = reviews_page_archive(tmp_path)  # imported once, printing its summary
    page = str(Path(__file__).parent / "fixtures/letterboxd/reviews/reviews-2026-page2.html")
    url = "https://letterboxd.com/dan/films/reviews/page/2/"
    for args in (["-q", "import", page], ["import", page, "-q"]):
        quiet = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "q.db"), "--url", url])
        assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    loud = CliRunner().invoke(cli, ["import", page, "--db", str(loud_db), "--url", url])
    assert loud.exit_code == 0 and "review" in loud.output
    # -q leaves what was asked for: search results still print.
    found = CliRunner().invoke(cli, ["-q", "search", "harbour", "--db", str(loud_db)])
    assert found.exit_code == 0 and found.output.strip()
