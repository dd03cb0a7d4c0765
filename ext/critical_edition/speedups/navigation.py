"""Navigation cache (html-page-context, around furo's handler): the sidebar tree once per folder.

furo shows the whole table of contents in the sidebar of every page. For each page Sphinx
resolves every toctree of the site (copying every document's table of contents), renders the
result through docutils, and furo parses that HTML again with BeautifulSoup to add its
expand/collapse checkboxes: work in proportion to the number of pages, done once per page, so
a build grows with the square of its length (two thirds of a 300-page build).

Every page gets the same tree but for the marks of the page being shown and for its links,
which Sphinx makes relative to the page's folder. This module therefore has Sphinx and furo
build the tree once per site, for a document name at the top that is no page (so nothing is
marked; furo memoises its own step by its input), and on that shared text makes the edits
Sphinx and furo would have made for the page:

* Sphinx: the class ``current`` on the page's link and on every list and list item above it
  (once per link to the page), and ``#`` as the link's target; every other link to a
  document of the site made relative to the page's folder, as Sphinx's ``relative_uri``
  makes it (a site whose pages sit in many folders once paid a whole tree per folder);
* furo: ``checked`` on the checkbox of every marked item that has children, and
  ``current-page`` on the last marked item.

The result is byte-identical to furo's own (``tests/test_navigation.py`` compares every page of
a site with nested, hidden, repeated and foldered entries, built both ways; the benchmark does
the same on its synthetic editions). A page falls back to the stock computation whenever the
shortcut could differ: a builder whose links are not the stock HTML builder's (``dirhtml``,
``singlehtml``), a ``toctree()`` call with other arguments than furo's, a page one of whose
toctree ancestors has ``only`` in its table of contents (Sphinx copies an ancestor's unfiltered),
or markup the marker does not recognise. Nothing changes for other themes.

furo's own step on the shared tree (its checkboxes) is kept between builds, under the exact
HTML it was given (:mod:`.furotrees`): a build whose tree did not change reads it back. The
shared tree itself is kept too, under a digest of what Sphinx reads to make it (:mod:`.navkeep`):
a build after an edit that changed no title, heading or toctree does not resolve it again.

The toolkit loads it; any furo site can load it alone (``critical_edition.speedups.navigation``;
the old name ``critical_edition.navigation`` still works). Set the environment variable
``CRITICAL_EDITION_NAVCACHE=0`` to switch it off; it switches itself off on a furo release the
tests do not cover (:mod:`.versions`).

Upstream: this stands in for furo pull request #939 ("Create a shadow DOM tree for faster (10x)
navtree generation", open when this was written), which builds the tree once per site inside
furo. Delete this module when furo ships that or an equivalent.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from critical_edition.core import priorities
from critical_edition.speedups import furotrees, navkeep, versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

#: Set to ``0`` to switch the cache off (for comparisons and when in doubt).
SWITCH = "CRITICAL_EDITION_NAVCACHE"
#: The arguments furo's ``_compute_navigation_tree`` passes to ``toctree()``.
FURO_ARGUMENTS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
#: The document name the shared tree is rendered for: no page has it, so nothing is marked.
NO_PAGE = "\x00navigation"
#: The context key furo fills with the sidebar tree.
FURO_TREE = "furo_navigation_tree"

#: A start or end tag of the generated navigation HTML (attribute values are quoted; docutils
#: and BeautifulSoup escape ``<`` and ``>`` inside them).
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)\"""")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def enabled() -> bool:
    """Whether the cache is on: unless ``CRITICAL_EDITION_NAVCACHE=0``, and only on the furo
    releases the tests cover (:mod:`.versions`)."""
    return versions.switched_on(SWITCH) and versions.covered("navigation cache", "furo")


class UnrecognisedMarkupError(Exception):
    """The navigation HTML is not shaped as expected: render this page the stock way."""


@dataclass
class _Element:
    """A ``ul``, ``li`` or ``a`` of the navigation HTML, with where its attributes are."""

    tag: str
    #: Offset just after the tag name (where a new attribute may go).
    name_end: int
    #: Offsets of the class attribute's value, if it has one.
    class_span: tuple[int, int] | None
    classes: list[str]
    href: str | None = None
    href_span: tuple[int, int] | None = None
    #: Enclosing ``ul`` and ``li`` elements, innermost first.
    ancestors: list[_Element] = field(default_factory=list)
    #: For an ``li``: where ``checked`` goes in its furo checkbox, if it has one.
    checked_at: int | None = None
    #: For an ``li``: its place among the ``li`` elements, in document order.
    order: int = -1


class _Tree:
    """One unmarked navigation tree, indexed: the links by target, each with its ancestors."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.links: dict[str, list[_Element]] = {}
        #: Every link to a document of the site (Sphinx's "internal"), in document order.
        self.internal: list[_Element] = []
        stack: list[tuple[str, _Element | None]] = []
        items = 0
        for match in _TAG.finditer(html):
            closing, tag, rest = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                while stack and stack[-1][0] != tag:
                    stack.pop()
                if not stack:
                    raise UnrecognisedMarkupError(f"unbalanced </{tag}>")
                stack.pop()
                continue
            if tag == "input" and "toctree-checkbox" in rest:
                item = self._innermost(stack, "li")
                if item is None or item.checked_at is not None or not rest.endswith("/"):
                    raise UnrecognisedMarkupError("a checkbox outside a list item")
                # BeautifulSoup writes attributes in alphabetical order: "checked" goes
                # before the first that sorts after it.
                later = [a for a in _ATTRIBUTE.finditer(rest) if a.group(1) > "checked"]
                item.checked_at = match.start(3) + later[0].start() if later else match.end() - 2
            if tag not in {"ul", "li", "a"}:
                if tag not in _VOID and not rest.endswith("/"):
                    stack.append((tag, None))
                continue
            element = self._element(tag, match, rest)
            element.ancestors = [e for _, e in reversed(stack) if e is not None and e.tag != "a"]
            if tag == "li":
                element.order = items
                items += 1
            elif tag == "a" and element.href is not None:
                self.links.setdefault(element.href, []).append(element)
                if "internal" in element.classes:
                    if "&" in element.href:
                        raise UnrecognisedMarkupError("an escaped character in a link")
                    self.internal.append(element)
            stack.append((tag, element))

    @staticmethod
    def _innermost(stack: list[tuple[str, _Element | None]], tag: str) -> _Element | None:
        for name, element in reversed(stack):
            if name == tag:
                return element
        return None

    @staticmethod
    def _element(tag: str, match: re.Match[str], rest: str) -> _Element:
        offset = match.start(3)
        element = _Element(tag, offset, None, [])
        for attribute in _ATTRIBUTE.finditer(rest):
            name, span = (
                attribute.group(1),
                (offset + attribute.start(2), offset + attribute.end(2)),
            )
            if name == "class":
                element.class_span, element.classes = span, attribute.group(2).split()
            elif name == "href":
                element.href, element.href_span = attribute.group(2), span
        return element

    def marked(self, href: str, relocated: dict[str, str] | None = None) -> str:
        """The tree as Sphinx and furo render it for the page whose own link is *href*.

        *relocated* maps the tree's links to documents to those of the page's folder (None:
        the page is at the top, where the shared tree was rendered).
        """
        links = [a for a in self.links.get(href, ()) if a.classes == ["reference", "internal"]]
        edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
        if links:
            edits += self._current(links)
        if relocated:
            own = {id(link) for link in links}
            for link in self.internal:
                assert link.href is not None and link.href_span is not None
                target = relocated[link.href]
                if id(link) not in own and target != link.href:
                    edits.append((*link.href_span, target))
        if not edits:
            return self.html
        pieces, position = [], 0
        for start, end, text in sorted(edits):
            if start < position:
                raise UnrecognisedMarkupError("overlapping edits")
            pieces += [self.html[position:start], text]
            position = end
        pieces.append(self.html[position:])
        return "".join(pieces)

    def _current(self, links: list[_Element]) -> list[tuple[int, int, str]]:
        """The edits that mark the page's own *links*, their lists and items as current."""
        if len(links) > 1:
            # A link to the page under another (a toctree's ``self`` entry below the page's
            # own entry): Sphinx's second walk up the branch stops short of the first link's
            # item, a case the counting below does not reproduce.
            own_items = {id(link.ancestors[0]) for link in links if link.ancestors}
            for link in links:
                if any(id(above) in own_items for above in link.ancestors[1:]):
                    raise UnrecognisedMarkupError("a link to the page below another")
        current: dict[int, int] = {}  # id(element) -> how many times Sphinx marks it
        elements: dict[int, _Element] = {}
        for link in links:
            for element in (link, *link.ancestors):
                current[id(element)] = current.get(id(element), 0) + 1
                elements[id(element)] = element
        items = [e for e in elements.values() if e.tag == "li"]
        if not items:
            raise UnrecognisedMarkupError("a link to the page outside any list item")
        last = max(items, key=lambda e: e.order)
        edits: list[tuple[int, int, str]] = []
        for key, element in elements.items():
            edits += self._mark(element, current[key], is_last=element is last)
        for link in links:
            assert link.href_span is not None
            edits.append((*link.href_span, "#"))
        return edits

    @staticmethod
    def _mark(element: _Element, times: int, *, is_last: bool) -> list[tuple[int, int, str]]:
        marks = ["current"] * times
        if element.tag == "a" or element.tag == "ul":
            # Sphinx's classes come before the writer's ("current reference internal"); a
            # toctree's list has none of its own.
            if element.class_span is None:
                return [(element.name_end, element.name_end, f' class="{" ".join(marks)}"')]
            start = element.class_span[0]
            return [(start, start, " ".join(marks) + " ")]
        # A list item: Sphinx's classes, "current", then furo's "has-children" and, on the
        # last marked item, "current-page"; furo ticks the checkbox of a marked item.
        if element.class_span is None:
            raise UnrecognisedMarkupError("a list item without classes")
        start, end = element.class_span
        classes = list(element.classes)
        furo = ["has-children"] if classes[-1:] == ["has-children"] else []
        if furo:
            classes.pop()
        if (element.checked_at is not None) != bool(furo):
            raise UnrecognisedMarkupError("a list item's checkbox and class disagree")
        value = " ".join(classes + marks + furo + (["current-page"] if is_last else []))
        edits = [(start, end, value)]
        if element.checked_at is not None:
            edits.append((element.checked_at, element.checked_at, ' checked=""'))
        return edits


class NavigationCache:
    """The per-build memo: one rendered tree per set of arguments, one index per tree, and
    the tree's links as each folder's pages have them."""

    def __init__(self, builder: StandaloneHTMLBuilder, app: Sphinx) -> None:
        self.builder = builder
        #: The application's extensions, whose releases the kept tree is keyed on.
        self.extensions = dict(app.extensions)
        self.rendered: dict[tuple[tuple[str, Any], ...], str] = {}
        self.trees: dict[str, _Tree | None] = {}
        #: (tree, folder) -> the tree's links to documents, as written in that folder.
        self.relocations: dict[tuple[str, str], dict[str, str]] = {}
        self._unsafe_pages: set[str] | None = None
        #: Pages marked on a shared tree, and pages rendered the stock way (for the tests).
        self.shared: set[str] = set()
        self.stock: set[str] = set()
        #: furo's step on the shared trees, kept between builds; the tree last served to furo.
        doctreedir = getattr(builder, "doctreedir", None)
        self.kept = furotrees.KeptTrees(
            Path(doctreedir) / furotrees.FILE_NAME if doctreedir else None
        )
        self.serving: str | None = None
        #: The rendered trees, kept between builds under a digest of what they are made of.
        self.kept_tree = navkeep.KeptTree(
            Path(doctreedir) / navkeep.FILE_NAME if doctreedir and navkeep.enabled() else None
        )

    def unmarked(self, kwargs: dict[str, Any]) -> str:
        """The tree with nothing marked, its links as a page at the top has them, as the
        toctree() call renders it."""
        key = tuple(sorted(kwargs.items()))
        if key not in self.rendered:
            digest = None
            if self.kept_tree.path:
                digest = navkeep.tree_digest(self.builder, kwargs, self.extensions)
            self.rendered[key] = self.kept_tree.get(digest, lambda: self._render(kwargs))
        return self.rendered[key]

    def _render(self, kwargs: dict[str, Any]) -> str:
        """The tree for the toctree() call, resolved and rendered by Sphinx."""
        tree = global_toctree_for_doc(
            self.builder.env, NO_PAGE, self.builder, tags=self.builder.tags, **kwargs
        )
        return self.builder.render_partial(tree)["fragment"]

    def can_share(self, pagename: str) -> bool:
        """Whether *pagename*'s tree equals the shared one but for the marks."""
        if self._unsafe_pages is None:
            self._unsafe_pages = self._pages_under_only()
        return pagename not in self._unsafe_pages

    def _pages_under_only(self) -> set[str]:
        """Pages with a toctree ancestor whose table of contents holds ``only``.

        Sphinx copies an ancestor's table of contents without evaluating ``only`` (every
        other entry is filtered), so those pages are rendered the stock way.
        """
        env = self.builder.env
        with_only = navkeep.documents_with_only(env)
        unsafe: set[str] = set()
        pending = list(with_only)
        while pending:
            for child in env.toctree_includes.get(pending.pop(), ()):
                if child not in unsafe:
                    unsafe.add(child)
                    pending.append(child)
        return unsafe

    def mark(self, html: str, pagename: str) -> str:
        """*html*, the shared tree after furo's step, marked for *pagename*."""
        if html not in self.trees:
            try:
                self.trees[html] = _Tree(html)
            except UnrecognisedMarkupError as problem:
                logger.debug("[navigation] stock rendering: %s", problem)
                self.trees[html] = None
        tree = self.trees[html]
        if tree is None:
            raise UnrecognisedMarkupError("the shared tree was not understood")
        folder = posixpath.dirname(pagename)
        return tree.marked(
            self.builder.get_relative_uri(NO_PAGE, pagename), self.relocated(tree, folder)
        )

    def relocated(self, tree: _Tree, folder: str) -> dict[str, str] | None:
        """The links of *tree* (rendered at the top) as Sphinx writes them in *folder*.

        A link is the target's address (Sphinx's ``get_target_uri``), maybe with an anchor;
        in a folder Sphinx makes it relative with ``relative_uri``, as done here.
        """
        if not folder:
            return None
        key = (tree.html, folder)
        if key not in self.relocations:
            base = self.builder.get_target_uri(posixpath.join(folder, NO_PAGE))
            moved: dict[str, str] = {}
            for link in tree.internal:
                assert link.href is not None
                if link.href not in moved:
                    path, hash_, anchor = link.href.partition("#")
                    moved[link.href] = relative_uri(base, path) + hash_ + anchor
            self.relocations[key] = moved
        return self.relocations[key]


class _SharedToctree:
    """The context's ``toctree()`` while furo's handler runs: shared trees for furo's call."""

    def __init__(self, cache: NavigationCache, pagename: str, original: Callable[..., str]) -> None:
        self.cache, self.pagename, self.original = cache, pagename, original
        self.served = False

    def __call__(self, **kwargs: Any) -> str:
        if kwargs != FURO_ARGUMENTS:
            return self.original(**kwargs)
        self.served = True
        html = self.cache.unmarked(kwargs)
        self.cache.serving = html
        return html


#: The cache of each HTML builder running with furo, for the current build.
_caches: weakref.WeakKeyDictionary[Builder, NavigationCache] = weakref.WeakKeyDictionary()


def _uses_furo(app: Sphinx) -> bool:
    listeners = app.events.listeners.get("html-page-context", [])
    return any(getattr(listener.handler, "__module__", "") == "furo" for listener in listeners)


def _has_stock_links(builder: Builder) -> TypeGuard[StandaloneHTMLBuilder]:
    """Whether the builder links pages as the stock HTML builder does (folder-relative)."""
    kind = type(builder)
    return (
        isinstance(builder, StandaloneHTMLBuilder)
        and kind.get_target_uri is StandaloneHTMLBuilder.get_target_uri
        and kind.get_relative_uri is Builder.get_relative_uri
    )


def _furo_step(html: str) -> str:
    """furo's ``get_navigation_tree``, read from the kept trees for a tree the cache served."""
    from furo import navigation as furo_navigation  # type: ignore[import-untyped]

    step: Callable[[str], str] = furo_navigation.get_navigation_tree
    for cache in list(_caches.values()):
        if cache.serving is html:
            return cache.kept.get(html, step)
    return step(html)


def _install_furo_step() -> None:
    """Have furo's sidebar ask :func:`_furo_step` (once; a name someone else replaced is
    left alone)."""
    import furo
    from furo import navigation as furo_navigation

    if getattr(furo, "get_navigation_tree", None) is furo_navigation.get_navigation_tree:
        furo.get_navigation_tree = _furo_step


def start(app: Sphinx, *_: object) -> None:
    """Begin a build's cache (write-started): the tree depends on every page just read."""
    builder = app.builder
    _caches.pop(builder, None)
    if enabled() and _has_stock_links(builder) and _uses_furo(app):
        _caches[builder] = NavigationCache(builder, app)
        _install_furo_step()


def finish(app: Sphinx, exception: BaseException | None) -> None:
    """Keep furo's trees of this build for the next one (build-finished), unless it failed."""
    cache = _caches.get(app.builder)
    if cache is not None and exception is None:
        cache.kept.save()
        cache.kept_tree.save()


def before_theme(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Give furo a ``toctree()`` that serves the page's folder's shared tree."""
    cache = _caches.get(app.builder)
    original = context.get("toctree")
    if cache is None or original is None:
        return
    if cache.can_share(pagename):
        context["toctree"] = _SharedToctree(cache, pagename, original)
    else:
        cache.stock.add(pagename)


def after_theme(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Put the page's own ``toctree()`` back, and mark the page in furo's tree."""
    shared = context.get("toctree")
    if not isinstance(shared, _SharedToctree):
        return
    context["toctree"] = shared.original
    if not shared.served or FURO_TREE not in context:
        return
    try:
        context[FURO_TREE] = shared.cache.mark(context[FURO_TREE], pagename)
        shared.cache.shared.add(pagename)
    except UnrecognisedMarkupError as problem:
        logger.debug("[navigation] %s: stock rendering: %s", pagename, problem)
        from furo import _compute_navigation_tree

        context[FURO_TREE] = _compute_navigation_tree(context)
        shared.cache.stock.add(pagename)


#: Applications the cache is connected to: loaded under its old and its new name, it connects once.
_connected: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def setup(app: Sphinx) -> ExtensionMetadata:
    """Connect the cache around furo's html-page-context handler (priority 500)."""
    metadata: ExtensionMetadata = {"parallel_read_safe": True, "parallel_write_safe": True}
    if app in _connected:
        return metadata
    _connected.add(app)
    navkeep.register(app)
    app.connect("write-started", start)
    app.connect("build-finished", finish)
    app.connect("html-page-context", before_theme, priority=priorities.NAVIGATION_BEFORE_THEME)
    app.connect("html-page-context", after_theme, priority=priorities.NAVIGATION_AFTER_THEME)
    return metadata
