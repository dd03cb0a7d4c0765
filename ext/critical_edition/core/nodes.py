"""Nodes: the semantic doctree nodes of the toolkit (classes only; writers live in writers/).

Directives and roles create them while reading; post-transforms fill the placeholders; each
builder's writer renders them. Every node here is registered with a visitor for html, latex
and text (others skip it or fall back to its children).
"""

from __future__ import annotations

from docutils import nodes

#: Sphinx's class for an element its search indexer leaves out: a claim's card (its words are
#: not the page's text), and the lists made from the text elsewhere (the claim index's rows,
#: each speaker's claims in the register, an entry's "Cited in" links in the bibliography),
#: whose words are searched where they stand; as text they made those pages match nearly
#: every query (and at fifty times the paper were a sixth of the cost of writing the claim
#: index).
NOT_SEARCHED = "no-search"


class claim(nodes.inline):
    """An attributed statement in the running text (inline).

    Attributes: ``claim_id``, ``anchor``, ``actors`` (ids), ``verb``, ``status`` (value of
    :class:`~critical_edition.core.model.ClaimStatus`). Children: the claim's text, then (after
    post-transforms) one :class:`claim_card`.
    """


class claim_block(nodes.container):
    """An attributed statement spanning one or more paragraphs (block)."""


class claim_card(nodes.inline):
    """The card describing a claim: actors, verb, date, sources, status and note.

    Built by a post-transform from the domain's records; shown on hover and focus in HTML, as a
    margin note in LaTeX, and left out of plain text.
    """


class card_line(nodes.inline):
    """One line of a claim's or an emendation's card: a separator (``; ``, every line but the
    first), a :class:`card_label`, a space, the line's content. HTML writes no element of its
    own for it (the card's separators break its lines); LaTeX keeps ``\\DUrole{ed-card-line}``.
    """


class card_label(nodes.inline):
    """The label of a card line ("Said by", "Source" ...): ``<b>`` in HTML, styled by the
    card's stylesheet; ``\\DUrole{ed-card-label}`` in LaTeX."""


class claim_index(nodes.General, nodes.Element):
    """Placeholder for the table of every claim, filled after all documents are read."""


class disputes_index(nodes.General, nodes.Element):
    """Placeholder for the disputed points: each topic's rival claims side by side."""


class actor_entry(nodes.General, nodes.Element):
    """One actor of the register: its anchor, name, type and description.

    A post-transform appends the list of the actor's claims.
    """


class supplied(nodes.container):
    """Text supplied by the editors that the witness lacks (a restored title block, say)."""


class emendation(nodes.inline):
    """An editorial emendation: the edition's reading as children.

    Attributes: ``original`` (the witness's reading), ``reason``.
    """


class not_a_claim(nodes.inline):
    """A phrase the editors dismissed from the attribution linter (renders as its text)."""


# --- The apparatus (apparatus.py, registers.py, chronology.py, bibstatus.py) -------------------


class passage_number(nodes.Inline, nodes.Element):
    """A paragraph's number in the witness, shown in the margin (no text of its own).

    Attributes: ``number`` (the paragraph's place in its document), ``anchor`` (the id of the
    paragraph). Set by :mod:`critical_edition.apparatus.passages` as the paragraph's first child.
    """


class emendation_card(nodes.inline):
    """The card of an emendation: the witness's reading and the reason (HTML only).

    Built by a post-transform; other builders leave it out (LaTeX prints the same in a note).
    """


class editorial_note(nodes.General, nodes.Element):
    """An editors' note or query attached to a passage (block; a margin note).

    Attributes: ``note_id``, ``kind`` (``note`` or ``query``), ``number`` (across the edition,
    set by a post-transform). Children: a heading built by a post-transform, then the note.
    """


class lemma(nodes.inline):
    """The passage an editorial note comments on. Attributes: ``note_id``."""


class apparatus_index(nodes.General, nodes.Element):
    """Placeholder for the lists of every emendation and editorial note."""


class mention(nodes.inline):
    """A person, organisation or place mentioned in the text.

    Attributes: ``entity_kind`` (``person``, ``org``, ``place``), ``target`` (the id or name
    as written).
    """


class register_entry(nodes.General, nodes.Element):
    """One entry of a register of persons, organisations or places (block).

    Attributes: ``entity_kind``, ``entity_id``. A post-transform appends its mentions.
    """


class register_index(nodes.General, nodes.Element):
    """Placeholder for the alphabetical list of one kind of register entries."""


class dated(nodes.inline):
    """A date or period in the text, an event of the chronology.

    Attributes: ``start``, ``end`` (ISO 8601 ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
    """


class chronology_index(nodes.General, nodes.Element):
    """Placeholder for the chronology: every dated event in date order."""


class timeline(nodes.General, nodes.Element):
    """The timeline figure of the chronology (HTML: an inline SVG; other builders skip it).

    Attributes: ``events``, a list of ``(start, end, label, anchor, date as text)`` tuples in
    date order; ``caption``.
    """


class bib_status(nodes.inline):
    """The verification status of a bibliography entry, as a badge. Attribute ``status``."""


class claim_status(nodes.inline):
    """A claim's editorial status as a label: a sphinx-design badge in HTML, ``\\edStatus`` in
    LaTeX. Attribute: ``status`` (value of :class:`~critical_edition.core.model.ClaimStatus`).
    """


class epub_note(nodes.General, nodes.Element):
    """A note of an EPUB page (a claim's card): an EPUB 3 footnote, which reading systems
    show as a pop-up from its :class:`noteref`. Made by an EPUB-only post-transform."""


class noteref(nodes.Inline, nodes.TextElement):
    """A link to a note of the same page (EPUB 3 ``noteref``). Attribute: ``refid``."""
