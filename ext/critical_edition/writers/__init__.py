"""Writers (write phase): per-builder visitors for the toolkit's nodes, registered in one place.

Each node names its visitors in a :class:`~critical_edition.writers.base.NodeVisitors` record
(html also serves epub); other builders, plain text among them unless it has visitors of its
own, render the node's children or skip it: a claim is its words alone, its card left out.
The tables live beside their visitors: :mod:`.claims`, :mod:`.apparatus`, :mod:`.supplied`,
:mod:`.epub`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.writers import (
    apparatus,
    assets,
    claims,
    epub,
    index_pages,
    latex_assets,
    page_assets,
    page_markup,
    sheet_links,
    supplied,
    theme_css,
    written_pages,
)
from critical_edition.writers.base import OTHER_FORMATS, NodeVisitors

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def add_visitors(app: Sphinx, table: dict[type[nodes.Element], NodeVisitors]) -> None:
    """Register each node class of *table* with its visitors for every builder format."""
    for node_class, visitors in table.items():
        fallback = visitors.fallback()
        app.add_node(
            node_class,
            html=visitors.html,
            latex=visitors.latex,
            text=visitors.text or fallback,
            **dict.fromkeys(OTHER_FORMATS, fallback),  # type: ignore[arg-type]
        )


def register(app: Sphinx) -> None:
    """Register the visitors of every node of the toolkit."""
    for table in (claims.VISITORS, apparatus.VISITORS, supplied.VISITORS, epub.VISITORS):
        add_visitors(app, table)


def setup_writers(app: Sphinx) -> None:
    """Register the visitors, the LaTeX style file and the HTML assets."""
    register(app)
    # builder-inited: the .sty next to the .tex (LaTeX builders).
    latex_assets.register(app)
    # builder-inited: CSS and JS for HTML builders only.
    assets.register(app)
    page_assets.register(app)
    # html-page-context: a numbered page's passage citation, once in its head.
    apparatus.register(app)
    # build-finished: the pages without the theme's unused icons and their indentation; first,
    # so that the sheets are pruned for the pages as they stay (in a rebuild, as in a clean one).
    page_markup.register(app)
    # build-finished: furo's sheets without the rules no page of the site can use.
    theme_css.register(app)
    # build-finished: the pages' links to those sheets with the checksums they end with.
    sheet_links.register(app)
    # build-finished, last: each page's file status, which tells the next build what it wrote.
    written_pages.register(app)
    # Write phase: Sphinx's general index and search page left as they are when nothing changed.
    index_pages.register(app)
    # Write phase, EPUB only: tab sets as sections, cards and notes as footnotes.
    epub.register(app)
