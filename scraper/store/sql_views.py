"""The archive's SQL views, and the expressions they share with the reading commands and the
reading room: derived data only, dropped and made again by schema.ensure_schema, so a new
version of scrape can change them freely (the tables, in schema.py, only ever gain columns)."""

# When a review was written, as views show it: NULL for an age ("2 years ago") counted from a
# file's modification time, which bounds the date from above only (`date_latest`): such a date
# would put years-old reviews at the top of "newest first" and in this year's counts.
KNOWN_DATE = """CASE WHEN {r}created_at_precision = 'relative' AND {r}created_at_earliest IS NULL
    THEN NULL ELSE {r}created_at END"""

# A row that only repeats, for one person and film, what their viewings of it say (Letterboxd's
# rating of a film, from ratings.csv or the films grid, beside its diary entries): counted,
# listed and searched once, as the viewings, which take its rating when they have none of
# their own. A row with text of its own is never folded.
FOLDED = """({r}watched_on IS NULL AND {r}text IS NULL AND EXISTS (
    SELECT 1 FROM reviews v WHERE v.profile_id = {r}profile_id AND v.film_id = {r}film_id
      AND v.watched_on IS NOT NULL AND v.deleted_at IS NULL))"""
# A person as a reader knows them: their name, else the handle, shortened when it is a long
# opaque token (Rotten Tomatoes audience handles run to 100 characters).
SHORT_HANDLE = """CASE WHEN length({p}handle) > 24
    THEN substr({p}handle, 1, 12) || '…' || substr({p}handle, -6) ELSE {p}handle END"""
SHORT_NAME = "coalesce({p}display_name, " + SHORT_HANDLE + ")"
PERSON = "coalesce(p.display_name, r.reviewer_name, " + SHORT_NAME.format(p="p.") + ")"
FILM_RATING = """(CASE WHEN {r}rating IS NULL AND {r}watched_on IS NOT NULL THEN (
    SELECT o.rating FROM reviews o WHERE o.profile_id = {r}profile_id AND o.film_id = {r}film_id
      AND o.watched_on IS NULL AND o.rating IS NOT NULL AND o.deleted_at IS NULL LIMIT 1)
    ELSE {r}rating END)"""

# Views people query (in Datasette or SQL). Derived data only: dropped and made again by
# ensure_schema, so a new version of scrape can change them freely.
VIEWS = {
    # Reading order first (film, year, stars, date, person, text): Datasette shows a view's
    # columns in this order, and the reading room hides the internal ones at the end.
    "review_list": """
        SELECT f.title AS film, f.year,
               CASE WHEN """
    + FILM_RATING.format(r="r.")
    + """ IS NOT NULL
                   THEN printf('%g', round("""
    + FILM_RATING.format(r="r.")
    + """ / 2, 2)) END
                   AS stars,
               """
    + KNOWN_DATE.format(r="r.")
    + """ AS date, """
    + PERSON
    + """ AS reviewer, r.text, r.rating_raw AS rating_shown, r.sentiment, f.kind, r.site,
               """
    + FILM_RATING.format(r="r.")
    + """ AS rating,
               substr("""
    + KNOWN_DATE.format(r="r.")
    + """, 1, 4) AS year_reviewed,
               r.created_at_precision AS date_precision,
               r.created_at_earliest AS date_earliest, r.created_at_latest AS date_latest,
               CASE WHEN r.deleted_at IS NOT NULL THEN 'deleted'
                    WHEN r.missing_since IS NOT NULL THEN 'missing' ELSE 'current' END AS status,
               r.publication, f.url AS film_url, r.url AS review_url, r.first_seen_at,
               r.updated_at, r.watched_on, r.liked, r.liked_on,
               CASE WHEN r.rating IS NULL AND r.text IS NULL AND r.sentiment IS NULL
                    THEN 1 ELSE 0 END AS watched_only,
               r.rowid AS review_rowid, r.id, r.profile_id, r.film_id
        FROM reviews r JOIN films f ON f.id = r.film_id
        LEFT JOIN profiles p ON p.id = r.profile_id
        WHERE NOT """
    + FOLDED.format(r="r.")
    + """
    """,
    # (stars is text, "3.5": a view's computed column has no type, and Datasette's facet links
    # and filters pass values as text, which would never equal a number.)
    "reviews_per_year": """
        SELECT site, profile_id, substr("""
    + KNOWN_DATE.format(r="")
    + """, 1, 4) AS year_reviewed,
               count(*) AS reviews, count(text) AS with_text,
               round(avg("""
    + FILM_RATING.format(r="reviews.")
    + """), 2) AS avg_rating
        FROM reviews WHERE deleted_at IS NULL AND NOT """
    + FOLDED.format(r="reviews.")
    + """
        GROUP BY site, profile_id, year_reviewed
    """,
    "reviews_per_rating": """
        SELECT site, profile_id, """
    + FILM_RATING.format(r="reviews.")
    + """ AS rating,
               round("""
    + FILM_RATING.format(r="reviews.")
    + """ / 2, 1) AS stars,
               count(*) AS reviews
        FROM reviews WHERE deleted_at IS NULL AND NOT """
    + FOLDED.format(r="reviews.")
    + """
        GROUP BY site, profile_id, 3
    """,
    # What a reader compares first: the film, who, when, the ratings, then the two texts (the
    # reading room shows them one above the other with the changes marked).
    "changed_reviews": """
        SELECT f.title AS film, f.year, """
    + PERSON
    + """ AS reviewer, v.replaced_at,
               v.rating_raw AS previous_rating_shown, r.rating_raw AS rating_shown,
               v.text AS previous_text, r.text, r.site, v.rating AS previous_rating, r.rating,
               v.seen_from AS previous_seen_from, r.url AS review_url,
               r.rowid AS review_rowid, r.id, r.profile_id
        FROM review_versions v JOIN reviews r ON r.id = v.review_id
        JOIN films f ON f.id = r.film_id
        LEFT JOIN profiles p ON p.id = r.profile_id
    """,
    "deleted_reviews": """
        SELECT r.id, r.site, r.profile_id, f.title AS film, f.year, r.rating_raw AS rating_shown,
               r.rating, r.text, r.created_at AS date, r.missing_since, r.missing_count,
               r.deleted_at, r.url AS review_url
        FROM reviews r JOIN films f ON f.id = r.film_id
        WHERE r.missing_since IS NOT NULL OR r.deleted_at IS NOT NULL
    """,
    # The same film on several sites: films that share a film_links key with a film of another
    # site. match_kind is 'id' when an identifier joined them (an IMDb id in an export, a TMDB id
    # in a Letterboxd feed), else 'title' (lower-cased title + release year; no year, no match).
    "films_across_sites": """
        WITH shared AS (
            SELECT a.film_id, a.key, a.kind
            FROM film_links a JOIN film_links b ON b.key = a.key AND b.film_id != a.film_id
            JOIN films fa ON fa.id = a.film_id JOIN films fb ON fb.id = b.film_id
            WHERE a.kind IN ('id', 'title') AND fa.site != fb.site
        ), matched AS (
            SELECT film_id, min(kind) AS match_kind,
                   coalesce(min(CASE WHEN kind = 'title' THEN key END), min(key)) AS film_key
            FROM shared GROUP BY film_id
        )
        SELECT m.film_key, m.match_kind, f.title AS film, f.year, f.site, r.profile_id,
               r.rating_raw AS rating_shown, r.rating, r.created_at AS date, f.url AS film_url
        FROM matched m JOIN films f ON f.id = m.film_id
        JOIN reviews r ON r.film_id = f.id AND r.deleted_at IS NULL
    """,
    # The films of every list, in each list's order (what Datasette shows unsorted). status:
    # current; removed (a later export of the list no longer has the film); list deleted (the
    # export has it under deleted/lists/); list removed (a later export has no such list).
    "list_films": """
        SELECT l.name AS list, e.position, f.title AS film, f.year, e.notes,
               CASE WHEN e.last_captured_at < l.last_captured_at THEN 'removed'
                    WHEN l.deleted = 1 THEN 'list deleted'
                    WHEN l.last_captured_at < coalesce(p.lists_captured_at, '')
                    THEN 'list removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, l.site, f.url AS film_url, l.url AS list_url,
               e.first_captured_at, e.last_captured_at, l.profile_id, e.list_id, e.film_id
        FROM list_entries e JOIN lists l ON l.id = e.list_id JOIN films f ON f.id = e.film_id
        LEFT JOIN profiles p ON p.id = l.profile_id
        ORDER BY l.profile_id, l.name, l.id, e.position IS NULL, e.position, f.title
    """,
    # Each list with how many films it has now.
    "list_summary": """
        SELECT l.name AS list, l.description, l.tags, l.created_on,
               (SELECT count(*) FROM list_entries e WHERE e.list_id = l.id
                  AND e.last_captured_at = l.last_captured_at) AS films,
               CASE WHEN l.deleted = 1 THEN 'deleted'
                    WHEN l.last_captured_at < coalesce(p.lists_captured_at, '')
                    THEN 'removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, l.site, l.url AS list_url, l.first_captured_at, l.last_captured_at,
               l.profile_id, l.id AS list_id
        FROM lists l LEFT JOIN profiles p ON p.id = l.profile_id
        ORDER BY l.profile_id, l.name, l.id
    """,
    # The watchlist. status: current; removed (a later export's watchlist no longer has it).
    "watchlist_films": """
        SELECT f.title AS film, f.year, w.added_on,
               CASE WHEN w.last_captured_at < coalesce(p.watchlist_captured_at, '')
                    THEN 'removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, f.site, f.url AS film_url, w.first_captured_at, w.last_captured_at,
               w.profile_id, w.film_id
        FROM watchlist w JOIN films f ON f.id = w.film_id
        LEFT JOIN profiles p ON p.id = w.profile_id
    """,
}
