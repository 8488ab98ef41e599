"""The errors that cross module boundaries, each with the exit code the CLI turns it into."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class ScrapeError(Exception):
    """A failure the user should read: one line, saying what happened and what to do."""

    exit_code = 1


class UsageError(ScrapeError):
    """The user's input (an identifier, a path, an option) is not acceptable."""

    exit_code = 2


class NotFound(ScrapeError):
    """The site answered 404 (or 410) for something the user named."""

    def __init__(self, message: str, *, status: int = 404) -> None:
        super().__init__(message)
        self.status = status


class Blocked(ScrapeError):
    """The site refused us: a login wall, a 401/403, or a challenge page instead of data."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        # A plain 401/403: the site declined this client or session, with no challenge.
        self.refused = refused


class FetchError(ScrapeError):
    """The network or the server failed, even after retries."""


class Rejected(FetchError):
    """The site answered a 4xx that is neither a refusal nor a 404: it took the request itself
    for wrong (an expired pagination cursor, say), so asking again the same way is no use."""


class Unavailable(FetchError):
    """No site could be asked at all (offline, say): nothing was checked, so nothing is known
    of what was asked; a code of its own (sysexits' EX_UNAVAILABLE) so scripts can tell."""

    exit_code = 69


class OutOfTime(FetchError):
    """The run reached its time limit: what was read is kept, the crawl is incomplete."""


class ParseError(ScrapeError):
    """A page is not what its parser expects (a layout change, or the wrong kind of page)."""

    def __init__(self, site: str, url: str, missing: str) -> None:
        self.site, self.url, self.missing = site, url, missing
        super().__init__(f"{site}: cannot parse {url}: {missing}")


class Incomplete(ScrapeError):
    """A listing ended without its own end signal: what was read is kept, nothing is taken as
    deleted."""


class DiskFull(ScrapeError):
    """The disk (or the archive's size limit) is full: the page being written is rolled back."""


class Interrupted(ScrapeError):
    """The user asked the run to stop (Ctrl-C); pages already read are saved."""

    exit_code = 130


INTERNAL = "internal error, please report it with the output of scrape -v"


def unexpected(error: BaseException) -> ScrapeError:
    """A failure that is not one of ours, as the one line a user reads (the traceback goes to
    the log, shown with -v). The machine's own failures (a disk, a permission) say what they
    are; anything else is a bug of ours, and says so."""
    log.debug("unexpected failure", exc_info=error)
    first = str(error).splitlines()[0] if str(error) else ""
    said = f"{type(error).__name__}: {first}"[:300]
    if isinstance(error, OSError | MemoryError):
        return ScrapeError(said)
    return ScrapeError(f"{INTERNAL} ({said})")
