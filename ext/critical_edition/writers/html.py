"""HTML visitors: claims as focusable spans whose card shows on hover and focus.

Every attribute goes through ``starttag()``, which escapes it; no user text is ever formatted
into markup by hand (a card label's ``<b>`` has no attribute; its words are a text child).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes

from critical_edition.writers.base import NO_SNIPPET


def _claim_attributes(node: nodes.Element) -> dict[str, str]:
    # No data attribute repeats what the element says already: the claim's id is its own
    # prefixed with "claim-" (the id attribute), its status the class ed-status-<status>.
    anchor = node["ids"][0] if node["ids"] else ""
    return {
        "tabindex": "0",
        "aria-describedby": f"{anchor}-card",
        "data-actors": " ".join(node.get("actors", [])),
    }


#: An internal link's classes as Sphinx writes them. Inside a card no sheet or script reads
#: them (furo styles ``.reference`` only in its sidebar and contents, previews.js leaves links
#: in cards alone), and a busy page has dozens of card links: they go.
_CARD_LINK_CLASSES = re.compile(r'(<a\b[^>]*?) class="reference internal"')
#: The translator's attribute that remembers where each open card's markup starts.
_CARD_STARTS = "_edition_card_starts"


def open_card(self: Any, node: nodes.Element, classes: str) -> None:
    """Open a card (a ``<span role="tooltip">``), noting where its markup starts."""
    self.__dict__.setdefault(_CARD_STARTS, []).append(len(self.body))
    self.body.append(self.starttag(node, "span", "", CLASS=classes, role="tooltip", **NO_SNIPPET))


def close_card(self: Any, node: nodes.Element) -> None:
    """Close the card opened last; its links lose the classes nothing reads in a card."""
    start = self.__dict__[_CARD_STARTS].pop()
    self.body[start:] = [_CARD_LINK_CLASSES.sub(r"\1", part) for part in self.body[start:]]
    self.body.append("</span>")


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
    open_card(self, node, "ed-claim-card")


def depart_claim_card(self: Any, node: nodes.Element) -> None:
    close_card(self, node)


def visit_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", "", CLASS="ed-actor"))


def depart_actor_entry(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>")


def visit_claim_status(self: Any, node: nodes.Element) -> None:
    # A status label is a sphinx-design badge: rendered like any inline with its classes.
    self.visit_inline(node)


def depart_claim_status(self: Any, node: nodes.Element) -> None:
    self.depart_inline(node)


def visit_card_label(self: Any, node: nodes.Element) -> None:
    # A bare <b>: the card's stylesheet knows its labels as its <b> children, which keeps the
    # 100-odd lines of a busy page light.
    self.body.append("<b>")


def depart_card_label(self: Any, node: nodes.Element) -> None:
    self.body.append("</b>")
