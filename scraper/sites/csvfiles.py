"""The CSV files of site exports (IMDb's ratings, Letterboxd's zip), read row by row within
fixed bounds, so that no file, however made, costs more memory than a large real export.

A file's reviews are written a batch at a time (all in the file's one transaction), so what is
held is one batch, however long the file. Why these bounds:
- MAX_HELD: what may be held at once, counted as it is made: each review or rating with its
  film (RECORD_COST, as measured: 1.6 kB parsed, 0.6 kB more while written), each row read
  (ROW_COST), and the actual size of the review texts held (a character takes 1, 2 or 4
  bytes); `release` returns it when a batch is written, at BATCH rows or BATCH_HELD bytes,
  whichever comes first: far below the bound, whatever the rows.
- MAX_ROWS: rows read in one file, all the CSVs of an export together. Memory no longer grows
  with rows, only time and disk: an IMDb export of 1,000,000 ratings (230 MB) imports in
  under 150 MB. The bound stops a file of endless tiny rows from running for hours.
- MAX_FIELD: the longest field in the corpus is a review of 3,486 characters; the standard
  library stops at 131,072 with a traceback. A million characters is a book-length review.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from scraper.errors import ParseError

MiB = 1024 * 1024
MAX_HELD = 160 * MiB
RECORD_COST = 2_000
ROW_COST = 500
MAX_ROWS = 2_000_000
# A batch is written when it has BATCH rows or holds BATCH_HELD (see the module's docstring):
# big batches make fewer, larger statements (10,000 rows: 6% faster than 2,000), the bytes
# keep a batch of long reviews small.
BATCH = 10_000
BATCH_HELD = 24 * MiB
MAX_FIELD = 1_000_000
# A physical line longer than any row of fields within MAX_FIELD could be is refused before
# the csv module sees it: its reader takes whole lines, so an endless line would be held whole.
MAX_LINE = 2 * MAX_FIELD
_CHUNK = 1024 * 1024

# The limit is the csv module's own (process-wide): set here, where every export is read.
csv.field_size_limit(MAX_FIELD)


def encoding_of(chunks: Iterable[bytes]) -> str:
    """The encoding to read the bytes with: UTF-8 (with or without a BOM) when they are valid
    UTF-8, else Windows-1252, as older exports are. Checked a chunk at a time; nothing kept."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def chunks_of(body: bytes) -> Iterator[bytes]:
    """The body a megabyte at a time, for encoding_of."""
    view = memoryview(body)
    for start in range(0, len(body), _CHUNK):
        yield bytes(view[start : start + _CHUNK])


@dataclass(slots=True)
class Budget:
    """What one imported file may hold: every CSV of an export draws on the same counts. A
    file read twice (a second pass over the same rows) is counted once."""

    site: str
    url: str
    rows: int = 0
    held: int = 0
    per_file: dict[str, int] = field(default_factory=dict)
    # What a row read leaves held: 0 for a reader that keeps nothing of rows it passes over.
    row_cost: int = ROW_COST

    def take(self, name: str, row: int) -> None:
        """Count row number `row` of file `name` (see Rows)."""
        if row <= self.per_file.get(name, 0):
            return
        self.per_file[name] = row
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise ParseError(
                self.site,
                self.url,
                f"at most {MAX_ROWS:,} rows in one file ({name} goes past it at row {row:,})",
            )
        self.hold(records=0, extra=self.row_cost)

    @property
    def full(self) -> bool:
        """Whether the batch held so far is as big as a batch may be."""
        return self.held >= BATCH_HELD

    def release(self) -> None:
        """The batch held so far is written: it no longer counts."""
        self.held = 0

    def hold(self, *texts: str | None, records: int = 1, extra: int = 0) -> None:
        """Count `records` reviews (with their films) and the texts they keep."""
        self.held += records * RECORD_COST + extra
        for text in texts:
            if text:
                self.held += sys.getsizeof(text)
        if self.held > MAX_HELD:
            raise ParseError(
                self.site,
                self.url,
                f"at most {MAX_HELD / MiB:g} MiB of reviews in one file held at once (about "
                f"{MAX_HELD // (RECORD_COST + ROW_COST):,} reviews and ratings, fewer with long "
                "texts); this file holds more",
            )


class Rows:
    """The rows of one CSV file as dicts, read from a byte stream as they are needed."""

    def __init__(self, stream: IO[bytes], name: str, budget: Budget, encoding: str) -> None:
        self.name, self.budget = name, budget
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        self._reader = csv.DictReader(self._lines(text))

    @property
    def columns(self) -> list[str]:
        return list(self._guarded(lambda: self._reader.fieldnames) or [])

    def rename(self, names: dict[str, str]) -> None:
        """Read the columns under other names (an older export's header)."""
        self._reader.fieldnames = [names.get(n, n) for n in self.columns]

    def __iter__(self) -> Iterator[dict[str, str]]:
        return self._counted(self._reader)

    def lines(self) -> Iterator[tuple[int, list[str]]]:
        """Every row as read, the first one too, with the line it ends on (blank lines left
        out): a file that holds several tables, each under its own header (Letterboxd's list
        export), before its columns are asked for."""
        reader = self._reader.reader
        for found in self._counted(reader):
            yield reader.line_num, found

    def pick(self, *names: str) -> Iterator[tuple[str, ...]]:
        """Only these columns of each row ("" where a row has none): a pass that needs two
        columns of every row (a file's date order) without making a dict of each."""
        columns = self.columns
        spots = [columns.index(n) if n in columns else None for n in names]
        if None in spots:
            for found in self._counted(self._reader.reader):
                yield tuple(found[i] if i is not None and i < len(found) else "" for i in spots)
            return
        # Every column there: one C call per row (a million-row file passes here twice).
        where = [i for i in spots if i is not None]
        get, last = operator.itemgetter(*where), max(where)
        for found in self._counted(self._reader.reader):
            if len(found) > last:
                yield get(found) if len(where) > 1 else (get(found),)
            else:
                yield tuple(found[i] if i < len(found) else "" for i in where)

    def _counted(self, reader: Iterator[Any]) -> Iterator[Any]:
        """The rows of `reader`, each counted against the budget; a broken row is a refusal."""
        row, take = 0, self.budget.take
        while True:
            try:
                found = next(reader, None)
            except csv.Error as exc:
                raise self._broken(exc) from None
            if found is None:
                return
            if not found:
                continue  # a blank line is no row, as DictReader has it
            row += 1
            take(self.name, row)
            yield found

    def _lines(self, text: io.TextIOWrapper) -> Iterator[str]:
        number = 0
        while line := text.readline(MAX_LINE):
            number += 1
            if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
                raise self._too_long(number)
            yield line

    def _too_long(self, line: int) -> ParseError:
        return ParseError(
            self.budget.site,
            self.budget.url,
            f"fields of at most {MAX_FIELD:,} characters (line {line:,} of {self.name} has a "
            "longer one)",
        )

    def _guarded(self, read: Callable[[], Sequence[str] | None]) -> Sequence[str] | None:
        try:
            return read()
        except csv.Error as exc:
            raise self._broken(exc) from None

    def _broken(self, exc: csv.Error) -> ParseError:
        # The DictReader's own count lags behind the row that failed.
        line = self._reader.reader.line_num
        if "field limit" in str(exc):
            return self._too_long(line)
        return ParseError(
            self.budget.site,
            self.budget.url,
            f"a well-formed CSV file (line {line:,} of {self.name}: {exc})",
        )
