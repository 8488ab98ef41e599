"""The one local server the stand-in sites are built on: a ThreadingHTTPServer on a free
127.0.0.1 port, serving a request handler for the duration of a `with` block (LocalServer).

On it: LocalSite, a site answering with a routing function (path, query) -> (status, body,
content type) and logging every request it gets (the Letterboxd, IMDb and Metacritic
stand-ins); Rotten Tomatoes' stand-in brings a handler of its own (POST, injected faults); and
raw_server hands the bare socket to a function that may answer what no HTTP library would."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from urllib.parse import parse_qs, urlsplit

Route = Callable[[str, dict[str, list[str]]], tuple[int, bytes, str]]
# (path, request headers) -> an answer that replaces the route's (a CDN's refusal), or None.
Guard = Callable[[str, Message], tuple[int, bytes, str] | None]


class LocalServer:
    """Serve `handler` on a free loopback port for the duration of a `with` block."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_port
        self.root = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class LocalSite(LocalServer):
    """A site answering GETs with `route` (robots.txt with `robots`), logging each request."""

    def __init__(
        self,
        route: Route,
        robots: str = "User-agent: *\nDisallow: /search\n",
        guard: Guard | None = None,
    ) -> None:
        self.log: list[str] = []
        # The headers of every request, robots.txt included, as (path, headers).
        self.headers: list[tuple[str, Message]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.log.append(f"GET {self.path}")
                site.headers.append((self.path, self.headers))
                parts = urlsplit(self.path)
                refused = guard(parts.path, self.headers) if guard else None
                if parts.path == "/robots.txt":
                    status, body, kind = 200, robots.encode(), "text/plain"
                elif refused is not None:
                    status, body, kind = refused
                else:
                    status, body, kind = route(parts.path, parse_qs(parts.query))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)

    def requests(self) -> list[str]:
        """The requests made, robots.txt left out."""
        return [r for r in self.log if r != "GET /robots.txt"]


NOT_FOUND = (404, b"<html><body>Not found</body></html>", "text/html")


@contextmanager
def raw_server(answer: Callable[[socket], None]) -> Iterator[str]:
    """A server that reads each request, then hands its socket to `answer`, which writes
    whatever bytes it likes (a compression bomb, an answer that never ends); yields the root."""

    class Raw(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def answer(self) -> None:
            self.close_connection = True
            # The client giving up on us (OSError) is the point.
            with contextlib.suppress(OSError):
                answer(self.connection)

        do_GET = do_POST = do_HEAD = answer

    with LocalServer(Raw) as server:
        yield server.root
