"""The `scrape` command. Thin: options in, one library call, errors out as exit codes."""

from scraper.cli import archive, crawling, datasette_files  # noqa: F401  (importing them adds their commands)
from scraper.cli.common import cli, loudness_after

for _command in cli.commands.values():
    loudness_after(_command)


def main() -> None:
    cli(prog_name="scrape")
