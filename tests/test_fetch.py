"""The fetch layer with httpx.MockTransport: retries, Retry-After, refusals, block pages."""

import httpx
import pytest
from tenacity import wait_none

from scraper.errors import Blocked, FetchError, NotFound
from scraper.fetch import Fetcher
from scraper.models import Request


def fetcher(handler, **kwargs) -> Fetcher:
    return Fetcher(delay=0, wait=wait_none(), transport=httpx.MockTransport(handler), **kwargs)


def test_5xx_and_transport_errors_are_retried_until_success():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("reset")
        if len(calls) == 2:
            return httpx.Response(503)
        return httpx.Response(200, json={"ok": True})

    response = fetcher(handler).fetch(Request("https://www.rottentomatoes.com/x", "p"))
    assert response.status == 200 and len(calls) == 3


def test_gives_up_after_bounded_tries_with_a_message():
    with pytest.raises(FetchError, match="kept failing.*try again later"):
        fetcher(lambda r: httpx.Response(500), tries=3).fetch(Request("https://h/x", "p"))


def test_retry_after_is_obeyed(monkeypatch):
    waits = []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    f = Fetcher(delay=0, transport=httpx.MockTransport(lambda r: next(answers)))
    assert f.fetch(Request("https://h/x", "p")).status == 200
    assert waits == [7.0]


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (httpx.Response(404), NotFound, "does not exist"),
        (httpx.Response(403), Blocked, "--cookies"),
        (httpx.Response(401), Blocked, "logged-in"),
        (httpx.Response(200, html="<title>Just a moment...</title>"), Blocked, "Cloudflare"),
        (httpx.Response(202, content=b""), Blocked, "202"),
        (httpx.Response(400), FetchError, "HTTP 400"),
    ],
)
def test_refusals_become_clear_errors(response, error, text):
    with pytest.raises(error, match=text):
        fetcher(lambda r: response).fetch(Request("https://h/x", "p"))


def test_redirects_stay_on_the_same_host():
    def handler(request):
        if request.url.path == "/a":
            return httpx.Response(302, headers={"Location": "/b"})
        if request.url.path == "/b":
            return httpx.Response(302, headers={"Location": "https://evil.example/c"})
        return httpx.Response(200)

    with pytest.raises(Blocked, match="another host"):
        fetcher(handler).fetch(Request("https://h/a", "p"))


def test_post_sends_params_and_user_agent():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={})

    fetcher(handler).fetch(Request("https://h/napi", "p", "POST", (("pagecount", "50"),)))
    assert seen[0].method == "POST" and seen[0].url.params["pagecount"] == "50"
    assert seen[0].headers["user-agent"].startswith("scrape/")
