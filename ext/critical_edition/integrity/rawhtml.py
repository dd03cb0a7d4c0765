"""Raw-HTML check: at doctree-read, reports raw HTML in the sources and renders it as text.

MyST turns HTML blocks and inline HTML into docutils ``raw`` nodes, and docutils'
``raw_enabled`` setting does not stop them under Sphinx, so ``<script>`` or an ``onerror``
attribute typed (or pasted) into a page would reach the reader's browser. The edition's sources
contain no raw HTML: each raw HTML node is reported and replaced by the same text as an
escaped literal, so that nothing is lost and nothing runs. ``edition_allow_raw_html = True``
turns the check off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _is_line_break(raw: nodes.raw) -> bool:
    """Whether *raw* is MyST's own hard line break (a trailing backslash or two spaces).

    MyST writes such a break, as in verse, as the pair ``<br />`` (HTML) and ``\\\\``
    (LaTeX); HTML typed in the page has no LaTeX twin.
    """
    following = raw.next_node(descend=False, siblings=True)
    return (
        raw.astext() == "<br />\n"
        and isinstance(following, nodes.raw)
        and following.get("format") == "latex"
        and following.astext() == "\\\\\n"
    )


def check_raw_html(app: Sphinx, doctree: nodes.document) -> None:
    """Report raw HTML nodes and replace them by literal text; ``doctree-read``.

    Inline HTML is reported once per paragraph (an element and its closing tag are one
    problem, not two); each HTML block once. MyST's hard line breaks are no raw HTML typed
    by anyone and are left as they are.
    """
    if get_config(app.config).allow_raw_html:
        return
    reported: set[int] = set()
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split() or _is_line_break(raw):
            continue
        parent = raw.parent
        inline = isinstance(parent, nodes.TextElement)
        if not inline or id(parent) not in reported:
            if inline:
                reported.add(id(parent))
                others = sum(
                    1
                    for sibling in parent.findall(nodes.raw)
                    if sibling is not raw
                    and "html" in sibling.get("format", "").split()
                    and not _is_line_break(sibling)
                )
            else:
                others = 0
            more = (
                f" (and {others} more HTML tag{'s' if others > 1 else ''} here)" if others else ""
            )
            warn(
                f"raw HTML is not allowed in the edition's sources: {_excerpt(raw.astext())!r}"
                f"{more}; use MyST markup or a directive instead (it is shown as plain text "
                "meanwhile)",
                Subtype.RAW_HTML,
                raw,
            )
        text = raw.astext()
        literal: nodes.FixedTextElement | nodes.literal
        if inline:
            literal = nodes.literal(text, text)
        else:
            literal = nodes.literal_block(text, text, language="text")
        literal["classes"].append("raw-html-refused")
        literal.source, literal.line = raw.source, raw.line
        raw.replace_self(literal)


def register(app: Sphinx) -> None:
    """Connect the raw-HTML check."""
    # doctree-read: after parsing and the read-phase transforms, before the doctree is pickled,
    # and before Sphinx's collectors copy titles and headings into the navigation.
    app.connect("doctree-read", check_raw_html, priority=priorities.REFUSE_RAW_HTML)
