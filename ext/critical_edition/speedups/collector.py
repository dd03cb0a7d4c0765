"""Garbage collector (config-inited, exit): the stack set aside, fewer passes, none at exit.

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

The environment a rebuild loads from its pickle is set aside as well, once the builder is
made: it lives to the end of the build, and the first full pass walked all of it.

Last, the collector makes no pass when the process exits. Python collects once more after the
program ends, over every object still alive: after a ``.bib`` edit at 50 times the paper that
pass walked 765,000 objects, the doctrees of the claim index and the bibliography (a docutils
node refers to its parent, so only the collector frees a tree), and took 0.6 s of a 4.7 s
rebuild; after a prose edit, 0.17 s of 1.2 s, with the teardown. The system takes the memory
back at exit anyway, so an exit handler freezes every object first (:func:`freeze_at_exit`).
Only the finalisers of objects in reference cycles are skipped, which Python never promises
to run at exit; every file the build writes is closed before the build ends.

Set the environment variable ``CRITICAL_EDITION_GCFREEZE=0`` to leave the collector as it is.
"""

from __future__ import annotations

import atexit
import gc
from typing import TYPE_CHECKING

from critical_edition.core import collection, priorities
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to leave the garbage collector alone.
SWITCH = collection.SWITCH
_done: list[bool] = []
_environment_done: list[bool] = []
#: Allocations between two passes over the youngest generation (Python's default is 700).
YOUNG_THRESHOLD = collection.YOUNG_THRESHOLD


def freeze(app: Sphinx, config: Config) -> None:
    """Set the objects created so far aside from the collector and make its passes over the
    young fewer (``config-inited``, once)."""
    if _done or not switched_on(SWITCH):
        return
    _done.append(True)
    gc.freeze()
    collection.fewer_young_passes()
    atexit.register(freeze_at_exit)


def freeze_loaded_environment(app: Sphinx) -> None:
    """Set the environment Sphinx has just loaded aside too (``builder-inited``, once per
    process, after the collector's tuning): the first full pass of a rebuild walked every
    object of the unpickled environment (0.03 to 0.05 s at 50 times the paper)."""
    if _done and not _environment_done:
        _environment_done.append(True)
        gc.freeze()


def freeze_at_exit() -> None:
    """Set every object aside as the process ends, so that Python's last passes of the
    collector have nothing to walk (an exit handler, registered once per process)."""
    gc.freeze()


def setup(app: Sphinx) -> ExtensionMetadata:
    """Freeze once every extension is set up and the configuration read.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.collector``).
    """
    app.connect("config-inited", freeze)
    app.connect(
        "builder-inited", freeze_loaded_environment, priority=priorities.FREEZE_LOADED_ENVIRONMENT
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
