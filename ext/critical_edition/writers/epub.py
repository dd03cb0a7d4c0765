"""EPUB (write phase): components that cannot be well-formed XHTML get a rendering of their own.

sphinx-design writes a tab set as radio ``<input>`` elements and labels, which its HTML
template leaves unclosed and which strict EPUB readers refuse; in an EPUB each tab becomes a
section instead: its label as a heading, then its content, one after the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.core import priorities

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The builders that write EPUB.
EPUB_BUILDERS = ("epub",)


def _component(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Element) and node.get("design_component") == name


class TabsAsSections(SphinxPostTransform):
    """Replace each tab set by its tabs in turn, each headed by its label."""

    default_priority = priorities.EPUB_TABS_AS_SECTIONS
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if self.app.builder.name not in EPUB_BUILDERS:
            return
        for tab_set in list(self.document.findall(nodes.Element)):
            if not _component(tab_set, "tab-set"):
                continue
            sections = nodes.container(classes=["ed-tab-sections"])
            for item in tab_set.children:
                if not _component(item, "tab-item"):
                    sections += item.deepcopy()  # a target, say
                    continue
                section = nodes.container(classes=["ed-tab-section"])
                for part in item.children:
                    if isinstance(part, nodes.rubric):
                        title = part.astext()
                        section += nodes.rubric(title, "", *part.children, classes=["ed-tab-title"])
                    else:
                        section.extend(part.children if _component(part, "tab-content") else [part])
                sections += section
            tab_set.replace_self(sections)


def register(app: Sphinx) -> None:
    """Add the EPUB-only post-transform."""
    app.add_post_transform(TabsAsSections)
