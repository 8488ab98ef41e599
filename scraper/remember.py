"""`scrape user NAME --remember`: the person and the profiles found, written into the config so
that the next `scrape backup` includes them. The file keeps its comments, order and layout."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from scraper.errors import UsageError
from scraper.models import Target


def remember(path: Path, person: str, targets: list[Target]) -> None:
    """Add `targets` under [people.<person>] (a person of that name in any case is the same
    one), creating the file and the table if needed; one profile per site, the newest wins."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else None
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise UsageError(f"{path}: cannot update it ({exc})") from None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment("scrape's config: who `scrape backup` backs up, and how"))
    people = document.setdefault("people", tomlkit.table(is_super_table=True))
    key = next((k for k in people if k.casefold() == person.casefold()), person)
    entry = people.setdefault(key, tomlkit.table())
    for target in targets:
        entry[target.site] = target.profile_id
    _write(path, tomlkit.dumps(document))


def _write(path: Path, text: str) -> None:
    """All of the new file or none of it: a temporary file beside it, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
