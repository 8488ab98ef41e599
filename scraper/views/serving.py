"""`scrape serve`: Datasette on the archive (the reading room comes as its plugin), with views
that are today's, on a port checked first, stopped with scrape, and any further Datasette
arguments passed through."""

from __future__ import annotations

import errno
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from scraper.errors import ScrapeError, UsageError
from scraper.views import datasette_config


def serve(path: Path, host: str, port: int, extra: Sequence[str] = ()) -> int:
    """Run Datasette on `path` until it stops; its exit code. The reading room is Datasette's
    plugin (the entry point), not registered here; `extra` is passed to Datasette as given
    (`scrape serve -- --setting sql_time_limit_ms 5000 other.db`)."""
    writable = _refresh_views(path)
    if importlib.util.find_spec("datasette") is None:
        raise UsageError(
            "scrape serve needs Datasette: pip install 'datasette>=0.65' "
            "(or pip install '.[datasette]' in scrape's checkout)"
        )
    _check_port_free(host, port)
    major = datasette_config.installed_major()
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            *_database(path, writable),
            "--host",
            host,
            "--port",
            str(port),
        ]
        for kind, text in datasette_config.files_for(major, path.stem).items():
            written = Path(folder) / f"{kind}.json"
            written.write_text(text, encoding="utf-8")
            command += ["--metadata" if kind == "metadata" else "--config", str(written)]
        if major < 1:  # 1.x reads the settings from its config file
            command += datasette_config.setting_args()
        # Last, so that a --setting given here wins over ours (Datasette keeps the last).
        return _run_forwarding_signals([*command, *extra])


def _refresh_views(path: Path) -> bool:
    """Open the archive as every writer does, which re-creates its views, so that one written by
    an older scrape reads with today's columns; read-only where it cannot be written. Either
    way a missing or foreign file is refused here in one line. Whether it can be written."""
    from scraper.store.schema import open_archive

    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    with closing(open_archive(path, write=writable)):
        pass
    return writable


def _database(path: Path, writable: bool) -> list[str]:
    """The archive as Datasette is given it. An archive in WAL mode is read through its -shm
    file, which SQLite cannot make in a folder we may not write ("attempt to write a readonly
    database"): there it is opened immutable (-i), which needs no -shm. (One whose -wal holds
    pages not yet in the file was refused by _refresh_views: immutable reading would miss them.)"""
    return [str(path)] if writable else ["-i", str(path)]


def _check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port something already listens on: Datasette's server would
    print its own error and exit 3. Bound as uvicorn binds (SO_REUSEADDR), so a port left in
    TIME_WAIT by the last `scrape serve` is not mistaken for a busy one."""
    if port == 0:
        return  # any free port: the system picks one
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ScrapeError(
                f"port {port} on {host} is in use (another scrape serve, or another server); "
                "pass --port to choose another"
            ) from None
        raise ScrapeError(f"cannot listen on {host}:{port} ({exc.strerror})") from None


def _run_forwarding_signals(command: list[str]) -> int:
    """Run Datasette in the foreground; a SIGTERM or SIGHUP sent to scrape (a service manager,
    `kill`) is passed on to it, so stopping scrape never leaves Datasette holding the port."""
    child = subprocess.Popen(command)
    forward = lambda signum, _frame: child.send_signal(signum)  # noqa: E731
    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:  # a terminal's Ctrl-C reaches both; `kill -INT` only us
                child.send_signal(signal.SIGINT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 - code if code < 0 else code
