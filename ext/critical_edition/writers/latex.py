"""LaTeX visitors: claims as marked spans with their card in the margin.

The macros (``\\edClaimBegin``, ``\\edClaimEnd``...) are defined in
``texinputs/critical-edition.sty``; the card's children are rendered inside the argument of
``\\edClaimEnd`` so that links and citations in it keep working.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


def visit_claim_block(self: Any, node: nodes.Element) -> None:
    # A block claim starts its own paragraph: the bracket must not join the previous one.
    self.body.append("\n\\par\n")
    visit_claim(self, node)


def visit_claim_status(self: Any, node: nodes.Element) -> None:
    label = self.encode(node.astext())
    self.body.append(r"\edStatus[" + label + "]{" + self.encode(node["status"]) + "}")
    raise nodes.SkipNode


def visit_claim(self: Any, node: nodes.Element) -> None:
    anchor = node["ids"][0] if node["ids"] else ""
    self.body.append(r"\edClaimBegin{" + self.idescape(anchor) + "}")
    # the LaTeX writer's hypertarget for the claim's id, so \ref and links land here
    self.body.append(self.hypertarget_to(node))


def depart_claim(self: Any, node: nodes.Element) -> None:
    pass


def visit_claim_card(self: Any, node: nodes.Element) -> None:
    self.body.append(r"\edClaimEnd{")


def depart_claim_card(self: Any, node: nodes.Element) -> None:
    self.body.append("}")


def visit_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("\n" + self.hypertarget_to(node))


def depart_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("\n")
