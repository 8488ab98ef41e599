"""What every command shares: the group, common options, and errors turned into exit codes."""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from scraper import __version__
from scraper.errors import ScrapeError, UsageError, unexpected
from scraper.site_names import NAMES as SITE_NAMES

if TYPE_CHECKING:
    from scraper.jobs import config

# A click command function, decorated without changing its type.
Command = TypeVar("Command", bound=Callable[..., Any])
Params = ParamSpec("Params")
Result = TypeVar("Result")

SITE_CHOICE = click.Choice(sorted(SITE_NAMES))


def db_option(command: Command) -> Command:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The archive file (default: $SCRAPE_DB, the config's db, or ./archive.db).",
    )(command)


def config_option(command: Command) -> Command:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Config file (default: $SCRAPE_CONFIG, ./config/scrape.toml if there is one, else "
        "your config file, ~/.config/scrape/config.toml on Linux; `scrape status` names it).",
    )(command)


class Rating(click.FloatRange):
    """A rating on 0-10; click's FloatRange lets "nan" through (it compares false), this one
    says it is not a number."""

    name = "rating"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # NaN is the one float not equal to itself
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


class Failed(click.ClickException):
    """A ScrapeError shown as one line, with the exit code docs/commands.md's contract gives it."""

    def __init__(self, error: ScrapeError) -> None:
        super().__init__(str(error))
        # click declares exit_code on the class, and exits with the instance's.
        self.exit_code = error.exit_code  # type: ignore[misc]


def reports_errors(command: Callable[Params, Result]) -> Callable[Params, Result]:
    @functools.wraps(command)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return command(*args, **kwargs)
        except ScrapeError as error:
            raise Failed(error) from None
        except KeyboardInterrupt:
            click.echo("interrupted; every page already read is saved", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # The reader of our output stopped early (`scrape export | head`): nothing to say,
            # and nothing more to write (Python's own advice: send what is left to devnull).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as error:  # not ours (a full disk, a bug): one line, traceback with -v
            raise Failed(unexpected(error)) from None

    return wrapper


def _log(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s", stream=sys.stderr
    )
    logging.getLogger().setLevel(logging.DEBUG if verbose else logging.WARNING)
    # httpx logs every request at INFO; our own DEBUG line says the same with timings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _verbose_here(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _log(True)


# Context.meta is shared by the group's context and the command's: -q before or after the
# command lands in the same place.
_QUIET = "scrape.quiet"


def _quiet_here(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_QUIET] = True


def quiet() -> bool:
    """Whether -q was given, before the command or after it."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_QUIET))


def say(message: str = "", *, err: bool = False) -> None:
    """A line that reports progress or success: left out with -q. What a command was asked
    for (search results, an export, --json), its warnings and its errors are always printed."""
    if not quiet():
        click.echo(message, err=err)


_QUIET_HELP = "Print only what was asked for, warnings and errors: no progress, no summary."


def loudness_after(command: click.Command) -> None:
    """-v and -q after the subcommand too (`scrape user NAME -v`), as people type them."""
    for flags, callback, help_text in (
        (["-v", "--verbose"], _verbose_here, "Log each request to stderr."),
        (["-q", "--quiet"], _quiet_here, _QUIET_HELP),
    ):
        command.params.append(
            click.Option(
                flags,
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=callback,
                help=f"{help_text} (Also accepted before the command.)",
            )
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrape")
@click.option("-v", "--verbose", is_flag=True, help="Log each request to stderr.")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_quiet_here,
    help=_QUIET_HELP,
)
def cli(verbose: bool) -> None:
    """Back up your film reviews and ratings from review sites into a searchable SQLite archive.

    Example:

    \b
        scrape user https://www.rottentomatoes.com/critics/rain-jokinen/movies
    """
    _log(verbose)


def db_path_for(db_path: Path | None, settings: config.Config) -> Path:
    # --db and $SCRAPE_DB are read from the working folder, as the user typed them; the
    # config's db from the config's folder.
    return Path(db_path or os.environ.get("SCRAPE_DB") or settings.archive_path() or "archive.db")


def iso_datetime(text: str, option: str, *, period: bool = False) -> datetime:
    """An ISO 8601 time (UTC unless it says otherwise); with `period`, a year or a month
    (`2026`, `2026-03`) too, as its start: a lower bound people write that way."""
    if period and (whole := _PERIOD.fullmatch(text.strip())):
        year, month = int(whole["year"]), int(whole["month"] or 1)
        if 1 <= month <= 12:
            return datetime(year, month, 1, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        also = " or a year or month (2026, 2026-03)" if period else ""
        raise UsageError(f"{option} {text!r} is not an ISO 8601 date or time{also}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")


def shape_options(what: str) -> Callable[[Command], Command]:
    """--json, --nl and --csv: one value, `shape` (None: the text people read)."""

    def add(command: Command) -> Command:
        for flag, how in (
            ("--csv", f"Print {what} as CSV, a row a line (with a header)."),
            ("--nl", f"Print {what} as newline-delimited JSON, an object a line."),
            ("--json", f"Print {what} as JSON."),
        ):
            command = click.option(flag, "shape", flag_value=flag[2:], help=how)(command)
        return command

    return add


def emit(rows: list[dict[str, Any]], shape: str) -> None:
    """Rows as the script asked: a JSON array, a JSON object a line, or CSV with a header (the
    columns of every row, in the order they first appear; nested values as JSON)."""
    if shape == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif shape == "nl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        columns = list(dict.fromkeys(column for row in rows for column in row))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        click.echo(out.getvalue(), nl=False)


def sections(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """A report of several tables as one table of rows, each naming its `section`."""
    return [
        {"section": name, **row}
        for name, rows in figures.items()
        if isinstance(rows, list)
        for row in rows
        if isinstance(row, dict)
    ]


def _cell(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
