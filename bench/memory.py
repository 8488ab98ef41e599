"""Memory: peak RSS of `scrape import` (a folder of critic API pages, 50 reviews each) and of
`scrape export` (jsonl) on histories of growing size, each in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PAGE = 50
_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _write_pages(folder: Path, count: int) -> None:
    for start in range(0, count, PAGE):
        reviews = [
            {
                "reviewId": str(i),
                "quote": f"Review {i}: about the sea and a lighthouse. " * 3,
                "originalScore": f"{i % 5}/5",
                "creationDate": "Jul 24, 2023",
                "scoreSentiment": "POSITIVE",
                "publicationName": "Bench Gazette",
                "reviewUrl": f"https://gazette.test/{i}",
                "mediaTitle": f"Film {i}",
                "mediaUrl": f"/m/film_{i}",
                "mediaInfo": "2019",
                "emsId": f"00000000-0000-0000-0000-{i:012d}",
            }
            for i in range(start, min(count, start + PAGE))
        ]
        body = {"reviews": reviews, "pageInfo": {"hasNextPage": True, "endCursor": "x"}}
        (folder / f"page-{start:07d}.json").write_text(json.dumps(body))


def _peak_mb(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, env=env
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def run(sizes: list[int]) -> list[dict]:
    rows = []
    scrape = [sys.executable, "-m", "scraper"]
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            pages = Path(folder) / "pages"
            pages.mkdir()
            _write_pages(pages, count)
            db = Path(folder) / "archive.db"
            url = "https://www.rottentomatoes.com/napi/critics/bench/movies"
            imported = _peak_mb([*scrape, "import", str(pages), "--db", str(db), "--url", url])
            exported = _peak_mb(
                [*scrape, "export", "--db", str(db), "-o", str(Path(folder) / "out.jsonl")]
            )
        rows.append(
            {
                "reviews": count,
                "import_peak_mb": round(imported, 1),
                "export_peak_mb": round(exported, 1),
            }
        )
    return rows
