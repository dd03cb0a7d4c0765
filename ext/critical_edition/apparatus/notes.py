"""Apparatus markup (read phase) and its pages (write phase): emendations and editorial notes.

Markup, recorded in the :class:`~.apparatus_domain.ApparatusDomain` keyed by document:

- ``{emend}`READING <orig=WITNESS; reason=WHY>``` corrects the witness, whose reading is kept
  (``kind=add``: words the witness lacks, no ``orig``; ``kind=del``: words left out, an empty
  reading, ``{emend}`<kind=del; orig=the; reason=…>```);
- ``:::{ednote} ID`` (``:kind: note`` or ``query``) holds an editors' note, set in the margin
  beside the passage; ``{lemma}`PASSAGE <ID>``` marks the passage it comments on;
- ``{apparatus}`` (argument ``emendations`` or ``notes``, else both) lists them all.

Write phase, before references are resolved: each emendation gets its card (the witness's
reading and the reason), each note its number and heading, each lemma its mark, and the
placeholder its tables. In witness mode (:mod:`.witness`) the notes and marks are left out;
emendations are replaced by the witness's reading there, by :mod:`.witness` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective, SphinxRole

from critical_edition.apparatus.base import (
    ApparatusPostTransform,
    TargetRole,
    plain_words,
    witness_mode,
)
from critical_edition.apparatus.domain import (
    ApparatusDomain,
    EditorialNote,
    Emendation,
    EmendationKind,
    Lemma,
    NoteKind,
    apparatus_domain,
    pages_to_rewrite,
)
from critical_edition.apparatus.witness import citation_keys
from critical_edition.claims.checks import CONFIDENCE, bib_keys
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.markup import (
    OptionError,
    id_problem,
    role_line,
    section_title,
    split_role_text,
)
from critical_edition.core.tables import table

if TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Set as AbstractSet

    from docutils.nodes import Node, system_message
    from sphinx.application import Sphinx


#: The options of an emendation.
EMEND_OPTIONS = ("orig", "reason", "kind")


# --- Emendations --------------------------------------------------------------------------------


def _emendation_problem(kind: str, text: str, options: dict[str, str]) -> str | None:
    """Why the emendation cannot be used, or ``None``."""
    unknown = sorted(set(options) - set(EMEND_OPTIONS))
    if unknown:
        return f"unknown emendation option {unknown[0]!r}; the options are: orig, reason, kind"
    kinds = [k.value for k in EmendationKind]
    if kind not in kinds:
        return f"unknown emendation kind {kind!r}; use one of: {', '.join(kinds)}"
    if not options.get("reason"):
        return "the emendation gives no reason: add reason=… (typo, wrong word, misspelt name…)"
    if kind == "sub" and "orig" not in options:
        return "a correction needs orig=… with the witness's reading (or kind=add for an addition)"
    if kind == "sub" and not text:
        return "a correction needs a reading (or kind=del for a deletion)"
    if kind == "add" and "orig" in options:
        return "an addition has no orig=…: the witness has nothing there"
    if kind == "add" and not text:
        return "an addition needs the words added"
    if kind == "del" and text:
        return "a deletion has no reading: write {emend}`<kind=del; orig=…; reason=…>`"
    if kind == "del" and "orig" not in options:
        return "a deletion needs orig=… with the words left out"
    return None


class EmendRole(SphinxRole):
    """``{emend}`READING <orig=WITNESS; reason=WHY; kind=sub|add|del>```.

    Produces an :class:`~.nodes.emendation` whose children are the reading and whose
    ``original`` attribute is the witness's reading (what witness mode prints). When the
    markup is wrong the witness's reading is printed, so the text stays faithful.
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        self.lineno = role_line(self)
        location = self.get_location()
        try:
            parsed = split_role_text(self.text)
        except OptionError as error:
            warn(f"cannot read the emendation: {error}", Subtype.EMENDATION_MALFORMED, location)
            return [nodes.Text(self.text)], []
        options = parsed.options
        kind = options.get("kind", "sub").lower()
        problem = _emendation_problem(kind, parsed.text, options)
        if problem is not None:
            warn(problem, Subtype.EMENDATION_MALFORMED, location)
            fallback = options.get("orig", parsed.text if kind != "add" else "")
            return [nodes.Text(fallback)], []
        node = ed.emendation(
            self.rawtext,
            "",
            original=options.get("orig", ""),
            reason=options["reason"],
            kind=kind,
        )
        if parsed.text:
            node += nodes.Text(parsed.text)
        self.set_source_info(node)
        return [node], []


# --- Editorial notes and lemmas -----------------------------------------------------------------


class EditorialNoteDirective(SphinxDirective):
    """An editors' note or query, set in the margin beside the next paragraph::

    :::{ednote} zangilan
    :kind: query
    The seventh district occupied in 1993 was Zangilan … {cite:p}`unsc_res884_1993`.
    :::
    """

    required_arguments = 1
    # The whole argument is read, so that an id with a space gets the toolkit's message.
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "kind": directives.unchanged_required,
    }

    def run(self) -> list[Node]:
        note_id = self.arguments[0].strip()
        location = self.get_location()
        kind_value = str(self.options.get("kind", "note")).strip().lower()
        kinds = [k.value for k in NoteKind]
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)
        if not self.content or not body.children:
            warn(f"the editorial note {note_id!r} has no text", Subtype.NOTE_MALFORMED, location)
            return []
        problem = id_problem("note", note_id)
        if problem is not None:
            warn(problem, Subtype.NOTE_MALFORMED, location)
            return []
        if kind_value not in kinds:
            warn(
                f"unknown note kind {kind_value!r}; use one of: {', '.join(kinds)}",
                Subtype.NOTE_MALFORMED,
                location,
            )
            kind_value = NoteKind.NOTE.value
        kind = NoteKind(kind_value)
        anchor = nodes.make_id(f"note-{note_id}")
        node = ed.editorial_note(
            note_id=note_id,
            kind=kind.value,
            ids=[anchor],
            # ed-no-lint: the attribution linter reads the authors' text, not the editors'.
            classes=["ed-margin", "ed-note", f"ed-note-{kind.value}", "ed-no-lint"],
        )
        self.set_source_info(node)
        node.extend(body.children)
        return [node]


class LemmaRole(TargetRole):
    """``{lemma}`PASSAGE <NOTE-ID>```: the passage an editorial note comments on."""

    noun = "lemma"
    subtype = Subtype.NOTE_MALFORMED

    def make_node(
        self, children: list[Node], text: str, target: str, options: dict[str, str]
    ) -> nodes.Element | str:
        if not target or options:
            return "a lemma names its note as {lemma}`PASSAGE <NOTE-ID>` and takes no options"
        return ed.lemma(self.rawtext, "", *children, note_id=target, classes=["ed-lemma"])


class ApparatusDirective(SphinxDirective):
    """``{apparatus}``: every emendation and note of the edition (argument: one of them)."""

    optional_arguments = 1
    _SHOW = ("emendations", "notes")

    def run(self) -> list[Node]:
        show = self.arguments[0].strip().lower() if self.arguments else "all"
        if show not in (*self._SHOW, "all"):
            warn(
                f"{{apparatus}} lists 'emendations' or 'notes' (or both, without argument), "
                f"not {show!r}",
                Subtype.NOTE_MALFORMED,
                self.get_location(),
            )
            show = "all"
        apparatus_domain(self.env).note_placeholder(self.env.docname, "apparatus")
        node = ed.apparatus_index(show=show)
        self.set_source_info(node)
        return [node]


class CollectApparatus(SphinxTransform):
    """Give emendations, notes and lemmas their anchors and record them in the domain.

    Read phase, after parsing (priority 210: after the claims' collector, 200, which gives
    claims their ids; nothing here depends on footnotes).
    """

    default_priority = priorities.COLLECT_APPARATUS

    def apply(self, **kwargs: object) -> None:
        domain = apparatus_domain(self.env)
        docname = self.env.docname
        emendations = list(self.document.findall(ed.emendation))
        for number, node in enumerate(emendations, start=1):
            anchor = f"emendation-{number}"
            node["ids"] = [anchor]
            domain.add(
                "emendations",
                Emendation(
                    kind=EmendationKind(node.get("kind", "sub")),
                    reading=node.astext(),
                    original=str(node.get("original", "")),
                    reason=str(node.get("reason", "")),
                    docname=docname,
                    line=node.line,
                    anchor=anchor,
                    section=section_title(node),
                ),
            )
        for note in self.document.findall(ed.editorial_note):
            domain.add(
                "notes",
                EditorialNote(
                    id=note["note_id"],
                    kind=NoteKind(note["kind"]),
                    text=plain_words(note),
                    docname=docname,
                    line=note.line,
                    anchor=note["ids"][0],
                    section=section_title(note),
                    cites=_cited_keys(note),
                ),
            )
        seen: dict[str, int] = {}
        for lemma in self.document.findall(ed.lemma):
            note_id = lemma["note_id"]
            seen[note_id] = seen.get(note_id, 0) + 1
            anchor = nodes.make_id(f"lemma-{note_id}")
            anchor += f"-{seen[note_id]}" if seen[note_id] > 1 else ""
            lemma["ids"] = [anchor]
            domain.add(
                "lemmas",
                Lemma(
                    note_id=note_id,
                    text=plain_words(lemma),
                    docname=docname,
                    line=lemma.line,
                    anchor=anchor,
                ),
            )


# --- Write phase --------------------------------------------------------------------------------


class BuildEmendationCards(ApparatusPostTransform):
    """Give every emendation its card: what the witness reads, and why it was changed."""

    def run(self, **kwargs: Any) -> None:
        if witness_mode(self.config) or not self.may_hold(ed.emendation):
            return
        emendations = list(self.document.findall(ed.emendation))
        if not emendations:
            # Numbering walks every document of the edition: done for each page, that would
            # cost pages x pages (2 % of a build at 50x the paper), so only where it is needed.
            return
        apparatus_page = self.domain.page_of("apparatus")
        numbers = {
            (e.docname, e.anchor): n
            for n, e in enumerate(self.domain.emendations(scoped=True), start=1)
        }
        for node in emendations:
            if not node["ids"]:
                continue
            self.fromdocname = self.docname_of(node)
            anchor = node["ids"][0]
            kind = EmendationKind(node.get("kind", "sub"))
            card = ed.emendation_card(ids=[f"{anchor}-card"], classes=[ed.NOT_SEARCHED])
            original = str(node.get("original", ""))
            if kind is EmendationKind.ADDITION:
                witness: nodes.Node = nodes.inline("", "nothing (added by the editors)")
            else:
                witness = nodes.inline(original, original, classes=["ed-witness-reading"])
            self.add_card_line(card, "Witness", witness)
            if kind is EmendationKind.DELETION:
                self.add_card_line(card, "Edition", nodes.Text("left out by the editors"))
            self.add_card_line(card, "Reason", nodes.Text(str(node.get("reason", ""))))
            number = numbers.get((self.fromdocname, anchor))
            if apparatus_page is not None and number is not None:
                text = f"emendation {number}"
                self.add_card_line(
                    card,
                    "Apparatus",
                    self.link(
                        apparatus_page, f"apparatus-emendation-{number}", nodes.inline(text, text)
                    ),
                )
            node += card


class NumberNotes(ApparatusPostTransform):
    """Number and head every editorial note; mark every lemma with a link to its note.

    In witness mode the notes are removed (they are the editors' words) and lemmas are left
    unmarked.
    """

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.editorial_note, ed.lemma):
            return
        notes = list(self.document.findall(ed.editorial_note))
        lemmas = list(self.document.findall(ed.lemma))
        if not notes and not lemmas:
            return
        if witness_mode(self.config):
            for note in notes:
                if note.parent is not None:
                    note.parent.remove(note)
            return
        numbers = self.domain.note_numbers()
        lemmas_of = self.domain.lemmas_by_note() if notes else {}
        notes_by_id = self.domain.notes_by_id() if lemmas else {}
        for note in notes:
            self.fromdocname = self.docname_of(note)
            number = numbers.get(note["note_id"])
            note["number"] = number
            kind = NoteKind(note["kind"])
            head = nodes.paragraph(classes=["ed-note-head"])
            label = f"{kind.label} {number}" if number else kind.label
            head += nodes.strong(label, label, classes=["ed-note-label"])
            head.extend(self.lemma_links(lemmas_of.get(note["note_id"], [])))
            note.insert(0, head)
        for lemma in lemmas:
            self.fromdocname = self.docname_of(lemma)
            found = notes_by_id.get(lemma["note_id"])
            if found is None:
                continue  # reported by the checks
            number = numbers[found.id]
            text = f"ed.\u00a0{number}"
            mark = nodes.superscript("", "", classes=["ed-note-mark"])
            mark += self.link(
                found.docname,
                found.anchor,
                nodes.inline(text, text),
                f"{found.kind.label} {number}",
            )
            lemma += mark


class FillApparatus(ApparatusPostTransform):
    """Replace the ``{apparatus}`` placeholder with the emendations and the notes."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.apparatus_index):
            return
        for placeholder in list(self.document.findall(ed.apparatus_index)):
            self.fromdocname = self.docname_of(placeholder)
            show = placeholder.get("show", "all")
            result: list[nodes.Node] = []
            if show in ("all", "emendations"):
                result.extend(self.emendations())
            if show in ("all", "notes"):
                result.extend(self.notes())
            placeholder.replace_self(result)
            self.tree_changed()  # the notes' copies may hold mentions, lemmas, claims

    def emendations(self) -> list[nodes.Node]:
        records = self.domain.emendations(scoped=True)
        title = f"Emendations ({len(records)})"
        rubric = nodes.rubric(title, title, ids=["emendations"], classes=["ed-apparatus-heading"])
        if not records:
            return [rubric, nodes.paragraph("", "The editors made no emendation.")]
        rows: list[list[nodes.Node]] = []
        for number, record in enumerate(records, start=1):
            reading: nodes.Node = (
                nodes.inline(record.reading, record.reading, classes=["ed-reading"])
                if record.reading
                else nodes.emphasis("om.", "om.")
            )
            original: nodes.Node = (
                nodes.inline(record.original, record.original, classes=["ed-witness-reading"])
                if record.original
                else nodes.emphasis("om.", "om.")
            )
            rows.append(
                [
                    nodes.Text(str(number)),
                    self.place(record.docname, record.anchor, record.section),
                    reading,
                    original,
                    nodes.Text(record.kind.label),
                    nodes.Text(record.reason),
                ]
            )
        headers = ["#", "Place", "Edition", "Witness", "Kind", "Reason"]
        ids = [f"apparatus-emendation-{n}" for n in range(1, len(rows) + 1)]
        return [
            rubric,
            table(
                headers, rows, [7, 21, 18, 17, 10, 27], classes=["ed-apparatus-table"], row_ids=ids
            ),
        ]

    def notes(self) -> list[nodes.Node]:
        records = self.domain.notes(scoped=True)
        title = f"Editorial notes and queries ({len(records)})"
        rubric = nodes.rubric(title, title, ids=["notes"], classes=["ed-apparatus-heading"])
        if not records:
            return [rubric, nodes.paragraph("", "The editors added no note.")]
        items = nodes.enumerated_list(enumtype="arabic", classes=["ed-apparatus-notes"])
        lemmas_of = self.domain.lemmas_by_note()
        # Each document's notes by id, its doctree read once however many notes it holds.
        bodies: dict[str, dict[str, nodes.Element]] = {}
        for record in records:
            item = nodes.list_item(ids=[f"apparatus-{record.anchor}"])
            head = nodes.paragraph(classes=["ed-note-head"])
            head += nodes.strong(record.kind.label, record.kind.label)
            head.extend(self.lemma_links(lemmas_of.get(record.id, [])))
            head += nodes.Text(" (")
            head += self.place(record.docname, record.anchor, record.section)
            head += nodes.Text(")")
            item += head
            if record.docname not in bodies:
                found: dict[str, nodes.Element] = {}
                for note in self.env.get_doctree(record.docname).findall(ed.editorial_note):
                    found.setdefault(str(note.get("note_id")), note)
                bodies[record.docname] = found
            item.extend(self.note_body(record, bodies[record.docname].get(record.id)))
            items += item
        return [rubric, items]

    def note_body(self, record: EditorialNote, note: nodes.Element | None) -> list[nodes.Node]:
        """A copy of the note's text, from its document's doctree (links still pending)."""
        if note is None:
            return [nodes.paragraph(record.text, record.text)]
        copies = [child.deepcopy() for child in note.children]
        for copy in copies:
            _detach_copy(copy, self.fromdocname or self.env.docname)
        return copies


def _detach_copy(node: nodes.Node, docname: str) -> None:
    """Make a copied subtree safe to stand in another document: no ids, no footnote marks."""
    if not isinstance(node, nodes.Element):
        return
    for element in list(node.findall(nodes.Element)):
        element["ids"] = []
        if isinstance(element, nodes.footnote_reference) and element.parent is not None:
            element.parent.remove(element)
        elif isinstance(element, addnodes.pending_xref):
            element["refdoc"] = docname


# --- Checks -------------------------------------------------------------------------------------


def _cited_keys(note: nodes.Element) -> tuple[str, ...]:
    """The bib keys cited inside *note*, each once, in order."""
    keys = (
        key
        for ref in note.findall(addnodes.pending_xref)
        if ref.get("refdomain") == "cite"
        for key in citation_keys(str(ref["reftarget"]))
    )
    return tuple(dict.fromkeys(keys))


def check_confidence(notes: list[EditorialNote], keys: AbstractSet[str]) -> None:
    """A note that states a confidence cites an entry of the bibliography."""
    for note in notes:
        stated = CONFIDENCE.search(note.text)
        if stated and not any(key in keys for key in note.cites):
            warn(
                f"the editorial note {note.id!r} states {stated[0]!r} but cites no entry of the "
                "bibliography: cite the source it rests on inside the note ({cite:p}`key`), "
                "or take the confidence out",
                Subtype.NOTE_CONFIDENCE_UNSOURCED,
                (note.docname, note.line),
            )


def check_apparatus(app: Sphinx, builder: object = None) -> None:
    """Duplicate note ids, lemmas naming no note, and notes stating a confidence without a
    source (``write-started``: every build)."""
    domain = apparatus_domain(app.env)
    check_confidence(domain.notes(), bib_keys(app.builder))
    first: dict[str, EditorialNote] = {}
    for note in domain.notes():
        if note.id in first:
            other = first[note.id]
            warn(
                f"the editorial note id {note.id!r} is already used in {other.docname!r} "
                f"(line {other.line})",
                Subtype.NOTE_DUPLICATE_ID,
                (note.docname, note.line),
            )
        first.setdefault(note.id, note)
    for lemma in domain.in_reading_order(domain.lemmas_by_doc):
        if lemma.note_id not in first:
            warn(
                f"the lemma {lemma.text!r} refers to the editorial note {lemma.note_id!r}, "
                "which does not exist",
                Subtype.NOTE_UNKNOWN,
                (lemma.docname, lemma.line),
            )


def register(app: Sphinx) -> None:
    """Register the domain, the markup, the collector, the post-transforms and the checks."""
    app.add_domain(ApparatusDomain)
    app.add_role("emend", EmendRole())
    app.add_role("lemma", LemmaRole())
    app.add_directive("ednote", EditorialNoteDirective)
    app.add_directive("apparatus", ApparatusDirective)
    # Read phase: anchors and records, once the document is parsed.
    app.add_transform(CollectApparatus)
    # env-updated: pages built from other pages' records (apparatus, registers, chronology,
    # bibliography) and pages showing note numbers or register names are rewritten.
    app.connect("env-updated", pages_to_rewrite)
    # write-started: corpus-wide checks, emitted by every build (also one that read nothing).
    app.connect("write-started", check_apparatus)
    # Write phase: cards, note numbers and the apparatus page.
    app.add_post_transform(BuildEmendationCards)
    app.add_post_transform(NumberNotes)
    app.add_post_transform(FillApparatus)
