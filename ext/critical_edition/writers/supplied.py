"""Writers of supplied text (write phase): HTML, LaTeX and plain-text visitors."""

from __future__ import annotations

from typing import Any

from docutils import nodes

from critical_edition.apparatus.supplied import CARD_CLASSES, LABEL
from critical_edition.core import nodes as ed
from critical_edition.writers.base import NodeVisitors

# --- HTML ---------------------------------------------------------------------------------------


def visit_supplied_html(self: Any, node: nodes.Element) -> None:
    """Open a sphinx-design card whose header is the label."""
    self.body.append(
        self.starttag(node, "div", "", CLASS=CARD_CLASSES, role="note", **{"aria-label": LABEL})
    )
    self.body.append(
        '<div class="sd-card-header ed-supplied-label">' + self.encode(LABEL) + "</div>\n"
    )
    self.body.append('<div class="sd-card-body">\n')


def depart_supplied_html(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>\n</div>\n")


# --- LaTeX --------------------------------------------------------------------------------------


def _has_section(node: nodes.Element) -> bool:
    return any(True for _ in node.findall(nodes.section, include_self=False))


def visit_supplied_latex(self: Any, node: nodes.Element) -> None:
    """Sphinx's own admonition box with the label as its title.

    A block holding a section (a supplied title) cannot go in a box, where ``\\chapter`` is
    not allowed: it gets the label as a line of its own instead.
    """
    self.body.append("\n" + self.hypertarget_to(node))
    label = self.encode(LABEL)
    if _has_section(node):
        self.body.append(r"\par\noindent\sphinxstyleemphasis{" + label + "}\\par\n")
    else:
        self.body.append(r"\begin{sphinxadmonition}{note}{" + label + "}\n")


def depart_supplied_latex(self: Any, node: nodes.Element) -> None:
    if not _has_section(node):
        self.body.append("\\end{sphinxadmonition}\n")


# --- Text ---------------------------------------------------------------------------------------


def visit_supplied_text(self: Any, node: nodes.Element) -> None:
    """The label in square brackets on a line of its own, then the content."""
    self.new_state(0)
    self.add_text(f"[{LABEL}]")
    self.end_state(wrap=False)


def depart_supplied_text(self: Any, node: nodes.Element) -> None:
    pass


VISITORS: dict[type[nodes.Element], NodeVisitors] = {
    ed.supplied: NodeVisitors(
        html=(visit_supplied_html, depart_supplied_html),
        latex=(visit_supplied_latex, depart_supplied_latex),
        text=(visit_supplied_text, depart_supplied_text),
    ),
}
