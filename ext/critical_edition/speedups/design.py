"""sphinx-design's HTML transforms (post-transforms): one walk of a page finds what they need.

sphinx-design rewrites its tab sets, dropdowns and asides for HTML in three post-transforms,
each of which walks every node of every page looking for its component
(``findall(lambda node: is_component(node, name))``). Most pages have none; the large ones (the
claim index, the bibliography, a register) are walked three times for nothing: at 50 times the
paper that was some six per cent of a full build. Here one post-transform, run before them
(priority :data:`SCAN_PRIORITY`, after every transform that may add a component: the
toolkit's own add theirs at priorities below 10, sphinx-design's below 13), walks the page
once and notes which components it holds: that walk is the page's census (:mod:`.census`),
which also serves the other page-wide transforms. Each of the three then runs only on a page
holding its component, and exactly as before; it runs as stock when a post-transform the
census has not audited runs between the census and it. The output is the same
(``tests/test_design_scan.py`` builds every component with the switch on and off).

Set the environment variable ``CRITICAL_EDITION_DESIGNSCAN=0`` to have sphinx-design walk
every page for each component, as it does. The patch stands aside on a sphinx-design release
the tests do not cover (:mod:`.versions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from critical_edition.speedups import census, versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to leave sphinx-design's transforms as they are.
SWITCH = "CRITICAL_EDITION_DESIGNSCAN"
#: Before sphinx-design's dropdown and aside transforms (199) and tab sets (200).
SCAN_PRIORITY = census.PRIORITY


def enabled() -> bool:
    """Whether the scan is on: unless ``CRITICAL_EDITION_DESIGNSCAN=0``, and only on the
    sphinx-design and Sphinx releases the tests cover."""
    # Sphinx too: the census it reads is taken before Sphinx's own only and image transforms,
    # trusted to add no component in the releases the tests cover.
    return versions.switched_on(SWITCH) and versions.covered(
        "design scan", "sphinx-design", "sphinx"
    )


def _only_with(component: str, run: Callable[..., None]) -> Callable[..., None]:
    """*run*, skipped on a page the census found without *component* (as stock with the
    switch off or when the census cannot answer for the transform)."""

    def run_if_present(self: SphinxPostTransform, **kwargs: Any) -> None:
        if versions.switched_on(SWITCH):
            found = census.usable(self)
            if found is not None and component not in found.components:
                return
        run(self, **kwargs)

    run_if_present.__wrapped__ = run  # type: ignore[attr-defined]
    return run_if_present


def _transforms() -> list[tuple[type[SphinxPostTransform], str]]:
    """sphinx-design's three HTML transforms and the component each looks for."""
    from sphinx_design.aside import AsideHtmlTransform
    from sphinx_design.dropdown import DropdownHtmlTransform
    from sphinx_design.tabs import TabSetHtmlTransform

    return [
        (TabSetHtmlTransform, "tab-set"),
        (DropdownHtmlTransform, "dropdown"),
        (AsideHtmlTransform, "aside"),
    ]


def install() -> None:
    """Wrap the three transforms' ``run`` (once per process; the wrapper defers to the
    original whenever the scan did not run on the page)."""
    for transform, component in _transforms():
        run = transform.run
        if not hasattr(run, "__wrapped__"):
            setattr(transform, "run", _only_with(component, run))  # noqa: B010


def setup(app: Sphinx) -> ExtensionMetadata:
    """Scan each HTML page once for sphinx-design's components.

    Part of the toolkit, and an extension of its own for a site that loads sphinx-design
    (``critical_edition.speedups.design``).
    """
    app.setup_extension("sphinx_design")
    if enabled():
        install()
        census.take_census(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
