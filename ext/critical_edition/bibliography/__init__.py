"""The bibliography (builder-inited to write phase): .bib checks, citation styles, statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.bibliography import check, citeids, latex, missingfields, status, style

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_bibliography(app: Sphinx) -> None:
    """Register the .bib checks, the edition's styles and the entries' status badges."""
    # builder-inited: every .bib problem located, nothing dropped (before sphinxcontrib-bibtex).
    check.register(app)
    style.register(app)
    # builder-inited: entries with non-Latin keys keep anchors of their own.
    citeids.register(app)
    # Read and write phases: a citation of an entry missing a field its text needs prints,
    # as the bibliography does, instead of stopping the build.
    missingfields.register(app)
    # Read phase: the editors' citations; write phase: badges and backlinks.
    status.register(app)
    # LaTeX: the entries stay on the bibliography's page, not gathered at the end.
    latex.register(app)
