"""Outputs (write phase): one resolved doctree as TEI P5 elements (the text of the TEI export).

:class:`TextConverter` walks a document's doctree after the post-transforms and appends TEI
elements to a ``<div>``: sections as nested ``<div>`` with ``<head>``, paragraphs, lists,
quotations; claims as ``<said direct="false">`` pointing at the speaker register and the status
vocabulary; emendations as ``<choice><sic/><corr/></choice>``; editors' notes as ``<note
resp="#editors">``; citations as ``<ref>`` into the ``<listBibl>``. Every value goes through
xml.etree, which escapes it; identifiers go through :func:`ncname`.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from docutils import nodes

from critical_edition.apparatus.domain import Emendation, EmendationKind, EntityKind
from critical_edition.core import nodes as ed
from critical_edition.core.model import Claim

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_NOT_NAME = re.compile(r"[^\w.-]", re.ASCII)
#: The element each register kind's names take.
NAME_ELEMENTS = {
    EntityKind.PERSON: "persName",
    EntityKind.ORG: "orgName",
    EntityKind.PLACE: "placeName",
}
#: Nodes whose content the TEI text leaves out: cards (their data is on the claim element),
#: navigation, index placeholders and raw output of other formats.
SKIPPED = (
    ed.claim_card,
    ed.emendation_card,
    ed.claim_status,
    ed.timeline,
    nodes.raw,
    nodes.comment,
    nodes.system_message,
    nodes.substitution_definition,
    nodes.target,
    nodes.image,
)


def tei(tag: str) -> str:
    """The qualified name of a TEI element."""
    return f"{{{TEI_NS}}}{tag}"


def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    """Append a TEI element with *text*; empty attributes are left out."""
    element = ET.SubElement(parent, tei(tag), {k: v for k, v in attrs.items() if v})
    if text:
        element.text = text
    return element


def ncname(prefix: str, value: str) -> str:
    """A valid ``xml:id``: *prefix*, a hyphen, and *value* with every other character as ``_``.

    The prefix starts with a letter, so the result is an NCName whatever *value* holds.
    """
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return f"{prefix}-{_NOT_NAME.sub('_', ascii_value)}"


def append_text(element: ET.Element, text: str) -> None:
    """Append *text* after the last child of *element* (or as its text)."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


@dataclass
class Lookups:
    """What the converter needs from the domains, read once for the whole edition."""

    claims: dict[str, Claim]
    emendations: dict[tuple[str, str], Emendation]
    #: Bib keys of the edition's .bib files.
    bib_keys: frozenset[str]
    #: (kind, target as written) -> the xml:id of the register entry, or empty.
    entity_ref: Callable[[EntityKind, str], str] = lambda kind, target: ""
    #: Actor id (case-folded) -> the actor's xml:id.
    actor_ids: dict[str, str] = field(default_factory=dict)


#: Sphinx's own nodes left out by name: navigation and index entries.
_SKIPPED_NAMES = frozenset({"toctree", "index", "meta", "only", "compact_paragraph"})


class TextConverter:
    """Convert the doctree of one document into TEI elements."""

    def __init__(self, docname: str, lookups: Lookups) -> None:
        self.docname = docname
        self.lookups = lookups
        self.prefix = ncname("d", docname)

    # -- entry point ---------------------------------------------------------------------------
    def convert(self, doctree: nodes.document, div: ET.Element) -> None:
        """Append the document's content to *div* (its ``<div>``)."""
        for child in doctree.children:
            self.block(child, div)

    # -- blocks --------------------------------------------------------------------------------
    def block(self, node: nodes.Node, parent: ET.Element) -> None:
        """Append a block-level node to *parent* (a ``<div>``, ``<note>``, ``<item>``...)."""
        if isinstance(node, SKIPPED) or type(node).__name__ in _SKIPPED_NAMES:
            return
        if isinstance(node, nodes.section):
            div = sub(parent, "div", **{XML_ID: self.node_id(node)})
            for child in node.children:
                self.block(child, div)
            if len(div) == 1 and div[0].tag == tei("head"):
                sub(div, "p")
        elif isinstance(node, nodes.title):
            self.inline_children(node, sub(parent, "head"))
        elif isinstance(node, nodes.paragraph):
            self.inline_children(node, sub(parent, "p"))
        elif isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            rend = "numbered" if isinstance(node, nodes.enumerated_list) else "bulleted"
            tei_list = sub(parent, "list", rend=rend)
            for item in node.children:
                if isinstance(item, nodes.list_item):
                    self.container(item, sub(tei_list, "item"))
            if not len(tei_list):
                parent.remove(tei_list)
        elif isinstance(node, nodes.definition_list):
            tei_list = sub(parent, "list", type="gloss")
            for entry in node.findall(nodes.definition_list_item):
                for term in entry.findall(nodes.term):
                    self.inline_children(term, sub(tei_list, "label"))
                for definition in entry.findall(nodes.definition):
                    self.container(definition, sub(tei_list, "item"))
        elif isinstance(node, nodes.block_quote):
            self.container(node, sub(parent, "quote"))
        elif isinstance(node, nodes.literal_block):
            sub(parent, "ab", node.astext(), type="code")
        elif isinstance(node, nodes.footnote):
            note = sub(
                parent, "note", type="footnote", place="foot", **{XML_ID: self.node_id(node)}
            )
            self.container(node, note, skip=(nodes.label,))
        elif isinstance(node, ed.editorial_note):
            self.editorial_note(node, parent)
        elif isinstance(node, ed.claim_block):
            said = self.claim_element(node, parent)
            self.container(node, said)
        elif isinstance(node, nodes.table):
            self.table(node, parent)
        elif isinstance(node, nodes.TextElement):
            self.inline_children(node, sub(parent, "ab"))
        elif isinstance(node, nodes.Element):
            for child in node.children:
                self.block(child, parent)

    def container(
        self, node: nodes.Element, element: ET.Element, skip: tuple[type, ...] = ()
    ) -> None:
        """Append the blocks of *node* to *element*, nothing when it has none."""
        for child in node.children:
            if not isinstance(child, skip):
                self.block(child, element)

    def table(self, node: nodes.table, parent: ET.Element) -> None:
        """A table: ``<table>`` of ``<row>`` of ``<cell>`` (header rows with ``role="label"``)."""
        table = sub(parent, "table")
        for title in node.findall(nodes.title):
            self.inline_children(title, sub(table, "head"))
            break
        for part in node.findall(lambda n: isinstance(n, nodes.thead | nodes.tbody)):
            for row in part.findall(nodes.row):
                tei_row = sub(table, "row", role="label" if isinstance(part, nodes.thead) else "")
                for entry in row.findall(nodes.entry):
                    cell = sub(tei_row, "cell")
                    self.inline_children(entry, cell, flatten=True)

    def editorial_note(self, node: ed.editorial_note, parent: ET.Element) -> None:
        """An editors' note or query, its heading left out (the type says which)."""
        note = sub(
            parent,
            "note",
            type=str(node.get("kind", "note")),
            resp="#editors",
            **{XML_ID: ncname("note", str(node.get("note_id", "")))},
        )
        for child in node.children:
            if isinstance(child, nodes.rubric | nodes.title):
                continue
            if isinstance(child, nodes.paragraph) and "ed-note-head" in child.get("classes", []):
                continue
            self.block(child, note)

    def claim_element(self, node: nodes.Element, parent: ET.Element) -> ET.Element:
        """``<said direct="false">`` for a claim, with its speakers, status and sources."""
        claim = self.lookups.claims.get(str(node.get("claim_id", "")))
        if claim is None:
            return sub(parent, "seg", type="claim")
        actors = [
            self.lookups.actor_ids.get(a.casefold(), ncname("actor", a)) for a in claim.actors
        ]
        sources = [
            f"#{ncname('bibl', key)}" for key in claim.sources if key in self.lookups.bib_keys
        ]
        return sub(
            parent,
            "said",
            direct="false",
            who=" ".join(f"#{actor}" for actor in actors),
            ana=f"#{ncname('status', claim.status.value)}",
            corresp=" ".join(sources),
            **{XML_ID: ncname("claim", claim.id)},
        )

    # -- inline --------------------------------------------------------------------------------
    def inline_children(
        self, node: nodes.Element, element: ET.Element, *, flatten: bool = False
    ) -> None:
        """Append the inline content of *node* to *element*."""
        for child in node.children:
            if flatten and isinstance(child, nodes.paragraph):
                if len(element) or element.text:
                    append_text(element, " ")
                self.inline_children(child, element, flatten=True)
            else:
                self.inline(child, element)

    def inline(self, node: nodes.Node, parent: ET.Element) -> None:
        """Append an inline node to *parent*."""
        if isinstance(node, nodes.Text):
            append_text(parent, str(node))
        elif isinstance(node, SKIPPED) or (
            isinstance(node, nodes.Element) and "ed-note-mark" in node.get("classes", [])
        ):
            return
        elif isinstance(node, nodes.footnote_reference):
            target = node.get("refid", "")
            sub(
                parent,
                "ref",
                node.astext(),
                type="footnote",
                target=f"#{ncname(self.prefix, target)}" if target else "",
            )
        elif isinstance(node, ed.claim):
            said = self.claim_element(node, parent)
            self.inline_children(node, said)
        elif isinstance(node, ed.emendation):
            self.emendation(node, parent)
        elif isinstance(node, ed.lemma):
            seg = sub(
                parent,
                "seg",
                type="lemma",
                corresp=f"#{ncname('note', str(node.get('note_id', '')))}",
            )
            self.inline_children(node, seg)
        elif isinstance(node, ed.mention):
            self.mention(node, parent)
        elif isinstance(node, ed.dated):
            date = sub(parent, "date", **self.date_attributes(node))
            self.inline_children(node, date)
        elif isinstance(node, nodes.inline) and node.get("tei_cite_keys"):
            keys = [key for key in node["tei_cite_keys"] if key in self.lookups.bib_keys]
            ref = sub(
                parent,
                "ref",
                type="citation",
                target=" ".join(f"#{ncname('bibl', key)}" for key in keys),
            )
            append_text(ref, node.astext())
        elif isinstance(node, nodes.emphasis):
            self.inline_children(node, sub(parent, "hi", rend="italic"))
        elif isinstance(node, nodes.strong):
            self.inline_children(node, sub(parent, "hi", rend="bold"))
        elif isinstance(node, nodes.literal):
            sub(parent, "code", node.astext())
        elif isinstance(node, nodes.subscript | nodes.superscript):
            self.inline_children(node, sub(parent, "hi", rend=type(node).__name__))
        elif isinstance(node, nodes.reference):
            uri = node.get("refuri", "")
            if re.match(r"(https?|mailto):", uri):
                self.inline_children(node, sub(parent, "ref", target=uri))
            else:
                # A link inside the edition: its words (the pages it points to are indexes
                # whose data the TEI document holds elsewhere).
                self.inline_children(node, parent)
        elif isinstance(node, nodes.Element) and not isinstance(
            node, nodes.Inline | nodes.TextElement
        ):
            # A block met inside inline content (a note in a paragraph): as a note.
            note = sub(parent, "note", type="inline")
            self.block(node, note)
        elif isinstance(node, nodes.Element):
            self.inline_children(node, parent)

    def emendation(self, node: ed.emendation, parent: ET.Element) -> None:
        """``<choice><sic>witness</sic><corr resp="#editors">edition</corr></choice>``."""
        anchor = node["ids"][0] if node.get("ids") else ""
        record = self.lookups.emendations.get((self.docname, anchor))
        choice = sub(parent, "choice", **{XML_ID: ncname(self.prefix, anchor) if anchor else ""})
        original = record.original if record is not None else str(node.get("original", ""))
        sic = sub(
            choice,
            "sic",
            original if not record or record.kind is not EmendationKind.ADDITION else "",
        )
        del sic  # its text is all it holds
        corr = sub(choice, "corr", resp="#editors", type=record.kind.label if record else "")
        self.inline_children(node, corr)
        reason = record.reason if record is not None else str(node.get("reason", ""))
        if reason:
            sub(
                parent,
                "note",
                reason,
                type="emendation",
                resp="#editors",
                target=f"#{choice.get(XML_ID)}" if choice.get(XML_ID) else "",
            )

    def mention(self, node: ed.mention, parent: ET.Element) -> None:
        """A person, organisation or place: its name element pointing at the register."""
        kind = EntityKind(node["entity_kind"])
        ref = self.lookups.entity_ref(kind, str(node.get("target", "")))
        self.inline_children(node, sub(parent, NAME_ELEMENTS[kind], ref=f"#{ref}" if ref else ""))

    @staticmethod
    def date_attributes(node: nodes.Element) -> dict[str, str]:
        """``@when`` for one date, ``@from``/``@to`` for a period (ISO 8601 as recorded)."""
        start, end = str(node.get("start", "")), str(node.get("end", ""))
        if start and start == end:
            return {"when": start}
        return {"from": start, "to": end}

    def node_id(self, node: nodes.Element) -> str:
        """The xml:id of a section or footnote: the document's prefix and its first id."""
        ids: list[str] = node.get("ids", [])
        return ncname(self.prefix, ids[0]) if ids else ""
