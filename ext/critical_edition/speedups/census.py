"""Node census (post-transforms): one walk of a page lets the page-wide transforms skip it.

Several post-transforms, and one ``doctree-resolved`` handler, walk every node of every page
although they act on a few kinds of node only: Sphinx's ``only`` filter, its two image
transforms (remote and ``data:`` images), its highlight-language setting (a
``walkabout`` with a visitor, for code blocks), its doctest-flag trimming (code and doctest
blocks), its fallback for signature elements and its domain class for signatures, furo's
wrapping of tables and display maths, and sphinx-design's opening of links in a new tab. Most
pages hold none of these; the large ones (the claim index, the bibliography, a register) were
walked once by each: at 50 times the paper, some two seconds under the profiler for the three
pages an edit to one ``.bib`` entry rewrites.

:class:`PageCensus`, a post-transform run at :data:`PRIORITY`, walks the page once and notes
the node classes it holds, the sphinx-design components and whether an element asks for a new
tab (the design scan, :mod:`.design`, reads the components). Each transform above then runs
only on a page holding a node it acts on (a class, or a subclass, of the ones it looks for),
and exactly as before. The census is sound only if nothing between it and a transform adds a
node of that kind, so a transform uses it only when every post-transform the builder applies
from the census up to that transform's priority (for the handler: every one after the census,
and every ``doctree-resolved`` handler before it) is one of :func:`audited` (read, and known to
add none); otherwise, and on a document or a pass other than the census's, it runs as stock.

The same extension takes a second census before the references are resolved, for four
transforms that run there (:mod:`.refcensus`). Set the environment variable
``CRITICAL_EDITION_NODECENSUS=0`` to have all these transforms walk every page, as they do. The patch stands aside on a Sphinx, furo or sphinx-design release the
tests do not cover (:mod:`.versions`). ``tests/test_node_census.py`` builds every kind with the
switch on and off and compares every output file.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.core import findings
from critical_edition.speedups import refcensus, versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils.transforms import Transform
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to leave the page-wide transforms as they are (this census and the reference
#: census before the resolvers, :mod:`.refcensus`).
SWITCH = refcensus.SWITCH
#: After the transforms that fill pages in and resolve references (the toolkit's below 10,
#: Sphinx's references at 10, sphinx-design's reference grafts at 11 and 12), before the first
#: gated one (the ``only`` filter, 50). A transform added between the census and a gated one
#: makes that one run as stock unless it is :func:`audited`.
PRIORITY = 13

#: The document-wide event whose sphinx-design handler is gated.
RESOLVED = "doctree-resolved"


@dataclass
class Census:
    """What one page held when the census walked it."""

    #: Every node class present (``type(node)``, Text included).
    classes: frozenset[type[nodes.Node]]
    #: The sphinx-design components (their ``design_component`` attribute).
    components: frozenset[str]
    #: Whether an element carries a true ``sd_new_tab`` (sphinx-design's new-tab marker).
    new_tab: bool
    #: The environment's per-pass document state when the census was taken: Sphinx makes a
    #: new one for each application of the post-transforms.
    token: object
    #: The post-transforms the builder applies from the census on: (priority, class).
    after: tuple[tuple[int, type[Transform]], ...]
    #: Per gated transform (or handler), whether everything between it and the census is
    #: audited: shared by every page of a build (it depends on the registry alone).
    clear: dict[object, bool] = field(default_factory=dict)

    def holds(self, kinds: tuple[type[nodes.Node], ...], names: frozenset[str]) -> bool:
        """Whether a node of *kinds* (or of a subclass), or of a class named in *names*
        (node visitors dispatch on the class's name), is present."""
        return any(issubclass(cls, kinds) or cls.__name__ in names for cls in self.classes)


#: The census of each page, by the document the post-transforms ran on.
_taken: weakref.WeakKeyDictionary[nodes.document, Census] = weakref.WeakKeyDictionary()


def _walk(document: nodes.document) -> tuple[set[type[nodes.Node]], set[str], bool]:
    """The node classes, design components and new-tab marker of *document*, in one walk."""
    classes: set[type[nodes.Node]] = set()
    components: set[str] = set()
    new_tab = False
    stack: list[nodes.Node] = [document]
    pop, extend, add = stack.pop, stack.extend, classes.add
    element = nodes.Element
    while stack:
        node = pop()
        add(node.__class__)
        if isinstance(node, element):
            extend(node.children)
            attributes = node.attributes
            if "design_component" in attributes:
                components.add(attributes["design_component"])
            if not new_tab and attributes.get("sd_new_tab"):
                new_tab = True
    return classes, components, new_tab


def _applied_after(env: BuildEnvironment) -> tuple[tuple[int, type[Transform]], ...]:
    """The post-transforms the builder will apply at or after :data:`PRIORITY`."""
    return refcensus.applied_from(env, PRIORITY, PageCensus)


#: Per build environment: the post-transforms after the census, and the gates' verdicts on
#: them, worked out once for every page (they depend on the registry and the builder alone).
_windows: weakref.WeakKeyDictionary[
    BuildEnvironment, tuple[tuple[tuple[int, type[Transform]], ...], dict[object, bool]]
] = weakref.WeakKeyDictionary()


class PageCensus(SphinxPostTransform):
    """Note the node classes, design components and new-tab marker a page holds."""

    default_priority = PRIORITY

    def run(self, **kwargs: Any) -> None:
        classes, components, new_tab = _walk(self.document)
        window = _windows.get(self.env)
        if window is None:
            window = _windows[self.env] = (_applied_after(self.env), {})
        after, clear = window
        _taken[self.document] = Census(
            classes=frozenset(classes),
            components=frozenset(components),
            new_tab=new_tab,
            token=self.env.current_document,
            after=after,
            clear=clear,
        )


def take_census(app: Sphinx) -> None:
    """Have the census taken on every page (once, whichever speed-up asks first)."""
    if PageCensus not in app.registry.get_post_transforms():
        app.add_post_transform(PageCensus)


@functools.cache
def audited() -> frozenset[type[Transform]]:
    """The post-transforms read and known to add no node of the gated kinds (no code,
    doctest, table, maths or signature node, no ``sd_new_tab``; they may move, wrap or
    remove such nodes, copying a wrapped node's attributes onto its wrapper) nor any
    design component but the ones they rewrite."""
    from sphinx.transforms.post_transforms import (
        OnlyNodeTransform,
        PropagateDescDomain,
        SigElementFallbackTransform,
    )
    from sphinx.transforms.post_transforms.code import (
        HighlightLanguageTransform,
        TrimDoctestFlagsTransform,
    )
    from sphinx.transforms.post_transforms.images import DataURIExtractor, ImageDownloader

    known: set[type[Transform]] = {
        PageCensus,
        OnlyNodeTransform,
        ImageDownloader,
        DataURIExtractor,
        SigElementFallbackTransform,
        PropagateDescDomain,
        HighlightLanguageTransform,
        TrimDoctestFlagsTransform,
    }
    # Only the releases the tests read: another might add a gated node in its transforms.
    if versions.covered("node census", "sphinx-design"):
        from sphinx_design.aside import AsideHtmlTransform
        from sphinx_design.dropdown import DropdownHtmlTransform
        from sphinx_design.tabs import TabSetHtmlTransform

        known |= {DropdownHtmlTransform, AsideHtmlTransform, TabSetHtmlTransform}
    if versions.covered("node census", "furo"):
        from furo import WrapTableAndMathInAContainerTransform  # type: ignore[import-untyped]

        known.add(WrapTableAndMathInAContainerTransform)
    return frozenset(known)


#: The ``doctree-resolved`` handlers read and known to change no node.
AUDITED_HANDLERS: frozenset[Callable[..., None]] = frozenset({findings._doc_written})


def usable(transform: Transform) -> Census | None:
    """The census of *transform*'s page, if *transform* may trust it: taken on the same
    document in the same pass, with only audited post-transforms between the census and
    *transform*'s priority (None otherwise: *transform* then runs as stock)."""
    census = _taken.get(transform.document)
    if census is None:
        return None
    env = getattr(transform.document.settings, "env", None)
    if getattr(env, "current_document", None) is not census.token:
        return None
    gated = type(transform)
    clear = census.clear.get(gated)
    if clear is None:
        trusted = audited()
        upto = gated.default_priority or 0
        clear = all(
            other is gated or other in trusted
            for priority, other in census.after
            if priority <= upto
        )
        census.clear[gated] = clear
    return census if clear else None


# -- the gated transforms -----------------------------------------------------------------------

#: Each gated transform's module and name, the method that does its work, the node classes it
#: acts on (an instance of one, subclasses included) and the class names its visitor acts on.
GATED: tuple[tuple[str, str, str, tuple[str, ...], frozenset[str]], ...] = (
    (
        "sphinx.transforms.post_transforms",
        "OnlyNodeTransform",
        "run",
        ("sphinx.addnodes.only",),
        frozenset(),
    ),
    (
        "sphinx.transforms.post_transforms.images",
        "ImageDownloader",
        "apply",
        ("docutils.nodes.image",),
        frozenset(),
    ),
    (
        "sphinx.transforms.post_transforms.images",
        "DataURIExtractor",
        "apply",
        ("docutils.nodes.image",),
        frozenset(),
    ),
    (
        "sphinx.transforms.post_transforms.code",
        "HighlightLanguageTransform",
        "apply",
        ("docutils.nodes.literal_block", "sphinx.addnodes.highlightlang"),
        frozenset({"literal_block", "highlightlang"}),
    ),
    (
        "sphinx.transforms.post_transforms.code",
        "TrimDoctestFlagsTransform",
        "apply",
        ("docutils.nodes.literal_block", "docutils.nodes.doctest_block"),
        frozenset(),
    ),
    (
        "sphinx.transforms.post_transforms",
        "SigElementFallbackTransform",
        "run",
        ("sphinx.addnodes.desc_sig_element", "sphinx.addnodes.desc_inline"),
        frozenset(),
    ),
    (
        "sphinx.transforms.post_transforms",
        "PropagateDescDomain",
        "run",
        ("sphinx.addnodes.desc_signature",),
        frozenset(),
    ),
    (
        "furo",
        "WrapTableAndMathInAContainerTransform",
        "run",
        ("docutils.nodes.table", "docutils.nodes.math_block"),
        frozenset(),
    ),
)

_NODE_MODULES = {"docutils.nodes": nodes, "sphinx.addnodes": addnodes}


def _node_class(dotted: str) -> type[nodes.Node]:
    module, _, name = dotted.rpartition(".")
    found: type[nodes.Node] = getattr(_NODE_MODULES[module], name)
    return found


def _only_on_pages_with(
    gated: type[Transform],
    kinds: tuple[type[nodes.Node], ...],
    names: frozenset[str],
    work: Callable[..., None],
) -> Callable[..., None]:
    """*work* (a transform's ``apply`` or ``run``), skipped on a page the census found
    without a node it acts on; as stock for a subclass, with the switch off, or when the
    census is not :func:`usable`."""

    def work_if_present(self: Transform, **kwargs: Any) -> None:
        if type(self) is gated and versions.switched_on(SWITCH):
            census = usable(self)
            if census is not None and not census.holds(kinds, names):
                return
        work(self, **kwargs)

    work_if_present.__wrapped__ = work  # type: ignore[attr-defined]
    return work_if_present


def _gated_transforms() -> list[
    tuple[type[Transform], str, tuple[type[nodes.Node], ...], frozenset[str]]
]:
    """The gated transforms whose package is installed in a release the tests cover."""
    import importlib

    found = []
    for module_name, name, method, kinds, names in GATED:
        package = "furo" if module_name == "furo" else "sphinx"
        if not versions.covered("node census", package):
            continue
        transform = getattr(importlib.import_module(module_name), name)
        found.append((transform, method, tuple(_node_class(kind) for kind in kinds), names))
    return found


def install() -> None:
    """Wrap each gated transform's working method (once per process; the wrapper defers to
    the original whenever the census cannot answer)."""
    for transform, method, kinds, names in _gated_transforms():
        # The image transforms inherit their ``apply``: the wrapper is set on the class itself.
        work = getattr(transform, method)
        if not hasattr(work, "__wrapped__"):
            setattr(transform, method, _only_on_pages_with(transform, kinds, names, work))


# -- sphinx-design's new-tab handler --------------------------------------------------------------


def _handler_clear(app: Sphinx, gated: Callable[..., None], census: Census) -> bool:
    """Whether nothing after the census may have marked a new tab before *gated* runs:
    every post-transform after it, and every handler of the event Sphinx calls before."""
    clear = census.clear.get(gated)
    if clear is None:
        clear = census.clear[gated] = _handlers_audited(app, gated, census)
    return clear


def _handlers_audited(app: Sphinx, gated: Callable[..., None], census: Census) -> bool:
    """:func:`_handler_clear`, worked out (once a build: the verdict is kept)."""
    trusted = audited()
    if not all(other in trusted for _priority, other in census.after):
        return False
    for listener in sorted(app.events.listeners[RESOLVED], key=lambda item: item.priority):
        if listener.handler is gated:
            return True
        if listener.handler not in AUDITED_HANDLERS:
            return False
    return False


def _new_tab_only_where_marked(handler: Callable[..., None]) -> Callable[..., None]:
    """sphinx-design's new-tab handler, skipped on a page the census found without a mark."""

    def resolve_if_marked(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        # The census serves this pass only: the handler follows the post-transforms.
        census = _taken.pop(doctree, None)
        if (
            census is not None
            and not census.new_tab
            and versions.switched_on(SWITCH)
            and _handler_clear(app, resolve_if_marked, census)
        ):
            return
        handler(app, doctree, docname)

    resolve_if_marked.__wrapped__ = handler  # type: ignore[attr-defined]
    return resolve_if_marked


def gate_new_tab_handler(app: Sphinx) -> None:
    """Put the gated new-tab handler in sphinx-design's place among the event's handlers
    (same id, priority and order), once every extension is set up."""
    if not versions.covered("node census", "sphinx-design"):
        return
    from sphinx_design.extension import _resolve_new_tab_refs

    listeners = app.events.listeners[RESOLVED]
    for index, listener in enumerate(listeners):
        if listener.handler is _resolve_new_tab_refs:
            gated = _new_tab_only_where_marked(_resolve_new_tab_refs)
            listeners[index] = listener._replace(handler=gated)


def enabled() -> bool:
    """Whether the census gates are on: unless ``CRITICAL_EDITION_NODECENSUS=0``, and only on
    the Sphinx releases the tests cover (furo and sphinx-design are checked per gate)."""
    return versions.switched_on(SWITCH) and versions.covered("node census", "sphinx")


def setup(app: Sphinx) -> ExtensionMetadata:
    """Take a census of each page and skip the page-wide transforms where it allows.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.census``).
    """
    if enabled():
        install()
        take_census(app)
        app.connect("builder-inited", gate_new_tab_handler)
        refcensus.install()
        refcensus.take_census(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
