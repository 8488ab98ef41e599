from pathlib import Path

import pytest

from scraper.errors import UsageError
from scraper.jobs import config
from scraper.net.fetch import USER_AGENT, Fetcher, FetchSettings

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "scrape.example.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "scrape.toml"
    path.write_text(text)
    return path


def test_the_shipped_example_loads_to_the_defaults():
    loaded = config.load(EXAMPLE)
    # Copied as it is, it backs up nobody: a stranger's profiles are not a default.
    assert loaded.people == {}
    defaults = FetchSettings(advice=loaded.fetch_settings("rottentomatoes").advice)
    assert loaded.fetch_settings("rottentomatoes") == defaults


def test_precedence_is_command_line_then_site_then_fetch(tmp_path):
    loaded = config.load(
        write(
            tmp_path,
            """
[fetch]
delay = 3
tries = 2
max_body_mb = 0.5
[sites.rottentomatoes]
delay = 5
user_agent = "me/1.0"
""",
        )
    )
    settings = loaded.fetch_settings("rottentomatoes", delay=None, robots=False)
    assert (settings.delay, settings.tries, settings.robots) == (5, 2, False)
    assert settings.max_body == 512 * 1024 and settings.user_agent == "me/1.0"
    assert loaded.fetch_settings("rottentomatoes", delay=0.5).delay == 0.5
    assert loaded.fetch_settings("letterboxd").delay == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\ndelayy = 1\n", "scrape.toml:2: fetch.delayy is not a known setting"),
        (
            "db = 'a.db'\n\n[fetch]\ntries = 3\n[backup]\nfull_every = 'x'\n",
            "scrape.toml:6: backup.full_every has the wrong type",
        ),
        (
            "[people.r]\nrottentomatoes = 'rottentomatoes:x'\n"
            "[sites.rottentomatoes]\n cookies = 3\n",
            "scrape.toml:4: sites.rottentomatoes.cookies has the wrong type",
        ),
        ("colour = 'red'\n", "scrape.toml:1: colour is not a known setting"),
        (
            "[people.rishi]\nrotentomatoes = 'rottentomatoes:critic/x'\n",
            "scrape.toml:2: people.rishi.rotentomatoes: not a site scrape knows",
        ),
        (
            "[people.rishi]\nrottentomatoes = 'https://example.com/critics/x'\n",
            "scrape.toml:2: people.rishi.rottentomatoes: no supported site",
        ),
        ("[people.rishi]\nrottentomatoes = 'rottentomatoes:a b'\n", "holds characters"),
        ("[sites.rotten]\ndelay = 2\n", "scrape.toml:1: [sites.rotten] is not a site"),
        (
            "[people.rishi]\nimdb = 'imdb:123'\n",
            "scrape.toml:2: people.rishi.imdb: 'imdb:123' is not a imdb identifier",
        ),
        ("[fetch]\ntries = 'four'\n", "fetch.tries has the wrong type"),
        ("[fetch]\ndelay = true\n", "fetch.delay has the wrong type"),
        ("[fetch]\ndelay = -1\n", "must not be negative"),
        ("[sites.rottentomatoes]\ncookie = 'x'\n", "sites.rottentomatoes.cookie is not a known"),
        ("[people]\nrishi = 'x'\n", "people.rishi must map"),
        ("fetch = 3\n", "[fetch] must be a table"),
        ("[fetch\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.load(write(tmp_path, text))


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        config.load(tmp_path / "nope.toml")


def test_default_user_agent_identifies_scrape():
    with Fetcher(FetchSettings(robots=False)) as fetcher:
        assert fetcher._client.headers["User-Agent"] == USER_AGENT


def test_each_site_brings_its_own_block_advice():
    settings = config.Config().fetch_settings("rottentomatoes")
    assert settings.advice.startswith("Rotten Tomatoes (Akamai)")
    assert "export your ratings" in config.Config().fetch_settings("imdb").advice


def test_letterboxd_goes_as_chrome_unless_the_config_or_command_line_says_none(tmp_path):
    empty = config.load(write(tmp_path, ""))
    assert empty.fetch_settings("letterboxd").impersonate == "chrome"
    assert empty.fetch_settings("rottentomatoes").impersonate is None
    assert empty.fetch_settings("letterboxd", impersonate="none").impersonate is None
    assert empty.fetch_settings("imdb", impersonate="firefox").impersonate == "firefox"
    off = config.load(write(tmp_path, '[sites.letterboxd]\nimpersonate = "none"\n'))
    assert off.fetch_settings("letterboxd").impersonate is None
    everywhere = config.load(write(tmp_path, '[fetch]\nimpersonate = "none"\n'))
    assert everywhere.fetch_settings("letterboxd").impersonate is None
    # The command line wins over the config.
    assert off.fetch_settings("letterboxd", impersonate="chrome").impersonate == "chrome"


@pytest.mark.parametrize(
    "line",
    [
        "127.0.0.1\tFALSE\t/\tFALSE\tsoon\tsession\tSECRET-VALUE-123",
        "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession SECRET-VALUE-123",
        "127.0.0.1 FALSE / FALSE 0 session SECRET-VALUE-123",
    ],
)
def test_a_malformed_cookies_line_is_named_by_number_never_by_value(tmp_path, line, capsys):
    path = tmp_path / "cookies.txt"
    path.write_text(f"# Netscape HTTP Cookie File\n\n{line}\n")
    path.chmod(0o600)
    with pytest.raises(UsageError) as caught:
        config.load_cookies(path)
    assert f"{path}:3: not a cookies.txt line" in str(caught.value)
    captured = capsys.readouterr()
    assert "SECRET-VALUE-123" not in str(caught.value) + captured.out + captured.err


def test_every_command_that_reads_the_config_takes_config(tmp_path):
    from click.testing import CliRunner

    from scraper.cli import cli

    runner = CliRunner()
    for name in cli.commands:
        if name == "example-config":
            continue  # prints the shipped example; reads no config
        assert "--config" in runner.invoke(cli, [name, "--help"]).output, name
    archive = tmp_path / "from-config.db"
    settings = tmp_path / "elsewhere.toml"
    settings.write_text(f'db = "{archive}"\n')
    saved = Path(__file__).parent / "fixtures/rottentomatoes/napi-legacy-page-without-cursor.json"
    imported = runner.invoke(
        cli, ["import", str(saved), "--profile", "rottentomatoes:user/1", "--config", str(settings)]
    )
    assert imported.exit_code == 0, imported.output
    assert str(archive) in imported.output and archive.exists()
    stats = runner.invoke(cli, ["stats", "--json", "--config", str(settings)])
    assert stats.exit_code == 0 and '"reviews": 1' in stats.output, stats.output
    missing = runner.invoke(cli, ["search", "x", "--config", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2, missing.output


def test_a_crawl_takes_the_configs_cookies_file_unless_the_command_line_names_cookies(tmp_path):
    from scraper.jobs.plans import cookies

    def cookies_file(name: str, value: str) -> Path:
        path = tmp_path / name
        path.write_text(
            "# Netscape HTTP Cookie File\n\n"
            f"www.rottentomatoes.com\tFALSE\t/\tTRUE\t0\tsession\t{value}\n"
        )
        path.chmod(0o600)
        return path

    configured = cookies_file("cookies.txt", "from-config")
    flag = cookies_file("other.txt", "from-flag")
    loaded = config.load(write(tmp_path, f"[sites.rottentomatoes]\ncookies = '{configured}'\n"))
    assert [c.value for c in cookies(loaded, "rottentomatoes", None, None)] == ["from-config"]
    assert [c.value for c in cookies(loaded, "rottentomatoes", flag, None)] == ["from-flag"]
    assert cookies(loaded, "letterboxd", None, None) is None
    empty = config.load(write(tmp_path, "[sites.rottentomatoes]\ncookies = ''\n"))
    assert cookies(empty, "rottentomatoes", None, None) is None


def _scrape(args, env_config=None, timeout=20):
    """The real CLI in a child process: a config that hangs the reader must fail the test
    within `timeout`, not hang the suite."""
    import os
    import resource
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("SCRAPE_CONFIG", None)
    if env_config is not None:
        env["SCRAPE_CONFIG"] = env_config
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        # Before the bound, /dev/zero was read until memory ran out: cap the child at 1 GiB.
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)),
    )


def test_a_config_that_is_a_fifo_is_refused_at_once_naming_it(tmp_path):
    import os

    fifo = tmp_path / "scrape.toml"
    os.mkfifo(fifo)
    for args, env in (
        (["search", "x", "--config", str(fifo)], None),
        (["stats"], str(fifo)),
    ):
        result = _scrape([*args, "--db", str(tmp_path / "a.db")], env)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(fifo) in lines[0] and "regular file" in lines[0], lines


def test_a_config_that_never_ends_or_is_too_large_is_refused(tmp_path):
    large = write(tmp_path, "# " + "x" * config.MAX_CONFIG_BYTES + "\n")
    with pytest.raises(UsageError, match=f"{large} is over 1024 KiB"):
        config.load(large)
    with pytest.raises(UsageError, match=f"{tmp_path} is not a regular file"):
        config.load(tmp_path)
    result = _scrape(["stats", "--db", str(tmp_path / "a.db")], "/dev/zero")
    assert result.returncode == 2, result.stderr
    assert "/dev/zero is not a regular file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "k" * 200_000 + " = 1\n",
        "[fetch]\n" + "k" * 200_000 + " = 1\n",
        "[sites." + "s" * 200_000 + "]\ndelay = 1\n",
        "[people." + "p" * 200_000 + "]\nletterboxd = 3\n",
    ],
)
def test_a_huge_name_in_the_config_is_quoted_cut(tmp_path, text):
    """Issue 30, item 17: a value from a file is echoed at most ~80 characters long."""
    with pytest.raises(UsageError) as caught:
        config.load(write(tmp_path, text))
    message = str(caught.value)
    assert "200,0" in message and len(message) < 400, message[:500]


def test_example_config_write_starts_a_config_in_a_fresh_folder(
    run_scrape, tmp_path, user_config_home
):
    """Issue 31, item 8: `scrape example-config > config/scrape.toml` failed without config/.
    Issue 33, item 3: with no config anywhere, it starts the user's, private, and says where."""
    done = run_scrape("example-config", "--write")
    assert done.returncode == 0, done.stderr
    written = user_config_home / "scrape" / "config.toml"
    assert done.stdout.startswith(f"wrote {written}: ")
    assert written.read_text() == EXAMPLE.read_text() == run_scrape("example-config").stdout
    assert written.stat().st_mode & 0o777 == 0o600
    assert written.parent.stat().st_mode & 0o777 == 0o700
    assert not (tmp_path / "config").exists()
    assert config.load(written).people == {}
    again = run_scrape("example-config", "--write")
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    assert f"{written} exists: left as it was" in again.stderr
    assert written.read_text() == EXAMPLE.read_text()
    nobody = run_scrape("backup")
    assert nobody.returncode == 2 and f"no [people] in {written}" in nobody.stderr
    # $SCRAPE_CONFIG names where it goes, folder made, as given.
    named = tmp_path / "mine" / "config" / "scrape.toml"
    there = run_scrape("example-config", "--write", env={"SCRAPE_CONFIG": str(named)})
    assert there.returncode == 0 and there.stdout.startswith(f"wrote {named}: "), there.stderr
    assert named.read_text() == EXAMPLE.read_text()


def test_example_config_write_follows_no_link(run_scrape, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "scrape.toml").symlink_to(tmp_path / "elsewhere.toml")
    refused = run_scrape("example-config", "--write")
    assert refused.returncode == 1 and "exists: left as it was" in refused.stderr
    assert not (tmp_path / "elsewhere.toml").exists()
    assert [p.name for p in (tmp_path / "config").iterdir()] == ["scrape.toml"]


def test_a_site_reads_its_own_settings_and_no_other_site_takes_them(tmp_path):
    loaded = config.load(write(tmp_path, "[sites.metacritic]\ngames = true\ndelay = 2\n"))
    assert getattr(loaded.own_settings("metacritic"), "games", None) is True
    assert loaded.own_settings("letterboxd") is None
    with pytest.raises(UsageError, match=r"scrape.toml:2: sites.letterboxd.games is not a known"):
        config.load(write(tmp_path, "[sites.letterboxd]\ngames = true\n"))
    with pytest.raises(UsageError, match=r"scrape.toml:2: sites.metacritic.games has the wrong"):
        config.load(write(tmp_path, "[sites.metacritic]\ngames = 'yes'\n"))
