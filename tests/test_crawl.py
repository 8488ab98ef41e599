"""The crawl loop's own guards, with a stub site whose pages point wherever a test wants."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from scraper import sites
from scraper.errors import Blocked, FetchError
from scraper.jobs import crawl
from scraper.jobs.crawl_result import CrawlResult
from scraper.models import Page, Request, Target
from scraper.net.fetch import Fetcher, FetchSettings
from scraper.sites.identity import Identity
from scraper.sites.site import NoSettings, Site
from scraper.store import schema


def stub_site(next_urls: list[str | None]):
    remaining = list(next_urls)

    def parse(body: bytes, url: str, fetched_at: datetime) -> Page:
        page = Page()
        following = remaining.pop(0)
        page.next = Request(following, "page") if following else None
        return page

    return Site(
        identity=Identity("stub", "https://stub.example", ("stub.example",), (), ()),
        forms=(),
        examples=(),
        parsers={"page": parse},
        parser_version=1,
        settings=NoSettings,
        listings=lambda handle, settings: [Request("https://stub.example/p/1", "page")],
        import_url=lambda handle: "https://stub.example/",
        sniff=lambda body: None,
        block_advice="",
    )


@pytest.fixture
def run(tmp_path, monkeypatch):
    def go(next_urls, **settings):
        monkeypatch.setitem(sites.SITES, "stub", stub_site(next_urls))
        fetcher = Fetcher(
            FetchSettings(delay=0, robots=False, **settings),
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
        )
        db = schema.open_archive(tmp_path / "a.db")
        result = CrawlResult(Target("stub", "someone"))
        return crawl.crawl(db, fetcher, result), fetcher

    return go


def test_follows_next_pages_to_the_end(run):
    result, fetcher = run(["https://stub.example/p/2", "https://stub.example/p/3", None])
    assert result.pages == 3 and fetcher.requests == 3


def test_next_page_off_site_is_refused(run):
    with pytest.raises(Blocked, match="points off-site"):
        run(["https://stub.example/p/2", "https://elsewhere.example/p/3"])


def test_a_page_seen_twice_stops(run):
    with pytest.raises(FetchError, match="looping"):
        run(["https://stub.example/p/2", "https://stub.example/p/1"])


def test_page_ceiling(run):
    with pytest.raises(FetchError, match="more than 2 pages"):
        run([f"https://stub.example/p/{n}" for n in range(2, 10)], max_pages=2)
