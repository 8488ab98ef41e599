"""The documentation as tests read it: README.md is the front page, the rest is docs/*.md."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def page(name: str) -> str:
    """One page of docs/ by its name without .md (`page("commands")`)."""
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def page_path(name: str) -> Path:
    return DOCS / f"{name}.md"
