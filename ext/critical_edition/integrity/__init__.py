"""Integrity (read phase to build-finished): footnotes, citations, raw HTML, cycles, the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.integrity import (
    citelint,
    confine,
    controls,
    footnotes,
    nesting,
    rawhtml,
    report,
    scripturls,
    stale,
    structure,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_integrity(app: Sphinx) -> None:
    """Register the integrity checks and the report that sums them up."""
    footnotes.register(app)  # dangling, unreferenced and duplicate footnotes, by label
    citelint.register(app)  # author-year citations left as plain text
    controls.register(app)  # invisible bidirectional controls in the sources
    rawhtml.register(app)  # raw HTML in the sources
    scripturls.register(app)  # Markdown links to javascript: and the like
    nesting.register(app)  # Markdown nested deeper than the parser reads
    structure.register(app)  # include and toctree cycles
    confine.register(app)  # nothing from outside the source folder
    stale.register(app)  # incremental = clean: stale navigation, removed pages' outputs
    report.register(app)  # the integrity report (build-finished)
