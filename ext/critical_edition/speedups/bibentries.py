"""The .bib entries by key (write phase): one read-only copy per parse of the .bib files.

sphinxcontrib-bibtex keeps the parsed entries in pybtex's mapping, which finds a key whatever
its case; the claim cards, the checks and the exports (JSON-LD, TEI, CSL-JSON) want them by
the key as written, and each made its own copy, some on every page. This module keeps one.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.environment import BuildEnvironment

#: The parsed entries the last map was made from, and that map (see entries_by_key).
_entries_memo: tuple[object, Mapping[str, Any]] | None = None


def entries_by_key(env: BuildEnvironment) -> Mapping[str, Any]:
    """The entries of the edition's .bib files by key as written, in the files' order, as
    sphinxcontrib-bibtex parsed them; read-only.

    Made once per parse (checked by the identity of the parsed entries): the claim cards, the
    checks and every page's JSON-LD ask, and a copy for each costs pages x entries. (pybtex's
    own mapping finds keys regardless of case; this one, as the exports need, does not.)
    """
    global _entries_memo  # a one-slot memo
    bibdata = env.domains["cite"].data.get("bibdata")
    if bibdata is None:
        return MappingProxyType({})
    parsed = bibdata.data.entries
    if _entries_memo is None or _entries_memo[0] is not parsed:
        _entries_memo = (parsed, MappingProxyType(dict(parsed)))
    return _entries_memo[1]
