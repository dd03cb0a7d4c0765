"""The core (every phase): settings, diagnostics, records, nodes, markup parsing, shared bases.

Nothing here imports from the toolkit's other sub-packages; they all import from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.core import config, findings, unfinished

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_core(app: Sphinx) -> None:
    """Load the stack the toolkit builds on and register the settings."""
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    app.setup_extension("sphinxcontrib.bibtex")
    config.register(app)
    # config-inited: validate the user's settings once, before anything reads them.
    app.connect("config-inited", config.validate)
    # Every warning the user is shown becomes a finding; the checks' counts follow documents.
    findings.register(app)
    # Now, before Sphinx loads its saved environment: can the build write, and did the last one
    # finish? After an unfinished build every document is read and written again.
    unfinished.register(app)
