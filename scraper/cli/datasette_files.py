"""`scrape datasette-metadata`: the archive's titles, descriptions, facets and canned queries as
the file a Datasette the user runs themselves reads (`scrape serve` passes the same itself)."""

from __future__ import annotations

from pathlib import Path

import click

from scraper.cli.common import cli, config_option, db_option, db_path_for, reports_errors
from scraper.errors import UsageError
from scraper.jobs import config


@cli.command("datasette-metadata")
@db_option
@config_option
@click.option(
    "--datasette-version",
    "major",
    type=click.Choice(["0", "1"]),
    help="The Datasette it is for: 0 (0.65: everything in one metadata file) or 1 (1.x: "
    "titles and descriptions in metadata, the rest in a config file). Default: the installed "
    "Datasette's, else 0.",
)
@click.option(
    "--part",
    type=click.Choice(["metadata", "config"]),
    default="metadata",
    show_default=True,
    help="For Datasette 1.x: which of its two files (-m metadata, -c config).",
)
@reports_errors
def datasette_metadata(
    db_path: Path | None, config_path: Path | None, major: str | None, part: str
) -> None:
    """Print the archive's Datasette metadata: titles, column descriptions with units, facets,
    sort order, search and canned queries, for running Datasette yourself.

    Datasette keys it by the name it gives the archive, the file's name without .db: it is
    taken from --db (or the config's archive), so pass the file you will serve.

    Examples:

    \b
        datasette archive.db -m <(scrape datasette-metadata) \\
            --setting truncate_cells_html 400 --setting suggest_facets off
        datasette ~/films.db \\
            -m <(scrape datasette-metadata --db ~/films.db --datasette-version 1) \\
            -c <(scrape datasette-metadata --db ~/films.db --datasette-version 1 --part config)
    """
    from scraper.views import datasette_config

    version = int(major) if major is not None else datasette_config.installed_major()
    if part == "config" and version < 1:
        # The two settings are all 0.65 would read from a config file: say how it takes them.
        raise UsageError(
            "--part config is for Datasette 1.x; 0.65 reads everything from the metadata file "
            f"(and takes the settings as {' '.join(datasette_config.setting_args())})"
        )
    name = db_path_for(db_path, config.load(config_path)).stem
    click.echo(datasette_config.files_for(version, name)[part], nl=False)
