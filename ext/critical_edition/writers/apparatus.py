"""Writers of the apparatus's nodes (write phase): HTML, LaTeX and plain-text visitors.

HTML: every attribute goes through ``starttag()`` and every text through ``encode()`` (the
timeline's SVG escapes its labels itself). An emendation is a focusable span whose card
(``role="tooltip"``) shows on hover and focus, like a claim's; an editorial note is an
``aside`` with the class ``ed-margin`` (reading.css floats it into the margin). LaTeX uses the
macros of ``critical-edition.sty``: ``\\edEmendation``, ``\\edEditorialNote``,
``\\edBibStatus`` and ``\\edPassage`` (a paragraph's number in the margin). Plain text
prints the edition's reading and the notes indented.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from docutils import nodes

from critical_edition.apparatus import passages
from critical_edition.apparatus.domain import NoteKind
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.writers.base import NodeVisitors, passthrough, skip
from critical_edition.writers.epub import EPUB_BUILDERS
from critical_edition.writers.html import close_card, open_card
from critical_edition.writers.latex import render_children

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _close_span(self: Any, node: nodes.Node) -> None:
    self.body.append("</span>")


def _close_div(self: Any, node: nodes.Node) -> None:
    self.body.append("</div>")


# --- Emendations --------------------------------------------------------------------------------


def visit_emendation_html(self: Any, node: nodes.Element) -> None:
    kind = node.get("kind", "sub")
    anchor = node["ids"][0] if node["ids"] else ""
    attributes: dict[str, str] = {"data-original": str(node.get("original", ""))}
    if anchor:
        attributes["tabindex"] = "0"
        attributes["aria-describedby"] = f"{anchor}-card"
    if kind == "del":
        # Nothing of the edition's text stands here: the mark needs a name of its own.
        attributes["aria-label"] = "words left out by the editors"
    self.body.append(
        self.starttag(node, "span", "", CLASS=f"ed-emendation ed-emendation-{kind}", **attributes)
    )


def visit_emendation_card_html(self: Any, node: nodes.Element) -> None:
    open_card(self, node, "ed-emendation-card")


def visit_emendation_latex(self: Any, node: nodes.Element) -> None:
    self.body.append(self.hypertarget_to(node, anchor=True) + r"\edEmendation{")


def depart_emendation_latex(self: Any, node: nodes.Element) -> None:
    original = self.encode(str(node.get("original", "")))
    reason = self.encode(str(node.get("reason", "")))
    self.body.append("}{" + original + "}{" + reason + "}")


# --- Editorial notes and lemmas -----------------------------------------------------------------


def visit_editorial_note_html(self: Any, node: nodes.Element) -> None:
    number = node.get("number")
    kind = NoteKind(node.get("kind", NoteKind.NOTE.value)).label
    label = f"{kind} {number}" if number else kind
    attributes = {"aria-label": label}
    if self.builder.name in EPUB_BUILDERS:
        # An EPUB 3 footnote, shown as a pop-up from the lemma's mark (writers/epub.py).
        attributes["epub:type"] = "footnote"
    self.body.append(self.starttag(node, "aside", "", **attributes))


def depart_editorial_note_html(self: Any, node: nodes.Element) -> None:
    self.body.append("</aside>\n")


def _lemmas_with_notes(self: Any) -> dict[str, nodes.Element]:
    """The first lemma of each note in the LaTeX document, by note id (computed once).

    A note is set beside the line of its lemma, not where the directive stands (often a
    paragraph or more before). Lemmas in titles and captions keep their notes where they are.
    """
    found: dict[str, nodes.Element] | None = getattr(self, "_ed_lemma_of_note", None)
    if found is None:
        notes = {str(n.get("note_id", "")): n for n in self.document.findall(ed.editorial_note)}
        self._ed_note_by_id = notes
        found = {}
        for lemma in self.document.findall(ed.lemma):
            note_id = str(lemma.get("note_id", ""))
            if note_id not in notes or note_id in found:
                continue
            if not any(
                isinstance(a, (nodes.title, nodes.caption, nodes.rubric)) for a in _ancestors(lemma)
            ):
                found[note_id] = lemma
        self._ed_lemma_of_note = found
    return found


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    chain = []
    parent = node.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return chain


def visit_editorial_note_latex(self: Any, node: nodes.Element) -> None:
    if str(node.get("note_id", "")) in _lemmas_with_notes(self):
        raise nodes.SkipNode  # set at its lemma (visit_lemma_latex)
    self.body.append("\n" + self.hypertarget_to(node, anchor=True) + r"\edEditorialNote{")


def depart_editorial_note_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("}\n")


def visit_editorial_note_text(self: Any, node: nodes.Element) -> None:
    """Indented, like an admonition; its heading names it."""
    self.new_state(2)


def depart_editorial_note_text(self: Any, node: nodes.Element) -> None:
    self.end_state()


def visit_lemma_html(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="ed-lemma"))


def visit_anchored_latex(self: Any, node: nodes.Element) -> None:
    """An inline node with an anchor: its label, then its children."""
    self.body.append(self.hypertarget_to(node, anchor=True))


def visit_lemma_latex(self: Any, node: nodes.Element) -> None:
    """The lemma's label; at the first lemma of a note, the note beside the lemma's line.

    ``\\edEditorialNoteAt`` sets it in the margin, or where there is no margin as a footnote of
    the page without a mark of its own: the note's head ("Editors' query 3") answers the
    lemma's mark ("ed. 3").
    """
    self.body.append(self.hypertarget_to(node, anchor=True))
    note_id = str(node.get("note_id", ""))
    if _lemmas_with_notes(self).get(note_id) is not node:
        return
    note = self._ed_note_by_id[note_id]  # filled by _lemmas_with_notes
    text = render_children(self, note)
    self.body.append(self.hypertarget_to(note, anchor=True) + r"\edEditorialNoteAt{" + text + "}")


def visit_mention_latex(self: Any, node: nodes.Element) -> None:
    """A register name: its label, then ``\\edName`` (a dotted rule under it, no italics)."""
    self.body.append(self.hypertarget_to(node, anchor=True) + r"\edName{")


def depart_mention_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("}")


# --- Registers ----------------------------------------------------------------------------------


def visit_mention_html(self: Any, node: nodes.Element) -> None:
    kind = node.get("entity_kind", "")
    self.body.append(self.starttag(node, "span", "", CLASS=f"ed-mention ed-mention-{kind}"))


def visit_register_entry_html(self: Any, node: nodes.Element) -> None:
    kind = node.get("entity_kind", "")
    self.body.append(self.starttag(node, "div", "", CLASS=f"ed-register-entry ed-{kind}"))


def visit_register_entry_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n" + self.hypertarget_to(node, anchor=True) + "\n")


def depart_block_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n")


# --- Chronology ---------------------------------------------------------------------------------


def visit_dated_html(self: Any, node: nodes.Element) -> None:
    attributes = {"data-start": str(node.get("start", "")), "data-end": str(node.get("end", ""))}
    self.body.append(self.starttag(node, "span", "", CLASS="ed-date", **attributes))


def visit_timeline_html(self: Any, node: nodes.Element) -> None:
    from critical_edition.apparatus.chronology import timeline_svg

    if self.builder.name in EPUB_BUILDERS:
        # Sphinx's EPUB manifest cannot declare the "svg" property a page with inline SVG
        # needs; the chronology's list of events says what the timeline shows.
        raise nodes.SkipNode

    self.body.append(self.starttag(node, "figure", "", CLASS="ed-timeline ed-wide"))
    self.body.append(timeline_svg(node["events"]))
    caption = node.get("caption", "")
    if caption:
        self.body.append("<figcaption>" + self.encode(caption) + "</figcaption>")
    self.body.append("</figure>\n")
    raise nodes.SkipNode


# --- Bibliography status ------------------------------------------------------------------------

#: sphinx-design colour of each verification status (the status is always written out too).
BIB_STATUS_COLOURS = {"verified": "success", "candidate": "warning", "unresolved": "danger"}


def visit_bib_status_html(self: Any, node: nodes.Element) -> None:
    status = str(node.get("status", ""))
    colour = BIB_STATUS_COLOURS.get(status, "secondary")
    classes = f"sd-badge sd-bg-{colour} sd-bg-text-{colour} ed-bib-status ed-bib-status-{status}"
    self.body.append(self.starttag(node, "span", "", CLASS=classes.strip()))


def visit_bib_status_latex(self: Any, node: nodes.Element) -> None:
    status = self.encode(str(node.get("status", "")))
    self.body.append(r"\edBibStatus{" + status + "}{" + self.encode(node.astext()) + "}")
    raise nodes.SkipNode


# --- Citable passages ---------------------------------------------------------------------------


def passage_citation(project: str, release: str, page: str, number: int | None = None) -> str:
    """The citation of a passage, without its address (the page's script adds it).

    Without *number*, the page's part alone: what every paragraph of the page shares.
    """
    parts = [project]
    if release:
        parts.append(f"version {release}")
    if page:
        parts.append(f"\u201c{page}\u201d")
    if number is not None:
        parts.append(f"\u00b6\u00a0{number}")
    return ", ".join(p for p in parts if p)


#: The <meta> name of a numbered page's citation; static/passages.js adds ", ¶ N" to it.
CITATION_META = "ed-passage-citation"


def add_passage_citation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Write a numbered page's part of its passages' citations once, in a ``<meta>``.

    Every paragraph's citation is this text followed by ``, ¶ N``: static/passages.js composes
    it from the meta and the paragraph's ``data-passage``, so the page does not repeat it.
    """
    if app.builder.name in EPUB_BUILDERS or doctree is None:
        return  # a reading system runs no script of a book: nothing would read it
    # A page whose paragraphs are not numbered is not walked (the claim index is large); the
    # single page holds every document's paragraphs, whatever its own name.
    if app.builder.name != "singlehtml" and not passages.is_numbered(app.config, pagename):
        return
    if next(doctree.findall(ed.passage_number), None) is None:
        return
    title = app.env.titles.get(pagename)
    citation = passage_citation(
        app.config.project, app.config.release, title.astext() if title else ""
    )
    context["metatags"] = (
        context.get("metatags", "")
        + f'\n<meta name="{CITATION_META}" content="{html.escape(citation)}" />'
    )


def visit_passage_number_html(self: Any, node: nodes.Element) -> None:
    """A small link to the paragraph, ``¶ 3``; static/passages.js adds a 'cite' button.

    The citation's text is the page's (:func:`add_passage_citation`), with the number.
    """
    number = int(node["number"])
    attributes = {"data-passage": str(number), "aria-label": f"Paragraph {number}"}
    anchor = node.get("anchor", "")
    if anchor:
        self.body.append(
            self.starttag(node, "a", "", CLASS="ed-passage-number", href=f"#{anchor}", **attributes)
        )
        self.body.append(f"\u00b6\u00a0{number}</a>")
    else:
        self.body.append(self.starttag(node, "span", "", CLASS="ed-passage-number", **attributes))
        self.body.append(f"\u00b6\u00a0{number}</span>")
    raise nodes.SkipNode


def visit_passage_number_latex(self: Any, node: nodes.Element) -> None:
    """The same number in the margin: ``\\edPassage{3}``."""
    self.body.append(r"\edPassage{" + self.encode(str(int(node["number"]))) + "}")
    raise nodes.SkipNode


#: The visitors of every apparatus node.
VISITORS: dict[type[nodes.Element], NodeVisitors] = {
    ed.emendation: NodeVisitors(
        html=(visit_emendation_html, _close_span),
        latex=(visit_emendation_latex, depart_emendation_latex),
    ),
    ed.emendation_card: NodeVisitors(
        html=(visit_emendation_card_html, close_card), latex=(skip, None), keep_children=False
    ),
    ed.editorial_note: NodeVisitors(
        html=(visit_editorial_note_html, depart_editorial_note_html),
        latex=(visit_editorial_note_latex, depart_editorial_note_latex),
        text=(visit_editorial_note_text, depart_editorial_note_text),
    ),
    ed.lemma: NodeVisitors(
        html=(visit_lemma_html, _close_span), latex=(visit_lemma_latex, passthrough)
    ),
    ed.mention: NodeVisitors(
        html=(visit_mention_html, _close_span),
        latex=(visit_mention_latex, depart_mention_latex),
    ),
    ed.register_entry: NodeVisitors(
        html=(visit_register_entry_html, _close_div),
        latex=(visit_register_entry_latex, depart_block_latex),
    ),
    ed.dated: NodeVisitors(
        html=(visit_dated_html, _close_span), latex=(visit_anchored_latex, passthrough)
    ),
    ed.timeline: NodeVisitors(
        html=(visit_timeline_html, None), latex=(skip, None), keep_children=False
    ),
    ed.bib_status: NodeVisitors(
        html=(visit_bib_status_html, _close_span), latex=(visit_bib_status_latex, None)
    ),
    # The margin number: HTML and LaTeX only; plain text and the others leave it out.
    ed.passage_number: NodeVisitors(
        html=(visit_passage_number_html, None),
        latex=(visit_passage_number_latex, None),
        keep_children=False,
    ),
    # Placeholders are replaced by post-transforms; one left over is left out.
    ed.apparatus_index: NodeVisitors(html=(skip, None), latex=(skip, None), keep_children=False),
    ed.register_index: NodeVisitors(html=(skip, None), latex=(skip, None), keep_children=False),
    ed.chronology_index: NodeVisitors(html=(skip, None), latex=(skip, None), keep_children=False),
}


def register(app: Sphinx) -> None:
    """Write a numbered page's citation once, in its head, with the page's other metadata."""
    app.connect("html-page-context", add_passage_citation, priority=priorities.PAGE_METADATA)
