"""Which addresses may become links: http and https ones alone.

A review's link comes from the site's data (a critic's `reviewUrl`, an href), so it may say
`javascript:` or `data:`; a link of that kind, clicked in the reading room or an exported page,
runs script there. Parsers read links through `web_url` and so does every writer of a link
(the reading room, the static site, the Markdown export): an archive written before this check,
or edited by hand, still never makes one.

And which addresses may be stored or shown: never with the credentials a mirror's address may
carry (`redact`, `without_userinfo`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Browsers drop tabs and line breaks anywhere in a URL and C0 controls and spaces around it
# before they read its scheme ("java\tscript:" is javascript:), so the scheme is read the same
# way here.
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_AROUND = "".join(chr(c) for c in range(0x21))
# What would end or break a Markdown link target, or an attribute value, if left as it is.
_UNSAFE_IN_TARGET = "".join(chr(c) for c in range(0x21)) + '\x7f<>()"\\`'


def web_url(value: object) -> str | None:
    """`value` as an http(s) URL with a host, as a browser would read it; None for anything
    else (another scheme, a relative path, not text)."""
    if not isinstance(value, str):
        return None
    cleaned = _IGNORED_INSIDE.sub("", value).strip(_AROUND)
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # an unbalanced "[" in the host, say
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return cleaned


def markdown_target(value: object) -> str | None:
    """An http(s) URL fit to stand between the parentheses of a Markdown link: characters that
    would close it early (a ")" followed by a second link) are percent-encoded."""
    url = web_url(value)
    if url is None:
        return None
    return "".join(quote(c, safe="") if c in _UNSAFE_IN_TARGET else c for c in url)


_AUTHORITY = re.compile(r"^([a-z][a-z0-9+.-]*://)([^/?#]*)", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"(?i)([?&](?:[^=&]*(?:token|key|auth|session|secret|sig|password)"
    r"[^=&]*)=)[^&]*"
)


def redact(url: str) -> str:
    """The URL with its credentials (user:password@) left out and the values of token-, key-
    and session-like query parameters hidden: what may be shown or logged."""
    return _SECRET_PARAM.sub(r"\1REDACTED", without_userinfo(url))


def without_userinfo(url: str) -> str:
    """The URL without user:password@ (a mirror's SCRAPE_<SITE>_ROOT may carry them): what may
    be stored. Requests still go with them."""
    match = _AUTHORITY.match(url)
    if match is None or "@" not in match[2]:
        return url
    return match[1] + match[2].rpartition("@")[2] + url[match.end() :]
