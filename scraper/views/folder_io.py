"""Files below a folder, reached only through real folders below it: every step is opened
relative to its parent's descriptor with O_NOFOLLOW, so a symbolic link (to a folder or a file)
is never followed out, even one planted between a check and a write.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import stat
from pathlib import PurePosixPath

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO at a file's name is refused, not waited on.
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
# Not a path's own fault: a link or a file where a folder is, a link or a folder where a file is.
_NOT_FOLLOWED = (errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENXIO)


class NotBelow(Exception):
    """`path` (relative to the folder) is not a plain file or folder of its own."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def open_root(folder: str | os.PathLike[str]) -> int:
    """The folder the user named (a link to a folder is theirs to give)."""
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def digest(root: int, name: str) -> str | None:
    """The sha256 of the regular file `name` below `root`, None when there is none."""
    parent, last = _parent(root, name, create=False)
    if parent is None:
        return None
    try:
        handle = _open_file(parent, last, name)
    finally:
        _close(parent, root)
    if handle is None:
        return None
    with handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read(root: int, name: str) -> bytes | None:
    """A file directly in `root`, None when there is none; a link there is refused."""
    handle = _open_file(root, name, name)
    if handle is None:
        return None
    with handle:
        return handle.read()


def _open_file(parent: int, last: str, name: str) -> io.BufferedReader | None:
    try:
        fd = os.open(last, _FILE, dir_fd=parent)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in _NOT_FOLLOWED:
            raise NotBelow(name) from None
        raise
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise NotBelow(name)
    return handle


def write(root: int, name: str, data: bytes, tag: str) -> None:
    """`data` as `name` below `root`, whole: into a new temporary file ".NAME.TAG.partial"
    (O_EXCL: never one that was there, a planted link included), then renamed over `name`
    (a rename replaces a link, never its target)."""
    parent, last = _parent(root, name, create=True)
    assert parent is not None
    temporary = _temporary(last, tag)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o666, dir_fd=parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, last, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            os.unlink(temporary, dir_fd=parent)
            raise
    finally:
        _close(parent, root)


def unlink_temporary(root: int, name: str, tag: str) -> None:
    """The temporary file a stopped `write(root, name, _, tag)` may have left."""
    with contextlib.suppress(NotBelow):
        unlink(root, str(PurePosixPath(name).with_name(_temporary(PurePosixPath(name).name, tag))))


def _temporary(last: str, tag: str) -> str:
    return f".{last}.{tag}.partial"


def unlink(root: int, name: str) -> None:
    parent, last = _parent(root, name, create=False)
    if parent is None:
        return
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(last, dir_fd=parent)
    finally:
        _close(parent, root)


def _parent(root: int, name: str, *, create: bool) -> tuple[int | None, str]:
    """The descriptor of the folder holding `name` (None when a step is missing and not
    `create`d), and the last part of `name`."""
    *folders, last = PurePosixPath(name).parts
    fd = root
    for depth, part in enumerate(folders, 1):
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=fd)
        try:
            step = os.open(part, _DIR, dir_fd=fd)
        except FileNotFoundError:
            _close(fd, root)
            return None, last
        except OSError as exc:
            _close(fd, root)
            if exc.errno in _NOT_FOLLOWED:
                raise NotBelow("/".join(folders[:depth])) from None
            raise
        _close(fd, root)
        fd = step
    return fd, last


def _close(fd: int | None, root: int) -> None:
    if fd is not None and fd != root:
        os.close(fd)
