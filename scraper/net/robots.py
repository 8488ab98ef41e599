"""robots.txt, read once per host per run with Protego (which knows wildcards, `$`,
Crawl-delay and the other modern conventions that urllib's parser does not)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from scraper.errors import FetchError

ROBOTS_AGENT = "scrape"


class Robots:
    """Answers "may we fetch this URL?" following RFC 9309: a missing robots.txt (4xx) allows
    everything; one the server cannot serve (5xx, unreachable) stops the run, since it may be
    hiding a complete disallow."""

    def __init__(self, fetch: Callable[[str], tuple[int, bytes]]) -> None:
        self._fetch = fetch
        self._rules: dict[str, Protego | None] = {}

    def allowed(self, url: str) -> bool:
        rules = self._rules_for(url)
        return rules is None or rules.can_fetch(url, ROBOTS_AGENT)

    def crawl_delay(self, url: str) -> float | None:
        rules = self._rules_for(url)
        delay = rules.crawl_delay(ROBOTS_AGENT) if rules else None
        return float(delay) if delay is not None else None

    def _rules_for(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._rules:
            status, body = self._fetch(f"{origin}/robots.txt")
            if 400 <= status < 500:
                self._rules[origin] = None
            elif 200 <= status < 300:
                self._rules[origin] = Protego.parse(body.decode("utf-8", "replace"))
            else:
                raise FetchError(
                    f"{origin}/robots.txt could not be read (HTTP {status}); the site may be "
                    "down: try again later, or pass --ignore-robots (your responsibility)"
                )
        return self._rules[origin]
