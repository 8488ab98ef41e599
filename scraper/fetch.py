"""The only module that talks to the network: one polite, retrying httpx client per run.

It hands back raw bytes and never parses them, but it does refuse bodies that are a block or
challenge page, so that a refusal can never reach a parser and look like "no reviews".
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.wait import wait_base

from scraper import __version__
from scraper.errors import Blocked, FetchError, NotFound
from scraper.models import Request

log = logging.getLogger(__name__)

USER_AGENT = f"scrape/{__version__} (personal review backup)"
MAX_BODY = 50 * 1024 * 1024
MAX_REDIRECTS = 5
# Markers of interstitial pages that sit where data should be. Each is specific to a challenge or
# denial page, so a real page that merely loads a CDN script does not match.
_BLOCK_MARKERS = (
    (b"cf-chl-", "a Cloudflare challenge"),
    (b"<title>Just a moment...</title>", "a Cloudflare challenge"),
    (b"errors.edgesuite.net", "an Akamai denial"),
    (b"AwsWafIntegration", "an AWS WAF challenge"),
    (b"awswaf", "an AWS WAF challenge"),
)
_LOGIN_MARKERS = (b'type="password"', b"type='password'")


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: datetime
    location: str | None = None


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _wait_retry_after(wait_base):
    """Backoff with jitter, unless the server said how long to wait (up to a ceiling)."""

    def __init__(self, fallback: wait_base, ceiling: float) -> None:
        self.fallback, self.ceiling = fallback, ceiling

    def __call__(self, retry_state) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return min(error.retry_after, self.ceiling)
        return self.fallback(retry_state)


class Fetcher:
    """One per run. `fetch` returns a 2xx response or raises a ScrapeError saying why not."""

    def __init__(
        self,
        *,
        delay: float = 1.0,
        cookies: CookieJar | None = None,
        user_agent: str = USER_AGENT,
        timeout: float = 30.0,
        tries: int = 4,
        wait: wait_base | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.delay = delay
        self.requests = 0
        self._last_request: dict[str, float] = {}
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Language": "en-US,en;q=0.8"},
            cookies=cookies,
            timeout=httpx.Timeout(timeout, connect=10.0),
            follow_redirects=False,
            transport=transport,
        )
        self._retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable | httpx.TransportError)),
            wait=_wait_retry_after(wait or wait_exponential_jitter(initial=1, max=30), 120),
            stop=stop_after_attempt(tries),
            reraise=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, request: Request) -> Response:
        try:
            return self._retrying(self._fetch_following_redirects, request)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise FetchError(
                f"{request.method} {request.url} kept failing ({last}); "
                "the site may be down or slowing us down: try again later"
            ) from None

    def _fetch_following_redirects(self, request: Request) -> Response:
        url = request.url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(request, url)
            if response.status not in (301, 302, 303, 307, 308):
                return response
            target = urljoin(url, response.location or "")
            if urlsplit(target).netloc != urlsplit(request.url).netloc:
                raise Blocked(f"{url} redirected to another host ({target}); refusing to follow")
            url = target
        raise FetchError(f"{request.url} redirected more than {MAX_REDIRECTS} times")

    def _send(self, request: Request, url: str) -> Response:
        self._be_polite(url)
        self.requests += 1
        started = time.monotonic()
        try:
            with self._client.stream(
                request.method, url, params=request.params or None, json=request.json
            ) as raw:
                body = _read_capped(raw)
        finally:
            self._last_request[urlsplit(url).netloc] = time.monotonic()
        log.debug(
            "%s %s -> %s (%d bytes, %.2fs)",
            request.method,
            raw.url,
            raw.status_code,
            len(body),
            time.monotonic() - started,
        )
        response = Response(
            url=str(raw.url),
            status=raw.status_code,
            body=body,
            content_type=raw.headers.get("content-type"),
            fetched_at=datetime.now(UTC),
            location=raw.headers.get("location") if raw.is_redirect else None,
        )
        _check_status(response, raw.headers.get("retry-after"))
        return response

    def _be_polite(self, url: str) -> None:
        last = self._last_request.get(urlsplit(url).netloc)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)


def _read_capped(raw: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in raw.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY:
            raise FetchError(f"{raw.url} sent more than {MAX_BODY // 2**20} MiB; refusing it")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_status(response: Response, retry_after: str | None) -> None:
    status, url = response.status, response.url
    if status in (404, 410):
        raise NotFound(f"{url} does not exist ({status})")
    if status in (401, 403):
        raise Blocked(
            f"{url} refused access ({status}): it needs a logged-in session or blocks this "
            "client; export your browser's cookies to a cookies.txt file and pass --cookies FILE"
        )
    if status == 429 or status >= 500:
        raise _Retryable(f"HTTP {status}", _retry_after_seconds(retry_after))
    if response.location:
        return
    if status >= 400:
        raise FetchError(f"{url} answered HTTP {status}")
    blocked_by = block_page_kind(response.body)
    if blocked_by or status == 202 and not response.body.strip():
        raise Blocked(
            f"{url} returned {blocked_by or 'an empty 202 challenge'} instead of data; "
            "slow down (--delay), or use your browser's cookies (--cookies FILE)"
        )


def block_page_kind(body: bytes) -> str | None:
    """What kind of challenge page `body` is, or None when it looks like content."""
    head = body[:200_000]
    for marker, kind in _BLOCK_MARKERS:
        if marker in head:
            return kind
    return None


def is_login_page(body: bytes) -> bool:
    """A page that asks for a password where data was expected."""
    head = body[:200_000].lower()
    return any(marker in head for marker in _LOGIN_MARKERS)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None
