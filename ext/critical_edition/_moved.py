"""Old import paths (import time): the modules of the flat layout, moved into sub-packages.

``conf.py`` files written for the flat layout name modules such as
``critical_edition.navigation``; importing one still works, gives the module's main successor,
and warns once with the new name (a :class:`MovedModuleWarning`, shown by default). Names that
moved on to a sibling module in the split (``report.intercept`` to ``core.findings``, say) are
not re-exported, and only ``navigation`` is still an extension of its own.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Old module (under ``critical_edition.``) -> its place now.
MOVED = {
    "actors": "claims.actors",
    "apparatus_domain": "apparatus.domain",
    "assets": "writers.assets",
    "bibcache": "speedups.bibcache",
    "bibcheck": "bibliography.check",
    "bibstatus": "bibliography.status",
    "checks": "claims.checks",
    "chronology": "apparatus.chronology",
    "citation_style": "bibliography.style",
    "citelint": "integrity.citelint",
    "config": "core.config",
    "diagnostics": "core.diagnostics",
    "domain": "claims.domain",
    "envdata": "core.envdata",
    "export": "outputs.claims_json",
    "footnotes": "integrity.footnotes",
    "indexes": "claims.indexes",
    "latex_assets": "writers.latex_assets",
    "linkreport": "linkcheck.builder",
    "lint": "claims.lint",
    "markup": "core.markup",
    "model": "core.model",
    "navigation": "speedups.navigation",
    "nodes": "core.nodes",
    "post_transforms": "core.post_transforms",
    "quickstart": "cli.new",
    "rawhtml": "integrity.rawhtml",
    "reference": "outputs.reference",
    "registers": "apparatus.registers",
    "report": "integrity.report",
    "supplied": "apparatus.supplied",
    "tables": "core.tables",
    "witness": "apparatus.witness",
    "xrefs": "core.xrefs",
}

_PACKAGE = __name__.rpartition(".")[0]


class MovedModuleWarning(FutureWarning):
    """A module of the toolkit was imported by the name it had before the layout changed."""


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module at its new place."""

    def __init__(self, new_name: str) -> None:
        self.new_name = new_name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} has moved to {self.new_name}: use the new name "
            "(the old one will be removed in a later version)",
            MovedModuleWarning,
            stacklevel=2,
        )
        return importlib.import_module(self.new_name)

    def exec_module(self, module: ModuleType) -> None:
        """The module at its new place is already executed."""


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the old names of moved modules, and nothing else."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != _PACKAGE or name not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, _Alias(f"{_PACKAGE}.{MOVED[name]}"))


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
