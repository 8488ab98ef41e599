"""One writer at a time per archive: a lock file beside it (archive.db.lock).

The lock is an flock on that file, which the kernel releases when the holder dies however it
dies (SIGKILL included), so a stale lock cannot outlive its process. The holder's PID is
written into the file for the message the next run shows.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from scraper.errors import ScrapeError


class LockHeld(ScrapeError):
    exit_code = 75  # EX_TEMPFAIL: cron and systemd understand "try again later"


class ArchiveLock:
    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def __enter__(self) -> ArchiveLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(
                f"another scrape run (PID {holder}) is writing to the archive; try again later"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_held(db_path: str | Path) -> bool:
    """Whether some process is writing to the archive right now (for `scrape status`)."""
    path = Path(f"{db_path}.lock")
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
