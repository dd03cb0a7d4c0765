"""Reference census (post-transforms): one walk before the resolvers lets four of them skip a page.

Four post-transforms that run just before Sphinx resolves references walk every node of every
page for nodes most pages never hold: the C and the C++ domains' alias transforms (for the
``c:alias`` and ``cpp:alias`` directives), myst-parser's resolver (for a pending reference of
type ``myst``) and sphinx-design's stash of ``button-ref`` content (for a pending reference of
class ``sd-btn``). At 50 times the paper the three pages an edit to one ``.bib`` entry rewrites
cost some 0.45 s in them under the profiler, for nothing.

:class:`ReferenceCensus`, a post-transform at :data:`PRIORITY`, walks the page once and notes
the node classes it holds and whether a pending reference is a MyST one or a button. Each
transform above then runs only on a page holding what it acts on, and exactly as before (the
stash, skipped, leaves the empty stash it leaves on such a page). As for the node census
(:mod:`.census`, whose switch ``CRITICAL_EDITION_NODECENSUS=0`` turns this one off as well), a
transform trusts the walk only if every post-transform the builder applies from it up to the
transform's priority is one of :data:`AUDITED` (read, and known to add none of these nodes: they
may remove nodes, or copy nodes already in the page), and only on the document and pass it was
taken on; otherwise it runs as stock. The patch stands aside on a Sphinx, myst-parser or
sphinx-design release the tests do not cover (:mod:`.versions`).
``tests/test_node_census.py`` builds a site holding each kind with the switch on and off and
compares every output file.
"""

from __future__ import annotations

import importlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.speedups import versions

if TYPE_CHECKING:
    from docutils.transforms import Transform
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Set to ``0`` to leave the page-wide transforms as they are (this census and the node census).
SWITCH = "CRITICAL_EDITION_NODECENSUS"

#: After the toolkit's transforms that fill pages in (5 and 6), which copy notes and build
#: tables with pending references; before sphinx-design's stash (8), the toolkit's witness
#: reading (8), the alias transforms and myst-parser's resolver (9).
PRIORITY = 7

#: The pending-reference type myst-parser's resolver acts on, and sphinx-design's button class.
MYST = "myst"
BUTTON = "sd-btn"

#: The post-transforms read and known to add, between the census and a gated one, no alias
#: node, no pending reference of type ``myst`` and none of class ``sd-btn`` (by module and
#: name: the toolkit's own sit above the speed-ups). sphinx-design's stash adds a marker class
#: to button references; the witness reading (witness mode) replaces nodes by their own
#: children, a text or an inline; the alias transforms put signatures of their domain in;
#: myst-parser's resolver puts references, or copies of content already in the page.
AUDITED = frozenset(
    {
        "sphinx_design.badges_buttons.ButtonRefContentStash",
        "critical_edition.apparatus.witness.WitnessReading",
        "sphinx.domains.c.AliasTransform",
        "sphinx.domains.cpp.AliasTransform",
        "myst_parser.sphinx_ext.myst_refs.MystReferenceResolver",
    }
)


def dotted(transform: type[Transform]) -> str:
    """A transform class's module and name."""
    return f"{transform.__module__}.{transform.__qualname__}"


@dataclass
class Facts:
    """What one page held when the reference census walked it."""

    #: Every node class present (``type(node)``).
    classes: frozenset[type[nodes.Node]]
    #: Whether a pending reference is of type ``myst``; whether one is of class ``sd-btn``.
    myst: bool
    button: bool
    #: The environment's per-pass document state when the census was taken.
    token: object
    #: The post-transforms the builder applies from the census on: (priority, class).
    after: Window
    #: Per gated transform, whether everything between it and the census is audited.
    clear: dict[object, bool] = field(default_factory=dict)


_taken: weakref.WeakKeyDictionary[nodes.document, Facts] = weakref.WeakKeyDictionary()

#: Applied post-transforms after a census: (priority, class).
Window = tuple[tuple[int, type["Transform"]], ...]


def applied_from(env: BuildEnvironment, start: int, own: type[Transform]) -> Window:
    """The post-transforms the builder will apply at or after priority *start*, but *own* (a
    transform with its own test of whether it applies counts as applied)."""
    builder = env._builder_cls
    stock_test = SphinxPostTransform.is_supported
    after: list[tuple[int, type[Transform]]] = []
    for transform in env._registry.get_post_transforms():
        priority = transform.default_priority or 0
        if transform is own or priority < start:
            continue
        if issubclass(transform, SphinxPostTransform) and transform.is_supported is stock_test:
            if transform.builders and builder.name not in transform.builders:
                continue
            if transform.formats and builder.format not in transform.formats:
                continue
        after.append((priority, transform))
    return tuple(after)


#: Per build environment: the window after this census and the verdicts on it (worked out once).
_windows: weakref.WeakKeyDictionary[BuildEnvironment, tuple[Window, dict[object, bool]]] = (
    weakref.WeakKeyDictionary()
)


def _walk(document: nodes.document) -> tuple[set[type[nodes.Node]], bool, bool]:
    """The node classes of *document*, and whether a MyST or a button reference is pending."""
    classes: set[type[nodes.Node]] = set()
    myst = button = False
    stack: list[nodes.Node] = [document]
    pop, extend, add = stack.pop, stack.extend, classes.add
    element, pending = nodes.Element, addnodes.pending_xref
    while stack:
        node = pop()
        cls = node.__class__
        add(cls)
        if isinstance(node, element):
            extend(node.children)
            if cls is pending or isinstance(node, pending):
                attributes = node.attributes
                myst = myst or attributes.get("reftype") == MYST
                button = button or BUTTON in attributes.get("classes", ())
    return classes, myst, button


class ReferenceCensus(SphinxPostTransform):
    """Note the node classes a page holds and which pending references it has."""

    default_priority = PRIORITY

    def run(self, **kwargs: Any) -> None:
        classes, myst, button = _walk(self.document)
        window = _windows.get(self.env)
        if window is None:
            window = _windows[self.env] = (applied_from(self.env, PRIORITY, ReferenceCensus), {})
        after, clear = window
        _taken[self.document] = Facts(
            classes=frozenset(classes),
            myst=myst,
            button=button,
            token=self.env.current_document,
            after=after,
            clear=clear,
        )


def usable(transform: Transform) -> Facts | None:
    """The census of *transform*'s page, if *transform* may trust it: taken on the same document
    in the same pass, with only :data:`AUDITED` post-transforms between the census and
    *transform*'s priority (None otherwise: *transform* then runs as stock)."""
    facts = _taken.get(transform.document)
    if facts is None:
        return None
    env = getattr(transform.document.settings, "env", None)
    if getattr(env, "current_document", None) is not facts.token:
        return None
    gated = type(transform)
    clear = facts.clear.get(gated)
    if clear is None:
        upto = gated.default_priority or 0
        clear = all(
            other is gated or dotted(other) in AUDITED
            for priority, other in facts.after
            if priority <= upto
        )
        facts.clear[gated] = clear
    return facts if clear else None


# -- the gated transforms -----------------------------------------------------------------------


def _holds_alias(module: str) -> Callable[[Facts], bool]:
    alias = importlib.import_module(module).AliasNode

    def holds(facts: Facts) -> bool:
        return any(issubclass(cls, alias) for cls in facts.classes)

    return holds


def _empty_stash(document: nodes.document) -> None:
    """What sphinx-design's stash leaves on a page without a button reference."""
    from sphinx_design.badges_buttons import _BUTTON_REF_STASH_ATTR

    setattr(document, _BUTTON_REF_STASH_ATTR, {})


#: Each gated transform: its package (for :func:`.versions.covered`), module, name and the method
#: that does its work (:func:`_needs` says what it acts on).
GATED: tuple[tuple[str, str, str, str], ...] = (
    ("sphinx", "sphinx.domains.c", "AliasTransform", "apply"),
    ("sphinx", "sphinx.domains.cpp", "AliasTransform", "apply"),
    ("myst-parser", "myst_parser.sphinx_ext.myst_refs", "MystReferenceResolver", "run"),
    ("sphinx-design", "sphinx_design.badges_buttons", "ButtonRefContentStash", "run"),
)


def _needs(module: str, name: str) -> Callable[[Facts], bool]:
    """The test of a page's facts for the gated transform *module*.*name*."""
    if name == "AliasTransform":
        return _holds_alias(module)
    if name == "MystReferenceResolver":
        return lambda facts: facts.myst
    return lambda facts: facts.button


def _only_where_needed(
    gated: type[Transform],
    needed: Callable[[Facts], bool],
    work: Callable[..., None],
    skipped: Callable[[nodes.document], None] | None,
) -> Callable[..., None]:
    """*work*, skipped on a page whose facts show nothing it acts on; as stock for a subclass,
    with the switch off, or when the census is not :func:`usable`."""

    def work_if_needed(self: Transform, **kwargs: Any) -> None:
        if type(self) is gated and versions.switched_on(SWITCH):
            facts = usable(self)
            if facts is not None and not needed(facts):
                if skipped is not None:
                    skipped(self.document)
                return
        work(self, **kwargs)

    work_if_needed.__wrapped__ = work  # type: ignore[attr-defined]
    return work_if_needed


Gate = tuple[
    type["Transform"], str, Callable[[Facts], bool], Callable[[nodes.document], None] | None
]


def gated_transforms() -> list[Gate]:
    """The gated transforms whose package is installed in a release the tests cover: each with
    its method, the test of a page's facts, and what it leaves on a page it skips."""
    found: list[Gate] = []
    for package, module, name, method in GATED:
        if not versions.covered("node census", package):
            continue
        transform = getattr(importlib.import_module(module), name)
        skipped = _empty_stash if name == "ButtonRefContentStash" else None
        found.append((transform, method, _needs(module, name), skipped))
    return found


def install() -> None:
    """Wrap each gated transform's working method (once per process)."""
    for transform, method, needed, skipped in gated_transforms():
        work = getattr(transform, method)
        if not hasattr(work, "__wrapped__"):
            setattr(transform, method, _only_where_needed(transform, needed, work, skipped))


def take_census(app: Sphinx) -> None:
    """Have the reference census taken on every page (once)."""
    if ReferenceCensus not in app.registry.get_post_transforms():
        app.add_post_transform(ReferenceCensus)
