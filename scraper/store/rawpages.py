"""Raw response bodies, compressed and content-addressed (sha256), inside the archive itself:
one file to back up, and each body is written in the same transaction as the reviews parsed
from it, so the two can never disagree after a crash."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

_CHUNK = 1024 * 1024


def store(conn: sqlite3.Connection, body: bytes) -> str:
    """Keep `body` (once, however often it is seen) and return its sha256."""
    digest = hashlib.sha256(body).hexdigest()
    conn.execute(
        "INSERT OR IGNORE INTO raw_pages (sha256, encoding, size, body) VALUES (?, 'zlib', ?, ?)",
        (digest, len(body), zlib.compress(body, 6)),
    )
    return digest


def store_stream(conn: sqlite3.Connection, open_body: Callable[[], BinaryIO]) -> str:
    """store() for a body read from a stream (an export of a million rows): hashed and
    compressed a megabyte at a time into a temporary file, then written into its row the same
    way, so that neither the body nor its compressed form is ever held whole."""
    digest, size = hashlib.sha256(), 0
    packer = zlib.compressobj(6)
    with tempfile.TemporaryFile() as packed, open_body() as body:
        while chunk := body.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            packed.write(packer.compress(chunk))
        packed.write(packer.flush())
        length = packed.tell()
        sha = digest.hexdigest()
        cursor = conn.execute(
            "INSERT OR IGNORE INTO raw_pages (sha256, encoding, size, body) "
            "VALUES (?, 'zlib', ?, zeroblob(?))",
            (sha, size, length),
        )
        if cursor.rowcount:
            packed.seek(0)
            assert cursor.lastrowid is not None  # the row the INSERT just made
            with conn.blobopen("raw_pages", "body", cursor.lastrowid) as blob:
                while chunk := packed.read(_CHUNK):
                    blob.write(chunk)
    return sha


def load(conn: sqlite3.Connection, digest: str) -> bytes:
    encoding, body = _stored(conn, digest, "encoding, body")
    return zlib.decompress(body) if encoding == "zlib" else body


@contextlib.contextmanager
def unpacked(conn: sqlite3.Connection, digest: str) -> Iterator[Callable[[], BinaryIO]]:
    """load() for a body read as a stream (a stored export, which a parser may open several
    times and seek in): unpacked a megabyte at a time into a temporary file, opened anew at
    each call, so that neither the body nor its compressed form is ever held whole."""
    rowid, encoding = _stored(conn, digest, "rowid, encoding")
    with tempfile.TemporaryDirectory(prefix="scrape-raw-") as folder:
        path = Path(folder) / "body"
        unpacker = zlib.decompressobj() if encoding == "zlib" else None
        with (
            conn.blobopen("raw_pages", "body", rowid, readonly=True) as blob,
            path.open("wb") as out,
        ):
            while packed := blob.read(_CHUNK):
                if unpacker is None:
                    out.write(packed)
                    continue
                # A megabyte unpacked at a time, however well it was packed.
                while packed:
                    out.write(unpacker.decompress(packed, _CHUNK))
                    packed = unpacker.unconsumed_tail
            if unpacker is not None:
                out.write(unpacker.flush())
        yield lambda: path.open("rb")


def _stored(conn: sqlite3.Connection, digest: str, columns: str) -> tuple[Any, ...]:
    row = conn.execute(f"SELECT {columns} FROM raw_pages WHERE sha256 = ?", (digest,)).fetchone()
    if row is None:
        raise KeyError(f"no raw page {digest}")
    return tuple(row)
