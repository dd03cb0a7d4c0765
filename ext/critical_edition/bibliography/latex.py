"""Bibliography in LaTeX (write phase): each list of entries stays where its directive stands.

Sphinx's LaTeX builder gathers every citation of the document into one ``thebibliography`` at
its end, printed as "References" after the last page. The edition's bibliography is a page of
its own (with an introduction), so a LaTeX-only pair of post-transforms puts the entries back:
before Sphinx gathers them, each run of sibling citations leaves a place-holder and its citations
remember it; after, the gathered list is split back into one list per place-holder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.core import priorities

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The attribute by which a citation remembers the place of its list.
PLACE = "ed_bibliography_place"


class bibliography_place(nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """Where a list of citations stood; replaced before the writer sees it."""


class MarkBibliographyPlaces(SphinxPostTransform):
    """Leave a place-holder before each run of sibling citations; number the runs."""

    default_priority = priorities.MARK_BIBLIOGRAPHY_PLACES
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        number = 0
        for citation in list(self.document.findall(nodes.citation)):
            if PLACE in citation:
                continue
            parent = citation.parent
            if parent is None:
                continue
            number += 1
            place = bibliography_place(number=number)
            start = parent.index(citation)
            parent.insert(start, place)
            citation[PLACE] = number
            # The run: this citation and the citations right after it.
            for sibling in parent.children[start + 2 :]:
                if not isinstance(sibling, nodes.citation):
                    break
                sibling[PLACE] = number


class RestoreBibliographyPlaces(SphinxPostTransform):
    """Split Sphinx's gathered list back into one list at each place-holder."""

    default_priority = priorities.RESTORE_BIBLIOGRAPHY_PLACES
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        lists: dict[int, thebibliography] = {}
        for gathered in list(self.document.findall(thebibliography)):
            for citation in list(gathered.children):
                number = citation.get(PLACE) if isinstance(citation, nodes.Element) else None
                if number is None:
                    continue  # not from a marked run: stays in Sphinx's list at the end
                gathered.remove(citation)
                lists.setdefault(number, thebibliography()).append(citation)
            if not gathered.children:
                gathered.parent.remove(gathered)
        for place in list(self.document.findall(bibliography_place)):
            entries = lists.get(place["number"])
            if entries is None:
                place.parent.remove(place)
            else:
                place.replace_self(entries)


def register(app: Sphinx) -> None:
    """Add the two LaTeX-only post-transforms."""
    app.add_post_transform(MarkBibliographyPlaces)
    app.add_post_transform(RestoreBibliographyPlaces)
