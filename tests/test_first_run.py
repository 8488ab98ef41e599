"""The first hour with the tool, as a new user meets it (issue 16): real child processes."""

from __future__ import annotations

import socket
import sqlite3

import pytest

from tests.fake_rottentomatoes import FakeRottenTomatoes, Site, make_ratings


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def quick_config(tmp_path):
    path = tmp_path / "scrape.toml"
    path.write_text("[fetch]\ntries = 2\nbackoff = 0.05\n")
    return path


@pytest.mark.parametrize(
    ("site", "ident", "root", "meaning"),
    [
        ("ROTTENTOMATOES", "rottentomatoes:critic/jane-critic", "closed", "connection refused"),
        ("ROTTENTOMATOES", "rottentomatoes:critic/jane-critic", "dns", "name not resolved"),
        # Letterboxd goes through curl (a browser's fingerprint): curl's words, the same line.
        ("LETTERBOXD", "letterboxd:jane", "closed", "connection refused"),
        ("LETTERBOXD", "letterboxd:jane", "dns", "name not resolved"),
    ],
)
def test_offline_says_the_site_cannot_be_reached_not_robots_or_limits(
    run_scrape, quick_config, tmp_path, site, ident, root, meaning
):
    host = f"127.0.0.1:{closed_port()}" if root == "closed" else "scrape-test.invalid"
    done = run_scrape(
        "user",
        ident,
        "--config",
        str(quick_config),
        "--db",
        str(tmp_path / "archive.db"),
        env={f"SCRAPE_{site}_ROOT": f"http://{host}"},
    )
    assert done.returncode == 1
    assert f"cannot reach {host} ({meaning}): check your network" in done.stderr
    assert "robots.txt" not in done.stderr and "limiting us" not in done.stderr


def test_a_bare_rotten_tomatoes_handle_is_the_critic_when_that_critic_exists(
    run_scrape, quick_config, tmp_path
):
    """Issue 16, item 3: the README's own `rain-jokinen --site rottentomatoes` archived an
    audience profile of that handle instead of the critic."""
    data = Site(
        critics={"rain-jokinen": make_ratings("critic", 30)},
        profiles={
            "rain-jokinen": make_ratings("audience", 10),
            "AbC123": make_ratings("audience", 7),
        },
    )
    db = tmp_path / "archive.db"
    with FakeRottenTomatoes(data) as site:
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
        args = ("--site", "rottentomatoes", "--config", str(quick_config), "--db", str(db))
        critic = run_scrape("user", "rain-jokinen", *args, env=env)
        audience = run_scrape("user", "AbC123", *args, env=env)
    assert critic.returncode == 0, critic.stderr
    assert "rottentomatoes:critic/rain-jokinen: 30 reviews" in critic.stdout
    assert audience.returncode == 0, audience.stderr
    assert "rottentomatoes:AbC123: 7 reviews" in audience.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM profiles ORDER BY id").fetchall() == [
            ("rottentomatoes:AbC123",),
            ("rottentomatoes:critic/rain-jokinen",),
        ]


def test_a_person_in_the_config_is_found_by_name_in_any_case(run_scrape, tmp_path):
    """Issue 16, item 1 (a): `scrape user RishiRamesh` with [people.rishiramesh] in the config."""
    config = tmp_path / "scrape.toml"
    config.write_text(
        '[people.rishiramesh]\nrottentomatoes = "rottentomatoes:critic/rishi-ramesh"\n'
        "[fetch]\ntries = 2\nbackoff = 0.05\n"
    )
    data = Site(critics={"rishi-ramesh": make_ratings("critic", 12)})
    with FakeRottenTomatoes(data) as site:
        done = run_scrape(
            "user",
            "RishiRamesh",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "a.db"),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": site.root},
        )
    assert done.returncode == 0, done.stderr
    assert "rottentomatoes:critic/rishi-ramesh: 12 reviews" in done.stdout
