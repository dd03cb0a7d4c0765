"""The kept navigation tree (critical_edition.speedups.navkeep) changes speed, never output.

The sidebar tree the navigation cache renders once per build is kept between builds under a
digest of what it is made of. After each kind of edit the pages built with the keep are
compared byte for byte with the pages built without it (``CRITICAL_EDITION_NAVKEEP=0``) and
without the navigation cache at all; the tree is read back only when nothing it shows changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from critical_edition.speedups import navigation, navkeep
from docutils import nodes
from helpers import build, edit, warnings_of

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOT = "test-navigation"


def pages(app: SphinxTestApp) -> dict[str, bytes]:
    """Every HTML page of the build, by path."""
    return {
        path.relative_to(app.outdir).as_posix(): path.read_bytes()
        for path in sorted(app.outdir.rglob("*.html"))
    }


def kept_of(app: SphinxTestApp) -> navkeep.KeptTree:
    cache = navigation._caches.get(app.builder)
    assert cache is not None
    return cache.kept_tree


def kept_file(app: SphinxTestApp) -> Path:
    return Path(app.doctreedir) / navkeep.FILE_NAME


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


class Builds:
    """The same source built three ways, each in its own folder: with the keep, without it,
    and without the navigation cache."""

    def __init__(self, make_app: Any, srcdir: Path, tmp: Path, mp: pytest.MonkeyPatch) -> None:
        self.make_app, self.srcdir, self.tmp, self.mp = make_app, srcdir, tmp, mp

    def run(self, **kwargs: Any) -> SphinxTestApp:
        """Build all three ways; the build with the keep, after checking the pages agree."""
        kept = build(self.make_app, self.srcdir, self.tmp / "kept", **kwargs)
        with self.mp.context() as patch:
            patch.setenv(navkeep.SWITCH, "0")
            off = build(self.make_app, self.srcdir, self.tmp / "off", **kwargs)
        with self.mp.context() as patch:
            patch.setenv(navigation.SWITCH, "0")
            stock = build(self.make_app, self.srcdir, self.tmp / "stock", **kwargs)
        assert kept_of(off).rendered == 1 and not kept_file(off).exists()
        assert pages(kept) == pages(off) == pages(stock)
        assert warnings_of(kept) == warnings_of(off)
        return kept


def test_the_tree_is_read_back_only_when_nothing_it_shows_changed(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(make_app, srcdir, tmp_path, monkeypatch)
    first = builds.run(freshenv=True)
    assert kept_of(first).rendered == 1
    assert len(json.loads(kept_file(first).read_text(encoding="utf-8"))["trees"]) == 1

    # (a) A prose edit: the tree is read back.
    edit(srcdir / "one.md", "Text.", "Other text.")
    assert kept_of(builds.run()).rendered == 0
    # (b) A heading edit.
    edit(srcdir / "one.md", "## Second section", "## Second section, renamed")
    app = builds.run()
    assert kept_of(app).rendered == 1
    assert "Second section, renamed" in pages(app)["index.html"].decode()
    # (c) A page added to a toctree.
    (srcdir / "two" / "gamma2.md").write_text("# Gamma two\n\nText.\n", encoding="utf-8")
    edit(srcdir / "two" / "index.md", "beta\n", "beta\ngamma2\n")
    app = builds.run()
    assert kept_of(app).rendered == 1
    assert "Gamma two" in pages(app)["one.html"].decode()
    # (d) A title change of a page below the root.
    edit(srcdir / "two" / "deep" / "gamma.md", "# Gamma", "# Gamma, retitled")
    assert kept_of(builds.run()).rendered == 1
    # Nothing changed: read back again, whatever the number of kept trees.
    assert kept_of(builds.run()).rendered == 0
    # (e) A configuration value of the navigation's links.
    app = builds.run(confoverrides={"html_link_suffix": ".htm"})
    assert kept_of(app).rendered == 1
    assert 'href="one.htm"' in pages(app)["index.html"].decode()


def test_a_page_numbered_anew_is_never_served_a_stale_tree(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Section numbers Sphinx gives pages it did not read change the tree too."""
    builds = Builds(make_app, srcdir, tmp_path, monkeypatch)
    edit(srcdir / "two" / "index.md", "```{toctree}\nalpha", "```{toctree}\n:numbered:\n\nalpha")
    builds.run(freshenv=True)
    edit(srcdir / "two" / "index.md", "alpha\nbeta\n", "beta\nalpha\n")
    app = builds.run()
    assert kept_of(app).rendered == 1
    assert "1. Beta" in pages(app)["two/index.html"].decode()


def test_a_change_of_the_code_renders_the_tree_again(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "kept", freshenv=True)
    kept = kept_file(first).read_bytes()
    monkeypatch.setattr(navkeep, "code_stamp", lambda: "other code")
    edit(srcdir / "one.md", "Text.", "Other text.")
    second = build(make_app, srcdir, tmp_path / "kept")
    assert kept_of(second).rendered == 1
    assert kept_file(second).read_bytes() != kept  # written afresh, under the new key
    monkeypatch.undo()
    edit(srcdir / "one.md", "Other text.", "Text.")
    third = build(make_app, srcdir, tmp_path / "kept")
    assert kept_of(third).rendered == 1
    assert pages(third) == pages(first)


def test_a_tree_that_warned_is_not_kept(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every build that should warn about the navigation does."""
    builds = Builds(make_app, srcdir, tmp_path, monkeypatch)
    (srcdir / "untitled.md").write_text("Text without a heading.\n", encoding="utf-8")
    edit(srcdir / "index.md", "\none\n```", "\none\nuntitled\n```")
    first = builds.run(freshenv=True)
    assert any("doesn't have a title" in line for line in warnings_of(first))
    edit(srcdir / "one.md", "Text.", "Other text.")
    second = builds.run()
    assert kept_of(second).rendered == 1
    assert any("doesn't have a title" in line for line in warnings_of(second))


@pytest.mark.parametrize("damage", [b"\xff{ not json", b'{"format": 1, "key": "KEY", "trees": []}'])
def test_a_damaged_file_is_ignored(
    make_app: Any, srcdir: Path, tmp_path: Path, damage: bytes
) -> None:
    first = build(make_app, srcdir, tmp_path / "kept", freshenv=True)
    path = kept_file(first)
    kept = path.read_bytes()
    path.write_bytes(damage.replace(b"KEY", navkeep.file_key().encode()))
    second = build(make_app, srcdir, tmp_path / "kept", freshenv=True)
    assert kept_of(second).rendered == 1
    assert warnings_of(second) == []
    assert pages(second) == pages(first)
    assert path.read_bytes() == kept


def test_pages_below_only_are_known_without_reading_their_parent_again(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which tables of contents hold ``only`` is noted when a page is read; a page read before
    that was noted is looked at when the tree is marked."""
    builds = Builds(make_app, srcdir, tmp_path, monkeypatch)
    builds.run(freshenv=True)
    edit(srcdir / "four.md", "Below a page", "Still below a page")
    app = builds.run()
    cache = navigation._caches.get(app.builder)
    assert cache is not None and cache.stock == {"four"}
    env = app.env
    assert navkeep.documents_with_only(env) == {"three"}
    navkeep.TocsWithOnly.of(env).clear()
    assert navkeep.documents_with_only(env) == {"three"}


def test_parallel_reading_keeps_the_same_digests(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = build(make_app, srcdir, tmp_path / "serial", freshenv=True)
    merged: list[int] = []
    merge = navkeep.TocDigests.merge_other

    def spy(self: navkeep.TocDigests, app: Any, env: Any, docnames: Any, other: Any) -> None:
        merged.append(len(docnames))
        merge(self, app, env, docnames, other)

    monkeypatch.setattr(navkeep.TocDigests, "merge_other", spy)
    parallel = build(make_app, srcdir, tmp_path / "parallel", freshenv=True, parallel=2)
    assert sum(merged) == len(parallel.env.found_docs)  # every page read by a worker
    digests = navkeep.TocDigests.of(parallel.env)
    assert digests.keys() == set(parallel.env.found_docs)
    assert digests == navkeep.TocDigests.of(serial.env)
    assert navkeep.TocsWithOnly.of(parallel.env) == navkeep.TocsWithOnly.of(serial.env)
    assert pages(parallel) == pages(serial)


def test_the_digest_follows_the_translator_and_the_extensions(
    make_app: Any, srcdir: Path, tmp_path: Path
) -> None:
    """A node handler an extension adds to the HTML translator, or a new release of an
    extension, may render the tree differently: another digest."""
    app = build(make_app, srcdir, tmp_path / "kept", freshenv=True)
    builder = app.builder
    assert isinstance(builder, navigation.StandaloneHTMLBuilder)
    kwargs = dict(navigation.FURO_ARGUMENTS)
    extensions = dict(app.extensions)
    digest = navkeep.tree_digest(builder, kwargs, extensions)
    assert digest is not None and digest == navkeep.tree_digest(builder, kwargs, extensions)

    newer = dict(extensions, myst_parser=type("Extension", (), {"version": "99"})())
    assert navkeep.tree_digest(builder, kwargs, newer) != digest

    class Custom(nodes.Element):
        pass

    def visit(self: object, node: nodes.Element) -> None:
        pass

    before = navkeep.translator_stamp(builder)
    app.registry.add_translation_handlers(Custom, html=(visit, None))
    assert navkeep.translator_stamp(builder) != before
    assert navkeep.tree_digest(builder, kwargs, extensions) != digest
