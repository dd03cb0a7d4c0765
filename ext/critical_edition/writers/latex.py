"""LaTeX visitors: claims as marked spans with their numbered card beside their first line.

The macros (``\\edClaimStart``, ``\\edClaimEnd``...) are defined in
``texinputs/critical-edition.sty``. The card's children are rendered (links and citations keep
working) into the last argument of ``\\edClaimStart``, at the claim's first word, so that the
card stands beside the line where the claim begins, on the same page; the number is the
claim's in the claim index. ``\\edClaimEnd{}`` then only closes the bracket.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from critical_edition.core import nodes as ed

#: Set on a card whose children were already rendered at the start of its claim.
PRINTED = "ed_printed"


def visit_claim_block(self: Any, node: nodes.Element) -> None:
    # A block claim starts its own paragraph: the bracket must not join the previous one.
    self.body.append("\n\\par\n")
    visit_claim(self, node)


def visit_claim_status(self: Any, node: nodes.Element) -> None:
    label = self.encode(node.astext())
    self.body.append(r"\edStatus[" + label + "]{" + self.encode(node["status"]) + "}")
    raise nodes.SkipNode


def render_children(self: Any, node: nodes.Element) -> str:
    """The LaTeX of *node*'s children, rendered apart from the body."""
    body = self.body
    self.body = []
    try:
        for child in node.children:
            child.walkabout(self)
        return "".join(self.body)
    finally:
        self.body = body


def visit_claim(self: Any, node: nodes.Element) -> None:
    anchor = node["ids"][0] if node["ids"] else ""
    card = next((c for c in node.children if isinstance(c, ed.claim_card)), None)
    if card is None:
        self.body.append(r"\edClaimBegin{" + self.idescape(anchor) + "}")
    else:
        number = str(node.get("number", ""))
        text = render_children(self, card)
        card[PRINTED] = True
        self.body.append(
            r"\edClaimStart{" + self.idescape(anchor) + "}{" + number + "}{" + text + "}"
        )
    # the LaTeX writer's hypertarget for the claim's id, so \ref and links land here
    self.body.append(self.hypertarget_to(node))


def depart_claim(self: Any, node: nodes.Element) -> None:
    pass


def visit_role(self: Any, node: nodes.Element) -> None:
    """An inline node of the toolkit as Sphinx writes any classed inline: ``\\DUrole``."""
    self.visit_inline(node)


def depart_role(self: Any, node: nodes.Element) -> None:
    self.depart_inline(node)


def visit_claim_card(self: Any, node: nodes.Element) -> None:
    if node.get(PRINTED):
        self.body.append(r"\edClaimEnd{}")
        raise nodes.SkipNode
    self.body.append(r"\edClaimEnd{")


def depart_claim_card(self: Any, node: nodes.Element) -> None:
    self.body.append("}")


def visit_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("\n" + self.hypertarget_to(node))


def depart_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("\n")
