"""Nesting check (read phase): Markdown nested deeper than the parser reads is reported.

The Markdown parser under MyST stops at a fixed nesting depth (``maxNesting``: 20 levels, a
list level counting two, a block quote one): a list nested ten levels deep loses its tenth
level, and with it the rest of the page, while the build succeeds. A page whose doctree comes
close to that depth is parsed again without the limit; if that reading finds blocks the
build's reading lost, the page is reported at the first of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from critical_edition.core.config import is_markdown
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from markdown_it.token import Token
    from sphinx.application import Sphinx

#: How many parser levels each container stands for (a list and its item; a block quote).
_WEIGHTS: dict[type[nodes.Node], int] = {nodes.list_item: 2, nodes.block_quote: 1}


def _depth(doctree: nodes.document) -> int:
    """The deepest nesting of lists and block quotes in *doctree*, in parser levels."""
    deepest = 0
    for node in doctree.findall(lambda n: type(n) in _WEIGHTS):
        depth = 0
        current: nodes.Node | None = node
        while current is not None:
            depth += _WEIGHTS.get(type(current), 0)
            current = current.parent
        deepest = max(deepest, depth)
    return deepest


def _block_starts(tokens: list[Token]) -> dict[int, int]:
    """The first line (0-based) of each leaf block the parser read (a paragraph's text, a
    heading's, a fence) -> the line after it."""
    return {t.map[0]: t.map[1] for t in tokens if t.block and t.map and t.nesting == 0}


#: The smallest ``maxNesting`` of markdown-it's presets (``commonmark`` and ``zero``).
_SMALLEST_LIMIT = 20


def check_nesting(app: Sphinx, doctree: nodes.document) -> None:
    """Report a Markdown page whose deepest levels the parser left out; ``doctree-read``."""
    env = app.env
    path = Path(env.doc2path(env.docname))
    config: Any = getattr(env, "myst_config", None)
    if config is None or not is_markdown(app.config, path):
        return
    depth = _depth(doctree)
    # No preset of markdown-it nests less than this: most pages stop here, before a parser
    # is made for them.
    if depth < _SMALLEST_LIMIT // 2:
        return
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(config, SphinxRenderer)
    limit = int(parser.options["maxNesting"])
    if depth < limit // 2:
        return
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return
    read = _block_starts(parser.parse(text))
    parser.options["maxNesting"] = limit * 100
    whole = _block_starts(parser.parse(text))
    lost = sorted(set(whole) - set(read))
    if not lost:
        return
    first, last = lost[0] + 1, max(whole[start] for start in lost)
    warn(
        f"lists or block quotes are nested here deeper than the Markdown parser reads ({limit} "
        "levels, a list counting two and a quote one), so "
        f"{f'lines {first}-{last} are' if last > first else f'line {first} is'} left out of the edition: nest less deeply (at most "
        f"{limit // 2 - 1} list levels, or {limit - 1} quotes)",
        Subtype.NESTING_TOO_DEEP,
        (env.docname, first),
    )


def register(app: Sphinx) -> None:
    """Connect the nesting check."""
    # doctree-read: the page as the build read it, to compare with an unlimited reading.
    app.connect("doctree-read", check_nesting)
