"""The first hour with the tool, as a new user meets it (issue 16): real child processes."""

from __future__ import annotations

import socket

import pytest


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
