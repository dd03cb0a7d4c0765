"""Collector passes (start-up): the youngest generation examined less often, from the toolkit's import on.

Python examines its youngest generation after every 700 allocations of container objects,
and each pass promotes what survives towards the full passes over everything. Importing the
stack allocates some hundred thousand objects that live as long as the process (modules,
classes, functions): at 700, a rebuild of the edition that changed nothing spent about 40 ms
of its 0.55 s in passes during the imports. From the moment the toolkit is imported (the
edition's ``conf.py`` lists it first, and it loads MyST, sphinx-design and
sphinxcontrib-bibtex itself) the threshold is :data:`YOUNG_THRESHOLD`; the collector's
tuning (``speedups/collector.py``) keeps it for the build. ``CRITICAL_EDITION_GCFREEZE=0``
leaves the collector as it is.
"""

from __future__ import annotations

import gc

from critical_edition.core.switches import switched_on

#: The switch of the collector's tuning (speedups/collector.py).
SWITCH = "CRITICAL_EDITION_GCFREEZE"
#: Allocations between two passes over the youngest generation (Python's default is 700).
YOUNG_THRESHOLD = 20_000


def fewer_young_passes() -> bool:
    """Examine the youngest generation every :data:`YOUNG_THRESHOLD` allocations, unless
    switched off or already less often; whether the threshold was raised."""
    young, *older = gc.get_threshold()
    if not switched_on(SWITCH) or not 0 < young < YOUNG_THRESHOLD:
        return False
    gc.set_threshold(YOUNG_THRESHOLD, *older)
    return True
