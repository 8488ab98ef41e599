"""The files an export writes into a folder (Markdown, a static site): each written only when
its content changed, and a manifest of what the export wrote, with each file's sha256, so that
it never writes over, let alone deletes, a file it did not write or one changed since.

A file the export would write or prune is refused (and nothing at all is written) when it is
not in the manifest, is no longer as the export wrote it, is reached through a symbolic link,
or is not a regular file. A manifest from before hashes were kept lists names only: such a
file counts as the export's only if it holds exactly what this export writes there now; any
other is the user's (never written over nor pruned) and no longer listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scraper.errors import ScrapeError, UsageError
from scraper.views import folder_io

MANIFEST = ".scrape-export.json"
# The names a refusal lists before "and N more": it stays one line.
SHOWN = 5
LINKED = "a symbolic link, or not a plain file or folder: it could lead out of the folder"


@dataclass(slots=True)
class Written:
    """What one export into a folder did."""

    reviews: int = 0
    written: int = 0
    unchanged: int = 0
    pruned: int = 0
    # Files an earlier export wrote that this one did not (a review out of --since or --only, a
    # file named anew): kept, as without --prune, and counted so that the user hears of them.
    left: int = 0
    # With dry_run: the names that would be written and removed (nothing was).
    to_write: list[str] = field(default_factory=list)
    to_prune: list[str] = field(default_factory=list)


_SUFFIXES = (".md", ".html")
# A name -> the hashes it may hold and still be the export's own (empty: an older manifest).
Listed = dict[str, frozenset[str]]


def make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: this export goes into a folder, and this is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScrapeError(f"-o {folder}: cannot make the folder ({exc.strerror})") from None


def write_files(
    folder: Path, pages: dict[str, str], *, reviews: int, prune: bool, dry_run: bool = False
) -> Written:
    """Write `pages` (relative name -> content) into `folder`, only where it changed, and with
    `prune` remove the files an earlier export wrote that are not among them. With `dry_run`,
    only say which (refusing as the export would), touching nothing, not even the folder."""
    if dry_run and not folder.exists():
        return Written(reviews=reviews, written=len(pages), to_write=sorted(pages))
    if not dry_run:
        make_folder(folder)
    elif not folder.is_dir():
        raise UsageError(f"-o {folder}: this export goes into a folder, and this is a file")
    try:
        root = folder_io.open_root(folder)
    except OSError as exc:
        raise ScrapeError(f"-o {folder}: cannot open the folder ({exc.strerror})") from None
    try:
        return _export(root, folder, pages, reviews=reviews, prune=prune, dry_run=dry_run)
    except OSError as exc:
        raise ScrapeError(f"-o {folder}: cannot write in it ({exc.strerror})") from None
    finally:
        os.close(root)


def _export(
    root: int, folder: Path, pages: dict[str, str], *, reviews: int, prune: bool, dry_run: bool
) -> Written:
    manifest = _read_manifest(root, folder)
    listed = manifest.listed
    data = {name: content.encode("utf-8") for name, content in pages.items()}
    new = {name: hashlib.sha256(body).hexdigest() for name, body in data.items()}
    done = Written(reviews=reviews)
    # Refused names: the user's (not ours, or changed since), or links and the like (linked).
    refused: dict[str, bool] = {}
    changed: list[str] = []
    for name in sorted(data):
        now = _digest(root, name, refused)
        ours = name in listed and (now in listed[name] or now == new[name] and not listed[name])
        if now is not None and not ours:
            refused.setdefault(name, False)
        elif now == new[name]:
            done.unchanged += 1
        elif name not in refused:
            changed.append(name)
    # Kept as listed (for a later --prune), unless an older manifest cannot say whose it is.
    kept = {name: hashes for name, hashes in listed.items() if name not in data and hashes}
    stale: list[str] = []
    for name in sorted(listed.keys() - data.keys()) if prune else []:
        now = _digest(root, name, refused)  # an older manifest's entry too: a link is refused
        hashes = kept.pop(name, None)
        if now is None or hashes is None:
            continue  # gone already, or an older manifest's: left alone, no longer listed
        if now in hashes:
            stale.append(name)
        else:
            refused.setdefault(name, False)
    if refused:
        raise ScrapeError(_refusal(folder, refused))
    done.left = len(kept)
    if dry_run:
        done.to_write, done.to_prune = changed, stale
        done.written, done.pruned = len(changed), len(stale)
        return done
    if manifest.pending:
        for name in sorted(listed.keys() | data.keys() | {MANIFEST}):
            folder_io.unlink_temporary(root, name, manifest.pending)
    final = {**kept, **{name: frozenset([new[name]]) for name in data}}
    tag, raw = secrets.token_hex(6), manifest.raw
    if changed or stale:
        # Listed before it is written, with the tag of its temporary name: a run killed
        # part-way leaves each file the export's own, in its old content or its new one, and
        # the next run removes the temporary file it may have left.
        before = {**listed, **{n: listed.get(n, frozenset()) | final[n] for n in changed}}
        _save_manifest(root, before, raw, tag, pending=True)
        raw = None  # the final manifest replaces this one, whatever it holds
        for name in changed:
            folder_io.write(root, name, data[name], tag)
            done.written += 1
        for name in stale:
            folder_io.unlink(root, name)
            done.pruned += 1
    _save_manifest(root, final, raw, tag)
    return done


def _digest(root: int, name: str, refused: dict[str, bool]) -> str | None:
    """The file's hash; a path through a link, or not to a regular file, is added to `refused`."""
    try:
        return folder_io.digest(root, name)
    except folder_io.NotBelow as where:
        refused[where.path] = True
        return None


def _refusal(folder: Path, refused: dict[str, bool]) -> str:
    names = sorted(refused)
    more = f" and {len(names) - SHOWN} more" if names[SHOWN:] else ""
    said = []
    for linked, why in ((False, "not written by this export, or changed since"), (True, LINKED)):
        group = [name for name in names[:SHOWN] if refused[name] is linked]
        if group:
            said.append(f"{', '.join(group)} ({why})")
    them = "it" if len(names) == 1 else "them"
    return (
        f"-o {folder}: nothing written, as these are not the export's to write over or delete: "
        f"{'; '.join(said)}{more}; move {them} away or choose another folder"
    )


@dataclass(frozen=True, slots=True)
class _Manifest:
    raw: bytes | None  # as it is on disk
    listed: Listed
    # The temporary names of a run that was stopped while writing (".NAME.TAG.partial").
    pending: str | None = None


def _read_manifest(root: int, folder: Path) -> _Manifest:
    try:
        raw = folder_io.read(root, MANIFEST)
        manifest = json.loads(raw) if raw is not None else {}
    except folder_io.NotBelow:
        raise ScrapeError(
            f"{folder / MANIFEST} is not a regular file (a symbolic link?); remove it"
        ) from None
    except (OSError, ValueError) as exc:
        raise ScrapeError(f"{folder / MANIFEST}: cannot read it ({exc})") from None
    if not isinstance(manifest, dict):
        return _Manifest(raw, {})
    pending = manifest.get("pending")
    pending = (
        pending if isinstance(pending, str) and re.fullmatch("[0-9a-f]{12}", pending) else None
    )
    files = manifest.get("files")
    if isinstance(files, list):  # names only, from before hashes were kept
        files = {name: [] for name in files if isinstance(name, str)}
    if not isinstance(files, dict):
        return _Manifest(raw, {}, pending)
    listed = {
        name: frozenset(h for h in (hashes if isinstance(hashes, list) else [hashes]) if _hex(h))
        for name, hashes in files.items()
        if _ours(name)
    }
    return _Manifest(raw, listed, pending)


def _save_manifest(
    root: int, listed: Listed, raw: bytes | None, tag: str, *, pending: bool = False
) -> None:
    files = {
        name: min(hashes) if len(hashes) == 1 else sorted(hashes)
        for name, hashes in sorted(listed.items())
    }
    manifest = {"written_by": "scrape export", **({"pending": tag} if pending else {})}
    text = json.dumps({**manifest, "files": files}, indent=1) + "\n"
    if text.encode() != raw:
        folder_io.write(root, MANIFEST, text.encode(), tag)


def _hex(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= set("0123456789abcdef")


def _ours(name: str) -> bool:
    """Only a relative path below the folder, to a file of an export's kind: a hand-edited
    manifest deletes nothing else."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and not any(ord(c) < 32 for c in name)
        and not any(part.startswith(".") for part in path.parts)
        and path.suffix in _SUFFIXES
    )
