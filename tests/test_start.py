"""Commands that should start at once import only what they run: a module-level import of
httpx, ftfy, selectolax, sqlite_utils or a site's parsers in the CLI's path fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scraper import sites
from scraper.cli.archive import EXPORT_FORMATS
from scraper.site_names import NAMES
from scraper.store.schema import open_archive
from scraper.views import export

HEAVY = (
    "httpx",
    "ftfy",
    "selectolax",
    "sqlite_utils",
    "curl_cffi",
    "importlib.metadata",
    # What `scrape serve` alone needs (scraper/views/serving.py): a server's sockets and processes.
    "socket",
    "subprocess",
    "scraper.views.serving",
)

# Runs the command in a fresh interpreter, then prints the modules it imported.
CHILD = """
import json, sys
from scraper.cli import main
sys.argv = ["scrape", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
print("\\nMODULES=" + json.dumps([code, sorted(sys.modules)]))
"""


def _imported(args: list[str], cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )
    line = done.stdout.rpartition("MODULES=")[2]
    assert line, done.stderr
    code, modules = json.loads(line)
    assert code in (0, None), done.stderr  # a command that failed early proves nothing
    return set(modules)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["search", "heist"],
        ["stats"],
        ["status"],
        ["export"],
        ["search", "--help"],
    ],
)
def test_quick_commands_import_no_fetching_or_parsing(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "archive.db"
    open_archive(db).close()
    if args[0] in ("search", "stats", "status", "export") and "--help" not in args:
        args = [*args, "--db", str(db)]
    modules = _imported(args, tmp_path)
    assert "scraper.cli" in modules
    eager = sorted(
        m
        for m in modules
        if m.split(".")[0] in HEAVY or m in HEAVY or m.startswith("scraper.sites")
    )
    assert eager == []


def test_every_site_package_is_registered() -> None:
    packages = {p.parent.name for p in Path(sites.__file__).parent.glob("*/__init__.py")}
    assert packages == set(NAMES) == set(sites.SITES)


def test_export_formats_are_exports() -> None:
    assert tuple(export.FORMATS) == EXPORT_FORMATS
