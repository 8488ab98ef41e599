"""A small HTTP server on 127.0.0.1 for the site stand-ins: each answers with a routing
function (path, query) -> (status, body, content type) and logs every request it gets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Route = Callable[[str, dict[str, list[str]]], tuple[int, bytes, str]]


class LocalSite:
    """Serve `route` on a free loopback port for the duration of a `with` block."""

    def __init__(self, route: Route, robots: str = "User-agent: *\nDisallow: /search\n") -> None:
        self.log: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.log.append(f"GET {self.path}")
                parts = urlsplit(self.path)
                if parts.path == "/robots.txt":
                    status, body, kind = 200, robots.encode(), "text/plain"
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
