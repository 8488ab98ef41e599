"""Metacritic pages: the current site's Nuxt payload of a film or show page (its user and
critic reviews) and the pre-2023 user profile page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile, Request, Review, Skipped
from scraper.sites import common, ratings, text
from scraper.sites.fields import Fields
from scraper.sites.metacritic.devalue import unflatten
from scraper.wording import shown

SITE = "metacritic"
SITE_URL = "https://www.metacritic.com"
_PRODUCT_PATH = re.compile(r"^/?(?P<path>(?:movie|tv|game)/[^?#]+?)/?$")
_USER_PATH = re.compile(r"/user/(?P<user>[^/?#]+)")


def film_for(link: str, title: str, year: int | None, product_id: object, *, page_url: str) -> Film:
    """The product a link names; a link to anything else is not what the page should hold."""
    path = _PRODUCT_PATH.match(urlsplit(link).path)
    if not path:
        raise ParseError(
            SITE, page_url, f"a product's path (/movie/, /tv/, /game/), not {shown(link)}"
        )
    key = path["path"].rstrip("/")
    kind = {"movie": "movie", "tv": "tv", "game": "game"}[key.split("/")[0]]
    return Film(
        f"{SITE}:{key}",
        SITE,
        title,
        year,
        kind,
        f"{SITE_URL}/{key}/",
        str(product_id) if product_id is not None else None,
    )


def parse_nuxt_payload(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A product page's `__NUXT_DATA__` (film, show, game; its /user-reviews/ and
    /critic-reviews/ pages): the reviews in its user-reviews and critic-reviews components
    (each review is listed under several tabs; kept once)."""
    try:
        tree = unflatten(json.loads(text.decode_lenient(body)))
    except (ValueError, RecursionError) as exc:
        raise ParseError(SITE, url, f"a Nuxt devalue payload ({exc})") from None
    components = [c for c in _walk_components(tree)]
    if not components:
        raise ParseError(SITE, url, "the page components of a Nuxt payload")
    page = Page()
    years = _product_years(components)
    films: dict[str, Film] = {}
    profiles: dict[str, Profile] = {}
    reviews: dict[str, Review] = {}
    for component in components:
        kind = _name(component)
        if kind not in ("user-reviews", "critic-reviews"):
            continue
        for number, entry in enumerate(_review_items(component), start=1):
            item = Fields(SITE, url, entry, "a review")
            product = item.obj("reviewedProduct")
            link, product_id = product.link("url"), product.text("id")
            film = film_for(
                link,
                product.text("title") or "",
                years.get(str(product_id)) or years.get(_product_path(link) or ""),
                product_id,
                page_url=url,
            )
            profile, review = _payload_review(item, film, fetched_at, kind == "critic-reviews")
            if not _typed(profile):
                page.skipped.append(common.bad_handle(profile.handle, f"{kind} {number}"))
                continue
            films.setdefault(film.id, film)
            profiles.setdefault(profile.id, profile)
            reviews.setdefault(review.id, review)
    page.films, page.profiles = list(films.values()), list(profiles.values())
    page.reviews = list(reviews.values())
    return page


def parse_profile_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A user's page as served at /user/<name>/: the current site embeds its reviews in a
    `__NUXT_DATA__` script (read as the payload it is), the old one renders them as HTML."""
    embedded = common.script_by_id(body[:5_000_000], "__NUXT_DATA__")
    if embedded is not None:
        return parse_nuxt_payload(embedded, url, fetched_at)
    return parse_legacy_profile(body, url, fetched_at)


def parse_legacy_profile(body: bytes, url: str, fetched_at: datetime) -> Page:
    """/user/<name> before 2023: `li.review.user_review` items, the user's own reviews."""
    tree = common.html_tree(body)
    owner = _USER_PATH.search(common.meta(tree, "og:url") or "") or _USER_PATH.search(url)
    title = common.node_text(tree.css_first("title")) or ""
    name = owner["user"] if owner else title.split("'s Profile")[0].strip() or None
    if not name:
        raise ParseError(SITE, url, "whose profile this is (og:url or the page title)")
    name = common.owner_handle(SITE, url, name, "whose profile this is, a user name")
    profile = Profile(f"{SITE}:{name}", SITE, name, "user", name, f"{SITE_URL}/user/{name}/")
    page = Page(profiles=[profile])
    # The old site's pager: "next" in a flipper span (absent on the last page).
    more = tree.css_first(".flipper.next a[href], a[rel=next][href]")
    if more is not None:
        page.next = Request(urljoin(url, more.attributes["href"]), "profile_page")
    items = tree.css("li.review.user_review")
    if not items and tree.css_first("ol.user_reviews") is None:
        raise ParseError(SITE, url, "the list of reviews (ol.user_reviews)")
    for item in items:
        link = item.css_first(".product_title a")
        if link is None:
            raise ParseError(SITE, url, "the film link of a review (.product_title a)")
        film = film_for(
            link.attrs.get("href") or "", common.node_text(link) or "", None, None, page_url=url
        )
        page.films.append(film)
        page.reviews.append(
            _legacy_review(item, profile, film, fetched_at, "metacritic-legacy-profile")
        )
    return page


def _product_years(components: list[dict[str, object]]) -> dict[str, int | None]:
    """The page's own product's year, by its id and by its path ("game/elden-ring"). The 2026
    game pages give the product a title id other than the one its reviews cite, so the path
    must match too. A review of another product (a TV season) gets no year from it."""
    years: dict[str, int | None] = {}
    for component in components:
        item = _dict(_dict(component.get("data")).get("item"))
        if _name(component) != "product" or not item:
            continue
        year = common.year_in(item.get("premiereYear"))
        years[str(item.get("id"))] = year
        kind = _KIND_OF_TYPE.get(str(item.get("type")))
        if kind and isinstance(item.get("slug"), str) and item["slug"]:
            years[f"{kind}/{item['slug']}"] = year
    return years


# A product component's `type` and the first segment of its pages' paths.
_KIND_OF_TYPE = {"game-title": "game", "movie": "movie", "show": "tv", "tv-show": "tv"}


def _product_path(link: str) -> str | None:
    """ "game/elden-ring" for /game/elden-ring/; None for deeper paths (a show's season)."""
    parts = urlsplit(link).path.strip("/").split("/")
    return "/".join(parts) if len(parts) == 2 else None


def _typed(profile: Profile) -> bool:
    """Whether a reviewer's handle, read from the page, holds to a typed handle's rules (a
    user's), or a plain slug's (a critic's or publication's, which no user types)."""
    kind, slash, slug = profile.handle.partition("/")
    if slash and kind in ("critic", "publication"):
        return common.plain_slug(slug)
    return common.typed_handle(SITE, profile.handle)


def _reviewer(item: Fields, critic: bool, author: str) -> Profile:
    if not critic:
        if not author:
            raise item.missing("the author of a user review")
        return Profile(
            f"{SITE}:{author}", SITE, author, "user", author, f"{SITE_URL}/user/{author}/"
        )
    slug = item.text("authorSlug") or re.sub(r"\W+", "-", author.lower()).strip("-")
    if not slug:
        # Game pages (2026) credit many reviews to a publication only: the publication is who.
        publication_name = item.text("publicationName")
        publication = item.text("publicationSlug") or re.sub(
            r"\W+", "-", (publication_name or "").lower()
        ).strip("-")
        if not publication:
            raise item.missing("the author or publication of a critic review")
        return Profile(
            f"{SITE}:publication/{publication}",
            SITE,
            f"publication/{publication}",
            "publication",
            publication_name or publication,
            f"{SITE_URL}/publication/{publication}/",
        )
    return Profile(
        f"{SITE}:critic/{slug}",
        SITE,
        f"critic/{slug}",
        "critic",
        author,
        f"{SITE_URL}/critic/{slug}/",
    )


def _payload_review(
    item: Fields, film: Film, fetched_at: datetime, critic: bool, author: str | None = None
) -> tuple[Profile, Review]:
    """A user review (scored 0-10) or a critic review (0-100, linking to the article); the
    `author` when the listing names it rather than the item (a user's own reviews)."""
    author = author or (item.text("author") or "").strip()
    profile = _reviewer(item, critic, author)
    score = item.value("score")
    shown = None if score is None else (f"{score}/100" if critic else str(score))
    return profile, common.review(
        id=f"{profile.id}/{film.id.removeprefix(SITE + ':')}",
        site=SITE,
        profile_id=profile.id,
        film_id=film.id,
        text=item.text("quote"),
        when=timeparse.parse(item.text("date"), fetched_at),
        rating=ratings.to_ten(score, out_of=100 if critic else 10),
        rating_raw=shown,
        url=(item.url("url") if critic else None) or film.url,
        publication=item.text("publicationName"),
        reviewer_name=author or None,
        source="metacritic-critic-reviews" if critic else "metacritic-user-reviews",
    )


def _walk_components(tree: object) -> Iterator[dict[str, object]]:
    """Every page component (a dict with data and meta.componentName), wherever it sits."""
    stack = [tree]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, dict):
            if isinstance(node.get("meta"), dict) and "componentName" in node["meta"]:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _name(component: dict[str, object]) -> str:
    return str(_dict(component.get("meta")).get("componentName"))


def _dict(value: object) -> dict[str, object]:
    """An object of the payload's tree; anything else (a list, a number) holds no fields."""
    return value if isinstance(value, dict) else {}


def _review_items(component: dict[str, object]) -> Iterator[dict[str, object]]:
    """Reviews under data.item (film and show payloads) or data.items (2026 review pages)."""
    data = _dict(component.get("data"))
    item = data.get("item") or {}
    lists = [*(item.values() if isinstance(item, dict) else [item]), data.get("items")]
    for entries in lists:
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and "quote" in entry and "reviewedProduct" in entry:
                yield entry


_API_USER = re.compile(r"/reviews/metacritic/user/users/(?P<user>[^/?#]+)/web")


def parse_user_reviews_api(body: bytes, url: str, fetched_at: datetime) -> Page:
    """The backend's list of one user's reviews (/reviews/metacritic/user/users/<name>/web,
    2025+): `data{totalResults, items[]}`, paged by offset. A page short of totalResults with
    no items is a broken listing, not its end."""
    data = common.load_fields(SITE, body, url).obj("data")
    if not isinstance(data.raw("items"), list):
        raise ParseError(SITE, url, "data.items (a ReviewListComponent of the user's reviews)")
    items = data.objs("items")
    owner = _API_USER.search(urlsplit(url).path)
    if owner is None:
        raise ParseError(SITE, url, "the user's name in the address (/user/users/<name>/web)")
    name = common.owner_handle(SITE, url, unquote(owner["user"]), "the user's name")
    profile = Profile(f"{SITE}:{name}", SITE, name, "user", name, f"{SITE_URL}/user/{name}/")
    page = Page(profiles=[profile])
    films: dict[str, Film] = {}
    for item in items:
        if "reviewedProduct" not in item:
            raise ParseError(SITE, url, "a reviewedProduct in every review item")
        product = item.obj("reviewedProduct")
        film = film_for(
            product.link("url"), product.text("title") or "", None, product.text("id"), page_url=url
        )
        _, review = _payload_review(item, film, fetched_at, critic=False, author=name)
        films.setdefault(film.id, film)
        page.reviews.append(replace(review, source=_api_source(url)))
    page.films = list(films.values())
    query = dict(parse_qsl(urlsplit(url).query))
    offset, total = _int(query.get("offset")) or 0, _int(data.value("totalResults"))
    if total is None:
        raise ParseError(SITE, url, "data.totalResults")
    seen = offset + len(items)
    if seen < total:
        if not items:
            raise ParseError(SITE, url, f"reviews {offset + 1}-{total} (the page was empty)")
        query["offset"] = str(seen)
        base = url.split("?")[0]
        page.next = Request(f"{base}?{urlencode(query)}", "user_reviews_api")
    return page


def _api_source(url: str) -> str:
    kind = dict(parse_qsl(urlsplit(url).query)).get("filterByType") or "all"
    return f"metacritic-user-{kind}"


def _int(value: object) -> int | None:
    # A result count or offset: anything past a billion is no count.
    return numbers.whole(value, 0, 10**9)


def parse_legacy_film_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A film (or show, or game) page before 2023, /movie/<slug> or its /user-reviews page:
    other people's reviews of one product (`div.user_reviews div.review`, or
    `li.review.user_review`), each by its user, scored 0-10; a blurb cut short keeps its
    expanded text."""
    tree = common.html_tree(body)
    address = common.meta(tree, "og:url") or url
    path = _PRODUCT_PATH.match(urlsplit(address).path.removesuffix("/user-reviews"))
    if path is None:
        raise ParseError(SITE, url, "the product the page is about (og:url /movie/<slug>)")
    title = common.meta(tree, "og:title") or common.node_text(tree.css_first("h1")) or ""
    year = common.year_in(common.node_text(tree.css_first(".release_year, .release_date")))
    film = film_for(f"/{path['path']}", title.strip(), year, None, page_url=url)
    items = tree.css("div.user_reviews div.review, li.review.user_review")
    if not items and tree.css_first("div.user_reviews, ol.user_reviews") is None:
        raise ParseError(SITE, url, "the user reviews (div.user_reviews or ol.user_reviews)")
    page = Page(films=[film])
    profiles: dict[str, Profile] = {}
    for number, item in enumerate(items, start=1):
        profile = _legacy_author(item)
        if profile is None:
            page.skipped.append(Skipped(f"review {number}", "no author", unit="reviews"))
            continue
        if profile.url is not None and not _typed(profile):  # unlinked/<name>: a name shown
            page.skipped.append(common.bad_handle(profile.handle, f"review {number}"))
            continue
        profile = profiles.setdefault(profile.id, profile)
        page.reviews.append(
            _legacy_review(
                item,
                profile,
                film,
                fetched_at,
                "metacritic-legacy-film-page",
                reviewer_name=profile.display_name,
            )
        )
    if items and not page.reviews:
        raise ParseError(SITE, url, "a user review with an author (none of them names one)")
    page.profiles = list(profiles.values())
    return page


# A closed account's review keeps the name it was shown under, as plain text.
UNLINKED = "unlinked/"


def _legacy_author(item: LexborNode) -> Profile | None:
    """A review's author: the user its /user/<name> link names, else (a closed account's
    review, shown as plain `<span class="author">EricB.</span>`) the name shown, filed as
    `metacritic:unlinked/<name>` with no url: not linked to any account. None when the item
    names nobody."""
    link = item.css_first(".name a[href*='/user/'], .author a[href*='/user/'], a[href*='/user/']")
    author = _USER_PATH.search(link.attrs.get("href") or "") if link is not None else None
    if author is not None:
        name = author["user"]
        return Profile(f"{SITE}:{name}", SITE, name, "user", name, f"{SITE_URL}/user/{name}/")
    shown = " ".join((common.node_text(item.css_first(".author, .name")) or "").split())
    if not shown:
        return None
    handle = UNLINKED + shown
    return Profile(f"{SITE}:{handle}", SITE, handle, "user", shown, None)


def _legacy_review(
    item: LexborNode,
    profile: Profile,
    film: Film,
    fetched_at: datetime,
    source: str,
    *,
    reviewer_name: str | None = None,
) -> Review:
    """A user review as the site rendered it before 2023 (a profile's or a film page's item):
    score 0-10 in `.metascore_w`, date in `.date`, the expanded blurb when one was cut short."""
    score = common.node_text(item.css_first(".review_score .metascore_w, .metascore_w"))
    body_node = item.css_first(".blurb_expanded") or item.css_first(".review_body")
    return common.review(
        id=f"{profile.id}/{film.id.removeprefix(SITE + ':')}",
        site=SITE,
        profile_id=profile.id,
        film_id=film.id,
        text=body_node.html if body_node is not None else None,
        when=timeparse.parse(common.node_text(item.css_first(".date")), fetched_at),
        rating=ratings.to_ten(score, out_of=10),
        rating_raw=score,
        url=film.url,
        reviewer_name=reviewer_name,
        source=source,
    )


_SEASON = re.compile(r"season-(\d+)")
_LD_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")


def parse_product_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A product's own page (/movie/<slug>/, /tv/<slug>/), read for the year a review listing
    left out (scraper/jobs/film_details.py). Its __NUXT_DATA__ gives the page's `product` item's
    premiereYear and releaseDate, and each season's releaseYear; its ld+json a datePublished.
    All but premiereYear are US (re-)release dates (Black Orpheus: 2006 for a 1959 film;
    Lawrence of Arabia's re-release page: premiereYear 1962, releaseDate 2002-09-20), so the
    earliest is kept (piemkay/spielplan captures of 2026-08-14 @ 6dca516; corpus
    nuxt-data-*-page-2026.json). Related films in the same payload carry their own
    premiereYear: only the product component is read. A season (the URL's #season-N, asked
    of its show's page) takes its own releaseYear."""
    tree = common.html_tree(body)
    parts = urlsplit(url)
    season = _SEASON.fullmatch(parts.fragment)
    path = parts.path if not season else f"{parts.path.rstrip('/')}/{parts.fragment}/"
    embedded = common.script_by_id(body[:5_000_000], "__NUXT_DATA__")
    components: list[dict[str, object]] = []
    if embedded is not None:
        try:
            payload = unflatten(json.loads(text.decode_lenient(embedded)))
        except (ValueError, RecursionError) as exc:
            raise ParseError(SITE, url, f"a Nuxt devalue payload ({exc})") from None
        components = list(_walk_components(payload))
    product = next((c for c in components if _name(c) == "product"), None)
    item = _dict(_dict(product.get("data")).get("item")) if product else {}
    title = str(item.get("title") or common.meta(tree, "og:title") or "").strip()
    if not item and not title:
        raise ParseError(SITE, url, "the product of the page (its __NUXT_DATA__ product)")
    if season:
        years = _season_years(components, numbers.whole(season[1], 0, 10**4))
    else:
        years = [common.year_in(item.get("premiereYear"))]
        years += [_date_year(item.get("releaseDate")), *_ld_years(tree)]
    found = [y for y in years if y and y <= fetched_at.year + 2]
    film = film_for(path, title, min(found) if found else None, item.get("id"), page_url=url)
    return Page(films=[film])


def _season_years(components: list[dict[str, object]], number: int | None) -> list[int | None]:
    years: list[int | None] = []
    for component in components:
        if _name(component) != "seasons":
            continue
        entries = _dict(component.get("data")).get("items")
        for entry in entries if isinstance(entries, list) else []:
            season = _dict(entry)
            if number is not None and season.get("seasonNumber") == number:
                years += [common.year_in(season.get("releaseYear"))]
                years += [_date_year(season.get("premiereDate"))]
    return years


def _ld_years(tree: LexborHTMLParser) -> list[int | None]:
    years: list[int | None] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text())
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict):
            years.append(_date_year(data.get("datePublished") or data.get("dateCreated")))
    return years


def _date_year(value: object) -> int | None:
    match = _LD_DATE.match(value) if isinstance(value, str) else None
    return numbers.year(match[1]) if match else None
