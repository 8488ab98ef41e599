"""`scrape user NAME --remember`: the person and the profiles found, written into the config so
that the next `scrape backup` includes them. The file keeps its comments, order and layout.
`scrape example-config --write` starts one from the example."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import tomlkit
import tomlkit.items
from tomlkit.exceptions import TOMLKitError

from scraper.errors import ScrapeError, UsageError
from scraper.models import Target


def remember(
    path: Path,
    person: str,
    targets: list[Target],
    *,
    private: bool = False,
    db: Path | None = None,
) -> None:
    """Add `targets` under [people.<person>] (a person of that name in any case is the same
    one), creating the file and the table if needed; one profile per site, the newest wins.
    `private`: a file created is 0600 and the folders made for it 0700 (the user's config
    folder, as XDG asks, where nobody else has business reading whose reviews are kept). `db`:
    the archive a file created names (an existing file's db is its owner's to set)."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else None
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise UsageError(f"{path}: cannot update it ({exc})") from None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment("scrape's config: who `scrape backup` backs up, and how"))
        if db is not None:
            document.add(tomlkit.comment("The archive (a relative path: from this file's folder)"))
            document.add("db", str(db))
    people = document.setdefault("people", tomlkit.table(is_super_table=True))
    if not isinstance(people, dict):
        raise UsageError(f"{path}: `people` is not a table of people; left as it was")
    key = next((k for k in people if k.casefold() == person.casefold()), person)
    # Written as the file writes people: `people = { rishi = { ... } }` takes inline tables.
    inline = isinstance(people, tomlkit.items.InlineTable)
    entry = people.setdefault(key, tomlkit.inline_table() if inline else tomlkit.table())
    if not isinstance(entry, dict):
        raise UsageError(f"{path}: people.{key} is not a table of profiles; left as it was")
    for target in targets:
        entry[target.site] = target.profile_id
    _write(path, tomlkit.dumps(document), private=private)


def write_new(path: Path, text: str, *, private: bool = False) -> None:
    """`text` as a new file at `path` (its folder made if missing), never over one there: the
    whole text goes to a temporary file, then a hard link names it, which fails on any existing
    name (a symlink too, dangling or not) and is never half a file."""
    temporary = _staged(path, path, text, _new_mode(private), "", private=private)
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise ScrapeError(
            f"{path} exists: left as it was (edit it, or move it away and run again)"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write it ({exc.strerror})") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _write(path: Path, text: str, *, private: bool = False) -> None:
    """All of the new file or none of it: a temporary file beside it, renamed into place. A
    config that is a symlink (a dotfiles repository's) is written where it points, so the link
    stays; the file keeps its permissions (mkstemp's are 0600)."""
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else _new_mode(private)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write it ({exc.strerror}); left as it was") from None
    temporary = _staged(path, target, text, mode, "; left as it was", private=private)
    try:
        os.replace(temporary, target)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write it ({exc.strerror}); left as it was") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _staged(path: Path, target: Path, text: str, mode: int, kept: str, *, private: bool) -> str:
    """A temporary file beside `target` holding `text` with `mode` (mkstemp's are 0600), its
    folder made if missing; errors name `path`, as the user gave it, followed by `kept`."""
    try:
        _make_folders(target.parent, 0o700 if private else 0o777)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write it ({exc.strerror}){kept}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, mode)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageError(f"{path}: cannot write it ({exc.strerror}){kept}") from None
        raise
    return temporary


def _make_folders(folder: Path, mode: int) -> None:
    """`folder` and its missing parents, each with `mode` less the umask (mkdir's `parents`
    would give the parents the default mode, and ~/.config may be one of them)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=mode, exist_ok=True)


def _new_mode(private: bool) -> int:
    return 0o600 if private else _default_mode()


def _default_mode() -> int:
    """What a new file gets from open(): 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
