"""Sphinx's own pages (write phase): the general index and search page kept when unchanged.

Sphinx writes only the documents whose sources changed, but renders ``genindex.html`` and
``search.html`` again in every build: in a rebuild of the edition that changed nothing or one
paragraph, that rendering (with furo's navigation for them) was most of the write phase. Here
each of :data:`PAGES` is rendered as Sphinx does unless both of these hold, in which case the
file of the last build is left as it is:

* a digest of what the page is made from equals the last rendering's: the page's own context
  (for the general index, its entries and their links); what the navigation shows of every
  document, that is its title, table of contents, toctrees, section numbers and ``tocdepth``
  (:func:`critical_edition.integrity.stale.toc_entries`) and the toctree structure, not the
  rest of its metadata (its word count, say), which only its own page shows; the builder's
  global context (project, release, the links to the domain indices it writes, every script
  and stylesheet by file, priority and attributes; a value that is not plain data renders the
  page); every configuration value and the tags; the date of the newest template (Sphinx's
  own signal that a template changed); the versions of Sphinx, docutils, Jinja, MarkupSafe,
  Beautiful Soup and every loaded extension; the files of ``_static`` (the page names their
  checksums; not the reading text's sheets, written after every page: a page that links
  them, when ``edition_passage_documents`` covers it, is always rendered); and the toolkit's
  code. A paragraph's words are in none of these: a prose edit keeps both pages;
* the file still holds the bytes the last build left in it (taken at the end of the build,
  after the toolkit's rewrites of the pages).

The toolkit's own additions to these pages (``html-page-context``) read only the
configuration: the JSON-LD block carries the edition alone, and the reading text's meta, the
citation block and the CSL-JSON link are not on them.

The digests are kept in the doctree directory. Set ``CRITICAL_EDITION_SKIP_UNCHANGED_PAGES=0``
to render both pages in every build, as Sphinx does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.apparatus import passages
from critical_edition.core import atomic, keptmaps, priorities
from critical_edition.core.confdigest import config_digest
from critical_edition.core.listing import named_files_with_suffixes
from critical_edition.integrity import stale
from critical_edition.speedups.versions import extension_releases, installed_version, switched_on
from critical_edition.writers.page_assets import READING_SHEETS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Set to ``0`` to render the pages in every build.
SWITCH = "CRITICAL_EDITION_SKIP_UNCHANGED_PAGES"
#: Sphinx's pages rendered in every build that the toolkit may keep.
PAGES = frozenset({"genindex", "search"})
#: The digests of the last renderings, in the doctree directory.
STATE_FILE = "critical_edition_index_pages.json"
#: The packages whose code shapes the two pages besides the loaded extensions: Sphinx,
#: docutils, the template engine and the HTML parser furo's sidebar goes through.
PACKAGES = ("sphinx", "docutils", "jinja2", "markupsafe", "beautifulsoup4")
#: The types a page's own context may hold for its digest to be taken (anything else: render).
_PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether *value* is made only of strings, numbers, lists, tuples and dictionaries."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def _asset(value: Any) -> Any:
    """A script or stylesheet of the context (Sphinx's ``_JavaScript``, ``_CascadingStyleSheet``)
    as plain data: its file, priority and attributes; anything else as it is."""
    filename = getattr(value, "filename", None)
    if isinstance(filename, str):
        attributes = getattr(value, "attributes", {})
        return (filename, getattr(value, "priority", None), sorted(attributes.items()))
    return value


def _context_digest(context: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The builder's global context as plain data, or None when a value is not plain (the
    page is then rendered: what cannot be digested is never taken as unchanged)."""
    result = []
    for key, value in context.items():
        if isinstance(value, (list, tuple)):
            value = [_asset(item) for item in value]
        if not _plain(value):
            return None
        result.append((key, repr(value)))
    return sorted(result)


def _config_digest(app: Sphinx) -> str:
    """Every configuration value (:func:`.confdigest.config_digest`)."""
    return config_digest(app.config)


class _Pages:
    """The builder's ``handle_page``, watched (one per build)."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.builder: Any = app.builder
        self.path = Path(app.doctreedir) / STATE_FILE
        self.static: str | None = None
        self.site: str | None = None
        self.stored: dict[str, Any] = keptmaps.read_state(self.path)
        #: The pages rendered in this build, and their files.
        self.rendered: dict[str, Path] = {}
        # The builder's own method, then this object's in its place (on this builder only).
        self.handle_page = getattr(self.builder, "handle_page")  # noqa: B009
        setattr(self.builder, "handle_page", self.page)  # noqa: B010

    def static_digest(self) -> str:
        """A digest of every file of ``_static`` (its name and bytes), taken once; but the
        reading text's sheets, written once every page is (a fresh build has none yet)."""
        if self.static is None:
            static = Path(self.app.outdir) / "_static"
            later = set(READING_SHEETS.values())
            digest = hashlib.sha256()
            # As sorted(p for p in static.rglob("*") if p.is_file()), in one walk.
            for text_name, path in named_files_with_suffixes(static, None):
                if text_name in later:
                    continue
                name = text_name.encode("utf-8")
                data = path.read_bytes()
                digest.update(b"%d:%s:%d:" % (len(name), name, len(data)))
                digest.update(data)
            self.static = digest.hexdigest()
        return self.static

    def new_build(self, *_: object) -> None:
        """Take the digests of ``_static`` and of the site anew (``env-before-read-docs``): an
        application built twice sees the second build's files, titles and tables of contents."""
        self.static = self.site = None
        self.rendered = {}

    def site_digest(self) -> str:
        """What both pages show of the whole site and its making, digested once a build: the
        navigation's inputs, the newest template's date, the configuration and tags, the
        releases, the extensions, ``_static`` and the toolkit's code."""
        if self.site is None:
            env = self.app.env
            build_info = getattr(self.builder, "build_info", None)
            templates = getattr(self.builder, "templates", None)
            newest_template = getattr(templates, "newest_template_mtime", lambda: None)()
            parts = (
                newest_template,
                _config_digest(self.app),
                stale.toc_entries(env),
                sorted((doc, repr(numbers)) for doc, numbers in env.toc_secnumbers.items()),
                sorted((doc, tuple(children)) for doc, children in env.toctree_includes.items()),
                sorted(env.numbered_toctrees),
                sorted(env.glob_toctrees),
                getattr(build_info, "config_hash", None),
                getattr(build_info, "tags_hash", None),
                [installed_version(name) for name in PACKAGES],
                extension_releases(self.app.extensions),
                self.static_digest(),
                stale.code_stamp(),
            )
            self.site = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
        return self.site

    def inputs(self, pagename: str, addctx: dict[str, Any], templatename: str) -> str | None:
        """A digest of what the page is made from, or None when it cannot be taken: a
        context that is not plain data, or a page that links the reading text's sheets
        (their checksums change with the pruning, after every page is written)."""
        if not _plain(addctx) or passages.is_numbered(self.app.config, pagename):
            return None
        context = _context_digest(getattr(self.builder, "globalcontext", {}))
        if context is None:
            return None
        parts = (pagename, templatename, repr(addctx), context, self.site_digest())
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    def page(self, pagename: str, addctx: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        """Render the page as Sphinx does, unless it is one of :data:`PAGES` and unchanged."""
        if pagename not in PAGES or kwargs.get("outfilename") is not None:
            self.handle_page(pagename, addctx, *args, **kwargs)
            return
        templatename = str(args[0] if args else kwargs.get("templatename", "page.html"))
        digest = self.inputs(pagename, addctx, templatename)
        outfile = Path(self.builder.get_outfilename(pagename))
        last = self.stored.get(pagename)
        if (
            digest is not None
            and isinstance(last, dict)
            and last.get("inputs") == digest
            and last.get("output") == atomic.file_digest(outfile)
        ):
            return  # the last build's file is the page this build would write
        self.handle_page(pagename, addctx, *args, **kwargs)
        if digest is None:
            self.stored.pop(pagename, None)
        else:
            self.stored[pagename] = {"inputs": digest, "output": None}
            self.rendered[pagename] = outfile

    def record(self, app: Sphinx, exception: BaseException | None) -> None:
        """Keep the digests of the pages rendered in this build, with the bytes their files
        end the build with (``build-finished``, after every rewrite of the pages)."""
        if exception is not None:
            return
        for pagename, outfile in self.rendered.items():
            self.stored[pagename]["output"] = atomic.file_digest(outfile)
        keptmaps.write_state(self.path, self.stored, sort_keys=True)


def watch(app: Sphinx) -> None:
    """Watch the HTML builder's pages (``builder-inited``): the site builders, not EPUB."""
    if not switched_on(SWITCH) or app.builder.name not in {"html", "dirhtml"}:
        return
    if not callable(getattr(app.builder, "handle_page", None)):
        return
    pages = _Pages(app)
    app.connect("env-before-read-docs", pages.new_build)
    app.connect("build-finished", pages.record, priority=priorities.RECORD_INDEX_PAGES)


def register(app: Sphinx) -> None:
    """Watch the general index and the search page from ``builder-inited`` on."""
    app.connect("builder-inited", watch)
