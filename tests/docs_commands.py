"""The `scrape ...` command lines of the docs, and what the real click command tree says of
each: the command exists, each option exists and takes the value it is given, a choice is one of
its choices. Nothing is invoked (no archive, no network)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import click

from scraper.cli import cli

# ```bash, ```sh and ```console blocks hold commands (console: only the `$ ` lines).
BLOCK = re.compile(r"^```(bash|sh|console)\n(.*?)^```", re.S | re.M)
OPERATORS = {"|", "||", "&&", ";", "&", "(", ")"}
REDIRECTS = {">", ">>", "<", ">&", "<<", "<<<"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Path arguments are not converted: `scrape import ~/Downloads/export.zip` names a file of the
# reader's, which does not exist here; every other type (choices, numbers) is converted.
UNCONVERTED = (click.Path, click.File)


def command_lines(markdown: str) -> Iterator[str]:
    """Each shell line of the code blocks, continuation lines joined, `$(...)` inner commands
    given as lines of their own."""
    for kind, body in BLOCK.findall(markdown):
        lines = body.replace("\\\n", " ").splitlines()
        if kind == "console":
            lines = [line[2:] for line in lines if line.startswith("$ ")]
        for line in lines:
            yield from _substitutions(line)


def _substitutions(line: str) -> Iterator[str]:
    while (start := line.find("$(")) != -1:
        depth, end = 0, start + 1
        for end in range(start + 1, len(line)):
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            if depth == 0:
                break
        yield line[start + 2 : end]
        line = line[:start] + "SUBSTITUTED" + line[end + 1 :]
    yield line


def scrape_invocations(line: str) -> Iterator[list[str]]:
    """The argument lists given to `scrape` on one shell line (after env assignments, in any
    part of a pipeline or `&&` chain; comments and redirections left out)."""
    lexer = shlex.shlex(re.sub(r"\b\d>", ">", line), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words: list[str] = []
    for token in [*lexer, ";"]:
        if token in OPERATORS:
            while words and ASSIGNMENT.match(words[0]):
                words.pop(0)
            if words and (words[0] == "scrape" or words[0].endswith("/scrape")):
                yield _without_redirects(words[1:])
            words = []
        else:
            words.append(token)


def _without_redirects(args: list[str]) -> list[str]:
    """A redirection takes the next word with it (`> out.csv`)."""
    out: list[str] = []
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word in REDIRECTS:
            skip = True
        else:
            out.append(word)
    return out


def problem(args: list[str]) -> str | None:
    """What is wrong with `scrape ARGS` by the command tree, or None."""
    top = click.Context(cli, info_name="scrape")
    group_opts = {o for p in cli.params for o in [*p.opts, *p.secondary_opts]}
    while args and args[0].startswith("-"):
        if args[0] in ("--help", "--version"):
            return None if len(args) == 1 else f"{args[0]} ends the command line"
        if args[0] not in group_opts:
            return f"no such option before the command: {args[0]}"
        args = args[1:]
    if not args:
        return None  # `scrape` alone prints the list of commands
    name, rest = args[0], args[1:]
    command = cli.commands.get(name)
    if command is None:
        return f"no such command: {name}"
    # --help is eager: it would print and exit. What stands beside it must still parse.
    helped = "--help" in rest
    rest = [word for word in rest if word != "--help"]
    ctx = click.Context(command, info_name=name, parent=top)
    try:
        values, extra, _ = command.make_parser(ctx).parse_args(rest)
    except click.UsageError as error:
        return f"scrape {name}: {error.format_message()}"
    if extra:
        return f"scrape {name}: unexpected arguments {extra}"
    for param in command.params:
        value = values.get(param.name or "")
        # click marks a parameter not given with its own sentinel (UNSET), not with None.
        if value is None or value == () or type(value).__name__ == "Sentinel":
            if param.required and not helped:
                return f"scrape {name}: missing {param.human_readable_name}"
            continue
        if isinstance(param.type, UNCONVERTED):
            continue
        for item in value if isinstance(value, (tuple, list)) else [value]:
            try:
                param.type.convert(item, param, ctx)
            except click.BadParameter as error:
                return f"scrape {name} {param.opts[0]}: {error.format_message()}"
    return None
