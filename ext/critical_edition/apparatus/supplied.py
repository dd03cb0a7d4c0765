"""Supplied text (read phase): the ``supplied`` directive; its visitors are in writers.supplied.

Text the witness lacks and the editors restore (the title block of the paper, say) is written
inside a ``supplied`` block::

    :::{supplied}
    # An Account on Karabakh War: Why Now and Then What?

    Ayça Ergun and Anar Valiyev
    :::

The content is parsed as ordinary markup, headings included (a supplied title stays the
page's title). Every builder shows the block with the visible label
"Supplied by the editors"; in witness mode (:mod:`critical_edition.apparatus.witness`) it is removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.docutils import SphinxDirective

from critical_edition.core import nodes as ed
from critical_edition.core import priorities

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The label every builder shows with supplied text.
LABEL = "Supplied by the editors"

#: The class every supplied node carries (the HTML ``div`` and the witness transform use it).
CLASS = "supplied"

# sphinx-design's card classes: the block renders as a card whose header is the label.
CARD_CLASSES = "ed-supplied sd-card sd-sphinx-override sd-mb-3 sd-shadow-sm"


class SuppliedDirective(SphinxDirective):
    """``supplied``: a block of text restored by the editors.

    Options: ``class`` (extra classes) and ``name`` (a target for references).
    """

    has_content = True
    required_arguments = 0
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        node = ed.supplied(classes=[CLASS, *self.options.get("class", [])])
        self.set_source_info(node)
        self.add_name(node)
        document = self.state.document
        before = {id(section) for section in document.findall(nodes.section)}
        # match_titles: a supplied title (the paper's) must stay a section title, so that the
        # page keeps its title in the toctree and the HTML <title>.
        self.state.nested_parse(self.content, self.content_offset, node, match_titles=True)
        _adopt_new_sections(document, node, before)
        return [node]


def _adopt_new_sections(document: nodes.document, node: nodes.Element, before: set[int]) -> None:
    """Move the sections a nested parse created into *node*.

    MyST attaches a section made by a nested parse to the enclosing section (or the document),
    not to the directive's node; brought back in, a supplied title stays inside the supplied
    block. Sections already inside *node* (docutils' own parser) are left where they are.
    """
    new = [s for s in document.findall(nodes.section) if id(s) not in before]
    new_ids = {id(s) for s in new}
    for section in new:
        parent = section.parent
        if parent is None or id(parent) in new_ids or _contains(node, section):
            continue
        parent.remove(section)
        node.append(section)


def _contains(ancestor: nodes.Element, node: nodes.Node) -> bool:
    current = node.parent
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False


# --- Table of contents ----------------------------------------------------------------------------


def toc_for_supplied_titles(app: Sphinx, doctree: nodes.document) -> None:
    """Give a page whose title is supplied its entry in the tables of contents.

    Connected to ``doctree-read`` after Sphinx's own collector (priority 500), which looks for
    sections among the document's children only and so misses a title inside a ``supplied``
    block: the page would get no link in the toctree. When the collector found nothing, it is
    run again on a stand-in document holding those sections.
    """
    env = app.env
    docname = env.current_document.docname
    toc = env.tocs.get(docname)
    if toc is not None and toc.children:
        return
    sections = [
        section
        for supplied in doctree.findall(ed.supplied)
        for section in supplied.children
        if isinstance(section, nodes.section)
    ]
    # A toctree inside would be noted twice by a second run: leave such (unlikely) pages alone.
    if not sections or any(True for s in sections for _ in s.findall(addnodes.toctree)):
        return
    stand_in = doctree.copy()
    stand_in.extend(section.deepcopy() for section in sections)
    TocTreeCollector().process_doc(app, stand_in)


def register(app: Sphinx) -> None:
    """Register the directive and the table-of-contents fix."""
    app.add_directive("supplied", SuppliedDirective)
    # doctree-read, after Sphinx's TocTreeCollector (500): see toc_for_supplied_titles.
    app.connect(
        "doctree-read", toc_for_supplied_titles, priority=priorities.TOC_FOR_SUPPLIED_TITLES
    )
