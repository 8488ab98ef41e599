"""What most peer scrapers write: BeautifulSoup over lxml, extracting the same fields as each
of scrape's HTML parsers (ids, film, rating, date, text, links, flags). Used only as the
benchmark's baseline; the numbers they compute are not archived anywhere."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup


def _soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "lxml")


def _text(node) -> str | None:
    return node.get_text(" ", strip=True) if node is not None else None


def letterboxd_diary(body: bytes) -> list[dict]:
    rows = []
    for row in _soup(body).select("tr.diary-entry-row"):
        poster = row.select_one("[data-item-slug]")
        rating = row.select_one("td.col-rating .rating")
        link = row.select_one("td.col-review a[href]")
        day = row.select_one("a.daydate")
        rows.append(
            {
                "viewing": row.get("data-viewing-id"),
                "slug": poster.get("data-item-slug"),
                "name": poster.get("data-item-name"),
                "lid": json.loads(poster.get("data-postered-identifier") or "{}").get("lid"),
                "day": day.get("href") if day else None,
                "rating": rating.get("class") if rating else None,
                "liked": row.select_one("td.col-like .icon-liked") is not None,
                "rewatch": "icon-status-off" not in row.select_one("td.col-rewatch").get("class"),
                "review": link.get("href") if link else None,
            }
        )
    return rows


def letterboxd_films(body: bytes) -> list[dict]:
    items = []
    for item in _soup(body).select("li.griditem, li.poster-container, li.posteritem"):
        poster = item.select_one("[data-item-slug], [data-film-slug]")
        rating = item.select_one(".poster-viewingdata .rating")
        items.append(
            {
                "slug": poster.get("data-item-slug") or poster.get("data-film-slug"),
                "name": poster.get("data-item-name") or (item.img.get("alt") if item.img else None),
                "rating": rating.get("class") if rating else None,
                "liked": item.select_one(".liked-micro, .icon-liked") is not None,
            }
        )
    return items


def letterboxd_profile(body: bytes) -> list[dict]:
    soup = _soup(body)
    return [{"name": _text(soup.select_one(".profile-name h1, h1.title-1, .displayname"))}]


def imdb_review_cards(body: bytes) -> list[dict]:
    cards = []
    for card in _soup(body).select('[data-testid="review-card-parent"]'):
        article = card.parent
        author = article.select_one('[data-testid="author-link"]')
        permalink = article.select_one('[data-testid="permalink-link"]')
        content = card.select_one(".ipc-html-content-inner-div")
        cards.append(
            {
                "author": author.get("href") if author else None,
                "name": _text(author),
                "review": permalink.get("href") if permalink else None,
                "rating": _text(card.select_one(".review-rating .ipc-rating-star--rating")),
                "date": _text(article.select_one(".review-date")),
                "headline": _text(card.select_one('[data-testid="review-summary"] h3')),
                "text": str(content) if content else None,
            }
        )
    return cards


def metacritic_legacy_profile(body: bytes) -> list[dict]:
    items = []
    for item in _soup(body).select("li.review.user_review"):
        link = item.select_one(".product_title a")
        body_node = item.select_one(".blurb_expanded") or item.select_one(".review_body")
        items.append(
            {
                "film": link.get("href"),
                "title": _text(link),
                "score": _text(item.select_one(".review_score .metascore_w")),
                "date": _text(item.select_one(".date")),
                "text": str(body_node) if body_node else None,
            }
        )
    return items


def rottentomatoes_movie_page(body: bytes) -> list[dict]:
    items = []
    for item in _soup(body).select("li.mop-audience-reviews__review-item"):
        user = item.select_one('a[href*="/user/id/"]')
        items.append(
            {
                "user": user.get("href") if user else None,
                "name": _text(item.select_one(".mop-audience-reviews__review--name")),
                "stars": str(item.select_one(".star-display")),
                "text": _text(item.select_one(".mop-audience-reviews__review--comment")),
                "date": _text(item.select_one(".mop-audience-reviews__review--date")),
            }
        )
    return items


def flixster_movie_page(body: bytes) -> list[dict]:
    items = []
    for item in _soup(body).select("div.review"):
        image = item.select_one("img.person-img")
        items.append(
            {
                "name": _text(item.select_one(".person-name")),
                "avatar": image.get("src") if image else None,
                "text": _text(item.select_one(".review-text, p")),
                "date": _text(item.select_one(".review-date, .date")),
            }
        )
    return items


def rottentomatoes_critic_page(body: bytes) -> list[dict]:
    soup = _soup(body)
    name = _text(soup.select_one('[data-qa="critic-name-title"]'))
    data = json.loads(soup.select_one("script#reviews-json").get_text())
    return [
        {
            "critic": name,
            "film": item.get("mediaUrl"),
            "title": item.get("mediaTitle"),
            "year": item.get("mediaInfo"),
            "quote": item.get("quote"),
            "date": item.get("date"),
            "score": item.get("originalScore"),
            "sentiment": item.get("tomatometerState"),
            "publication": item.get("publicationName"),
            "url": item.get("url"),
        }
        for item in data["reviews"]
    ]


def metacritic_nuxt_page(body: bytes) -> list:
    """The 2026 pages carry their reviews in a __NUXT_DATA__ script: a peer finds it with
    BeautifulSoup, then decodes the payload; the payload decoding is scrape's own (the same
    work either way), so the figure compares how the script is found."""
    from datetime import UTC, datetime

    from scraper.sites.metacritic.parsers import parse_nuxt_payload

    script = _soup(body).find("script", id="__NUXT_DATA__")
    if script is None:  # the page before 2023, as scrape's profile_page reads it too
        return metacritic_legacy_profile(body)
    page = parse_nuxt_payload(
        script.get_text().encode(), "https://www.metacritic.com/", datetime.now(UTC)
    )
    return page.reviews


# scrape's parser name -> the baseline that extracts the same fields
BASELINES = {
    ("letterboxd", "diary"): letterboxd_diary,
    ("letterboxd", "films"): letterboxd_films,
    ("letterboxd", "profile"): letterboxd_profile,
    ("imdb", "review_cards"): imdb_review_cards,
    ("metacritic", "legacy_profile"): metacritic_legacy_profile,
    ("rottentomatoes", "movie_page"): rottentomatoes_movie_page,
    ("rottentomatoes", "flixster_movie_page"): flixster_movie_page,
    ("rottentomatoes", "critic_page"): rottentomatoes_critic_page,
    ("metacritic", "profile_page"): metacritic_nuxt_page,
}
