"""An incremental build of the edition writes only what changed: nothing after no change,
every page after a change of the toolkit's code.

Sphinx writes every document the extensions name at ``env-updated``; the toolkit names the
pages built from other pages' records (claim index, apparatus, registers, chronology,
bibliography) only when a document with such records (or citations) was read or removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from critical_edition.integrity import stale
from helpers import copy_edition, edit
from sphinx.testing.util import SphinxTestApp


def written_by_a_build(srcdir: Path, builddir: Path) -> set[str]:
    """The documents the next build of *srcdir* writes (its ``doctree-resolved`` events)."""
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir)
    written: set[str] = set()
    app.connect("doctree-resolved", lambda _app, _doctree, docname: written.add(docname))
    try:
        app.build()
    finally:
        app.cleanup()
    return written


def test_a_rebuild_with_nothing_changed_writes_no_page(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    assert "index" in written_by_a_build(srcdir, builddir)
    assert written_by_a_build(srcdir, builddir) == set()


def test_editing_a_page_without_apparatus_rewrites_no_apparatus_page(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    written_by_a_build(srcdir, builddir)
    # The toolkit guide's installation page holds no claim, note, mention or citation.
    edit(srcdir / "guide" / "index.md", "## Install", "## Installing")
    written = written_by_a_build(srcdir, builddir)
    assert "guide/index" in written
    assert not written & {"apparatus", "persons", "places", "chronology", "bibliography"}


def test_a_change_of_the_toolkits_code_rereads_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    first = written_by_a_build(srcdir, builddir)
    assert written_by_a_build(srcdir, builddir) == set()
    # As if a module of the toolkit had been edited between the builds.
    monkeypatch.setattr(stale, "code_stamp", lambda: "edited")
    assert written_by_a_build(srcdir, builddir) >= first - {"genindex", "search"}
    assert written_by_a_build(srcdir, builddir) == set()
