"""A small HTTP server on 127.0.0.1 for the site stand-ins: each answers with a routing
function (path, query) -> (status, body, content type) and logs every request it gets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Route = Callable[[str, dict[str, list[str]]], tuple[int, bytes, str]]
# (path, request headers) -> an answer that replaces the route's (a CDN's refusal), or None.
Guard = Callable[[str, Message], tuple[int, bytes, str] | None]


class LocalSite:
    """Serve `route` on a free loopback port for the duration of a `with` block."""

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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self._server.server_port}"

    def requests(self) -> list[str]:
        """The requests made, robots.txt left out."""
        return [r for r in self.log if r != "GET /robots.txt"]

    def __enter__(self) -> LocalSite:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


NOT_FOUND = (404, b"<html><body>Not found</body></html>", "text/html")
