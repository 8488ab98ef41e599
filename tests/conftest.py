from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus; skipped in a user's clone without it, a failure on CI."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the corpus is missing at {CORPUS}")
        pytest.skip(f"corpus not found at {CORPUS} (it sits beside the project on CI)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_db(corpus, tmp_path_factory) -> Path:
    """An archive of every Rotten Tomatoes corpus file, imported once through the CLI."""
    from click.testing import CliRunner

    from scraper.cli import cli

    db = tmp_path_factory.mktemp("corpus-archive") / "archive.db"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(corpus / "rottentomatoes"),
            "--db",
            str(db),
            "--captured-at",
            "2023-06-01T00:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "7 files" in result.output and "842 reviews (842 new" in result.output
    return db


@pytest.fixture(autouse=True)
def user_config_home(tmp_path_factory, monkeypatch) -> Path:
    """Every test's own user config folder (empty), so that no test reads the real user's
    config or writes into it (`--remember` without a config creates the user's); child
    processes inherit it through the environment."""
    home = tmp_path_factory.mktemp("config-home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    if sys.platform == "darwin":  # ~/Library/Application Support: platformdirs reads no XDG
        monkeypatch.setenv("HOME", str(home))
    return home


def scrape_env(extra: dict | None = None) -> dict:
    """The environment a user's shell would give: no SCRAPE_* of ours leaks in; no delays."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    return env | {"SCRAPE_DELAY": "0"} | (extra or {})


def scrape_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper", *args]


@pytest.fixture
def run_scrape(tmp_path):
    """Run the real `scrape` command in a child process; returns the CompletedProcess."""

    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            scrape_command(*args),
            capture_output=True,
            text=True,
            env=scrape_env(env),
            cwd=tmp_path,
            timeout=120,
        )

    return run


def pytest_addoption(parser):
    parser.addoption(
        "--regenerate-expected",
        action="store_true",
        help="rewrite the expected JSON of the fixture and corpus tests it runs "
        "(tests/fixtures/**/*.expected.json, tests/expected/) from what the parsers give today",
    )


@pytest.fixture
def regenerate_expected(request) -> bool:
    return request.config.getoption("--regenerate-expected")
