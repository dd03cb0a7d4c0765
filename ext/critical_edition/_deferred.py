"""Start-up (import time): soupsieve, snowballstemmer and sphinx.ext.doctest, imported by packages that seldom use them, load at first use.

furo imports BeautifulSoup to lay out its sidebar, and bs4 imports soupsieve, whose CSS
parser compiles its regular expressions at import: about 35 ms of CPU in every build, a
twentieth of a rebuild with nothing to do. No step of a build selects with CSS (furo walks
the tree with ``find_all``), so the import is deferred: ``sys.modules`` holds a stand-in
module until an attribute of it is first read (``soup.select(...)``, ``from soupsieve import
...``), which imports the real package and gives the stand-in its contents; from then on
both behave as the package (a submodule imported first is run once: :class:`AlreadyImported`).
The stand-in is installed only while no one has imported soupsieve yet, and not at all when
``CRITICAL_EDITION_DEFERIMPORTS=0``.

snowballstemmer likewise: Sphinx's English search language imports it, which imports the
stemmers of some thirty languages (10 ms). With the stem memo's stemmer made on demand
(``speedups/stemming.py``), a build that stems no new word (a rebuild that changed nothing)
never reads it. And Sphinx's doctest extension, which a transform of every build imports for
one regular expression (its trimming of doctest flags, on pages with code): importing it
imports ``doctest``, ``pdb`` and ``unittest`` (8 ms).

This runs when the ``critical_edition`` package is imported, before its sub-packages import
furo; it reads its switch through ``core.switches``, which imports nothing of theirs.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from critical_edition.core.switches import switched_on

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec

SWITCH = "CRITICAL_EDITION_DEFERIMPORTS"

#: The modules deferred: each is imported with a plain ``import name`` by the package that
#: needs it (bs4, Sphinx's search languages, Sphinx's code transforms) and read only when
#: used, which a stand-in can serve.
DEFERRED = ("soupsieve", "snowballstemmer", "sphinx.ext.doctest")


#: A module's attributes describing it, which a new module starts with as blanks.
_DESCRIPTIVE = frozenset({"__doc__", "__file__", "__loader__", "__package__", "__cached__"})


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
    # The module's own attributes, and its file, loader and documentation over the blanks a
    # new module starts with; a submodule imported through the stand-in is the same module
    # the real package holds (it was in sys.modules when the package imported it).
    for attribute, value in vars(real).items():
        if attribute in _DESCRIPTIVE or attribute not in stand_in.__dict__:
            stand_in.__dict__[attribute] = value
    return real


class AlreadyImported(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder of a deferred package's submodule that loading the package has just imported.

    ``import soupsieve.css_match`` before any attribute of the stand-in is read: Python looks
    for the package's ``__path__``, which loads the whole package (``css_match`` included),
    then would find and run ``css_match`` a second time, as a module of its own. Asked first,
    this finder hands Python the module the package imported, and leaves its spec as it was.
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] not in DEFERRED or "." not in fullname:
            return None
        module = sys.modules.get(fullname)
        if module is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = sys.modules[spec.name]
        # Python gives the module the spec it found it by: the module keeps its own.
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)

    def __init__(self) -> None:
        self._specs: dict[str, ModuleSpec | None] = {}


def install() -> None:
    """Put a stand-in in ``sys.modules`` for each deferred module nobody has imported.

    A module that is not installed gets none, so its importer sees the ImportError it
    expects (bs4 then turns CSS selectors off) rather than a stand-in that fails later.
    """
    if not switched_on(SWITCH):
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
        parent, dot, child = name.rpartition(".")
        if dot and parent in sys.modules:
            # Python names a submodule on its package only when it loads it: the stand-in
            # is named there too (``import sphinx.ext.doctest`` then ``sphinx.ext.doctest``).
            setattr(sys.modules[parent], child, stand_in)
        if not any(isinstance(finder, AlreadyImported) for finder in sys.meta_path):
            sys.meta_path.insert(0, AlreadyImported())
