"""The one local server the stand-in sites are built on: a ThreadingHTTPServer on a free
127.0.0.1 port, serving a request handler for the duration of a `with` block (LocalServer).

On it: LocalSite, a site answering with a routing function (path, query) -> (status, body,
content type), POSTs with another, the same response headers on every answer (a CDN's
`Server`), and logging every request it gets (the Letterboxd, IMDb and Metacritic stand-ins and
the corpus replays of replay.py); Rotten Tomatoes' stand-in brings a handler of its own (POST,
injected faults); and raw_server hands the bare socket to a function that may answer what no
HTTP library would."""

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
# (path, query, request headers, request body) -> the answer to a POST.
PostRoute = Callable[[str, dict[str, list[str]], Message, bytes], tuple[int, bytes, str]]
# (path, request headers) -> an answer that replaces the route's (a CDN's refusal), or None.
Guard = Callable[[str, Message], tuple[int, bytes, str] | None]


class LocalServer:
    """Serve `handler` on a free loopback port for the duration of a `with` block."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_port
        self.root = f"http://127.0.0.1:{self.port}"
        # A short poll: shutdown() waits up to one poll interval, at every test's teardown.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class LocalSite(LocalServer):
    """A site answering GETs with `route` (robots.txt with `robots`) and POSTs with `post`
    (none: 501), every answer with `headers` besides its own, logging each request."""

    def __init__(
        self,
        route: Route,
        robots: str = "User-agent: *\nDisallow: /search\n",
        guard: Guard | None = None,
        *,
        headers: dict[str, str] | None = None,
        post: PostRoute | None = None,
    ) -> None:
        self.log: list[str] = []
        # The headers of every request, robots.txt included, as (path, headers).
        self.headers: list[tuple[str, Message]] = []
        # The body of every POST, as (path, body).
        self.bodies: list[tuple[str, bytes]] = []
        site = self
        always = dict(headers or {})
        # http.server names itself in a Server header of its own: a site's replaces it.
        server_name = next((always.pop(k) for k in list(always) if k.lower() == "server"), None)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def version_string(self) -> str:
                return server_name or super().version_string()

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
                self.answer(status, body, kind)

            def do_POST(self) -> None:
                site.log.append(f"POST {self.path}")
                site.headers.append((self.path, self.headers))
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                site.bodies.append((self.path, body))
                if post is None:
                    return self.answer(501, b"", "text/plain")
                parts = urlsplit(self.path)
                refused = guard(parts.path, self.headers) if guard else None
                self.answer(
                    *(refused or post(parts.path, parse_qs(parts.query), self.headers, body))
                )

            def answer(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                for name, value in always.items():
                    self.send_header(name, value)
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
