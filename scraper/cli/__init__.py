"""The `scrape` command. Thin: options in, one library call, errors out as exit codes."""

from scraper.cli import archive, crawling  # noqa: F401  (importing them adds their commands)
from scraper.cli.common import cli


def main() -> None:
    cli(prog_name="scrape")
