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

    # Reading: markup -> nodes + records in the domain (keyed by document).
    app.add_domain(domain.EditionDomain)
    claims.setup(app)
    actors.setup(app)
    lint.setup(app)
    # env-updated: pages built from other pages' claims (index, register) are rewritten.
    app.connect("env-get-outdated", domain.note_changes)
    app.connect("env-updated", domain.pages_to_rewrite)
    # write-started: corpus-wide checks, emitted by every build (also one that read nothing).
    app.connect("write-started", checks.run_checks)
    # Writing: cards, index and register lists (post-transforms), then the visitors.
    indexes.setup(app)
    writers.setup(app)
    # builder-inited: CSS and JS for HTML builders only.
    assets.setup(app)
    app.setup_extension("critical_edition.latex_assets")  # builder-inited: the .sty, LaTeX only
    # build-finished: the claims.json export.
    app.connect("build-finished", export.write_claims_json)
    app.setup_extension("critical_edition.linkreport")  # linkcheck builder; report at build-finished
    app.setup_extension("critical_edition.citation_style")  # bibtex styles, before builder-inited
    app.setup_extension("critical_edition.bibcache")  # pybtex lookups memoised; entries cached
    app.setup_extension("critical_edition.supplied")  # read: supplied directive; its visitors
    app.setup_extension("critical_edition.witness")  # post-transform: the witness's reading
    app.setup_extension("critical_edition.report")  # integrity report: every warning, counts
    app.setup_extension("critical_edition.bibcheck")  # builder-inited, first: the .bib files
    app.setup_extension("critical_edition.footnotes")  # read: dangling/unused footnotes
    app.setup_extension("critical_edition.citelint")  # doctree-read: plain-text citations
    app.setup_extension("critical_edition.rawhtml")  # doctree-read: raw HTML
    app.setup_extension("critical_edition.reference")  # read: reference tables from the code
    app.setup_extension("critical_edition.apparatus")  # read: emendations, notes; their pages
    app.setup_extension("critical_edition.registers")  # read: persons, orgs, places; the index
    app.setup_extension("critical_edition.chronology")  # read: dated events; the chronology
    app.setup_extension("critical_edition.bibstatus")  # write: bibliography badges, backlinks

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
