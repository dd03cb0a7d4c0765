"""The navigation cache (critical_edition.speedups.navigation) changes speed, never output.

``test-navigation`` is a furo site with every case the marker handles: pages in three folders,
nested toctrees, a page listed twice, a hidden toctree, an external entry, an orphan, and a
page below one whose table of contents holds ``only`` (rendered the stock way). Every page is
compared byte for byte with the cache on and off, after a full and after an incremental build.
"""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import furo
import pytest
from critical_edition.speedups import furotrees, navigation
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


# -- furo's step kept between builds (speedups/furotrees.py) -----------------------------------


def kept_file(app: SphinxTestApp) -> Path:
    return Path(app.doctreedir) / furotrees.FILE_NAME


def count_furo_steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The trees furo's own step is given from now on."""
    step = furo.navigation.get_navigation_tree
    given: list[str] = []

    def counting(html: str) -> str:
        given.append(html)
        return str(step(html))

    monkeypatch.setattr(furo.navigation, "get_navigation_tree", counting)
    return given


def test_kept_trees_give_the_same_pages(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch, freshenv=True)
    assert not kept_file(stock).exists()  # the switch turns the file off too
    kept = json.loads(kept_file(first).read_text(encoding="utf-8"))
    assert len(kept["trees"]) == 1
    given = count_furo_steps(monkeypatch)

    # Every page written again, the tree unchanged: furo's step is read, not run.
    second = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    cache = cache_of(second)
    assert cache is not None and cache.kept.computed == 0
    assert cache.serving is not None and cache.serving not in given
    assert len(given) == len(STOCK)  # the pages rendered the stock way still ask furo
    assert pages(second) == pages(first) == pages(stock)

    # An edit that leaves the tree as it was, then one that changes a title.
    edit(srcdir / "one.md", "# One", "# One\n\nA new paragraph.")
    cached = build(make_app, srcdir, tmp_path / "cached")
    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch)
    cache = cache_of(cached)
    assert cache is not None and cache.kept.computed == 0
    assert pages(cached) == pages(stock)
    edit(srcdir / "two" / "beta.md", "# Beta", "# Beta, retitled")
    cached = build(make_app, srcdir, tmp_path / "cached")
    stock = stock_build(make_app, srcdir, tmp_path / "stock", monkeypatch)
    cache = cache_of(cached)
    assert cache is not None and cache.serving in given  # a new tree: furo's step ran
    assert pages(cached) == pages(stock)
    assert "Beta, retitled" in pages(cached)["two/beta.html"].decode()
    assert json.loads(kept_file(cached).read_text(encoding="utf-8"))["trees"] != kept["trees"]


def test_kept_trees_of_another_furo_are_not_read(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    installed = furotrees.versions.installed_version

    def released(name: str) -> str | None:
        return "0.0.1" if name == "beautifulsoup4" else installed(name)

    monkeypatch.setattr(furotrees.versions, "installed_version", released)
    given = count_furo_steps(monkeypatch)
    second = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    cache = cache_of(second)
    assert cache is not None and cache.kept.computed == 1 and cache.serving in given
    assert pages(second) == pages(first)


@pytest.mark.parametrize(
    "damage",
    [
        b"\xff{ not json",
        b'{"format": 1, "key": "KEY", "trees": {"0": 1}}',
        b'{"format": 1, "key": "KEY", "trees": []}',
        b"[" * 100_000,
        b"",
    ],
)
def test_a_damaged_tree_file_is_ignored(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    path = kept_file(first)
    kept = path.read_bytes()
    path.write_bytes(damage.replace(b"KEY", furotrees.file_key().encode()))
    given = count_furo_steps(monkeypatch)
    second = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    cache = cache_of(second)
    assert cache is not None and cache.serving in given
    assert warnings_of(second) == []
    assert pages(second) == pages(first)
    assert path.read_bytes() == kept  # written afresh
