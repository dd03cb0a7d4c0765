"""Speed-ups (every phase): each patch of another package's internals, and the collector's pause.

Each module checks at run time that the installed version of the package it patches is one
the tests cover, and otherwise leaves the stock behaviour alone with one info line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.speedups import bibcache, collector, navigation, templates

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_speedups(app: Sphinx) -> None:
    """Install the bibliography cache, the template cache and the navigation cache; set the
    loaded stack aside from the garbage collector's passes."""
    collector.register(app)
    bibcache.register(app)
    templates.register(app)
    # The navigation cache is also an extension of its own (any furo site may list it):
    # loaded through Sphinx so that listing it as well registers it once.
    app.setup_extension(navigation.__name__)
