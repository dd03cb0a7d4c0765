"""Read doctrees are kept on disk only (speedups/doctrees.py): the same site, less held in memory."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.speedups import doctrees
from helpers import warnings_of
from sphinx.testing.util import SphinxTestApp

#: A site with claims, a register, citations and a bibliography.
ROOT = "test-claims-basic"


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def build(make_app: Any, srcdir: Path, outdir: Path) -> tuple[SphinxTestApp, list[int]]:
    """A clean build of *srcdir*; the number of doctrees held in memory when writing starts."""
    app = make_app("html", srcdir=srcdir, builddir=outdir, freshenv=True)
    held: list[int] = []
    app.connect(
        "write-started",
        lambda app, builder: held.append(len(app.env._write_doc_doctree_cache)),
    )
    app.build()
    held.append(len(app.env._pickled_doctree_cache))  # the bytes kept once read
    app.cleanup()  # docutils' registries restored: the next app is built at once
    return app, held


def site(app: SphinxTestApp) -> dict[str, bytes]:
    out = Path(app.outdir)
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and ".doctrees" not in p.parts
    }


def test_doctrees_are_not_held_and_the_site_is_the_same(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    released, held = build(make_app, srcdir, tmp_path / "released")
    assert held == [0, 0]
    assert warnings_of(released) == []
    monkeypatch.setenv(doctrees.SWITCH, "0")
    stock, held = build(make_app, srcdir, tmp_path / "stock")
    assert held[0] == len(stock.env.found_docs)
    assert warnings_of(stock) == []
    assert site(released) == site(stock)
    assert {f"{name}.html" for name in stock.env.found_docs} <= set(site(released))
