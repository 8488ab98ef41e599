"""Which config file is in effect, and what a relative path in it is relative to.

Looked for in order: `--config FILE`, `$SCRAPE_CONFIG` (either must exist), `./config/scrape.toml`
when there is one (where configs were kept before the user config folder), the user's config
file when there is one; else there is none, and `--remember` or `example-config --write` creates
the user's. Every path is absolute, so that an error names the file whatever folder it was run
from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LEGACY_PATH = Path("config/scrape.toml")
USER_FILE = "config.toml"


@dataclass(frozen=True, slots=True)
class Located:
    path: Path
    # Named by --config or $SCRAPE_CONFIG: a missing file is an error, not "no config".
    explicit: bool
    # False: no config is in effect, and `path` is where one would be created.
    present: bool


def user_path() -> Path:
    """The config file in the user's config folder: ~/.config/scrape/config.toml on Linux
    ($XDG_CONFIG_HOME when set), ~/Library/Application Support/scrape/config.toml on macOS."""
    # Here, not at the top: ~15 ms that a command given --config or run beside config/ skips.
    import platformdirs

    return Path(platformdirs.user_config_dir("scrape", appauthor=False)) / USER_FILE


def locate(given: str | Path | None = None) -> Located:
    """The config in effect, or where one would be created when none is."""
    explicit = given or os.environ.get("SCRAPE_CONFIG")
    if explicit:
        return Located(_absolute(Path(explicit).expanduser()), True, True)
    # lexists: a dangling symlink there is someone's config gone missing, said as an error
    # when it is read, never passed over for another file or written through.
    for path in (_absolute(LEGACY_PATH), user_path()):
        if os.path.lexists(path):
            return Located(path, False, True)
    return Located(user_path(), False, False)


def base_folder(config_path: Path) -> Path:
    """The folder a relative path in the config at `config_path` is relative to: the config's
    own folder, so that the archive is found from any working folder (cron starts in $HOME). A
    config kept as `config/scrape.toml` is read from the folder that holds `config/`: that was
    the working folder it was run from, so `db = "archive.db"` there still means the archive
    beside `config/`, not a new empty one inside it."""
    folder = config_path.parent
    if config_path.name == LEGACY_PATH.name and folder.name == LEGACY_PATH.parent.name:
        return folder.parent
    return folder


def _absolute(path: Path) -> Path:
    # Not resolve(): a symlinked config is named as the user made it (remember writes through it).
    return Path(os.path.abspath(path))
