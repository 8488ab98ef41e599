"""Archive saved pages and API responses (browser "save as", RatS dumps) without the network."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from scraper import sites
from scraper.errors import DiskFull, ParseError, ScrapeError, UsageError
from scraper.models import NO_CONTEXT, DateOrder, Fetched, Page, ParseContext, Skipped, Target
from scraper.sites import viewsource
from scraper.sites.nesting import Unbounded
from scraper.sites.site import Export
from scraper.store import archive, archive_lists, runs
from scraper.store.writer import PageWriter
from scraper.wording import plural

if TYPE_CHECKING:
    import sqlite_utils
    from _typeshed import WriteableBuffer

MiB = 1024 * 1024
# What an import reads of one file. The largest files people import are exports, read as
# streams a batch of rows at a time (memory does not grow with the file): an IMDb export of
# 1,000,000 ratings is 230 MB, a Letterboxd zip of as many rows about 60 MB. Within it, exports
# are read row by row within the bounds of scraper.sites.csvfiles and each site's export.
MAX_FILE = 512 * MiB
# A saved page or API response is parsed whole (an HTML tree costs up to 100 bytes per byte
# of markup, a JSON document 30): the largest in the corpus is 0.47 MB.
MAX_PAGE = 2 * MiB
# What people keep beside their captures (a README, notes, scans, screenshots). No site serves
# them, but a README that quotes markup (`<script id="reviews-json">`) looks like a page to a
# content sniff: of these, only a review copied as text is read.
DOCUMENTS = frozenset(
    [
        ".md",
        ".markdown",
        ".rst",
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".svg",
        ".heic",
    ]
)
# A .txt is read as anything else is (a response saved as text is still one); one that is not
# recognised is a note, like the DOCUMENTS, when a folder holds it.
_NOTES = DOCUMENTS | {".txt"}


class NotRecognised(UsageError):
    """A file that no site's parser reads."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user said of the files of one import."""

    # --site: only this site's parsers are tried.
    site: str | None = None
    # --profile: whose the files are (only their reviews are kept).
    profile: Target | None = None
    # --captured-at: when the pages were saved (else each file's modification time).
    captured_at: datetime | None = None
    # --url: the address the file was saved from.
    source_url: str | None = None
    # What the parsers are told that a file cannot say itself (--date-order).
    context: ParseContext = NO_CONTEXT


@dataclass(slots=True)
class ImportResult:
    files: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    formats: dict[str, int] = field(default_factory=dict)
    # Files left out, each with the one-line reason (and the option that would help).
    refused: list[str] = field(default_factory=list)
    # Whose reviews were saved: `scrape status` counts them as the profiles an import touched.
    profiles: set[str] = field(default_factory=set)
    # Files whose reviews are dated by ages ("2 years ago") with no --captured-at to count them
    # from, and how many such reviews each has: their dates have an upper bound only.
    undated: dict[str, int] = field(default_factory=dict)
    # Of the reviews, those the site's own export lists as deleted (Letterboxd's deleted/):
    # archived as records of their own, counted apart so that a summary never hides them.
    deleted: int = 0
    # Records each file left out because nothing in them identifies them (a row whose URI
    # names no film), by file: the summary names them, one line a file.
    skipped: dict[str, list[Skipped]] = field(default_factory=dict)
    # What each file's parser could not place (Page.notes), with how many rows each touched.
    notes: dict[str, dict[str, int]] = field(default_factory=dict)
    # Lists, films on them, and films on watchlists (Letterboxd's export).
    listed: archive_lists.ListCounts = field(default_factory=archive_lists.ListCounts)
    # Documentation files a folder held (see DOCUMENTS): passed over, not refused.
    passed_over: list[str] = field(default_factory=list)

    def tallies(self) -> dict[str, int]:
        """What the runs table records of this import."""
        return {
            "files": self.files,
            "reviews": self.reviews,
            "new": self.counts.new,
            "changed": self.counts.changed,
            "profiles": len(self.profiles),
        }


def import_paths(
    db_path: str | Path,
    paths: list[Path],
    *,
    site: str | None = None,
    profile: Target | str | None = None,
    captured_at: datetime | None = None,
    source_url: str | None = None,
    date_order: DateOrder | None = None,
) -> ImportResult:
    """Parse and archive every file under `paths`, keeping only `profile`'s reviews when given
    (a Target, or as the user names one: SITE:HANDLE, or a handle with `site`), each file (and
    its raw body) in one transaction, one after the other. A file that cannot be read, is not
    recognised or does not parse is left out with its reason in `result.refused`, and the
    others are imported; a single file given alone and refused raises its error instead.

    Relative ages ("5 years ago") are counted back from `captured_at`; without it, from the
    file's modification time, and since a copy may be newer than the capture, only the upper
    bound is kept then (earliest stays unknown).
    """
    if isinstance(profile, str):
        profile = sites.resolve(profile, site=site)[0]
    files = list(_files(paths))
    named = {p for p in paths if not p.is_dir()}
    options = ImportOptions(site, profile, captured_at, source_url, ParseContext(date_order))
    # A file given alone and refused fails with its own error, before the archive is opened
    # (a file refused past its first batch is rolled back, and fails the same way).
    try:
        alone = _open(files[0], options) if len(files) == 1 else None
    except ScrapeError as error:
        raise _named(files[0], error) from None
    result = ImportResult()
    with runs.recorded(db_path, "import", tallies=result.tallies) as run:
        for path in files:
            # One file at a time, a batch of rows at a time: memory stays flat however many
            # files, however long. A full disk or Ctrl-C ends the run: the files before it
            # stay saved.
            try:
                opened = alone or _open(path, options)
            except NotRecognised as error:
                if path not in named and path.suffix.lower() in _NOTES:
                    result.passed_over.append(str(path))
                else:
                    result.refused.append(_refusal(path, error))
                continue
            except ScrapeError as error:
                result.refused.append(_refusal(path, error))
                continue
            try:
                _write(run.db, opened, run.id, path, result, captured_at)
            except DiskFull:
                raise  # no file can be written now: the run ends, as it always has
            except ScrapeError as error:
                # A row refused late in the file: the file was rolled back whole.
                if alone is not None:
                    raise _named(path, error) from None
                result.refused.append(_refusal(path, error))
        run.status = "failed" if result.refused else "ok"
        # Led by the count, as the import's last line was: `scrape status` shows it on the run.
        total = plural(result.files + len(result.refused), "file")
        refused = f"{len(result.refused)} of {total} refused: " + "; ".join(result.refused)
        run.error = refused if result.refused else None
    return result


@dataclass(slots=True)
class _Opened:
    """A file ready to be written: its fetch record (without its body, which is read again from
    `open_body` as it is stored) and its pages, the first already parsed."""

    fetched: Fetched
    open_body: Callable[[], BinaryIO]
    pages: Iterator[Page]


def _write(
    db: sqlite_utils.Database,
    opened: _Opened,
    run_id: int,
    path: Path,
    result: ImportResult,
    captured_at: datetime | None,
) -> None:
    """One file, in one transaction: a row that fails late leaves nothing of the file."""
    fetched = replace(opened.fetched, run_id=run_id)
    counts = archive.SaveCounts()
    tally = ImportResult()
    written = PageWriter(db, entry_kinds=sites.entry_kinds()).save_stream(
        opened.pages, fetched=fetched, open_body=opened.open_body
    )
    for page, saved in written:
        counts.add(saved.counts)
        tally.listed.add(saved.listed)
        tally.reviews += len(page.reviews)
        tally.deleted += sum(r.deleted for r in page.reviews)
        if page.skipped:
            tally.skipped.setdefault(str(path), []).extend(page.skipped)
        tally.profiles.update(r.profile_id for r in page.reviews if r.profile_id)
        for note, count in page.notes.items():
            noted = tally.notes.setdefault(str(path), {})
            noted[note] = noted.get(note, 0) + count
        aged = sum(r.when.precision == "relative" for r in page.reviews)
        if aged and captured_at is None:
            tally.undated[str(path)] = tally.undated.get(str(path), 0) + aged
    result.counts.add(counts)
    result.files += 1
    result.reviews += tally.reviews
    result.deleted += tally.deleted
    result.listed.add(tally.listed)
    result.skipped.update(tally.skipped)
    result.profiles |= tally.profiles
    result.undated.update(tally.undated)
    result.notes.update(tally.notes)
    result.formats[fetched.parser] = result.formats.get(fetched.parser, 0) + 1


_OG_URL = re.compile(
    rb"""<meta\s+property=["']og:url["']\s+content=["'](?P<url>https?://[^"'\s<>]+)["']""", re.I
)


def _own_address(body: bytes) -> str | None:
    """The address a saved HTML page names for itself in <meta property="og:url"> (a page
    saved from a view-source tab: the page it shows, see sites.viewsource)."""
    # A wrapper past the nesting bounds is refused by its parser, which says why.
    with contextlib.suppress(Unbounded):
        body = viewsource.unwrapped(body) if len(body) <= MAX_PAGE else body
    found = _OG_URL.search(body[:300_000])
    return found["url"].decode("ascii", errors="ignore") if found else None


def listed_line(listed: archive_lists.ListCounts) -> str | None:
    """`3 lists (41 films) and a watchlist of 2,540 films`, or None when there were none."""
    parts = []
    if listed.lists:
        films = f"{listed.list_entries:,} film{'' if listed.list_entries == 1 else 's'}"
        parts.append(f"{listed.lists:,} list{'' if listed.lists == 1 else 's'} ({films})")
    if listed.watchlist:
        films = f"{listed.watchlist:,} film{'' if listed.watchlist == 1 else 's'}"
        parts.append(f"a watchlist of {films}")
    return " and ".join(parts) or None


def skipped_line(file: str, skipped: list[Skipped]) -> str:
    """One line naming a file's skipped records: `skipped 3 rows: watched.csv row 12 (no
    Name); ... (in <file>)`."""
    count = sum(s.count for s in skipped)
    units = {s.unit for s in skipped}
    unit = units.pop() if len(units) == 1 else "records"
    noun = unit.removesuffix("s") if count == 1 else unit
    named = "; ".join(
        f"{s.where} ({s.why})" if s.count == 1 else f"{s.count:,} {s.where} ({s.why})"
        for s in skipped
    )
    return f"skipped {count:,} {noun}: {named} (in {file})"


def _refusal(path: Path, error: ScrapeError) -> str:
    text = str(error)
    if isinstance(error, ParseError) and error.url.split("#")[0] == path.resolve().as_uri():
        # The address a file is parsed under when it names none is the file again.
        text = f"{error.site}: cannot parse it: {error.missing}"
    return text if text.startswith(str(path)) else f"{path}: {text}"


def _named(path: Path, error: ScrapeError) -> ScrapeError:
    """The error of a file given alone, led by its name as a refusal among many is (a parse
    error names only the address the file was read as)."""
    error.args = (_refusal(path, error),)
    return error


def apply_import_rules(page: Page, *, keep_profile: str | None, exact_capture: bool) -> Page:
    """What an import does beyond parsing; `scrape reparse` applies it again from the record."""
    if keep_profile:
        page.reviews = [r for r in page.reviews if r.profile_id in (keep_profile, None)]
    # Links a page made relative to its file (file:///...) are no address on the site.
    page.reviews = [
        replace(r, url=None) if (r.url or "").startswith("file:") else r for r in page.reviews
    ]
    page.films = [
        replace(f, url=None) if (f.url or "").startswith("file:") else f for f in page.films
    ]
    if not exact_capture:
        page.reviews = [
            replace(r, when=replace(r.when, earliest=None)) if r.when.precision == "relative" else r
            for r in page.reviews
        ]
    return page


def _files(paths: list[Path]) -> Iterator[Path]:
    """Each file to import; an unzipped site export (a folder) counts as one file."""
    for path in paths:
        if path.is_dir() and _is_export(path):
            yield path
        elif path.is_dir():
            exports = sorted(p for p in path.rglob("*") if p.is_dir() and _is_export(p))
            yield from exports
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(e in p.parents for e in exports)
            )
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"{path}: no such file or folder")


def _is_export(folder: Path) -> bool:
    return any(
        export.is_export_folder(folder)
        for export in _exports()
        if export.is_export_folder is not None
    )


def _exports() -> list[Export]:
    return [site.export for site in sites.SITES.values() if site.export is not None]


def _packed(folder: Path) -> tuple[Path, tempfile.TemporaryDirectory[str]] | None:
    """A folder that is a site's unzipped export, as the zip it came in (see pack_export), in
    a temporary file (an export of a million rows is not held in memory), with the directory
    that holds it: removed when the last reference to it goes."""
    for export in _exports():
        if export.pack_export is None:
            continue
        scratch = tempfile.TemporaryDirectory(prefix="scrape-import-")
        target = Path(scratch.name) / "export.zip"
        with target.open("wb") as into:
            if export.pack_export(folder, into) is not None:
                return target, scratch
        scratch.cleanup()
    return None


def _too_large(path: Path, limit: int, what: str) -> str:
    return f"{path}: larger than {limit / MiB:g} MiB, the most scrape imports from {what}"


def _source(path: Path) -> tuple[bytes, Callable[[], BinaryIO]]:
    """The file's head (its whole body when it is no bigger than a page) and a way to read it
    all as a stream, or a UsageError past MAX_FILE (read no further than that: a file may
    grow, or say another size, while it is read)."""
    scratch = None
    if path.is_dir():
        packed = _packed(path)
        if packed is None:
            return b"", lambda: io.BytesIO(b"")
        path, scratch = packed
    if path.stat().st_size > MAX_FILE:
        raise UsageError(_too_large(path, MAX_FILE, "one file"))
    with path.open("rb") as file:
        head = file.read(MAX_PAGE + 1)
    if len(head) <= MAX_PAGE:
        return head, lambda: io.BytesIO(head)
    # The packed folder's directory lives as long as this way of reading it.
    return head, lambda keep=scratch: io.BufferedReader(_Bounded(path), 1024 * 1024)


class _Bounded(io.RawIOBase):
    """A file read as a stream that fails past MAX_FILE, however it grows while read."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = path.open("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: WriteableBuffer) -> int:
        count = self._file.readinto(buffer)
        if self._file.tell() > MAX_FILE:
            raise UsageError(_too_large(self._path, MAX_FILE, "one file"))
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _sniff(
    head: bytes, open_body: Callable[[], BinaryIO], site: str | None
) -> tuple[str, str] | None:
    """(site, parser) of the file: from its head, or for a zip from its directory."""
    if len(head) <= MAX_PAGE:
        return sites.sniff(head, site)
    for name, declared in sites.SITES.items():
        reader = declared.export.sniff_stream if declared.export else None
        if site in (None, name) and reader and (parser := reader(head, open_body)):
            return name, parser
    return sites.sniff(head, site)


def _open(path: Path, options: ImportOptions) -> _Opened:
    site, profile, captured_at = options.site, options.profile, options.captured_at
    try:
        head, open_body = _source(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    found = _sniff(head, open_body, site)
    if found is not None and path.suffix.lower() in DOCUMENTS and found[1] != "copied_review":
        found = None
    if found is None:
        for declared in sites.SITES.values():
            fragment = declared.full_text.saved_alone(head) if declared.full_text else None
            if fragment is not None:
                raise NotRecognised(f"{path}: {fragment}")
    if found is None:
        raise NotRecognised(
            f"{path}: not a page or response that scrape recognises "
            f"(known: {', '.join(sites.SITES)} pages and API responses)"
        )
    site_name, parser = found
    if len(head) > MAX_PAGE and parser not in sites.SITES[site_name].streams():
        raise UsageError(_too_large(path, MAX_PAGE, "a saved page or response"))
    fetched_at = captured_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    declared = sites.SITES[site_name]
    # The page's own address when the user gives it (a saved fragment may name nothing else),
    # else the one a saved page names itself (og:url), else the listing of --profile (so that
    # formats that do not name their owner get one): only a page that names nothing at all is
    # parsed under its file's address.
    url = (
        options.source_url
        or _own_address(head)
        or (declared.import_url(profile.handle) if profile else path.resolve().as_uri())
    )
    keep = profile.profile_id if profile else None
    exact = captured_at is not None
    stream = sites.stream(site_name, parser, open_body, url, fetched_at, context=options.context)
    pages = (apply_import_rules(p, keep_profile=keep, exact_capture=exact) for p in stream)
    try:
        # The first batch is read now: a file refused in its header or first rows is refused
        # before the archive is opened.
        first = next(pages)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    fetched = Fetched(
        body=b"",
        url=url,
        site=site_name,
        parser=parser,
        parser_version=declared.parser_version,
        fetched_at=fetched_at,
        profile_id=keep,
        exact_capture=exact,
        keep_profile=keep,
        date_order=options.context.date_order,
    )
    return _Opened(fetched, open_body, itertools.chain([first], pages))
