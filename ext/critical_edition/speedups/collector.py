"""Garbage collector (config-inited to build-finished): long-lived objects kept out of its passes.

By the time the configuration is read, Sphinx, docutils, MyST, sphinxcontrib-bibtex, furo and
the toolkit have created some hundred thousand objects (modules, classes, functions, compiled
patterns) that live as long as the process. Python's collector walks every one of them at
each full pass: in a rebuild of the edition that changed nothing, its passes took about a
tenth of the time. ``gc.freeze()`` (a public API of the standard library) moves the objects
that exist at that moment out of the collector's generations; they are still freed when
nothing refers to them, only a reference cycle among them would stay. It is done once per
process, so that a process building many projects (the test suite) freezes only the first
one's.

The environment loaded from the last build is the larger part: at 50x the paper some
250 MB of records and their doctrees' metadata, which every full pass of the collector walked
again while a rebuild after one .bib edit wrote its three pages (a quarter of that rebuild's
time). Once the builder is set up (``builder-inited``, the environment loaded) the objects
that exist are frozen too, and again once reading is over (``env-updated``, after one
collection of the reading's garbage, so that no discarded doctree is kept). At
``build-finished`` everything is unfrozen (``gc.unfreeze()``), so that a process building
several projects frees each one's environment; the next build freezes its stack again.

What is not frozen (the doctrees being written, above all the claim index's) is still walked
by each full pass, and Python starts one every 70,000 allocations by default: ten in the
writing of the claim index at 50x. From ``config-inited`` to ``build-finished`` the youngest
generation's threshold is raised to :data:`YOUNGEST` (ten times Python's 700), so that passes
come ten times less often; a pass still reclaims every cycle, later, and the thresholds are
restored when the build is over.

The output is unchanged: the collector decides when memory is reclaimed, never what a build
writes (``tests/test_noop_caches.py`` builds with and without, and compares every file).

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

#: Set to ``0`` to leave the garbage collector alone.
SWITCH = "CRITICAL_EDITION_GCFREEZE"
#: Whether the stack was frozen (config-inited), and whether this build froze more since.
_done: list[bool] = []
_build: list[bool] = []
#: The youngest generation's threshold during a build (Python's default is 700).
YOUNGEST = 7000
#: The collector's thresholds before the build raised them.
_thresholds: list[tuple[int, ...]] = []


def freeze(app: Sphinx, config: Config) -> None:
    """Raise the youngest generation's threshold for this build; set the objects created so
    far aside from the collector (``config-inited``, once per process)."""
    if not switched_on(SWITCH):
        return
    if not _thresholds:
        _build.append(True)
        _thresholds.append(gc.get_threshold())
        youngest, *older = gc.get_threshold()
        gc.set_threshold(max(youngest, YOUNGEST), *older)
    if _done:
        return
    _done.append(True)
    gc.freeze()


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
    """Give every frozen object back to the collector and restore its thresholds
    (``build-finished``), so that this build's environment can be freed; the next build
    freezes its stack again."""
    if not _build:
        return
    _build.clear()
    _done.clear()
    gc.unfreeze()
    if _thresholds:
        gc.set_threshold(*_thresholds.pop())


def register(app: Sphinx) -> None:
    """Freeze once every extension is set up and the configuration read, then the loaded
    environment and what reading left; thaw when the build is over."""
    app.connect("config-inited", freeze)
    app.connect("builder-inited", freeze_environment)
    app.connect("env-updated", freeze_after_reading, priority=priorities.FREEZE_AFTER_READING)
    app.connect("build-finished", thaw, priority=priorities.THAW_COLLECTOR)
