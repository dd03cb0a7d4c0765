"""Assets: the stylesheet and scripts shipped with the extension, added to HTML builds only.

At ``config-inited`` the package's ``static/`` folder joins ``html_static_path`` (other builders
ignore that setting); at ``builder-inited`` the files are linked from every page of HTML
builds. Nothing is ever copied into the output folder by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.core import priorities
from critical_edition.writers.page_assets import CSS_BUNDLE, JS_BUNDLE, STATIC

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

# The sources in static/ are merged and minified into these (writers/page_assets.py).
CSS_FILES = (CSS_BUNDLE,)
JS_FILES: tuple[str, ...] = (JS_BUNDLE,)
#: The icon of pages whose project sets no ``html_favicon``: half brackets, the claims' mark.
FAVICON = "favicon.svg"


def _static_paths() -> list[str]:
    """Our static folder, and sphinx-design's (see :func:`add_static_paths` for why)."""
    from sphinx_design.extension import STATIC_DIR as SPHINX_DESIGN_STATIC

    return [str(STATIC), str(SPHINX_DESIGN_STATIC)]


def add_static_paths(app: Sphinx, config: Config) -> None:
    """Serve the package's static folder (connected to ``config-inited``).

    It must happen here, not at ``builder-inited``: Sphinx compares the configuration with the
    pickled one before the builder starts, and a path added later looks like a changed
    ``html_static_path`` on every build, which has every page rewritten even when nothing
    changed. sphinx-design (0.8) appends its folder at ``builder-inited``, with exactly that
    effect; so its folder is added here too, and :func:`drop_duplicate_static_paths` removes
    the copy it appends later.
    """
    for path in _static_paths():
        if path not in config.html_static_path:
            config.html_static_path.append(path)


def default_favicon(app: Sphinx, config: Config) -> None:
    """Give pages the toolkit's icon when the project names none (``config-inited``).

    Without an icon every browser asks for ``/favicon.ico`` and gets a 404. A project's own
    ``html_favicon`` (a file or a URL) is left as it is.
    """
    if not config.html_favicon:
        config.html_favicon = str(STATIC / FAVICON)


#: Files of static/ that are notes for people, not parts of a page: an EPUB has no media type
#: for them (the fonts carry their licence's address inside).
EPUB_EXCLUDED = ("_static/fonts/OFL.txt", "_static/fonts/README.txt")


def exclude_notes_from_epub(app: Sphinx, config: Config) -> None:
    """Keep the font folder's text files out of an EPUB (``config-inited``)."""
    excluded = getattr(config, "epub_exclude_files", None)
    if isinstance(excluded, list):
        # A new list: the default value's list is shared by every project of the process.
        config.epub_exclude_files = [*excluded, *(n for n in EPUB_EXCLUDED if n not in excluded)]


def drop_duplicate_static_paths(app: Sphinx) -> None:
    """Keep each static folder once (``builder-inited``, after sphinx-design's handler)."""
    app.config.html_static_path[:] = list(dict.fromkeys(app.config.html_static_path))


def add_static_files(app: Sphinx) -> None:
    """Link the extension's CSS and JS from HTML pages (connected to ``builder-inited``)."""
    if app.builder.format != "html":
        return
    for css in CSS_FILES:
        app.add_css_file(css)
    for js in JS_FILES:
        app.add_js_file(js, defer="defer")


def register(app: Sphinx) -> None:
    """Register the asset hook."""
    app.connect("config-inited", add_static_paths)
    app.connect("config-inited", default_favicon)
    app.connect("config-inited", exclude_notes_from_epub)
    app.connect("builder-inited", add_static_files)
    # 900: after sphinx-design's builder-inited handler (default priority 500).
    app.connect(
        "builder-inited",
        drop_duplicate_static_paths,
        priority=priorities.DROP_DUPLICATE_STATIC_PATHS,
    )
