"""Bibliography backreferences (write phase, post-transform): sphinxcontrib-bibtex without a scan.

Part of the bibliography cache (:mod:`.bibcache`, which installs it and removes it with the
same switch, ``CRITICAL_EDITION_BIBCACHE=0``, and the same version guard): upstream's
``BibliographyTransform.run`` looks each entry's backreferences up by scanning every citation
reference of the edition, for every entry of a bibliography (entries x references, 0.4 s of
a .bib edit's rebuild at 50x the paper profiled), keeping only those made on the
bibliography's own page. The output is byte-identical with and without it
(``tests/test_bibcache.py`` builds a root whose bibliography page cites two entries both ways,
and pins upstream's code by its digest).

Upstream also fills in the citation nodes the environment keeps for each bibliography (its
``citation_nodes``, empty targets made when the page was read) and puts those very nodes in the
page: the environment then holds the written page's bibliography, and through its parents the
whole page, for the rest of the build (some 20 MB at 50 times the paper, while the claim index,
the largest page, is written: a tenth of the build's peak memory), and a second write in the
same process would fill them in again. Here upstream is given copies, and the environment's
nodes are left as they were read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib.bibtex import transforms as bibtex_transforms
from sphinxcontrib.bibtex.directives import BibliographyKey
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node

if TYPE_CHECKING:
    from collections.abc import Callable

_original_bibliography_run: Callable[..., None] = bibtex_transforms.BibliographyTransform.run


def bibliography_run(self: Any, **kwargs: Any) -> None:
    """``BibliographyTransform.run`` of sphinxcontrib-bibtex 2.7, without its scan.

    Upstream gives an entry of a bibliography the references to it made on the bibliography's
    own page, found by scanning every citation reference of the edition for every entry.
    Here upstream's code is given only the references made on the pages of this document's
    bibliographies, in their order, and copies of the citation nodes the environment keeps for
    them (upstream fills in and places the environment's own); the rest is upstream's code,
    unchanged. A document without a bibliography is left as upstream leaves it: untouched.
    """
    placeholders = list(self.document.findall(bibliography_node))
    if not placeholders:
        return
    docnames = {str(node["docname"]) for node in placeholders}
    domain = self.document.settings.env.get_domain("cite")
    everything = domain.data["citation_refs"]
    domain.data["citation_refs"] = [ref for ref in everything if ref.docname in docnames]
    kept = _lend_copies(domain, placeholders)
    try:
        _original_bibliography_run(self, **kwargs)
    finally:
        domain.data["citation_refs"] = everything
        for citation_nodes, originals in kept:
            citation_nodes.update(originals)


def _lend_copies(
    domain: Any, placeholders: list[Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Put copies in place of the environment's citation nodes of each bibliography on the
    page; the originals, to be put back once upstream has placed the copies."""
    kept: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for placeholder in placeholders:
        key = BibliographyKey(docname=placeholder["docname"], id_=placeholder["ids"][0])
        value = domain.bibliographies.get(key)
        if value is None or any(lent is value.citation_nodes for lent, _ in kept):
            continue  # left to upstream; or the same bibliography twice (an assembled tree)
        originals = dict(value.citation_nodes)
        value.citation_nodes.update({name: node.deepcopy() for name, node in originals.items()})
        kept.append((value.citation_nodes, originals))
    return kept
