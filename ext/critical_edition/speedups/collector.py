"""Garbage collector (config-inited): the loaded stack's objects set aside from its full passes.

By the time the configuration is read, Sphinx, docutils, MyST, sphinxcontrib-bibtex, furo and
the toolkit have created some hundred thousand objects (modules, classes, functions, compiled
patterns) that live as long as the process. Python's collector walks every one of them at
each full pass: in a rebuild of the edition that changed nothing, its passes took about a
tenth of the time. ``gc.freeze()`` (a public API of the standard library) moves the objects
that exist at that moment out of the collector's generations; they are still freed when
nothing refers to them, only a reference cycle among them would stay. It is done once per
process, so that a process building many projects (the test suite) freezes only the first
one's. The output is unchanged: the collector decides when memory is reclaimed, never what a
build writes.

Set the environment variable ``CRITICAL_EDITION_GCFREEZE=0`` to leave the collector as it is.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Set to ``0`` to leave the garbage collector alone.
SWITCH = "CRITICAL_EDITION_GCFREEZE"
_done: list[bool] = []


def freeze(app: Sphinx, config: Config) -> None:
    """Set the objects created so far aside from the collector (``config-inited``, once)."""
    if _done or not switched_on(SWITCH):
        return
    _done.append(True)
    gc.freeze()


def register(app: Sphinx) -> None:
    """Freeze once every extension is set up and the configuration read."""
    app.connect("config-inited", freeze)
