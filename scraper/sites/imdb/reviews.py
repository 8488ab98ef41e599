"""IMDb's 2024+ user review cards (`[data-testid=review-card-parent]`), the component both a
title's reviews page and a user's reviews page render. A card names its author and its title
when the page lists one person's reviews; on a title's page the title comes from the page URL.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Page, Request
from scraper.sites import common, ratings, text
from scraper.sites.imdb.exports import OWNER, SITE, SITE_URL, member, title_film

_TITLE = re.compile(r"/title/(?P<tt>tt\d{5,12})")
_REVIEW = re.compile(r"/review/(?P<rw>rw\d{1,12})")


def parse_review_cards(body: bytes, url: str, fetched_at: datetime) -> Page:
    tree = common.html_tree(body)
    cards = tree.css('[data-testid="review-card-parent"]')
    if not cards and tree.css_first('[data-testid="tturv-total-reviews"]') is None:
        raise ParseError(SITE, url, 'review cards ([data-testid="review-card-parent"])')
    page_title = _TITLE.search(url)
    # On a member's own reviews page the cards may leave the author out: the page names them.
    page_user = OWNER.search(urlsplit(url).path)
    page = Page(next=_next(tree, url))
    for card in cards:
        # The author line sits after the card in the same <article>.
        article = card.parent if card.parent is not None else card
        author = article.css_first('[data-testid="author-link"]')
        user = OWNER.search(author.attrs.get("href") or "") if author else page_user
        permalink = article.css_first('[data-testid="permalink-link"]')
        review_id = _REVIEW.search(permalink.attrs.get("href") or "") if permalink else None
        title_link = card.css_first('a[href*="/title/tt"]')
        title = _TITLE.search(title_link.attrs.get("href") or "") if title_link else page_title
        if not (user and review_id and title):
            raise ParseError(
                SITE,
                url,
                "a review card's author, permalink and title (a saved "
                "title page needs its address: scrape import --url)",
            )
        profile = member(user["user"], common.node_text(author) if author else None)
        film = title_film(title["tt"], common.node_text(title_link) or "", None, "movie")
        stars = common.node_text(card.css_first(".review-rating .ipc-rating-star--rating"))
        page.profiles.append(profile)
        page.films.append(film)
        page.reviews.append(
            common.review(
                # Not <profile>/<tt>: that is the rating's row, which a review must not overwrite.
                id=f"{profile.id}/review/{review_id['rw']}",
                site=SITE,
                profile_id=profile.id,
                film_id=film.id,
                text=_body(card),
                when=timeparse.parse(
                    common.node_text(article.css_first(".review-date")), fetched_at
                ),
                rating=ratings.to_ten(stars, out_of=10),
                rating_raw=f"{stars}/10" if stars else None,
                url=f"{SITE_URL}/review/{review_id['rw']}/",
                reviewer_name=profile.display_name,
                source="imdb-review-cards",
            )
        )
    return page


def _next(tree: LexborHTMLParser, url: str) -> Request | None:
    """The next page of a member's reviews: IMDb pages them with a `paginationKey` (a "next"
    link, or the key of the "Load more" block); a title's page is read as saved, one page."""
    if _TITLE.search(url):
        return None
    link = tree.css_first('a[href*="paginationKey="]')
    if link is not None:
        return Request(urljoin(url, link.attrs.get("href") or ""), "review_cards")
    more = tree.css_first(".load-more-data[data-key]")
    key = more.attrs.get("data-key") if more is not None else None
    if key:
        base = urlsplit(url)._replace(query="").geturl()
        return Request(f"{base}?paginationKey={quote(key)}", "review_cards")
    return None


def _body(card: LexborNode) -> str | None:
    """The headline and the review, as the site shows them (HTML, kept whole)."""
    headline = common.node_text(card.css_first('[data-testid="review-summary"] h3'))
    content = card.css_first(".ipc-html-content-inner-div")
    html = content.html if content is not None else ""
    if headline:
        html = f"<h3>{text.escape(headline)}</h3>{html}"
    return html or None
