"""What several test modules share: the real edition's configuration."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
BIBFILE = REPO / "refs.bib"


# -- The real edition ---------------------------------------------------------------------------


def edition_conf() -> dict[str, Any]:
    """docs/conf.py's names: the file run as Sphinx runs it, without a Sphinx application."""
    return runpy.run_path(str(DOCS / "conf.py"))


def paper_reading_order() -> tuple[str, ...]:
    """The paper's pages in reading order: the title page, then conf.py's ``paper_pages``."""
    return ("title", *edition_conf()["paper_pages"])


def copy_edition(dest: Path) -> Path:
    """Copy docs/ and refs.bib (conf.py finds it beside docs/) into *dest*; return the docs/."""
    shutil.copytree(DOCS, dest / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(BIBFILE, dest / "refs.bib")
    return dest / "docs"
