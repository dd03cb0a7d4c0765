"""Citation lint: at doctree-read, warns about author-year citations left as plain text.

A parenthesis such as ``(Garibov 2020)``, ``(Kubicek 2009; Valiyev 2019)`` or
``(see de Waal 2013, 45)`` in the prose is a citation the edition has not marked up: it links
nowhere, is missing from the bibliography and escapes the citation checks. Marked-up citations
are ``pending_xref`` nodes by the time the doctree is read, so only plain text is examined;
literal text, code, raw content and link texts are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# A surname: a capitalised word (any script), optionally after lower-case particles.
_PARTICLES = r"(?:(?:de|da|di|du|van|von|der|den|del|della|la|le|al|el|bin|ibn|ter|ten)\s+)*"
_SURNAME = rf"{_PARTICLES}[^\W\d_][\w'’\-]*"
_AUTHORS = rf"{_SURNAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_SURNAME})*(?:\s+et\s+al\.?)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?"
_PAGES = r"(?:\s*,\s*(?:pp?\.\s*)?[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?)?"
_ONE = rf"(?:(?:see|cf\.|e\.g\.,?|also)\s+)?(?P<authors>{_AUTHORS}),?\s+{_YEAR}{_PAGES}"
_ITEM = re.compile(rf"\s*{_ONE}\s*")
_PARENTHESIS = re.compile(r"\(([^()]{6,300})\)")

#: Capitalised words that are not authors: "(November 2020)" is a date.
_NOT_NAMES = frozenset(
    {
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("spring", "summer", "autumn", "fall", "winter", "early", "late", "mid"),
    }
)

#: Nodes whose text is not prose: code, raw content, references and citations already marked.
_SKIP = (
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.comment,
    nodes.reference,
    nodes.math,
    nodes.math_block,
    nodes.label,
    nodes.citation_reference,
    nodes.footnote_reference,
    nodes.substitution_definition,
    nodes.target,
    addnodes.pending_xref,
)


def _is_citation(item: str) -> bool:
    match = _ITEM.fullmatch(item)
    if match is None:
        return False
    surnames = re.split(r"\s*,\s*|\s+and\s+|\s*&\s*|\s+et\s+al\.?", match.group("authors"))
    for surname in filter(None, surnames):
        last = surname.split()[-1]
        if not last[0].isupper() or last.casefold() in _NOT_NAMES:
            return False
    return True


def find_citations(text: str) -> Iterator[re.Match[str]]:
    """The parentheses of ``text`` that hold nothing but author-year citations."""
    for match in _PARENTHESIS.finditer(text):
        items = match.group(1).split(";")
        if all(_is_citation(item) for item in items):
            yield match


def _text_runs(element: nodes.Element) -> Iterator[list[nodes.Text]]:
    """Runs of adjacent text nodes among the element's children."""
    run: list[nodes.Text] = []
    for child in element.children:
        if isinstance(child, nodes.Text):
            run.append(child)
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _line_before(element: nodes.Element, stop: nodes.Node) -> int:
    """How many line breaks the element's text holds before ``stop``."""
    breaks = 0
    for node in element.findall(nodes.Text):
        if node is stop:
            break
        breaks += node.astext().count("\n")
    return breaks


def _block(node: nodes.Node) -> nodes.Element | None:
    """The nearest ancestor with a line number (the paragraph, title, list item ...)."""
    current = node.parent
    while current is not None and current.line is None:
        current = current.parent
    return current


def lint(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about every plain-text author-year citation of the document; ``doctree-read``."""
    if not get_config(app.config).lint_citations:
        return
    for element in doctree.findall(nodes.TextElement):
        if isinstance(element, _SKIP) or any(
            isinstance(ancestor, _SKIP) for ancestor in _ancestors(element)
        ):
            continue
        for run in _text_runs(element):
            text = "".join(node.astext() for node in run)
            for match in find_citations(text):
                block = _block(run[0])
                line = None
                if block is not None and block.line is not None:
                    breaks = _line_before(block, run[0]) + text.count("\n", 0, match.start())
                    line = block.line + breaks
                citation = " ".join(match.group(0).split())
                warn(
                    f"the citation {citation} is plain text: mark it up, e.g. "
                    "{cite:p}`key` (several keys separated by commas), so that it links to "
                    "the bibliography",
                    Subtype.CITATION_UNMARKED,
                    (app.env.docname, line),
                )


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    current = node.parent
    while current is not None:
        yield current
        current = current.parent


def register(app: Sphinx) -> None:
    """Connect the citation lint."""
    # doctree-read: the document is fully parsed and transformed; citations are pending_xref.
    app.connect("doctree-read", lint)
