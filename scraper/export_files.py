"""The files an export writes into a folder (Markdown, a static site): each written only when
its content changed, and a manifest of what the export wrote, so that it never touches, let
alone deletes, a file it did not write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scraper.errors import ScrapeError, UsageError

MANIFEST = ".scrape-export.json"


@dataclass(slots=True)
class Written:
    """What one export into a folder did."""

    reviews: int = 0
    written: int = 0
    unchanged: int = 0
    pruned: int = 0


_SUFFIXES = (".md", ".html")


def make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: this export goes into a folder, and this is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScrapeError(f"-o {folder}: cannot make the folder ({exc.strerror})") from None


def write_if_changed(path: Path, content: str) -> bool:
    """Write `content` to `path` (whole, through a temporary file) unless it holds it already;
    True when it was written."""
    data = content.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ScrapeError(f"{path}: cannot read it ({exc.strerror})") from None
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ScrapeError(f"{path}: cannot write it ({exc.strerror})") from None
    return True


def read_manifest(folder: Path) -> set[str]:
    """The files (paths relative to `folder`) an export wrote there before."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise ScrapeError(f"{folder / MANIFEST}: cannot read it ({exc})") from None
    files = listed.get("files") if isinstance(listed, dict) else None
    return {name for name in files or [] if isinstance(name, str) and _ours(name)}


def save_manifest(folder: Path, written: set[str], *, prune: bool) -> int:
    """Record what this export wrote (and what earlier ones did, unless `prune` removes those
    no longer written); returns how many files were pruned."""
    before = read_manifest(folder)
    pruned = 0
    if prune:
        for stale in sorted(before - written):
            (folder / stale).unlink(missing_ok=True)
            pruned += 1
        before = set()
    listed = {"written_by": "scrape export", "files": sorted(before | written)}
    write_if_changed(folder / MANIFEST, json.dumps(listed, indent=1) + "\n")
    return pruned


def _ours(name: str) -> bool:
    """Only a relative path below the folder, to a file of an export's kind: a hand-edited
    manifest deletes nothing else."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and not any(part.startswith(".") for part in path.parts)
        and path.suffix in _SUFFIXES
    )
