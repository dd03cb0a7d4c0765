"""Garbage collector (config-inited to build-finished): long-lived objects set aside, fewer passes.

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

The collector also looks at new objects less often: its youngest generation is examined
after :data:`YOUNG_THRESHOLD` allocations instead of Python's 700. A build allocates millions
of short-lived objects (nodes, attribute dictionaries, the writer's strings and lists); at 700
many of them outlive one pass, are promoted, and are counted towards the next full pass,
which walks every object of the build: at 50 times the paper some thirty full passes took
about a fifth of a full build. With the larger threshold most of them are gone before the
first pass. Together with doctrees kept on disk only (:mod:`.doctrees`), which leaves little
for a full pass to walk, the memory a build peaks at stays where it was (measured on the
benchmark's editions).

The environment loaded from the last build is the larger part of what a rebuild keeps: at
50x the paper some 250,000 objects of records, which every full pass walked again while a
rebuild after one .bib edit wrote its three pages. Once the builder is set up
(``builder-inited``, the environment loaded) the objects that exist are frozen too, and again
once reading is over (``env-updated``, after one collection of the reading's garbage, so that
no discarded doctree is kept). At ``build-finished`` everything is unfrozen
(``gc.unfreeze()``), so that a process building several projects frees each one's
environment; its next build freezes its stack again.

Set the environment variable ``CRITICAL_EDITION_GCFREEZE=0`` to leave the collector as it is.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from critical_edition.core import priorities
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to leave the garbage collector alone.
SWITCH = "CRITICAL_EDITION_GCFREEZE"
#: Whether the stack was frozen (config-inited), and whether this build froze more since.
_done: list[bool] = []
_build: list[bool] = []
#: Allocations between two passes over the youngest generation (Python's default is 700).
YOUNG_THRESHOLD = 20_000


def freeze(app: Sphinx, config: Config) -> None:
    """Set the objects created so far aside from the collector and make its passes over the
    young fewer (``config-inited``, once)."""
    if _done or not switched_on(SWITCH):
        return
    _done.append(True)
    gc.freeze()
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *older)


def freeze_environment(app: Sphinx) -> None:
    """Set the loaded environment aside from the collector (``builder-inited``)."""
    if not switched_on(SWITCH):
        return
    _build.append(True)
    gc.freeze()


def freeze_after_reading(app: Sphinx, env: object) -> None:
    """Collect the reading's garbage, then set what is left aside (``env-updated``)."""
    if not switched_on(SWITCH):
        return
    _build.append(True)
    gc.collect()
    gc.freeze()


def thaw(app: Sphinx, exception: BaseException | None) -> None:
    """Give every frozen object back to the collector (``build-finished``), so that this
    build's environment can be freed; the next build freezes its stack again."""
    if not _build:
        return
    _build.clear()
    _done.clear()
    gc.unfreeze()


def setup(app: Sphinx) -> ExtensionMetadata:
    """Freeze once every extension is set up and the configuration read, then the loaded
    environment and what reading left; thaw when the build is over.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.collector``).
    """
    app.connect("config-inited", freeze)
    app.connect("builder-inited", freeze_environment)
    app.connect("env-updated", freeze_after_reading, priority=priorities.FREEZE_AFTER_READING)
    app.connect("build-finished", thaw, priority=priorities.THAW_COLLECTOR)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
