"""Speed-ups (every phase): each patch of another package's internals, and the collector's pause.

Each module checks at run time that the installed version of the package it patches is one
the tests cover, and otherwise leaves the stock behaviour alone with one info line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.speedups import (
    bibcache,
    census,
    collector,
    design,
    doctrees,
    inventory,
    navigation,
    rowmemo,
    stemming,
    templates,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_speedups(app: Sphinx) -> None:
    """Install the bibliography cache, the template cache, the navigation cache, the stem
    memo, the design scan, the node census, the inventory cache and the row memo; tune the
    garbage collector and keep read doctrees on disk."""
    bibcache.register(app)
    templates.register(app)
    rowmemo.register(app)
    # The collector's tuning, the doctree release, the navigation cache, the stem memo, the
    # design scan, the node census and the inventory cache are also extensions of their own
    # (any Sphinx site may list them; the benchmark's plain build does): loaded through Sphinx
    # so that listing them as well registers them once.
    for module in (collector, doctrees, navigation, stemming, design, census, inventory):
        app.setup_extension(module.__name__)
