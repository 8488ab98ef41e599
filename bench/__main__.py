"""python -m bench [--scale S] [--json PATH]: every benchmark, a table on stdout and the same
figures as JSON. --scale shrinks every size (0.1 for a quick look); figures are ratios against
a baseline measured in the same run, since absolute times vary between machines."""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import crawl, memory, parse, search, write

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main() -> None:
    options = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    options.add_argument("--scale", type=float, default=1.0)
    options.add_argument("--json", type=Path, default=Path("bench-results.json"))
    options.add_argument("--corpus", type=Path, default=CORPUS)
    args = options.parse_args()
    size = lambda n: max(100, int(n * args.scale))  # noqa: E731
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "scale": args.scale,
    }
    print("parse (pages/s; HTML formats against BeautifulSoup+lxml and the selectolax floor)")
    results["parse"] = parse.run(args.corpus)
    _table(
        results["parse"],
        [
            "file",
            "parser",
            "scrape_pages_s",
            "bs4_pages_s",
            "scrape_over_bs4",
            "floor_pages_s",
            "floor_over_scrape",
        ],
    )
    print("\nwrite")
    results["write"] = write.run(size(100_000))
    _table([results["write"]], list(results["write"]))
    print("\ncrawl")
    results["crawl"] = crawl.run(size(10_000))
    _table([results["crawl"]], list(results["crawl"]))
    print("\nmemory (peak RSS)")
    results["memory"] = memory.run([size(1_000), size(10_000), size(100_000)])
    _table(results["memory"], list(results["memory"][0]))
    print("\nsearch")
    results["search"] = search.run(size(1_000_000))
    _table([results["search"]], list(results["search"]))
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, "-"))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "-")).ljust(widths[c]) for c in columns))


if __name__ == "__main__":
    main()
