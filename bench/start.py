"""Start: wall time of whole `scrape` processes that should feel instant (--help, --version,
search, stats, status), and `scrape search` against the sqlite-utils CLI's search on the same
million-review archive, run in alternating pairs so that drift in the machine hits both alike.

    python -m bench.start [--reviews N] [--archive PATH]

--archive keeps the large archive at PATH (built there if missing) for the next run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.search import build

START_TARGET_MS = 120.0
RATIO_TARGET = 1.0
QUERY = "w1234"  # a word of a few hundred reviews, as a person's name or a rare word is
ROUNDS = 15
PAIRS = 15


def _tool(name: str) -> list[str]:
    """The console script installed beside this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name(name)
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "scraper"] if name == "scrape" else [name]


def _wall_ms(command: list[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def _median_ms(command: list[str], cwd: Path, rounds: int = ROUNDS) -> float:
    _wall_ms(command, cwd)  # the first run reads the files into the page cache
    return statistics.median(_wall_ms(command, cwd) for _ in range(rounds))


def _figure(name: str, value: float, target: float | None, unit: str = "ms") -> dict:
    met = True if target is None else value <= target
    return {"figure": name, "value": round(value, 2), "unit": unit, "target": target, "met": met}


def start_figures(folder: Path) -> list[dict]:
    small = folder / "small.db"
    build(small, 1000)
    # The benches before this one leave hundreds of MB of dirty pages (a deleted 1M archive):
    # written back while these 30 ms processes run, they doubled every start in one run.
    os.sync()
    scrape = _tool("scrape")
    figures = [
        _figure(
            "python -c pass (interpreter alone)",
            _median_ms([sys.executable, "-c", "pass"], folder),
            None,
        )
    ]
    for args in (
        ["--help"],
        ["--version"],
        ["search", QUERY, "--db", str(small)],
        ["stats", "--db", str(small)],
        ["status", "--db", str(small)],
    ):
        shown = " ".join(a for a in args if a not in ("--db", str(small)))
        figures.append(
            _figure(f"scrape {shown}", _median_ms(scrape + args, folder), START_TARGET_MS)
        )
    return figures


def search_ratio(archive: Path, reviews: int, pairs: int = PAIRS) -> list[dict]:
    """Both print the 20 best matches; sqlite-utils ranks by bm25 as scrape does."""
    ours = [*_tool("scrape"), "search", QUERY, "--db", str(archive)]
    theirs = [*_tool("sqlite-utils"), "search", str(archive), "reviews", QUERY, "--limit", "20"]
    folder = archive.parent
    _wall_ms(ours, folder), _wall_ms(theirs, folder)
    a, b = [], []
    for _ in range(pairs):
        a.append(_wall_ms(ours, folder))
        b.append(_wall_ms(theirs, folder))
    mine, other = statistics.median(a), statistics.median(b)
    return [
        _figure(f"scrape search {QUERY} ({reviews:,}-review archive)", mine, None),
        _figure(f"sqlite-utils search {QUERY} (same file)", other, None),
        _figure("scrape search / sqlite-utils search", mine / other, RATIO_TARGET, unit="x"),
    ]


def run(reviews: int = 1_000_000, archive: Path | None = None) -> list[dict]:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        figures = start_figures(folder)
        path = archive or folder / "archive.db"
        if not path.exists():
            build(path, reviews)
        return figures + search_ratio(path, reviews)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--archive", type=Path)
    options = parser.parse_args()
    for f in run(options.reviews, options.archive):
        target = "" if f["target"] is None else f"target <= {f['target']} {f['unit']}"
        verdict = "" if f["target"] is None else ("met" if f["met"] else "MISSED")
        print(f"{f['figure']:<48} {f['value']:>9} {f['unit']:<3} {target:<20} {verdict}")


if __name__ == "__main__":
    main()
