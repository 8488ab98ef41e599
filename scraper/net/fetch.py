"""The only module that talks to the network: one polite, retrying httpx client per run.

It hands back raw bytes and never parses them, but it does refuse bodies that are a block or
challenge page, so that a refusal can never reach a parser and look like "no reviews".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookiejar import (  # type: ignore[attr-defined]  # domain_match: not in typeshed
    CookieJar,
    domain_match,
)
from typing import TYPE_CHECKING, Any, TypeVar, cast, get_args
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

if TYPE_CHECKING:
    from curl_cffi.requests.impersonate import BrowserTypeLiteral

from scraper import __version__, numbers
from scraper.errors import Blocked, FetchError, NotFound, OutOfTime, Rejected, UsageError
from scraper.models import Request
from scraper.net.blocks import ADVICE, block_kind
from scraper.net.decoding import DecodeFailed, decoded
from scraper.net.pacing import Pacer
from scraper.net.retrying import (
    Retryable,
    cannot_reach,
    describe,
    last_error,
    log_retry,
    retry_after_seconds,
    wait_retry_after,
    worth_retrying,
)
from scraper.net.robots import Robots
from scraper.weblinks import redact

log = logging.getLogger(__name__)
_T = TypeVar("_T")

USER_AGENT = f"scrape/{__version__} (personal review backup)"
MAX_REDIRECTS = 5
# A URL's scheme and authority (user:password@host:port): the authority ends at the first /, ?
# or #, and its userinfo at the LAST @ in it, as URL parsers (httpx's too) read it, so a
# password holding an @ ("u:PASS@W0RD@host") is taken out whole.


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How one run fetches. Every field can be set in the config's [fetch] table."""

    delay: float = 1.0
    # None: ours (USER_AGENT), or the impersonated browser's own when impersonating.
    user_agent: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    # The whole exchange, headers and body: timeouts above are per read, which a server
    # sending one byte every few seconds never trips.
    deadline: float = 120.0
    tries: int = 4
    backoff: float = 2.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0
    # Every body fetched is parsed whole, and an HTML tree costs up to 70 bytes per byte of
    # markup (4 MiB of bare <p> peaks at 290 MB): the largest real page we hold is 0.47 MB.
    max_body: int = 4 * 1024 * 1024
    max_pages: int = 10_000
    robots: bool = True
    impersonate: str | None = None
    # What to tell the user when the site refuses us; each site module says what works there.
    advice: str = ADVICE
    # What to tell the user when robots.txt forbids a page (a site may say what else works).
    robots_advice: str = "pass --ignore-robots to fetch it anyway (your responsibility)"


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: datetime
    location: str | None = None


@dataclass(frozen=True, slots=True)
class RunLimit:
    """How long a whole run may go: no request starts, and none runs on, past `deadline`."""

    seconds: float
    deadline: float  # time.monotonic()
    until: datetime  # the same instant, for people and the lock file

    @classmethod
    def starting_now(cls, seconds: float | None) -> RunLimit | None:
        if not seconds:
            return None
        return cls(seconds, time.monotonic() + seconds, datetime.now(UTC) + timedelta(0, seconds))

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise OutOfTime(
                f"the run reached its time limit ({self.seconds / 3600:g} h, [backup] "
                "max_run_hours) and stopped; what it saved stays, the next run goes on"
            )


class Fetcher:
    """One per run. `fetch` returns a 2xx response or raises a ScrapeError saying why not."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        cookies: CookieJar | None = None,
        transport: httpx.BaseTransport | None = None,
        wait: wait_base | None = None,
        run_limit: RunLimit | None = None,
    ) -> None:
        self.settings = settings = settings or FetchSettings()
        self.requests = 0
        self.pacer = Pacer(settings.delay)
        self.robots = Robots(self._fetch_robots) if settings.robots else None
        self.run_limit = run_limit
        if settings.impersonate:
            check_browser(settings.impersonate)
        # curl undoes the Content-Encoding itself (under the body cap: it hands over small
        # pieces); over plain httpx we undo it, in pieces, from the raw bytes.
        self._curl = transport is None and bool(settings.impersonate)
        self._given_transport = transport
        self._client = self._new_client(cookies)
        self._retrying = Retrying(
            retry=retry_if_exception(worth_retrying),
            wait=wait_retry_after(
                wait
                or wait_exponential_jitter(
                    multiplier=settings.backoff, max=settings.backoff_max, jitter=settings.backoff
                )
            ),
            stop=stop_after_attempt(settings.tries),
            before_sleep=log_retry,
            reraise=False,
        )

    def _new_client(self, cookies: CookieJar | httpx.Cookies | None) -> httpx.Client:
        settings = self.settings
        transport = self._given_transport
        if transport is None and settings.impersonate:
            transport = impersonating_transport(settings.impersonate)
        # Accept-Language: Chrome's own value, so that an impersonated request matches it.
        headers = {"Accept-Language": "en-US,en;q=0.9"}
        if not self._curl:
            # Only what decoding.py undoes in bounded pieces (not zstd, were it installed).
            headers["Accept-Encoding"] = "gzip, deflate, br"
        client = httpx.Client(
            headers=headers,
            cookies=cookies,
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            follow_redirects=False,
            http2=True,
            transport=transport,
        )
        user_agent = settings.user_agent or (None if settings.impersonate else USER_AGENT)
        if user_agent:
            client.headers["User-Agent"] = user_agent
        else:
            # A browser fingerprint with a library's User-Agent would give itself away.
            del client.headers["User-Agent"]
        return client

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, request: Request) -> Response:
        if self.run_limit:
            self.run_limit.check()
        if self.robots is not None:
            if not self.robots.allowed(request.url):
                raise Blocked(
                    f"robots.txt of {urlsplit(request.url).netloc} disallows "
                    f"{redact(request.url)}; {self.settings.robots_advice}"
                )
            host = urlsplit(request.url).netloc
            self.pacer.at_least(host, self.robots.crawl_delay(request.url))
        try:
            return self._retrying(self._fetch_following_redirects, request)
        except (RetryError, httpx.ConnectError) as exc:
            last = last_error(exc)
            if unreachable := cannot_reach(request.url, last):
                raise FetchError(unreachable) from None
            raise FetchError(
                f"{request.method} {redact(request.url)} failed "
                f"{'once' if self.settings.tries == 1 else f'{self.settings.tries} times'} "
                f"(last: {describe(last)}); the site is down or limiting us: try again in an "
                "hour, or slow down with --delay"
            ) from None

    def _fetch_following_redirects(self, request: Request) -> Response:
        url = request.url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(request, url)
            if response.location is None:
                return response
            target = urljoin(url, response.location)
            if urlsplit(target).netloc != urlsplit(request.url).netloc:
                raise Blocked(
                    f"{redact(url)} redirected to another host "
                    f"({urlsplit(target).netloc}); refusing to follow"
                )
            url = target
        raise FetchError(f"{redact(request.url)} redirected more than {MAX_REDIRECTS} times")

    def _send(self, request: Request, url: str) -> Response:
        status, headers, body, final_url = self._exchange(
            request.method,
            url,
            params=request.params,
            json=self._body(request, url),
            extra_headers=dict(request.headers),
        )
        response = Response(
            url=final_url,
            status=status,
            body=body,
            content_type=headers.get("content-type"),
            fetched_at=datetime.now(UTC),
            location=headers.get("location") if 300 <= status < 400 else None,
        )
        self._check(response, headers)
        return response

    def _body(self, request: Request, url: str) -> dict[str, Any] | None:
        """The request's JSON body with its cookie fields filled in; a cookie the jar does
        not hold for this host is left out (the site then refuses, and says so)."""
        if not request.cookie_fields:
            return request.json
        host = urlsplit(url).hostname or ""
        held = {
            cookie.name: cookie.value
            for cookie in self._client.cookies.jar
            if domain_match(host, cookie.domain)
        }
        fields = {key: held[name] for key, name in request.cookie_fields if name in held}
        return dict(request.json or {}) | fields

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        params: tuple[tuple[str, str], ...] = (),
        json: dict[str, Any] | None = None,
        extra_headers: dict[str, str] | None = None,
        follow: bool = False,
    ) -> tuple[int, httpx.Headers, bytes, str]:
        host = urlsplit(url).netloc
        self.pacer.wait(host)
        if self.run_limit:
            self.run_limit.check()
        self.requests += 1
        started = time.monotonic()
        # The pause runs from when this request was sent, not from its answer: waiting out the
        # delay after a slow answer added the server's time to every page (issue 18).
        self.pacer.sent(host)
        attempt = self._retrying.statistics.get("attempt_number", 1)

        def exchange() -> tuple[int, httpx.Headers, bytes, str]:
            with self._client.stream(
                method,
                url,
                params=params or None,
                json=json,
                headers=self._headers(extra_headers),
                follow_redirects=follow,
            ) as raw:
                return raw.status_code, raw.headers, self._read_capped(raw), str(raw.url)

        try:
            status, headers, body, final_url = self._within_deadline(exchange, url)
        except httpx.TransportError as exc:
            log.debug(
                "%s %s -> %s (%.2fs, attempt %d)",
                method,
                redact(url),
                describe(exc),
                time.monotonic() - started,
                attempt,
            )
            raise
        log.debug(
            "%s %s -> %s (%d bytes, %.2fs, attempt %d)",
            method,
            redact(final_url),
            status,
            len(body),
            time.monotonic() - started,
            attempt,
        )
        return status, headers, body, final_url

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str] | None:
        """A request's own headers; one given as "" is one a browser would not send: curl is
        told to leave out its impersonated default (see _BrowserTransport), plain httpx never
        had it."""
        if not extra or self._curl:
            return extra or None
        return {name: value for name, value in extra.items() if value} or None

    def _within_deadline(self, exchange: Callable[[], _T], url: str) -> _T:
        """`exchange()` in a thread of its own, given up after the request's deadline (or what
        is left of the run's). A blocking read cannot be cancelled from outside, so the stuck
        thread is left behind with its client (a daemon, it ends with the process) and the next
        request goes out on a new client with the same cookies."""
        seconds = self.settings.deadline
        by_run = self.run_limit is not None and self.run_limit.remaining() < seconds
        if self.run_limit is not None:
            seconds = min(seconds, max(self.run_limit.remaining(), 0.0))
        value: list[_T] = []
        error: list[BaseException] = []

        def work() -> None:
            try:
                value.append(exchange())
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                error.append(exc)

        worker = threading.Thread(target=work, name="request", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive():
            self._client = self._new_client(self._client.cookies)
            if by_run and self.run_limit is not None:
                self.run_limit.check()
                raise OutOfTime(f"the run reached its time limit during {redact(url)}")
            raise Retryable(f"no complete answer within {seconds:g}s")
        if error:
            raise error[0]
        return value[0]

    def _read_capped(self, raw: httpx.Response) -> bytes:
        cap = self.settings.max_body
        # Any length up to 10**18 is a number (a bigger one is past any cap); an unreadable one
        # is no promise, and the body is counted as it comes all the same.
        declared = numbers.whole(raw.headers.get("content-length", ""), 0, 10**18)
        if declared is not None and declared > cap:
            raise FetchError(
                f"{redact(str(raw.url))} announced {declared // 2**20} MiB, "
                f"over the {cap // 2**20} MiB limit; refusing it"
            )
        chunks, size = [], 0
        # Decoded bytes count, piece by piece: a brotli or gzip bomb stops at the same limit.
        if self._curl or raw.is_stream_consumed:
            # curl decoded it already; a response built in memory (a mock transport) too.
            pieces = raw.iter_bytes()
        else:
            pieces = decoded(raw.iter_raw(), raw.headers.get("content-encoding"))
        try:
            for piece in pieces:
                size += len(piece)
                if size > cap:
                    raise FetchError(
                        f"{redact(str(raw.url))} sent more than {cap // 2**20} MiB "
                        "(after decompression); refusing it"
                    )
                chunks.append(piece)
        except DecodeFailed as exc:
            raise FetchError(f"{redact(str(raw.url))}: cannot read its answer: {exc}") from None
        return b"".join(chunks)

    def _check(self, response: Response, headers: httpx.Headers) -> None:
        status, url = response.status, redact(response.url)
        kind = block_kind(status, headers, response.body)
        if status in (404, 410):
            raise NotFound(f"{url} does not exist ({status})", status=status)
        if status == 401 or (status == 403 and kind is None):
            raise Blocked(
                f"{url} refused access ({status}): it needs your logged-in session "
                f"or blocks this client; {self.settings.advice}",
                refused=True,
            )
        if status == 429 or (status >= 500 and kind is None):
            wait = retry_after_seconds(headers.get("retry-after"))
            if status == 429:
                host = urlsplit(response.url).netloc
                if (pause := self.pacer.slow_down(host)) is not None:
                    log.warning(
                        "%s keeps answering 429 (too many requests): %gs between its "
                        "requests from now on",
                        host,
                        pause,
                    )
            if wait is not None and wait > self.settings.retry_after_max:
                again = datetime.now(UTC) + timedelta(seconds=wait)
                raise FetchError(
                    f"{url} answered {status} and asked us to wait {wait:.0f}s; "
                    f"try again after {again:%Y-%m-%d %H:%M} UTC"
                )
            raise Retryable(f"HTTP {status}", wait)
        if kind:
            raise Blocked(
                f"{url} answered with {kind} (HTTP {status}) instead of data; "
                f"{self.settings.advice}"
            )
        if response.location:
            return
        if status >= 400:
            raise Rejected(f"{url} answered HTTP {status}")

    def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        def attempt() -> tuple[int, bytes]:
            status, _, body, _ = self._exchange("GET", url, follow=True)
            if status == 429 or status >= 500:
                raise Retryable(f"HTTP {status}")
            return status, body

        try:
            return self._retrying(attempt)
        except (RetryError, httpx.ConnectError) as exc:
            # Never answered at all: a network problem, not a robots.txt one.
            if unreachable := cannot_reach(url, last_error(exc)):
                raise FetchError(unreachable) from None
            return 503, b""


def impersonating_transport(browser: str) -> httpx.BaseTransport:
    """A curl_cffi transport that presents a real browser's TLS and HTTP/2 fingerprint, and
    its headers on a navigation (Accept text/html..., sec-ch-ua, sec-fetch-*, its User-Agent):
    `default_headers` makes curl send them and drops the ones httpx adds by default
    (Accept */*, its Accept-Encoding), which no browser sends. Retries, pacing, robots, the
    size cap and block detection stay ours: this only replaces how bytes go over the wire."""
    check_browser(browser)
    from httpx_curl_cffi import CurlTransport

    class _BrowserTransport(CurlTransport):
        """A header the request gives as "" is left out, not sent empty: a script's request
        (Letterboxd's full-text fragment) carries none of a navigation's Sec-Fetch-User or
        Upgrade-Insecure-Requests. curl_cffi leaves out a header whose value is None."""

        def _create_request_params(self, req: httpx.Request) -> dict[str, Any]:
            params = super()._create_request_params(req)
            params["headers"] = [
                (name, None if value == b"" else value) for name, value in params["headers"]
            ]
            return params

    # check_browser refused any name but curl_cffi's own.
    return _BrowserTransport(impersonate=cast("BrowserTypeLiteral", browser), default_headers=True)


def check_browser(browser: str) -> None:
    """Refuse, before any request, a browser curl_cffi cannot present."""
    # Imported here: only runs that impersonate pay for loading curl.
    from curl_cffi.requests.impersonate import BrowserTypeLiteral

    known = get_args(BrowserTypeLiteral)
    if browser not in known:
        families = [name for name in known if not any(c.isdigit() for c in name)]
        raise UsageError(
            f"impersonate: {browser!r} is not a browser curl_cffi can present "
            f"(try one of: {', '.join(families)}; or none)"
        )
