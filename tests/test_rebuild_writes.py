"""An incremental build of the edition writes only what changed: nothing after no change.

Sphinx writes every document the extensions name at ``env-updated``; the toolkit names the
pages built from other pages' records (claim index, apparatus, registers, chronology,
bibliography) only when a document with such records (or citations) was read or removed.
"""

from __future__ import annotations

from pathlib import Path

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
