"""Bibliography lookups (write phase): sphinxcontrib-bibtex's filter and citation lookup in linear time.

Part of the bibliography cache (:mod:`.bibcache`, which installs them and removes them with the
same switch, ``CRITICAL_EDITION_BIBCACHE=0``, and the same version guard):

* **Filtering.** Before formatting, ``BibtexDomain.get_filtered_entries`` finds the pages
  citing each entry by scanning every citation of the edition, for every entry.
  :func:`get_filtered_entries` collects the citing pages of every key in one pass first.
* **Lookup.** ``BibtexDomain.resolve_xref`` finds a reference's entries by scanning every
  citation of the edition, twice, for every reference. :func:`resolve_xref` runs upstream's
  code on the reference's own keys' citations, taken from an index built once a build.

The rest is upstream's code, unchanged; ``tests/test_bibcache.py`` pins it by its source and
checks that the output is the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib.bibtex import domain as bibtex_domain
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


# -- the filter ------------------------------------------------------------------------------

_original_get_filtered_entries: Callable[..., Any] = bibtex_domain.BibtexDomain.get_filtered_entries


_FilterVisitor: Any = bibtex_domain._FilterVisitor


def get_filtered_entries(self: Any, bibliography_key: Any) -> Iterator[tuple[str, Any]]:
    """``BibtexDomain.get_filtered_entries`` of sphinxcontrib-bibtex 2.7, in linear time.

    Upstream computes each entry's citing pages by scanning every citation reference of the
    edition; here they are collected for every key in one pass. Everything else (the filter
    expression, its warning, the order of the entries) is upstream's code.
    """
    bibliography = self.bibliographies[bibliography_key]
    citing: dict[str, set[str]] = {}
    for citation_ref in self.citation_refs:
        for target in citation_ref.targets:
            citing.setdefault(target.key, set()).add(citation_ref.docname)
    for entry in self.get_entries(bibliography.bibfiles):
        key = bibliography.keyprefix + entry.key
        cited_docnames = set(citing.get(key, ()))
        visitor = _FilterVisitor(
            entry=entry,
            docname=bibliography_key.docname,
            cited_docnames=cited_docnames,
        )
        try:
            success = visitor.visit(bibliography.filter_)
        except ValueError as err:
            bibtex_domain.logger.warning(
                f"syntax error in :filter: expression; {err}",
                location=(bibliography_key.docname, bibliography.line),
                type="bibtex",
                subtype="filter_syntax_error",
            )
            # recover by falling back to the default
            success = bool(cited_docnames)
        if success or entry.key in bibliography.keys:
            yield key, entry


# -- the citation lookup ---------------------------------------------------------------------

_original_resolve_xref: Callable[..., Any] = bibtex_domain.BibtexDomain.resolve_xref

#: Where each key's citations are in the domain's list of citations: (that list, positions).
_positions: tuple[list[Any], dict[str, list[int]]] | None = None


def _positions_by_key(citations: list[Any]) -> dict[str, list[int]]:
    """The positions of each key's citations in *citations*, indexed once a build."""
    global _positions
    if _positions is None or _positions[0] is not citations:
        by_key: dict[str, list[int]] = {}
        for position, citation in enumerate(citations):
            by_key.setdefault(citation.key, []).append(position)
        _positions = (citations, by_key)
    return _positions[1]


def forget_positions(*_: object) -> None:
    """Drop the index (``write-started``: the citations were just collected again)."""
    global _positions
    _positions = None


def resolve_xref(
    self: Any,
    env: Any,
    fromdocname: str,
    builder: Any,
    typ: str,
    target: str,
    node: Any,
    contnode: Any,
) -> Any:
    """``BibtexDomain.resolve_xref`` of sphinxcontrib-bibtex 2.7, without its scan.

    Upstream looks a reference's keys up by scanning every citation of the edition, twice, for
    every reference: references x entries. Here the scan is given only the citations of the
    reference's keys, in their order, from an index built once a build; the rest is
    upstream's code, unchanged.
    """
    everything = self.data["citations"]
    positions = _positions_by_key(everything)
    keys = {cited.key for cited in parse_citation_targets(target)}
    wanted = sorted(p for key in keys for p in positions.get(key, ()))
    self.data["citations"] = [everything[p] for p in wanted]
    try:
        return _original_resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode)
    finally:
        self.data["citations"] = everything
