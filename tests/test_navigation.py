"""The navigation cache (critical_edition.speedups.navigation) changes speed, never output.

``test-navigation`` is a furo site with every case the marker handles: pages in three folders,
nested toctrees, a page listed twice, a hidden toctree, an external entry, an orphan, and a
page below one whose table of contents holds ``only`` (rendered the stock way). Every page is
compared byte for byte with the cache on and off, after a full and after an incremental build.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import furo
import pytest
from critical_edition.speedups import navigation
from helpers import build, edit, warnings_of

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOT = "test-navigation"
#: The pages marked on the shared tree.
SHARED = {"index", "one", "two/alpha", "two/beta", "two/deep/gamma", "three"}
SHARED |= {"orphan", "genindex", "search"}
#: Pages rendered the stock way: "four" sits under a toctree with ``only``; "two/index" has a
#: ``self`` entry below its own (Sphinx marks that branch in a way the marker does not copy).
STOCK = {"four", "two/index"}


def pages(app: SphinxTestApp) -> dict[str, bytes]:
    """Every HTML page of the build, by path."""
    return {
        path.relative_to(app.outdir).as_posix(): path.read_bytes()
        for path in sorted(app.outdir.rglob("*.html"))
    }


def cache_of(app: SphinxTestApp) -> navigation.NavigationCache | None:
    return navigation._caches.get(app.builder)


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def stock_build(
    make_app: Any, srcdir: Path, builddir: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> SphinxTestApp:
    with monkeypatch.context() as patch:
        patch.setenv(navigation.SWITCH, "0")
        app = build(make_app, srcdir, builddir, **kwargs)
    assert cache_of(app) is None
    return app


# -- what the cache relies on ------------------------------------------------------------------


def test_furo_still_asks_for_the_tree_it_was_written_against() -> None:
    # A furo release that changes how it builds its sidebar must be checked again.
    assert furo.__version__.startswith("2025."), furo.__version__
    source = inspect.getsource(furo._compute_navigation_tree)
    for name, value in navigation.FURO_ARGUMENTS.items():
        assert f"{name}={value!r}," in source, name
    assert "get_navigation_tree(toctree_html)" in source
    handler = inspect.getsource(furo._html_page_context)
    assert f'context["{navigation.FURO_TREE}"] = _compute_navigation_tree(context)' in handler


# -- builds: the same pages with and without the cache -----------------------------------------


def test_cached_pages_equal_stock_pages(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch, freshenv=True)
    assert warnings_of(cached) == warnings_of(stock) == []
    cache = cache_of(cached)
    assert cache is not None
    assert cache.shared == SHARED
    assert cache.stock == STOCK
    # One tree for the site (pages at the top, in two/ and in two/deep/), its links made
    # relative to each folder.
    assert len(cache.rendered) == 1
    assert {folder for _, folder in cache.relocations} == {"two", "two/deep"}
    assert pages(cached) == pages(stock)
    # The shared tree was marked: the page's own entry, its ancestors, furo's checkboxes.
    gamma = pages(cached)["two/deep/gamma.html"].decode()
    assert '<a class="current reference internal" href="#">Gamma</a>' in gamma
    assert gamma.count('checked=""') == 2
    assert gamma.count("current-page") == 1
    # A page listed twice is marked twice; the last entry is furo's current page.
    one = pages(cached)["one.html"].decode()
    assert one.count('<a class="current reference internal" href="#">One</a>') == 2


def test_incremental_pages_equal_stock_pages(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch, freshenv=True)
    # A new title for a page in a folder: the trees rendered in the last build are stale.
    edit(srcdir / "two" / "beta.md", "# Beta", "# Beta, retitled")
    cached = build(make_app, srcdir, tmp_path / "cached")
    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch)
    assert pages(cached) == pages(stock)
    assert "Beta, retitled" in pages(cached)["two/beta.html"].decode()


def test_unrecognised_markup_falls_back_to_the_stock_tree(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: navigation._Tree, href: str, relocated: object = None) -> str:
        raise navigation.UnrecognisedMarkupError("for the test")

    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch, freshenv=True)
    with monkeypatch.context() as patch:
        patch.setattr(navigation._Tree, "marked", refuse)
        fallback = build(make_app, srcdir, tmp_path / "fallback", freshenv=True)
    cache = cache_of(fallback)
    assert cache is not None
    assert cache.shared == set()
    assert cache.stock == SHARED | STOCK
    assert pages(fallback) == pages(stock)


@pytest.mark.parametrize(
    ("buildername", "overrides"),
    [
        ("html", {"html_theme": "alabaster"}),  # another theme: its own sidebar, untouched
        ("dirhtml", {}),  # links of another shape
        ("singlehtml", {}),
    ],
)
def test_other_themes_and_builders_are_left_alone(
    make_app: Any, srcdir: Path, tmp_path: Path, buildername: str, overrides: dict[str, Any]
) -> None:
    app = make_app(
        buildername,
        srcdir=srcdir,
        builddir=tmp_path / buildername,
        confoverrides=overrides,
        freshenv=True,
    )
    app.build()
    app.cleanup()
    assert cache_of(app) is None
    assert warnings_of(app) == []
