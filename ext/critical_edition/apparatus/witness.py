"""Witness mode (post-transform, every builder): rewrite the doctree to the witness's reading.

With ``edition_witness_mode = True`` (``-D edition_witness_mode=1``) each document is reduced
to what the witness itself says, so that the fidelity test can compare the edition with it
word by word:

- supplied text (:class:`~critical_edition.core.nodes.supplied`, or any element with the class
  ``supplied``) is removed;
- an emendation is replaced by its ``original`` reading;
- claim cards are removed; claims, claim blocks and dismissed phrases keep only their words;
- footnote references and footnotes are removed (the witness's footnotes survive only as
  detached URL blocks and are checked separately);
- every citation becomes one stable token, :func:`citation_token`, listing its keys.

The transform does nothing in a normal build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.apparatus.supplied import CLASS as SUPPLIED_CLASS
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

#: The token a citation becomes in witness mode: its keys, comma-separated, in brackets that
#: the paper never uses. The fidelity test maps each parenthetical citation of the witness,
#: e.g. "(Garibov 2020)", to the same token.
TOKEN_OPEN = "⟦cite:"
TOKEN_CLOSE = "⟧"


def citation_token(keys: Iterable[str]) -> str:
    """The witness-mode token of a citation of *keys* (in the order written)."""
    return TOKEN_OPEN + ",".join(keys) + TOKEN_CLOSE


def citation_keys(target: str) -> list[str]:
    """The bib keys of a ``cite`` role's target (pre- and post-texts dropped)."""
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets

    return [str(t.key) for t in parse_citation_targets(target)]


def _replace(node: nodes.Node, replacement: list[nodes.Node]) -> None:
    parent = node.parent
    if parent is None:
        return
    index = parent.index(node)
    parent.remove(node)
    for offset, child in enumerate(replacement):
        parent.insert(index + offset, child)


def _attached(node: nodes.Node, root: nodes.document) -> bool:
    """Whether *node* is still in the document (not inside a subtree removed earlier)."""
    current: nodes.Node | None = node
    while current is not None and current is not root:
        current = current.parent
    return current is root


def _is_supplied(node: nodes.Element) -> bool:
    return isinstance(node, ed.supplied) or SUPPLIED_CLASS in node.get("classes", ())


class WitnessReading(SphinxPostTransform):
    """Reduce the document to the witness's reading (witness mode only)."""

    # Priority 8: after the claim cards and indexes are built (priority 5), so they can be
    # removed here, and before Sphinx's ReferencesResolver (10), while citations are still
    # pending references whose targets name their keys.
    default_priority = priorities.WITNESS_READING

    def is_supported(self) -> bool:
        return get_config(self.config).witness_mode and super().is_supported()

    def run(self, **kwargs: Any) -> None:
        # A copy of the list: nodes are removed and replaced while we go.
        for node in list(self.document.findall(nodes.Element)):
            if node is self.document or not _attached(node, self.document):
                continue
            if _is_supplied(node) or isinstance(
                node, ed.claim_card | nodes.footnote | nodes.footnote_reference
            ):
                _replace(node, [])
            elif isinstance(node, ed.emendation):
                original = str(node.get("original", ""))
                _replace(node, [nodes.Text(original)])
            elif isinstance(node, ed.claim | ed.claim_block | ed.not_a_claim):
                _replace(node, list(node.children))
            elif isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite":
                token = citation_token(citation_keys(str(node["reftarget"])))
                _replace(node, [nodes.inline(token, token, classes=["ed-witness-citation"])])


def register(app: Sphinx) -> None:
    """Register the witness-mode post-transform."""
    app.add_post_transform(WitnessReading)
