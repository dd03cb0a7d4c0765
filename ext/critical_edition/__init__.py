"""critical_edition: a Sphinx toolkit for critical editions (claims, apparatus, integrity checks).

``setup()`` only registers; each concern lives in its own module. Enable it with one line in
``conf.py``: ``extensions = ["critical_edition"]`` (it loads myst-parser, sphinxcontrib-bibtex
and sphinx-design itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import actors, assets, checks, claims, config, domain, export, indexes, lint, writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: Bump when the shape of the data stored in the environment changes, so that old pickled
#: environments are discarded instead of being read with the wrong layout.
ENV_VERSION = 1


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the toolkit's settings, markup, domain, transforms, writers and checks."""
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    app.setup_extension("sphinxcontrib.bibtex")

    config.register(app)
    # config-inited: validate the user's settings once, before anything reads them.
    app.connect("config-inited", config.validate)

    # The bibliography layer (builder-inited, before sphinxcontrib-bibtex parses the files):
    # every .bib problem located, nothing dropped; the edition's styles; memoised formatting.
    for module in ("bibcheck", "citation_style", "bibcache"):
        app.setup_extension(f"{__name__}.{module}")

    # Reading: markup -> nodes + records in the domains (keyed by document).
    app.add_domain(domain.EditionDomain)
    claims.setup(app)
    actors.setup(app)
    lint.setup(app)
    for module in (
        "supplied",  # text supplied by the editors
        "apparatus",  # emendations, editorial notes, the apparatus page
        "registers",  # persons, organisations, places; general-index entries
        "chronology",  # dated events, the chronology and its timeline
        "footnotes",  # dangling, unreferenced and duplicate footnotes, by label
        "citelint",  # author-year citations left as plain text
        "rawhtml",  # raw HTML in the sources
        "reference",  # reference tables generated from the code
    ):
        app.setup_extension(f"{__name__}.{module}")
    # env-get-outdated / env-updated: pages built from other pages' claims are rewritten.
    app.connect("env-get-outdated", domain.note_changes)
    app.connect("env-updated", domain.pages_to_rewrite)
    # write-started: corpus-wide checks, emitted by every build (also one that read nothing).
    app.connect("write-started", checks.run_checks)

    # Writing: cards, index and register lists (post-transforms), then the visitors.
    indexes.setup(app)
    writers.setup(app)
    for module in (
        "bibstatus",  # bibliography: status badges, backlinks across pages
        "witness",  # the witness's reading (edition_witness_mode)
        "latex_assets",  # the .sty next to the .tex (LaTeX builders)
        "linkreport",  # the linkcheck builder and its report
        "report",  # the integrity report (build-finished)
        "navigation",  # furo's sidebar tree built once per folder, not once per page
    ):
        app.setup_extension(f"{__name__}.{module}")
    # builder-inited: CSS and JS for HTML builders only.
    assets.setup(app)
    # build-finished: the claims.json export.
    app.connect("build-finished", export.write_claims_json)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
