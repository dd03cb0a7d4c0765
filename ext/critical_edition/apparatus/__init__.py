"""The apparatus (read to write phase): supplied text, emendations and notes, registers, chronology."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.apparatus import chronology, notes, passages, registers, supplied, witness

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_apparatus(app: Sphinx) -> None:
    """Register the apparatus's markup, collectors, checks and pages."""
    supplied.register(app)  # text supplied by the editors
    notes.register(app)  # emendations, editorial notes, the apparatus page
    registers.register(app)  # persons, organisations, places; general-index entries
    chronology.register(app)  # dated events, the chronology and its timeline
    passages.register(app)  # the witness's paragraphs numbered, with citable anchors
    witness.register(app)  # the witness's reading (edition_witness_mode)
