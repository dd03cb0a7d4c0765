"""Script-address check (read phase): Markdown links to ``javascript:`` and the like, reported.

markdown-it (under MyST) refuses a link whose address starts with ``javascript:``,
``vbscript:``, ``file:`` or ``data:`` (other than an image's ``data:image/…``) and leaves the
whole construct, brackets and address, as text in the page. Nothing runs, but the editor's
link is gone without a word; this check says so, at the line of the paragraph that holds it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from markdown_it.common.normalize_url import GOOD_DATA_RE

from critical_edition.core import priorities
from critical_edition.core.config import is_markdown
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: A Markdown link left as text because markdown-it refused its address (its BAD_PROTO_RE,
#: less the image ``data:`` addresses its GOOD_DATA_RE lets through).
REFUSED_LINK = re.compile(
    r"\[[^\]]*\]\(\s*<?\s*(?P<scheme>javascript|vbscript|file|data)\s*:",
    re.IGNORECASE,
)


def _refused_schemes(text: str) -> list[str]:
    schemes = []
    for match in REFUSED_LINK.finditer(text):
        address = text[match.start("scheme") :]
        if not GOOD_DATA_RE.match(address.lower()):  # markdown-it lowers it, too
            schemes.append(match["scheme"].lower())
    return schemes


def check_script_urls(app: Sphinx, doctree: nodes.document) -> None:
    """Report each paragraph of a Markdown page holding a refused link; ``doctree-read``."""
    if not is_markdown(app.config, app.env.doc2path(app.env.docname)):
        return
    for block in doctree.findall(nodes.TextElement):
        if isinstance(block, (nodes.literal_block, nodes.literal, nodes.raw)):
            continue
        own_text = "".join(
            child.astext() for child in block.children if isinstance(child, nodes.Text)
        )
        schemes = _refused_schemes(own_text)
        if not schemes:
            continue
        names = list(dict.fromkeys(f"{scheme}:" for scheme in schemes))
        what = (
            f"a Markdown link to a {names[0]} address is"
            if len(schemes) == 1
            else f"Markdown links to {' and '.join(names)} addresses are"
        )
        warn(
            f"{what} refused (such a link could run script or carry content of its own) and "
            "shown as text, brackets and all; link to an http(s) address or remove the link",
            Subtype.LINK_SCHEME,
            block,
        )


def register(app: Sphinx) -> None:
    """Connect the script-address check."""
    app.connect("doctree-read", check_script_urls, priority=priorities.REFUSE_RAW_HTML)
