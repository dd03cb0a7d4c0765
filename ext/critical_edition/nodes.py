"""Nodes: the semantic doctree nodes of the toolkit (classes only; writers live in writers/).

Directives and roles create them while reading; post-transforms fill the placeholders; each
builder's writer renders them. Every node here is registered with a visitor for html, latex
and text (others skip it or fall back to its children).
"""

from __future__ import annotations

from docutils import nodes


class claim(nodes.inline):
    """An attributed statement in the running text (inline).

    Attributes: ``claim_id``, ``anchor``, ``actors`` (ids), ``verb``, ``status`` (value of
    :class:`~critical_edition.model.ClaimStatus`). Children: the claim's text, then (after
    post-transforms) one :class:`claim_card`.
    """


class claim_block(nodes.container):
    """An attributed statement spanning one or more paragraphs (block)."""


class claim_card(nodes.inline):
    """The card describing a claim: actors, verb, date, sources, status and note.

    Built by a post-transform from the domain's records; shown on hover and focus in HTML, as a
    margin note in LaTeX, and left out of plain text.
    """


class claim_index(nodes.General, nodes.Element):
    """Placeholder for the table of every claim, filled after all documents are read."""


class actor_entry(nodes.General, nodes.Element):
    """One actor of the register: its anchor, name, type and description.

    A post-transform appends the list of the actor's claims.
    """


class supplied(nodes.container):
    """Text supplied by the editors that the witness lacks (a restored title block, say)."""


class emendation(nodes.inline):
    """An editorial emendation: the edition's reading as children.

    Attributes: ``original`` (the witness's reading), ``reason``, ``emendation_id``.
    """


class not_a_claim(nodes.inline):
    """A phrase the editors dismissed from the attribution linter (renders as its text)."""
