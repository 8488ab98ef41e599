"""The docs' command examples are checked against the real command tree, as sqlite-utils checks
its docs (simonw/sqlite-utils, tests/test_docs.py: every command documented, every command with
help): here every `scrape ...` line of a ```bash, ```sh or ```console block in README.md and
docs/*.md must parse (command, options, values, choices), and every command and option must be
in docs/commands.md. The parse is click's own parser; nothing is run."""

from __future__ import annotations

import re

import click
import pytest

from scraper.cli import cli
from tests.docs_commands import command_lines, problem, scrape_invocations
from tests.docs_text import DOCS, ROOT, page

PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def examples() -> list[tuple[str, str, list[str]]]:
    return [
        (path.name, line, args)
        for path in PAGES
        for line in command_lines(path.read_text(encoding="utf-8"))
        for args in scrape_invocations(line)
    ]


def test_every_command_example_in_the_docs_parses():
    found = examples()
    # The docs show every command: a parser that found nothing would pass vacuously.
    assert {args[0] for _, _, args in found if args} >= {"user", "backup", "search", "export"}
    assert len(found) >= 40, len(found)
    wrong = [f"{name}: {line}: {why}" for name, line, args in found if (why := problem(args))]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("markdown", "why"),
    [
        ("```bash\nscrape export --colour red\n```\n", "No such option '--colour'"),
        ("```sh\nscrape exprot --format csv\n```\n", "no such command: exprot"),
        ("```bash\nscrape export \\\n  --format pdf | head\n```\n", "'pdf' is not one of"),
        ("```console\n$ scrape search --limit many boyhood\n3 reviews\n```\n", "valid integer"),
        ("```bash\ncd ~/r && scrape -q import --since x.zip  # note\n```\n", "No such option"),
        ('```bash\necho "$(scrape stats --jsn)"\n```\n', "No such option '--jsn'"),
        ("```bash\nscrape search one two > out.txt\n```\n", "unexpected arguments"),
        ("```bash\nscrape import --help --nope\n```\n", "No such option '--nope'"),
    ],
)
def test_a_wrong_example_is_caught(markdown, why):
    found = [problem(args) for line in command_lines(markdown) for args in scrape_invocations(line)]
    assert len(found) == 1
    assert found[0] is not None and why in found[0], found[0]


@pytest.mark.parametrize(
    "markdown",
    [
        "```bash\nscrape -q import ~/Downloads/letterboxd-export.zip 2>/dev/null\n```\n",
        "```bash\nSCRAPE_DB=a.db scrape export --format markdown -o site/ | wc -l  # ok\n```\n",
        "```bash\nscrape serve --help\n```\n",
        '```console\n$ scrape stats --json\n{"reviews": 3}\n```\n',
    ],
)
def test_a_right_example_passes(markdown):
    found = [problem(args) for line in command_lines(markdown) for args in scrape_invocations(line)]
    assert found == [None]


def _sections() -> tuple[str, dict[str, str]]:
    intro, *rest = re.split(r"^## ", page("commands"), flags=re.M)
    named = {}
    for text in rest:
        if match := re.match(r"`scrape ([a-z-]+)", text):
            named[match.group(1)] = text
    return intro, named


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_is_in_the_commands_page(name):
    """In the command's own section, or in the page's opening (--db, --config, -v, -q, which
    every command takes)."""
    intro, sections = _sections()
    assert name in sections, f"docs/commands.md has no section `scrape {name}`"
    missing = [
        opt
        for param in cli.commands[name].params
        if isinstance(param, click.Option)
        for opt in [*param.opts, *param.secondary_opts]
        if not any(
            re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", t) for t in (sections[name], intro)
        )
    ]
    assert not missing, f"scrape {name}: {missing} not in docs/commands.md"


def test_the_options_before_the_command_are_in_the_commands_page():
    text = page("commands")
    for param in cli.params:
        for opt in [*param.opts, *param.secondary_opts]:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text), opt
