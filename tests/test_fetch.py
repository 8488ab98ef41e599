"""The fetch layer against httpx.MockTransport: retries, Retry-After, refusals, robots.txt,
size limits, redaction. The end-to-end fault tests are in test_faults.py."""

from __future__ import annotations

import gzip
import logging

import httpx
import pytest
from tenacity import wait_none

from scraper.errors import Blocked, FetchError, NotFound
from scraper.models import Request
from scraper.net.fetch import Fetcher, FetchSettings
from scraper.net.pacing import Pacer
from scraper.weblinks import redact
from tests.fakes.server import LocalSite

QUICK = FetchSettings(delay=0, robots=False)


def fetcher(handler, settings: FetchSettings = QUICK) -> Fetcher:
    return Fetcher(settings, wait=wait_none(), transport=httpx.MockTransport(handler))


def get(f: Fetcher, url: str = "https://www.rottentomatoes.com/x"):
    return f.fetch(Request(url, "p"))


def test_5xx_and_transport_errors_are_retried_until_success():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("reset")
        if len(calls) == 2:
            return httpx.Response(503)
        return httpx.Response(200, json={"ok": True})

    assert get(fetcher(handler)).status == 200 and len(calls) == 3


def test_gives_up_after_bounded_tries_with_a_message():
    calls = []
    with pytest.raises(FetchError, match="failed 3 times.*HTTP 500.*try again in an hour"):
        get(
            fetcher(
                lambda r: calls.append(r) or httpx.Response(500),
                FetchSettings(delay=0, robots=False, tries=3),
            )
        )
    assert len(calls) == 3


def test_4xx_is_not_retried():
    calls = []
    with pytest.raises(FetchError, match="HTTP 400"):
        get(fetcher(lambda r: calls.append(r) or httpx.Response(400)))
    assert len(calls) == 1


def test_retry_after_paces_only_the_retry_of_its_request(monkeypatch, caplog):
    """Issue 15, item 11: one 429 with Retry-After 250 used to space every later request 250 s
    apart for the rest of the run."""
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "250"})] + [httpx.Response(200)] * 3
    )
    settings = FetchSettings(delay=2.0, robots=False, retry_after_max=300)
    f = Fetcher(settings, transport=httpx.MockTransport(lambda r: next(answers)))
    for _ in range(3):
        assert get(f).status == 200
    assert waits[0] == 250.0  # the retry waits as asked
    assert f.pacer.delay_for("www.rottentomatoes.com") == 2.0
    assert max(waits[1:]) <= 2.0  # and the requests after it go at the configured pace
    assert "429" not in caplog.text


def test_repeated_429s_raise_the_pace_gently_and_say_so(monkeypatch, caplog):
    monkeypatch.setattr("time.sleep", lambda s: None)
    answers = iter([httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200)] * 3)
    f = Fetcher(
        FetchSettings(delay=2.0, robots=False),
        transport=httpx.MockTransport(lambda r: next(answers)),
    )
    delays = []
    for _ in range(3):
        get(f)
        delays.append(f.pacer.delay_for("www.rottentomatoes.com"))
    assert delays == [2.0, 3.0, 4.5]
    assert "keeps answering 429" in caplog.text and "4.5s between" in caplog.text


def test_retry_after_past_the_ceiling_stops_at_once_saying_when():
    calls = []
    settings = FetchSettings(delay=0, robots=False, retry_after_max=60)
    with pytest.raises(FetchError, match="asked us to wait 3600s; try again after"):
        get(
            fetcher(
                lambda r: calls.append(r) or httpx.Response(503, headers={"Retry-After": "3600"}),
                settings,
            )
        )
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (httpx.Response(404), NotFound, "does not exist"),
        (httpx.Response(403), Blocked, "--cookies"),
        (httpx.Response(401), Blocked, "logged-in session"),
        (httpx.Response(200, html="<title>Just a moment...</title>"), Blocked, "Cloudflare"),
        (httpx.Response(403, html="<div class='cf-chl-widget'></div>"), Blocked, "Cloudflare"),
        (httpx.Response(503, headers={"cf-mitigated": "challenge"}), Blocked, "Cloudflare"),
        (httpx.Response(202, content=b""), Blocked, "empty 202"),
        (httpx.Response(202, headers={"x-amzn-waf-action": "challenge"}), Blocked, "AWS WAF"),
        (httpx.Response(200, html="<a href='https://errors.edgesuite.net/x'>"), Blocked, "Akamai"),
        (httpx.Response(400), FetchError, "HTTP 400"),
    ],
)
def test_refusals_become_clear_errors(response, error, text):
    with pytest.raises(error, match=text):
        get(fetcher(lambda r: response))


def test_block_advice_names_every_way_out():
    with pytest.raises(Blocked) as caught:
        get(fetcher(lambda r: httpx.Response(403)))
    assert all(word in str(caught.value) for word in ("--cookies", "--delay", "--impersonate"))


def test_redirects_stay_on_the_same_host():
    def handler(request):
        if request.url.path == "/a":
            return httpx.Response(302, headers={"Location": "/b"})
        if request.url.path == "/b":
            return httpx.Response(302, headers={"Location": "https://evil.example/c"})
        return httpx.Response(200)

    with pytest.raises(Blocked, match="another host"):
        get(fetcher(handler), "https://h/a")


def test_same_host_redirect_is_followed():
    def handler(request):
        if request.url.path == "/a":
            return httpx.Response(301, headers={"Location": "/b"})
        return httpx.Response(200, text="here")

    response = get(fetcher(handler), "https://h/a")
    assert response.url == "https://h/b" and response.body == b"here"


def test_oversized_and_bomb_bodies_are_refused():
    small = FetchSettings(delay=0, robots=False, max_body=1024 * 1024)
    with pytest.raises(FetchError, match="announced"):
        get(fetcher(lambda r: httpx.Response(200, content=b"x" * (2 * 1024 * 1024)), small))
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 20_000
    with pytest.raises(FetchError, match="after decompression"):
        get(
            fetcher(
                lambda r: httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}),
                small,
            )
        )


def test_robots_disallow_refuses_without_requesting(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    seen = []

    def handler(request):
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /napi/\nCrawl-delay: 3\n")
        return httpx.Response(200, json={})

    f = fetcher(handler, FetchSettings(delay=0))
    with pytest.raises(Blocked, match="robots.txt.*--ignore-robots"):
        get(f, "https://h/napi/x")
    assert get(f, "https://h/critics/x").status == 200
    assert seen == ["/robots.txt", "/critics/x"]  # robots.txt read once per host
    assert f.pacer.delay_for("h") == 3.0


def test_robots_missing_allows_and_robots_down_stops():
    ok = fetcher(
        lambda r: httpx.Response(404 if r.url.path == "/robots.txt" else 200),
        FetchSettings(delay=0),
    )
    assert get(ok).status == 200
    down = fetcher(lambda r: httpx.Response(503), FetchSettings(delay=0, tries=2))
    with pytest.raises(FetchError, match="robots.txt could not be read"):
        get(down)


def test_verbose_log_redacts_secrets(caplog):
    caplog.set_level(logging.DEBUG, logger="scraper.net.fetch")
    get(fetcher(lambda r: httpx.Response(200)), "https://h/x?after=abc&access_token=SECRET&k=1")
    assert "SECRET" not in caplog.text and "access_token=REDACTED" in caplog.text
    assert "after=abc" in caplog.text and "-> 200" in caplog.text


def test_redact_keeps_cursors_and_hides_keys():
    assert redact("https://h/p?after=MQ%3D%3D&apikey=1&sessionId=2") == (
        "https://h/p?after=MQ%3D%3D&apikey=REDACTED&sessionId=REDACTED"
    )


def test_cookies_go_only_to_their_own_domain(tmp_path):
    from scraper.jobs.config import load_cookies

    jar_file = tmp_path / "cookies.txt"
    jar_file.write_text(
        "# Netscape HTTP Cookie File\n.rottentomatoes.com\tTRUE\t/\tTRUE\t0\tsid\tabc\n"
    )
    jar_file.chmod(0o600)
    sent = {}

    def handler(request):
        sent[request.url.host] = request.headers.get("cookie")
        return httpx.Response(200)

    f = Fetcher(QUICK, cookies=load_cookies(jar_file), transport=httpx.MockTransport(handler))
    get(f, "https://www.rottentomatoes.com/a")
    get(f, "https://elsewhere.example/a")
    assert sent == {"www.rottentomatoes.com": "sid=abc", "elsewhere.example": None}


def test_readable_cookies_file_gets_a_warning(tmp_path, caplog):
    """Logged, not printed: the CLI shows warnings on stderr, a library caller decides."""
    from scraper.jobs.config import load_cookies

    jar_file = tmp_path / "cookies.txt"
    jar_file.write_text("# Netscape HTTP Cookie File\n")
    jar_file.chmod(0o644)
    load_cookies(jar_file)
    assert "readable by other users" in caplog.text


def test_pacer_spaces_requests_per_host():
    now = [0.0]
    slept = []
    pacer = Pacer(1.0, clock=lambda: now[0], sleep=lambda s: slept.append(s))
    pacer.wait("a")
    pacer.sent("a")
    now[0] = 0.25
    pacer.wait("a")
    pacer.wait("b")
    assert slept == [0.75]
    assert pacer.slow_down("a") is None  # a first 429 is its retry's business
    assert pacer.slow_down("a") == 1.5
    assert pacer.delay_for("a") == 1.5 and pacer.delay_for("b") == 1.0


def _headers_sent(settings: FetchSettings) -> dict[str, str]:
    """The headers a loopback server received for one fetch made with `settings`."""
    site = LocalSite(lambda path, query: (200, b"<p>ok</p>", "text/html"))
    with site, Fetcher(settings) as fetcher:
        fetcher.fetch(Request(f"{site.root}/page/", "x"))
    ((_, headers),) = site.headers
    return {k.lower(): v for k, v in headers.items()}


def test_impersonation_sends_what_the_browser_sends_on_a_navigation():
    sent = _headers_sent(FetchSettings(delay=0, robots=False, impersonate="chrome"))
    assert "Chromium" in sent["sec-ch-ua"] and "Chrome/" in sent["user-agent"]
    assert sent["accept"].startswith("text/html,application/xhtml+xml")
    assert (sent["sec-fetch-mode"], sent["sec-fetch-dest"]) == ("navigate", "document")
    assert sent["accept-language"] == "en-US,en;q=0.9"
    # Nothing of httpx's own defaults leaks into the browser's request.
    assert "python-httpx" not in sent["user-agent"] and sent["accept"] != "*/*"

    plain = _headers_sent(FetchSettings(delay=0, robots=False))
    assert plain["user-agent"].startswith("scrape/") and "sec-ch-ua" not in plain


def test_impersonating_an_unknown_browser_is_a_usage_error():
    from scraper.errors import UsageError
    from scraper.net.fetch import impersonating_transport

    with pytest.raises(UsageError, match=r"'netscape' is not a browser.*chrome.*none"):
        impersonating_transport("netscape")


def test_refusal_carries_the_sites_advice():
    advised = FetchSettings(delay=0, robots=False, advice="Rotten Tomatoes (Akamai) says no")
    with pytest.raises(Blocked, match=r"HTTP 200\) instead of data; Rotten Tomatoes \(Akamai\)"):
        get(fetcher(lambda r: httpx.Response(200, html="<title>Just a moment...</title>"), advised))


@pytest.mark.parametrize("value", ["9" * 40, "1e30", "-5", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_absurd_retry_after_values_end_the_run_cleanly(value):
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": value}, text="slow down")

    with pytest.raises(FetchError) as caught:
        get(fetcher(handler))
    # A year or more: the run ends at once saying when to try again; nonsense: retried, then
    # reported as failing. Never an OverflowError.
    message = str(caught.value)
    assert "try again after" in message or "failed" in message
    assert len(calls) <= QUICK.tries


def test_a_header_given_empty_is_not_sent():
    """A request's "" header is one a browser would not send: left out, never sent empty."""
    seen = []

    def handler(request):
        seen.append(request.headers)
        return httpx.Response(200)

    request = Request(
        "https://h/s/x/",
        "p",
        headers=(("X-Requested-With", "XMLHttpRequest"), ("Upgrade-Insecure-Requests", "")),
    )
    fetcher(handler).fetch(request)
    assert seen[0]["x-requested-with"] == "XMLHttpRequest"
    assert "upgrade-insecure-requests" not in seen[0]


@pytest.mark.parametrize("retry_after", ["²", "¹²", "²" * 5000, "1²"])
def test_a_retry_after_of_digits_no_number_holds_is_no_retry_after(retry_after):
    """Issue 30, item 13: `Retry-After: ²` (which str.isdigit() takes for a digit and float()
    refuses) failed the run with an internal error. It is no number: the 429 is retried as one
    without a Retry-After."""
    answers = iter([429, 200])

    def route(path, query):
        return next(answers), b"<p>ok</p>", "text/html"

    site = LocalSite(route, headers={"Retry-After": retry_after})
    with site, Fetcher(QUICK, wait=wait_none()) as fetcher:
        assert fetcher.fetch(Request(f"{site.root}/page/", "x")).body == b"<p>ok</p>"
    assert site.requests() == ["GET /page/"] * 2


def test_a_password_holding_an_at_sign_is_never_shown_nor_stored(run_scrape, tmp_path):
    """Issue 30, item 17: `http://u:PASS@W0RD@host` showed `W0RD@` in the error and in
    runs.error: the userinfo runs to the LAST @ before the host, as httpx reads it."""
    import sqlite3

    assert redact("http://u:PASS@W0RD@h.test:8/p?q=a@b#c@d") == "http://h.test:8/p?q=a@b#c@d"
    assert redact("https://a@@b@h.test") == "https://h.test"
    assert redact("https://h.test/x@y") == "https://h.test/x@y"

    site = LocalSite(lambda path, query: (500, b"down", "text/plain"))
    config = tmp_path / "scrape.toml"
    config.write_text("[fetch]\ntries = 1\ndelay = 0\n")
    db = tmp_path / "a.db"
    with site:
        root = site.root.replace("http://", "http://u:PASS@W0RD@")
        result = run_scrape(
            "user",
            "rottentomatoes:critic/x",
            "--db",
            str(db),
            "--config",
            str(config),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": root},
        )
    assert result.returncode == 1, result.stderr
    assert site.requests(), "the request went out, credentials and all"
    assert "127.0.0.1" in result.stderr and "HTTP 500" in result.stderr, result.stderr
    with sqlite3.connect(db) as conn:
        errors = [row[0] or "" for row in conn.execute("SELECT error FROM runs")]
    assert errors and all("127.0.0.1" in e for e in errors), errors
    for said in [result.stdout, result.stderr, *errors]:
        assert "PASS" not in said and "W0RD" not in said, said
