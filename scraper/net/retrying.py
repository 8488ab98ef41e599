"""When a request is worth asking again, how long to wait, and what a failure means to a user:
the retry policy of net/fetch.py, apart from the client that follows it."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, RetryError
from tenacity.wait import wait_base

from scraper import numbers
from scraper.weblinks import without_userinfo

# Retries are logged as the fetching they belong to (`scrape -v` shows them there).
log = logging.getLogger("scraper.net.fetch")


class Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class wait_retry_after(wait_base):
    """Backoff with jitter, unless the server said how long to wait."""

    def __init__(self, fallback: wait_base) -> None:
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, Retryable) and error.retry_after is not None:
            return error.retry_after
        return self.fallback(retry_state)


# What a failed connection says, in curl's words and the C library's, and what it means to a
# user; one of these after every try means the network (or the address), not the site.
_CANNOT_REACH = (
    (
        re.compile(
            r"Name or service not known|name resolution|nodename nor servname|"
            r"Could not resolve host|getaddrinfo failed|No address associated",
            re.I,
        ),
        "name not resolved",
    ),
    (
        re.compile(r"Connection refused|Couldn't connect|Failed to connect", re.I),
        "connection refused",
    ),
    (re.compile(r"Network is unreachable|No route to host", re.I), "network unreachable"),
)


def cannot_reach(url: str, error: BaseException | None) -> str | None:
    """ "cannot reach HOST (why): check your network" when `error` says the host could not be
    reached at all; None for anything else (a timeout, a reset, an HTTP status)."""
    if not isinstance(error, httpx.ConnectError):
        return None
    for pattern, meaning in _CANNOT_REACH:
        if pattern.search(str(error)):
            host = urlsplit(without_userinfo(url)).netloc
            return f"cannot reach {host} ({meaning}): check your network"
    return None


def last_error(exc: BaseException) -> BaseException | None:
    """The last try's error: a RetryError wraps it; one not worth retrying comes as itself."""
    return exc.last_attempt.exception() if isinstance(exc, RetryError) else exc


def worth_retrying(error: BaseException) -> bool:
    """A host that could not be reached at all (a name that does not resolve, a refused
    connection, no network) is the network's answer, not a busy site's: resolvers cache it, and
    asking again kept an offline user waiting a minute (issue 31). The next run asks again."""
    if cannot_reach("", error):
        return False
    return isinstance(error, Retryable | httpx.TransportError)


def describe(error: BaseException | None) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.TransportError):
        return f"connection failed: {type(error).__name__}"
    return str(error)


def log_retry(retry_state: RetryCallState) -> None:
    error = retry_state.outcome.exception() if retry_state.outcome else None
    log.debug("  retrying in %.1fs after %s", retry_state.upcoming_sleep, describe(error))


# The longest wait a Retry-After can name here (a year): any longer is the same answer, "not
# now", and larger numbers would overflow the date arithmetic that reports when to retry.
RETRY_AFTER_CEILING = 365 * 24 * 3600.0


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), within 0 and a year; None
    for anything else (1e30, -5, nan, a malformed date)."""
    if not value:
        return None
    stripped = value.strip()
    if stripped.isascii() and stripped.isdigit():
        # Digits only (not "²", which isdigit() takes too): any number of them past 12 is the
        # same "later than a year" as the ceiling.
        whole = numbers.whole(stripped[:12], 0, 10**12)
        return None if whole is None else min(float(whole), RETRY_AFTER_CEILING)
    try:
        seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(0.0, seconds), RETRY_AFTER_CEILING)
