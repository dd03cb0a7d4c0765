"""Bibliography backreferences (write phase, post-transform): sphinxcontrib-bibtex without a scan.

Part of the bibliography cache (:mod:`.bibcache`, which installs it and removes it with the
same switch, ``CRITICAL_EDITION_BIBCACHE=0``, and the same version guard): upstream's
``BibliographyTransform.run`` looks each entry's backreferences up by scanning every citation
reference of the edition, for every entry of a bibliography (entries x references, 0.4 s of
a .bib edit's rebuild at 50x the paper profiled), keeping only those made on the
bibliography's own page. The output is byte-identical with and without it
(``tests/test_bibcache.py`` builds a root whose bibliography page cites two entries both ways,
and pins upstream's code by its digest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib.bibtex import transforms as bibtex_transforms
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node

if TYPE_CHECKING:
    from collections.abc import Callable

_original_bibliography_run: Callable[..., None] = bibtex_transforms.BibliographyTransform.run


def bibliography_run(self: Any, **kwargs: Any) -> None:
    """``BibliographyTransform.run`` of sphinxcontrib-bibtex 2.7, without its scan.

    Upstream gives an entry of a bibliography the references to it made on the bibliography's
    own page, found by scanning every citation reference of the edition for every entry.
    Here upstream's code is given only the references made on the pages of this document's
    bibliographies, in their order; the rest is upstream's code, unchanged. A document
    without a bibliography is left as upstream leaves it: untouched.
    """
    docnames = {str(node["docname"]) for node in self.document.findall(bibliography_node)}
    if not docnames:
        return
    domain = self.document.settings.env.get_domain("cite")
    everything = domain.data["citation_refs"]
    domain.data["citation_refs"] = [ref for ref in everything if ref.docname in docnames]
    try:
        _original_bibliography_run(self, **kwargs)
    finally:
        domain.data["citation_refs"] = everything
