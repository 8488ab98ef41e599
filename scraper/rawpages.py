"""Raw response bodies, compressed and content-addressed (sha256), inside the archive itself:
one file to back up, and each body is written in the same transaction as the reviews parsed
from it, so the two can never disagree after a crash."""

from __future__ import annotations

import hashlib
import sqlite3
import zlib


def store(conn: sqlite3.Connection, body: bytes) -> str:
    """Keep `body` (once, however often it is seen) and return its sha256."""
    digest = hashlib.sha256(body).hexdigest()
    conn.execute(
        "INSERT OR IGNORE INTO raw_pages (sha256, encoding, size, body) VALUES (?, 'zlib', ?, ?)",
        (digest, len(body), zlib.compress(body, 6)),
    )
    return digest


def load(conn: sqlite3.Connection, digest: str) -> bytes:
    row = conn.execute(
        "SELECT encoding, body FROM raw_pages WHERE sha256 = ?", (digest,)
    ).fetchone()
    if row is None:
        raise KeyError(f"no raw page {digest}")
    encoding, body = row
    return zlib.decompress(body) if encoding == "zlib" else body
