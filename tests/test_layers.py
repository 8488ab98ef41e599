"""The house in layers (docs/development.md, Layout): imports run down, never back up, and never
sideways between the three middle folders.

    cli  ->  jobs | views  ->  sites | store | net  ->  scraper/*.py (models, errors, ...)

Read from every import of every module, at any depth (a function's deferred import, a
TYPE_CHECKING one): a deferred import that ran back up would still tie the layers together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scraper"
# Each folder, and what it may import besides itself; the core is scraper/*.py.
LAYERS: dict[str, set[str]] = {
    "cli": {"jobs", "views", "sites", "store", "net", "core"},
    "jobs": {"sites", "store", "net", "core"},
    "views": {"store", "core"},
    "sites": {"core"},
    "store": {"core"},
    "net": {"core"},
    "core": set(),
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "scraper":
        raise ValueError(module)
    if parts[1:2] == ["__main__"]:  # `python -m scraper`: the CLI's own door
        return "cli"
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every scraper module the file imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.split(".")[0] == "scraper"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "scraper":
                continue
            names.add(node.module)
            # `from scraper import store` names a folder: its layer, not the core's.
            names |= {f"{node.module}.{a.name}" for a in node.names if node.module == "scraper"}
    return {n for n in names if n != "scraper"}


def graph() -> dict[str, set[str]]:
    return {
        module_name(path): imported(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def test_the_folders_are_the_layers() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS) - {"core"}


def test_imports_run_down_the_layers() -> None:
    wrong = sorted(
        f"{module} ({layer_of(module)}) imports {name} ({layer_of(name)})"
        for module, names in graph().items()
        for name in names
        if layer_of(name) != layer_of(module) and layer_of(name) not in LAYERS[layer_of(module)]
    )
    assert wrong == []


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("scraper.store.archive", "scraper.net.fetch"),
        ("scraper.sites.common", "scraper.store.schema"),
        ("scraper.models", "scraper.sites"),
        ("scraper.views.export", "scraper.jobs.crawl"),
        ("scraper.jobs.crawl", "scraper.cli.common"),
    ],
)
def test_the_rule_refuses_an_import_back_up(module: str, name: str) -> None:
    """The check above would catch these, were they written."""
    assert layer_of(name) not in LAYERS[layer_of(module)]


def test_the_cli_holds_no_sql_lock_or_run() -> None:
    """The CLI parses options, calls one function of jobs/ or views/, and prints."""
    for path in (PACKAGE / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names = imported(path)
        assert not {"scraper.store.lock", "scraper.store.runs", "scraper.store.schema"} & names, (
            path.name
        )
        for word in ("SELECT ", "INSERT ", "UPDATE ", "ArchiveLock", "recorded("):
            assert word not in text, f"{path.name} holds {word.strip()}"
