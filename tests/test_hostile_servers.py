"""Servers that attack the client (issue 15, items 5 and 10): compression bombs in every
encoding, answers that drip a byte at a time, runs that would never end. Every server here is a
raw socket on 127.0.0.1, so it can send what no well-behaved HTTP library would."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import brotli
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.errors import FetchError
from scraper.models import Request
from scraper.net.fetch import Fetcher, FetchSettings
from scraper.store.lock import ArchiveLock
from tests.conftest import scrape_command, scrape_env
from tests.fakes.server import raw_server

MiB = 1024 * 1024


def bomb(encoding: str, size: int) -> bytes:
    """`size` zero bytes compressed with `encoding`, built a MiB at a time (never whole)."""
    if encoding == "br":
        packer = brotli.Compressor(quality=5)
        parts = [packer.process(b"\0" * MiB) for _ in range(size // MiB)]
        return b"".join(parts) + packer.finish()
    wbits = {"gzip": 31, "deflate": 15}[encoding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [packer.compress(b"\0" * MiB) for _ in range(size // MiB)]
    return b"".join(parts) + packer.flush()


def answer_with(body: bytes, encoding: str) -> Callable[[socket.socket], None]:
    def answer(conn: socket.socket) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + body)

    return answer


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("encoding", "browser"),
    [("br", None), ("gzip", None), ("deflate", None), ("br", "chrome"), ("gzip", "chrome")],
)
def test_a_compression_bomb_is_refused_at_the_cap_on_decoded_bytes(encoding, browser):
    """A few KB that decode to 1 GiB: refused at 4 MiB decoded, the process never holding
    more than a few MiB of it (httpx would decode each network chunk whole first), over plain
    httpx (decoding.py) and as a browser (curl decodes, in small pieces)."""
    body = bomb(encoding, 1024 * MiB)
    assert len(body) < 2 * MiB
    settings = FetchSettings(delay=0, robots=False, tries=1, max_body=4 * MiB, impersonate=browser)
    before = peak_rss_mib()
    refused = pytest.raises(FetchError, match="more than 4 MiB .after decompression")
    with raw_server(answer_with(body, encoding)) as root, Fetcher(settings) as fetcher, refused:
        fetcher.fetch(Request(f"{root}/napi/critics/x/movies", "x"))
    assert peak_rss_mib() - before < 64


@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate", "gzip, br"])
def test_every_encoding_still_decodes_an_honest_answer(encoding):
    text = b'{"reviews": []}' * 1000
    body = text
    for name in [e.strip() for e in encoding.split(",")]:
        if name == "br":
            body = brotli.compress(body)
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, 31 if name == "gzip" else 15)
            body = packer.compress(body) + packer.flush()
    settings = FetchSettings(delay=0, robots=False, tries=1)
    with raw_server(answer_with(body, encoding)) as root, Fetcher(settings) as fetcher:
        assert fetcher.fetch(Request(f"{root}/a", "x")).body == text


def test_an_encoding_we_did_not_ask_for_is_refused_not_parsed():
    settings = FetchSettings(delay=0, robots=False, tries=1)
    refused = pytest.raises(FetchError, match="Content-Encoding 'zstd', which we did not ask")
    with raw_server(answer_with(b"(\xb5/\xfd", "zstd")) as root, Fetcher(settings) as f, refused:
        f.fetch(Request(f"{root}/a", "x"))


def drip(head_only: bool) -> Callable[[socket.socket], None]:
    """An answer that never ends: a byte every 0.1 s, in the headers or in the body."""

    def answer(conn: socket.socket) -> None:
        if not head_only:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(600):
            conn.sendall(b"H" if head_only else b"{")
            time.sleep(0.1)

    return answer


@pytest.mark.parametrize("head_only", [True, False], ids=["headers", "body"])
def test_an_answer_dripping_a_byte_at_a_time_meets_the_request_deadline(head_only):
    """Each byte comes well within the 5 s read timeout, so only an overall deadline ends it."""
    settings = FetchSettings(delay=0, robots=False, tries=2, backoff=0, deadline=1.0, timeout=5)
    started = time.monotonic()
    with (
        raw_server(drip(head_only)) as root,
        Fetcher(settings) as fetcher,
        pytest.raises(FetchError, match=r"failed 2 times \(last: no complete answer within 1s"),
    ):
        fetcher.fetch(Request(f"{root}/a", "x"))
    assert time.monotonic() - started < 4


def test_the_run_time_limit_ends_a_stuck_backup_and_frees_the_lock(tmp_path):
    """A run whose site drips forever stops at [backup] max_run_hours, failed, exit 1; the next
    run is not locked out."""
    config = tmp_path / "scrape.toml"
    config.write_text(
        f'db = "{tmp_path / "archive.db"}"\n'
        '[people.jane]\nrottentomatoes = "rottentomatoes:critic/jane-critic"\n'
        "[backup]\nmax_run_hours = 0.0005\n"  # 1.8 s
    )
    with raw_server(drip(head_only=True)) as root:
        started = time.monotonic()
        done = subprocess.run(
            scrape_command("backup", "--config", str(config)),
            env=scrape_env({"SCRAPE_ROTTENTOMATOES_ROOT": root}),
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "time limit" in done.stderr and "max_run_hours" in done.stderr
    assert took < 15
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "archive.db"), "--json"])
    assert '"status": "failed"' in result.output


def test_a_run_stuck_past_its_limit_is_reported_as_stuck_not_try_again_later(tmp_path):
    """Issue 15, item 10: a live run holding the lock past its time limit made every later cron
    run exit 75 (which systemd counts as success). Now status and the next run say it is stuck,
    and exit 1."""
    db = tmp_path / "archive.db"
    CliRunner().invoke(cli, ["import", str(tmp_path), "--db", str(db)])  # an empty archive
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from datetime import datetime;"
            "from scraper.store.lock import ArchiveLock;"
            "lock = ArchiveLock(sys.argv[1], until=datetime.fromisoformat(sys.argv[2]));"
            "lock.__enter__(); print('held', flush=True); time.sleep(60)",
            str(db),
            (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
        assert busy.exit_code == 75 and "try again later" in busy.output
        time.sleep(1.2)
        stuck = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
        assert stuck.exit_code == 1
        assert f"PID {holder.pid}" in stuck.output and "it is stuck" in stuck.output
        status = CliRunner().invoke(cli, ["status", "--db", str(db)])
        assert status.exit_code == 1 and "it is stuck" in status.output
    finally:
        holder.kill()
        holder.wait()
    with ArchiveLock(db):  # the kernel released it with the process
        pass


def test_a_page_too_big_to_parse_in_bounded_memory_is_refused_before_it_is_parsed(tmp_path):
    """Issue 30, item 10: a 5 MiB film page of bare <p> would take some 360 MB to parse (49 MiB
    took 3.3 GB): past the default max_body (4 MiB) it is refused, whatever it claims."""
    page = b"<html><body>" + b"<p>" * (5 * MiB // 3)

    def answer(conn: socket.socket) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
        conn.sendall(head.encode() + page)

    settings = FetchSettings(delay=0, robots=False, tries=1)
    refused = pytest.raises(FetchError, match="sent more than 4 MiB")
    with raw_server(answer) as root, Fetcher(settings) as fetcher, refused:
        fetcher.fetch(Request(f"{root}/film/heat-1995/", "film_page"))


def test_the_biggest_page_fetched_parses_in_under_300_mb():
    """The worst page max_body admits, parsed as a crawl parses it, in a child of its own."""
    measure = (
        "import resource, sys\n"
        "from datetime import UTC, datetime\n"
        "from scraper import sites\n"
        "from scraper.errors import ParseError\n"
        "from scraper.net.fetch import FetchSettings\n"
        "size = FetchSettings().max_body\n"
        "body = b'<html><body>' + b'<p>' * ((size - 12) // 3)\n"
        "try:\n"
        "    sites.parse('letterboxd', 'film_page', body, 'https://letterboxd.com/film/x/',"
        " datetime.now(UTC))\n"
        "except ParseError:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure], capture_output=True, text=True, env=scrape_env()
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) < 300, f"peak {done.stdout.strip()} MB"
