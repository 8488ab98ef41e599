"""python -m bench [--scale S] [--json PATH]: every benchmark, a table on stdout and the same
figures as JSON. --scale shrinks every size (0.1 for a quick look); figures are ratios against
a baseline measured in the same run, since absolute times vary between machines."""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import crawl, importing, memory, parse, search, start, write

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
            "bs4_met",
            "floor_pages_s",
            "floor_over_scrape",
            "floor_met",
            "bare_floor_over_scrape",
        ],
    )
    print("\nwrite")
    results["write"] = write.run(size(100_000))
    _table([results["write"]], list(results["write"]))
    results["write_end_to_end"] = [write.end_to_end(size(100_000))]
    _figures(results["write_end_to_end"])
    print("\ncrawl")
    results["crawl"] = crawl.run(size(10_000))
    _table([results["crawl"]], list(results["crawl"]))
    print("\nmemory (peak RSS)")
    results["memory"] = memory.run([size(1_000), size(10_000), size(100_000)])
    _table(results["memory"], list(results["memory"][0]))
    print("\ncrawl at the default delay")
    results["crawl_at_delay"] = crawl.paced()  # 31 pages, about 32 s, at any --scale
    _figures(results["crawl_at_delay"])
    print("\nsearch")
    results["search"] = search.run(size(1_000_000), corpus=args.corpus)
    _table([results["search"]], list(results["search"]))
    print("\nprocess start, and whole-process search vs sqlite-utils")
    results["start"] = start.run(size(1_000_000))
    _figures(results["start"])
    print("\nimport of one large export file")
    results["import"] = importing.run((size(100_000), size(1_000_000)), size(100_000))
    _figures(results["import"])
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")


def _figures(rows: list[dict]) -> None:
    """Each figure beside its target, met or missed."""
    for row in rows:
        target = row.get("target")
        unit = row.get("unit", "")
        verdict = "" if target is None else ("met" if row["met"] else "MISSED")
        shown = "" if target is None else f"target {target} {unit}".strip()
        print(f"  {row['figure']:<70} {row['value']:>9} {unit:<3} {shown:<18} {verdict}")


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, "-"))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "-")).ljust(widths[c]) for c in columns))


if __name__ == "__main__":
    main()
