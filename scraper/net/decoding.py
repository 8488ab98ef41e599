"""Content decoding that never makes more than it may keep.

httpx decodes each network chunk whole: a 6 KB brotli body can expand to gigabytes in one call
before any size check runs. Here each encoding is undone in pieces of at most PIECE bytes
(zlib's max_length, brotli's output_buffer_limit), so the body cap holds on decoded bytes while
they stream, whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

import brotli

PIECE = 1024 * 1024
Decoder = Callable[[Iterable[bytes]], Iterator[bytes]]


class DecodeFailed(Exception):
    """The body is not what its Content-Encoding says, or uses one we did not ask for."""


def decoded(chunks: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The body's bytes with every encoding in `content_encoding` undone (in reverse order of
    application, as RFC 9110 lists them), in pieces of at most PIECE bytes."""
    stream: Iterable[bytes] = chunks
    names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
    for name in reversed(names):
        decoder = DECODERS.get(name)
        if decoder is None:
            raise DecodeFailed(f"it used Content-Encoding {name!r}, which we did not ask for")
        stream = decoder(stream)
    yield from stream


def _identity(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks


def _zlib(wbits: int) -> Decoder:
    def decode(chunks: Iterable[bytes]) -> Iterator[bytes]:
        inflater = zlib.decompressobj(wbits)
        try:
            for chunk in chunks:
                pending = chunk
                while pending and not inflater.eof:
                    yield inflater.decompress(pending, PIECE)
                    pending = inflater.unconsumed_tail
            yield inflater.flush()
        except zlib.error as exc:
            raise DecodeFailed(f"its compressed body is corrupt ({exc})") from None

    return decode


def _deflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """`deflate` is meant to be zlib-wrapped, but some servers send it raw: look at the first
    bytes to tell (a zlib header is a multiple of 31 with method 8)."""
    iterator = iter(chunks)
    first = next(iterator, b"")
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    yield from _zlib(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)(_prepend(first, iterator))


def _brotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = brotli.Decompressor()
    try:
        for chunk in chunks:
            yield decompressor.process(chunk, output_buffer_limit=PIECE)
            while not decompressor.can_accept_more_data():
                yield decompressor.process(b"", output_buffer_limit=PIECE)
    except brotli.error as exc:
        raise DecodeFailed(f"its compressed body is corrupt ({exc})") from None


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


DECODERS: dict[str, Decoder] = {
    "identity": _identity,
    "gzip": _zlib(zlib.MAX_WBITS | 16),
    "x-gzip": _zlib(zlib.MAX_WBITS | 16),
    "deflate": _deflate,
    "br": _brotli,
}
