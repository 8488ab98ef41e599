"""Issue 31, item 1: the site recipes of docs/commands.md (`scrape export`), run as written there,
with Hugo, Jekyll and Eleventy. Hugo stopped on the front matter's `url`, and a review quoting a
template tag stopped all three. A generator that cannot be found skips with the reason, except
under CI (.ci/run installs them), where that fails."""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import ROOT, scrape_env
from tests.docs_text import page
from tests.fakes.letterboxd import FakeLetterboxd, make_member

RECIPE = re.compile(r"<!-- recipe: (\w+) -->\n```bash\n(.*?)```", re.S)
PAGE = ROOT / "tests/fixtures/letterboxd/reviews/reviews-2026-page2.html"
# No captured review quotes a template tag; this one is every generator's opening of one, in
# text and in code (where Hugo reads a shortcode too).
QUOTING = "Braces: {{ site.title }}, {% include nope.html %}, {{% nope %}}, {{< nope >}}, {# x #}."
IN_CODE = ("{{% code %}}", "{{< pre >}}")
QUOTING_HTML = (
    f"<p>{html.escape(QUOTING)}</p><p><code>{html.escape(IN_CODE[0])}</code></p>"
    f"<pre>{html.escape(IN_CODE[1])}</pre>"
)
# Where each generator writes the page of a review file `<stem>.md`.
BUILT = {
    "hugo": "site/public/reviews/{}/index.html",
    "jekyll": "site/_site/reviews/{}.html",
    "eleventy": "site/_site/reviews/{}/index.html",
}


def recipes() -> dict[str, str]:
    return dict(RECIPE.findall(page("commands")))


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


def need(generator: str) -> None:
    command = "npx" if generator == "eleventy" else generator
    if shutil.which(command) is None:
        unavailable(f"{command} is not installed (.ci/run installs it)")
    if generator == "eleventy":
        # npx fetches Eleventy from the npm registry the first time, then runs it from its cache.
        probe = subprocess.run(
            ["npx", "--yes", "@11ty/eleventy@3", "--version"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if probe.returncode != 0:
            unavailable(f"npx could not run Eleventy: {probe.stderr.strip()[-300:]}")


def shell(script: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`script` run by bash in `folder`, where `scrape` is this checkout's."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=folder,
        env=scrape_env({"PATH": path, **env}),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def archive(tmp_path) -> Path:
    """Two Letterboxd reviews; one undated and quoting template tags."""
    db = tmp_path / "archive.db"
    url = "https://letterboxd.com/dan/films/reviews/page/2/"
    done = CliRunner().invoke(cli, ["import", str(PAGE), "--db", str(db), "--url", url])
    assert done.exit_code == 0, done.output
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE reviews SET text = :t, text_original = :h, created_at = NULL, "
            "created_at_earliest = NULL, created_at_latest = NULL, created_at_precision = NULL "
            "WHERE id = 'letterboxd:dan/viewing/2150000007'",
            {"t": QUOTING, "h": QUOTING_HTML},
        )
    return db


def test_the_readme_has_a_recipe_for_each_generator_and_cron():
    assert sorted(recipes()) == ["cron", "eleventy", "hugo", "jekyll"]


@pytest.mark.parametrize("generator", sorted(BUILT))
def test_each_readme_recipe_builds_a_page_a_review(generator, archive):
    need(generator)
    folder = archive.parent
    built = shell(recipes()[generator], folder)
    assert built.returncode == 0, built.stdout + built.stderr
    pages = {
        stem: html.unescape(folder.joinpath(BUILT[generator].format(stem)).read_text())
        for stem in ("2026-02-14-harbour-lights", "undated-salt-iron")
    }
    harbour, salt = pages["2026-02-14-harbour-lights"], pages["undated-salt-iron"]
    assert "<h1>Harbour Lights (2025)</h1>" in harbour and "<em>harbour</em>" in harbour
    assert "4.5 stars, Ines Marsh, " in harbour
    assert '<a href="https://letterboxd.com/inesmarsh/film/harbour-lights/1/">' in harbour
    assert "<h1>Salt & Iron (1961)</h1>" in salt and QUOTING in salt
    assert all(code in salt for code in IN_CODE)


def test_the_readme_cron_line_backs_up_and_republishes_the_hugo_site(archive, tmp_path):
    need("hugo")
    home, reviews = tmp_path / "home", archive.parent
    home.mkdir()
    (home / "reviews").symlink_to(reviews)
    # Where the recipe's full path names the command: pipx's and `pip install --user`'s.
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "scrape").symlink_to(Path(sys.executable).parent / "scrape")
    (reviews / "config").mkdir()
    (reviews / "config" / "scrape.toml").write_text(
        '[people.rishi]\nletterboxd = "letterboxd:rishiramesh"\n'
        "[backup]\nfilm_details = false\n[fetch]\ntries = 2\nbackoff = 0.05\n"
    )
    made = shell(recipes()["hugo"], reviews)
    assert made.returncode == 0, made.stderr
    cron_line = recipes()["cron"].strip()
    assert cron_line.startswith("0 4 * * * cd ~/reviews && ")
    with FakeLetterboxd(make_member("rishiramesh", 12)) as letterboxd:
        nightly = shell(
            cron_line.split(None, 5)[5],
            tmp_path,
            HOME=str(home),
            SCRAPE_LETTERBOXD_ROOT=letterboxd.root,
        )
    assert nightly.returncode == 0, nightly.stdout + nightly.stderr
    assert nightly.stdout == ""  # cron mails what a job prints: nothing when all went well
    built = {p.parent.name for p in (reviews / "site/public/reviews").glob("*/index.html")}
    exported = {p.stem for p in (reviews / "site/content/reviews").glob("*.md")}
    assert built == exported and {"undated-salt-iron", "2023-12-31-film-0-of-rishiramesh"} < built
