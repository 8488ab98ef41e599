"""Issue 33, item 3: the cron line and systemd unit of docs/backups.md, run as cron and systemd run
them: `/bin/sh` (or no shell) with nothing of the user's environment but HOME and a PATH of
/usr/bin:/bin, from a folder that is not the archive's, against a local stand-in site. A bare
`scrape` there exited 127, and a config read from the working folder found no archive."""

from __future__ import annotations

import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_text import page
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

README = page("backups")
CRON = re.compile(r"<!-- recipe: backup-cron -->\n```cron\n(.*?)```", re.S)
SYSTEMD = re.compile(r"<!-- recipe: systemd -->\n```ini\n(.*?)```", re.S)
PROFILE = "rottentomatoes:critic/jane-critic"


def bare(home: Path, root: str, *command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`command` with only what cron gives a job (and the stand-in site's root)."""
    return subprocess.run(
        [
            "/usr/bin/env",
            "-i",
            "PATH=/usr/bin:/bin",
            f"HOME={home}",
            f"SCRAPE_ROTTENTOMATOES_ROOT={root}",
            *command,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def home(tmp_path) -> Path:
    """A home with scrape where pipx and `pip install --user` put it, and nothing else."""
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "scrape").symlink_to(Path(sys.executable).parent / "scrape")
    return home


@pytest.fixture
def site():
    with FakeRottenTomatoes(Site(critics={"jane-critic": make_ratings("critic", 120)})) as server:
        yield server


def user_config(home: Path, site: FakeRottenTomatoes) -> Path:
    """The user's config file as the child finds it from HOME alone (no XDG_CONFIG_HOME)."""
    where = bare(
        home,
        site.root,
        sys.executable,
        "-c",
        "from scraper.jobs.config_location import user_path; print(user_path())",
        cwd=home,
    )
    path = Path(where.stdout.strip())
    assert path.is_relative_to(home), where.stdout + where.stderr
    path.parent.mkdir(parents=True)
    path.write_text(
        f'db = "archive.db"\n[people.jane]\nrottentomatoes = "{PROFILE}"\n'
        "[fetch]\ndelay = 0\ntries = 2\nbackoff = 0.05\n[backup]\nfilm_details = false\n"
    )
    return path


def reviews(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])


def test_the_readme_says_how_to_name_scrape_for_cron_and_systemd():
    assert "command -v scrape" in README and "exit 127" in README
    assert "loginctl enable-linger" in README and "OnFailure=" in README


def test_the_readme_cron_line_and_systemd_unit_back_up_from_anywhere(home, site, tmp_path):
    config = user_config(home, site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (cron,) = CRON.findall(README)
    command = cron.strip().split(None, 5)[5]
    assert command.startswith("~/.local/bin/scrape ")
    nightly = bare(home, site.root, "/bin/sh", "-c", command, cwd=elsewhere)
    assert nightly.returncode == 0, nightly.stdout + nightly.stderr
    assert nightly.stdout == ""  # --quiet: cron mails only problems
    assert reviews(config.parent / "archive.db") == 120
    assert list(elsewhere.iterdir()) == []

    (unit,) = SYSTEMD.findall(README)
    service = unit.split("# scrape-backup-failed.service")[0]
    assert "OnFailure=scrape-backup-failed.service" in service
    assert "SuccessExitStatus=75" in service
    (exec_start,) = re.findall(r"^ExecStart=(.*)$", service, re.M)
    # systemd's %h is the home folder; it runs the line without a shell.
    argv = shlex.split(exec_start.replace("%h", str(home)))
    site.site.critics["jane-critic"][0:0] = make_ratings("fresh", 2)
    timer = bare(home, site.root, *argv, cwd=Path("/"))
    assert timer.returncode == 0, timer.stdout + timer.stderr
    assert reviews(config.parent / "archive.db") == 122

    status = bare(home, site.root, "/bin/sh", "-c", "~/.local/bin/scrape status", cwd=elsewhere)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(f"config: {config}\narchive: {config.parent / 'archive.db'}\n")
