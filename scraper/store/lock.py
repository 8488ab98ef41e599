"""One writer at a time per archive: a lock file beside it (archive.db.lock).

The lock is an flock on that file, which the kernel releases when the holder dies however it
dies (SIGKILL included), so a stale lock cannot outlive its process. The holder writes its PID,
when it started and until when it may run into the file: a run that is alive but stuck past its
time limit is then reported as stuck, not as "try again later" for ever.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scraper.errors import ScrapeError


class LockHeld(ScrapeError):
    exit_code = 75  # EX_TEMPFAIL: cron and systemd understand "try again later"


@dataclass(frozen=True, slots=True)
class Holder:
    """The run holding the lock, as it described itself."""

    pid: str
    started: datetime | None = None
    until: datetime | None = None

    @property
    def stuck(self) -> bool:
        return self.until is not None and datetime.now(UTC) > self.until

    def describe(self) -> str:
        started = f", started {self.started:%Y-%m-%d %H:%M} UTC" if self.started else ""
        if self.stuck:
            return (
                f"a scrape run (PID {self.pid}{started}) still holds the archive, past its time "
                f"limit ({self.until:%Y-%m-%d %H:%M} UTC): it is stuck; stop it (kill {self.pid})"
            )
        return f"another scrape run (PID {self.pid}{started}) is writing to the archive"


class ArchiveLock:
    def __init__(self, db_path: str | Path, *, until: datetime | None = None) -> None:
        self.path = Path(f"{db_path}.lock")
        self.until = until
        self._fd: int | None = None
        self._created = False

    def __enter__(self) -> ArchiveLock:
        try:
            fd = _open_lock_file(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL)
            self._created = True
        except FileExistsError:
            fd = _open_lock_file(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            if holder.stuck:
                # Not 75: a stuck run must reach whoever reads cron's failures.
                raise ScrapeError(holder.describe()) from None
            raise LockHeld(f"{holder.describe()}; try again later") from None
        started = datetime.now(UTC)
        until = self.until.isoformat() if self.until else ""
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{started.isoformat()}\n{until}\n".encode(), 0)
        self._fd = fd
        return self

    def discard(self) -> None:
        """Remove the lock file if this lock made it: the archive was refused (another
        application's database), and nothing of ours is left beside someone else's file."""
        if self._fd is None or not self._created:
            return
        try:
            if os.path.samestat(os.fstat(self._fd), os.lstat(self.path)):
                self.path.unlink()
        except OSError:
            pass  # gone already, or not ours to remove

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def holder(db_path: str | Path) -> Holder | None:
    """The run writing to the archive right now, if any (for `scrape status`)."""
    path = Path(f"{db_path}.lock")
    if not path.exists():
        return None
    fd = _open_lock_file(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_holder(fd)
    finally:
        os.close(fd)
    return None


def _open_lock_file(path: Path, flags: int) -> int:
    """The lock file, which must be a regular file: a symlink is not followed (its target would
    be truncated), a folder or a FIFO is refused, a read-only folder is said to be one."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        raise
    except OSError as exc:
        raise ScrapeError(_why_not(path, exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ScrapeError(f"{path} is not a regular file; remove it (it is the archive's lock)")
    return fd


def _why_not(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path} is a symbolic link; refusing to follow it (remove it: it is the lock)"
    if exc.errno == errno.EISDIR:
        return f"{path} is a folder; remove it (the archive's lock file goes there)"
    if exc.errno == errno.EROFS or (exc.errno in (errno.EACCES, errno.EPERM) and not path.exists()):
        return (
            f"cannot write in {path.parent.resolve()}: the archive's folder is read-only "
            f"({exc.strerror}); writing commands need it for {path.name} and the journal"
        )
    return f"cannot open the lock file {path}: {exc.strerror}"


def _read_holder(fd: int) -> Holder:
    lines = os.pread(fd, 200, 0).decode(errors="replace").splitlines()
    pid, started, until = (lines + ["", "", ""])[:3]
    return Holder(pid.strip() or "unknown", _instant(started), _instant(until))


def _instant(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
