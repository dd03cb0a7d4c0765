"""Start-up (import time): soupsieve, imported by bs4 for CSS selectors, loads at first use.

furo imports BeautifulSoup to lay out its sidebar, and bs4 imports soupsieve, whose CSS
parser compiles its regular expressions at import: about 35 ms of CPU in every build, a
twentieth of a rebuild with nothing to do. No step of a build selects with CSS (furo walks
the tree with ``find_all``), so the import is deferred: ``sys.modules`` holds a stand-in
module until an attribute of it is first read (``soup.select(...)``, ``from soupsieve import
...``), which imports the real package and gives the stand-in its contents; from then on
both behave as the package. The stand-in is installed only while no one has imported
soupsieve yet, and not at all when ``CRITICAL_EDITION_DEFERIMPORTS=0``.

This runs when the ``critical_edition`` package is imported, before its sub-packages import
furo, so it cannot read the speed-ups' switch helper (``speedups.versions``), which would
import them first; it reads the variable the same way.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

SWITCH = "CRITICAL_EDITION_DEFERIMPORTS"

#: The modules deferred: each is imported with a plain ``import name`` by the package that
#: needs it and read only when used, which a stand-in can serve.
DEFERRED = ("soupsieve",)


class DeferredModule(ModuleType):
    """A stand-in for a module not imported yet: the first attribute missing from it imports
    the real module and copies its namespace in."""

    def __getattr__(self, attribute: str) -> Any:
        real = load(self)
        return getattr(real, attribute)


def load(stand_in: DeferredModule) -> ModuleType:
    """Import the module *stand_in* stands for (once) and give the stand-in its namespace."""
    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    real = importlib.import_module(name)
    # Only the attributes the stand-in lacks: its own name and spec stay as they were, and
    # a submodule set on it by an import in between is kept.
    for attribute, value in vars(real).items():
        stand_in.__dict__.setdefault(attribute, value)
    return real


def switched_on() -> bool:
    """Whether the deferral is on (unless the switch says ``0``, ``false``, ``no`` or ``off``)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def install() -> None:
    """Put a stand-in in ``sys.modules`` for each deferred module nobody has imported.

    A module that is not installed gets none, so its importer sees the ImportError it
    expects (bs4 then turns CSS selectors off) rather than a stand-in that fails later.
    """
    if not switched_on():
        return
    for name in DEFERRED:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = DeferredModule(name)
        stand_in.__spec__ = spec
        sys.modules[name] = stand_in
