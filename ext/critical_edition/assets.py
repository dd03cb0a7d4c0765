"""Assets: the stylesheet and scripts shipped with the extension, added to HTML builds only.

At ``builder-inited`` the package's ``static/`` folder joins ``html_static_path`` and the files
are linked from every page; other builders (LaTeX, text) get nothing, and nothing is ever
copied into the output folder by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"
CSS_FILES = ("critical-edition.css", "reading.css", "apparatus.css")
JS_FILES: tuple[str, ...] = ("previews.js",)


def add_static_files(app: Sphinx) -> None:
    """Link the extension's CSS and JS from HTML pages (connected to ``builder-inited``)."""
    if app.builder.format != "html":
        return
    app.config.html_static_path.append(str(STATIC))
    for css in CSS_FILES:
        app.add_css_file(css)
    for js in JS_FILES:
        app.add_js_file(js, defer="defer")


def setup(app: Sphinx) -> None:
    """Register the asset hook."""
    app.connect("builder-inited", add_static_files)
