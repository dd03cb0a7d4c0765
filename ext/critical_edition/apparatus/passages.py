"""Citable passages (read phase): number the witness's paragraphs and give each an anchor.

Every paragraph of the reading text (the documents of ``edition_passage_documents``) gets the
id ``p-<page>-<n>``, where ``<page>`` is the document's name and ``<n>`` the paragraph's place
among the witness's paragraphs of that document, counted from 1, and a
:class:`~critical_edition.core.nodes.passage_number` as its first child, which the writers
show in the margin (:mod:`critical_edition.writers.apparatus`).

Only the witness's own paragraphs are counted: paragraphs inside editorial notes, supplied
text, footnotes (the editors' and the authors'), claim and emendation cards, admonitions,
sidebars, tables and field lists are not. So an anchor changes only when the witness's
paragraphing does, never when the editors add, remove or change a note, a claim or a mark:
marks are inline and leave the paragraphs as they are.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from critical_edition.apparatus.supplied import CLASS as SUPPLIED_CLASS
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Every passage anchor starts with this.
PREFIX = "p-"

#: The class the numbered paragraphs carry (the stylesheet places their number by it).
CLASS = "ed-passage"

#: Paragraphs inside these are not the witness's running text and are not counted.
NOT_COUNTED: tuple[type, ...] = (  # Admonition is a category, not a Node class
    ed.supplied,
    ed.editorial_note,
    ed.claim_card,
    ed.emendation_card,
    nodes.footnote,
    nodes.citation,
    nodes.Admonition,
    nodes.topic,
    nodes.sidebar,
    nodes.table,
    nodes.field_list,
    nodes.docinfo,
    nodes.system_message,
    nodes.comment,
    nodes.substitution_definition,
    addnodes.only,
)


def numbered_documents(config: Config) -> tuple[str, ...]:
    """The glob patterns of the documents whose paragraphs are numbered (none: empty)."""
    settings = get_config(config)
    return settings.passage_documents or settings.index_documents


def is_numbered(config: Config, docname: str) -> bool:
    """Whether the paragraphs of *docname* are numbered."""
    return any(fnmatch.fnmatchcase(docname, p) for p in numbered_documents(config))


def anchor(docname: str, number: int) -> str:
    """The anchor of paragraph *number* of *docname*: ``p-introduction-3``."""
    return f"{PREFIX}{nodes.make_id(docname)}-{number}"


def _counted(paragraph: nodes.paragraph) -> bool:
    parent = paragraph.parent
    while parent is not None:
        if isinstance(parent, NOT_COUNTED) or SUPPLIED_CLASS in parent.get("classes", ()):
            return False
        parent = parent.parent
    return bool(paragraph.astext().strip())


def witness_paragraphs(doctree: nodes.Node) -> Iterator[nodes.paragraph]:
    """The witness's paragraphs of a document, in reading order."""
    for paragraph in doctree.findall(nodes.paragraph):
        if _counted(paragraph):
            yield paragraph


class NumberPassages(SphinxTransform):
    """Give each paragraph of the witness its anchor, its ``passage`` number and its mark.

    Read phase, after the collectors (their marks are inline and change no paragraph), before
    docutils moves label targets onto the paragraphs that follow them.
    """

    default_priority = priorities.NUMBER_PASSAGES

    def apply(self, **kwargs: object) -> None:
        docname = self.env.current_document.docname
        if not is_numbered(self.config, docname):
            return
        for number, paragraph in enumerate(witness_paragraphs(self.document), start=1):
            paragraph["passage"] = number
            paragraph["classes"].append(CLASS)
            name = anchor(docname, number)
            if name in self.document.ids:
                warn(
                    f"The passage anchor {name!r} of paragraph {number} is already an id on "
                    f"this page; the paragraph keeps its number but not its anchor. Rename "
                    f"the label: ids of the form p-<page>-<n> are the passages' anchors.",
                    Subtype.PASSAGE_ANCHOR_TAKEN,
                    paragraph,
                )
                name = ""
            else:
                paragraph["ids"].insert(0, name)
                self.document.ids[name] = paragraph
            paragraph.insert(0, ed.passage_number(number=number, anchor=name))


def register(app: Sphinx) -> None:
    """Register the numbering transform."""
    app.add_transform(NumberPassages)
