"""HTML visitors: claims as focusable spans whose card shows on hover and focus.

Every attribute goes through ``starttag()``, which escapes it; no user text is ever formatted
into markup by hand.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from critical_edition.writers.base import NO_SNIPPET


def _claim_attributes(node: nodes.Element) -> dict[str, str]:
    anchor = node["ids"][0] if node["ids"] else ""
    return {
        "tabindex": "0",
        "aria-describedby": f"{anchor}-card",
        "data-claim-id": node.get("claim_id", ""),
        "data-status": node.get("status", ""),
        "data-actors": " ".join(node.get("actors", [])),
    }


def visit_claim(self: Any, node: nodes.Element) -> None:
    classes = f"ed-claim ed-status-{node.get('status', '')}"
    self.body.append(self.starttag(node, "span", "", CLASS=classes, **_claim_attributes(node)))


def depart_claim(self: Any, node: nodes.Element) -> None:
    self.body.append("</span>")


def visit_claim_block(self: Any, node: nodes.Element) -> None:
    classes = f"ed-claim-block ed-status-{node.get('status', '')}"
    self.body.append(self.starttag(node, "div", "", CLASS=classes, **_claim_attributes(node)))


def depart_claim_block(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>")


def visit_claim_card(self: Any, node: nodes.Element) -> None:
    self.body.append(
        self.starttag(node, "span", "", CLASS="ed-claim-card", role="tooltip", **NO_SNIPPET)
    )


def depart_claim_card(self: Any, node: nodes.Element) -> None:
    self.body.append("</span>")


def visit_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", "", CLASS="ed-actor"))


def depart_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>")


def visit_claim_status(self: Any, node: nodes.Element) -> None:
    # A status label is a sphinx-design badge: rendered like any inline with its classes.
    self.visit_inline(node)


def depart_claim_status(self: Any, node: nodes.Element) -> None:
    self.depart_inline(node)
