"""Memory: peak RSS of `scrape import` (a folder of critic API pages, 50 reviews each) and of
`scrape export` (jsonl) on histories of growing size, each in a fresh process; the import's
target is the issue's 150 MB."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import critic_pages

_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


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
            critic_pages.write(pages, count)
            db = Path(folder) / "archive.db"
            url = critic_pages.URL
            imported = _peak_mb([*scrape, "import", str(pages), "--db", str(db), "--url", url])
            critic_pages.dated(db)
            exported = _peak_mb(
                [*scrape, "export", "--db", str(db), "-o", str(Path(folder) / "out.jsonl")]
            )
        rows.append(
            {
                "reviews": count,
                "import_peak_mb": round(imported, 1),
                "import_target_mb": "< 150",
                "import_met": imported < 150,
                "export_peak_mb": round(exported, 1),
            }
        )
    return rows
