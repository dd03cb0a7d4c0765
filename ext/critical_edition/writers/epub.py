"""EPUB (write phase): renderings of their own for tabs, claims' cards and editors' notes.

sphinx-design writes a tab set as radio ``<input>`` elements and labels, which its HTML
template leaves unclosed and which strict EPUB readers refuse; in an EPUB each tab becomes a
section instead: its label as a heading, then its content, one after the other. The claim
index's status filter (the same inputs and labels over one table) leaves its table alone.

A claim's card (a tooltip on the web) and an editors' note become EPUB 3 footnotes: an
``<aside epub:type="footnote">`` after the paragraph (a note stays where it stands), reached
from a ``noteref`` link in the text, the claim's number before it or the lemma's "ed. N".
Reading systems that know footnotes show them as pop-ups; the others show the aside in the
flow, which ``epub-notes.css`` sets apart from the authors' text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.tabs import sd_tab_input, sd_tab_label

from critical_edition.claims.indexes import CLAIM_FILTER_CLASS
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.post_transforms import EditionPostTransform
from critical_edition.writers.base import NodeVisitors, skip

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The builders that write EPUB.
EPUB_BUILDERS = ("epub",)


def _component(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Element) and node.get("design_component") == name


class TabsAsSections(SphinxPostTransform):
    """Replace each tab set by its tabs in turn, each headed by its label; a claim filter by
    its table."""

    default_priority = priorities.EPUB_TABS_AS_SECTIONS
    builders = EPUB_BUILDERS

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(nodes.container)):
            if CLAIM_FILTER_CLASS in box["classes"] and box.parent is not None:
                # Its panel's content (the table), without the filter's classes or ids, which
                # replace_self would give it.
                kept = [
                    part
                    for child in box.children
                    if not isinstance(child, sd_tab_input | sd_tab_label)
                    for part in child.children
                ]
                box.parent.replace(box, kept)
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


def _block_of(node: nodes.Element) -> nodes.Element | None:
    """The block (a paragraph, a block claim) after which *node*'s note goes, if any."""
    block: nodes.Element | None = node if isinstance(node, ed.claim_block) else node.parent
    while block is not None and not (
        isinstance(block, nodes.Body)
        and not isinstance(block, nodes.Inline)
        and not isinstance(block.parent, nodes.TextElement)
    ):
        block = block.parent
    return block if block is not None and block.parent is not None else None


def _mark(refid: str, *children: nodes.Node) -> nodes.superscript:
    mark = nodes.superscript("", "", classes=["ed-noteref-mark"])
    mark += ed.noteref("", "", *children, refid=refid, classes=["ed-noteref"])
    return mark


class NotesAsFootnotes(SphinxPostTransform):
    """Claims' cards after their paragraph as footnotes, the lemmas' marks as note references."""

    default_priority = priorities.EPUB_NOTES_AS_FOOTNOTES
    builders = EPUB_BUILDERS

    def run(self, **kwargs: Any) -> None:
        self.cards()
        self.note_marks()

    def cards(self) -> None:
        after: dict[int, nodes.Element] = {}  # block -> the last note set after it
        claims = [
            n
            for n in self.document.findall(nodes.Element)
            if isinstance(n, ed.claim | ed.claim_block)
        ]
        for claim in claims:
            card = next((c for c in claim.children if isinstance(c, ed.claim_card)), None)
            block = _block_of(claim)
            if card is None or block is None or not claim["ids"]:
                continue
            refid = card["ids"][0] if card["ids"] else f"{claim['ids'][0]}-card"
            # The note's way back to its claim (a web page's script adds the same line).
            permalink = nodes.reference(
                "", "Link to this claim", refid=claim["ids"][0], classes=["ed-claim-permalink"]
            )
            EditionPostTransform.add_card_line(card, "Claim", permalink)
            number = str(claim.get("number", ""))
            label = f"Claim {number}" if number else "Claim"
            paragraph = nodes.paragraph("", "", nodes.strong(label, label), nodes.Text(" "))
            children = list(card.children)
            claim.remove(card)
            for child in children:
                child.parent = None
            paragraph.extend(children)
            note = ed.epub_note(
                "", paragraph, ids=[refid], classes=["ed-epub-note", "ed-epub-card"]
            )
            previous = after.get(id(block), block)
            assert previous.parent is not None
            previous.parent.insert(previous.parent.index(previous) + 1, note)
            after[id(block)] = note
            # The claim's number before it, a link to its card.
            mark = _mark(refid, nodes.Text(number or "*"))
            if isinstance(claim, ed.claim_block):
                first = next(iter(claim.findall(nodes.paragraph)), None)
                if first is not None:
                    first.insert(0, mark)
            elif claim.parent is not None:
                claim.parent.insert(claim.parent.index(claim), mark)

    def note_marks(self) -> None:
        notes = {i for n in self.document.findall(ed.editorial_note) for i in n["ids"]}
        for mark in list(self.document.findall(nodes.superscript)):
            if "ed-note-mark" not in mark["classes"]:
                continue
            for ref in list(mark.findall(nodes.reference)):
                refid = ref.get("refid") or str(ref.get("refuri", "")).partition("#")[2]
                local = "refid" in ref or str(ref.get("refuri", "")).startswith("#")
                if local and refid in notes:
                    children = [child.deepcopy() for child in ref.children]
                    ref.replace_self(
                        ed.noteref("", "", *children, refid=refid, classes=["ed-noteref"])
                    )


# --- Visitors -------------------------------------------------------------------------------------


def visit_epub_note_html(self: Any, node: nodes.Element) -> None:
    attributes = {"epub:type": "footnote", "role": "doc-footnote"}
    self.body.append(self.starttag(node, "aside", "", **attributes))


def depart_epub_note_html(self: Any, node: nodes.Element) -> None:
    self.body.append("</aside>\n")


def visit_noteref_html(self: Any, node: nodes.Element) -> None:
    attributes = {"epub:type": "noteref", "role": "doc-noteref", "href": "#" + node["refid"]}
    self.body.append(self.starttag(node, "a", "", **attributes))


def depart_noteref_html(self: Any, node: nodes.Element) -> None:
    self.body.append("</a>")


#: The EPUB nodes' visitors; no other builder meets them (their children stand in for them).
VISITORS: dict[type[nodes.Element], NodeVisitors] = {
    ed.epub_note: NodeVisitors(
        html=(visit_epub_note_html, depart_epub_note_html), latex=(skip, None), keep_children=False
    ),
    ed.noteref: NodeVisitors(
        html=(visit_noteref_html, depart_noteref_html), latex=(skip, None), keep_children=True
    ),
}


def visit_citation(self: Any, node: nodes.Element) -> None:
    """A bibliography entry: in an EPUB a ``listitem`` of its list, not a ``doc-biblioentry``.

    DPUB-ARIA 1.1 deprecated ``doc-biblioentry`` (EPUBCheck warns once per entry); docutils'
    own rendering (the list and the entry's ``div``) is kept otherwise, and other builders get
    docutils' visitor unchanged.
    """
    if self.builder.name not in EPUB_BUILDERS:
        type(self).visit_citation(self, node)
        return
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self: Any, node: nodes.Element) -> None:
    type(self).depart_citation(self, node)


def add_stylesheet(app: Sphinx) -> None:
    """Link the EPUB's note styles (``builder-inited``, EPUB builders only)."""
    if app.builder.name in EPUB_BUILDERS:
        app.add_css_file("epub-notes.css")


def register(app: Sphinx) -> None:
    """Add the EPUB-only post-transforms and stylesheet."""
    app.add_post_transform(TabsAsSections)
    app.add_post_transform(NotesAsFootnotes)
    app.connect("builder-inited", add_stylesheet)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
