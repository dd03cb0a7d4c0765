"""An incremental build of the edition writes only what changed: nothing after no change,
only the edited page after a prose edit, every page after a change of the toolkit's code.

Sphinx writes every document the extensions name at ``env-updated``; the toolkit names the
pages built from other pages' records (claim index, apparatus, registers, chronology,
bibliography) only when what they show of a document read or removed changed, and spares a
rewritten page's toctree parents when its entry in their toctrees stayed the same.
``CRITICAL_EDITION_PRECISE_REWRITES=0`` goes back to the coarse rules; both give the same output
as a clean build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from critical_edition.integrity import stale
from helpers import copy_edition, edit
from sphinx.testing.util import SphinxTestApp
from test_integrity_incremental import output_files


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


#: A prose edit to the first paper page: one word, outside any markup, no line added.
PROSE_EDIT = ("been one of the major challenges", "been one of the main challenges")


def test_a_prose_edit_writes_that_page_only_and_equals_a_clean_build(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    written_by_a_build(srcdir, builddir)
    edit(srcdir / "abstract.md", *PROSE_EDIT)
    # Not the landing or print page (toctree parents), nor the apparatus, registers,
    # chronology or bibliography: none of them shows the changed words.
    assert written_by_a_build(srcdir, builddir) == {"abstract"}
    clean = tmp_path / "clean"
    written_by_a_build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")


def test_the_switch_restores_the_coarse_rules_with_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRITICAL_EDITION_PRECISE_REWRITES", "0")
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    written_by_a_build(srcdir, builddir)
    edit(srcdir / "abstract.md", *PROSE_EDIT)
    written = written_by_a_build(srcdir, builddir)
    assert {"abstract", "index", "print", "apparatus", "persons", "places"} <= written
    monkeypatch.delenv("CRITICAL_EDITION_PRECISE_REWRITES")
    clean = tmp_path / "clean"
    written_by_a_build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")


def test_a_changed_section_heading_rewrites_the_toctree_parents(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    written_by_a_build(srcdir, builddir)
    edit(srcdir / "about.md", "## Citations", "## Citations in the edition")
    assert {"about", "index", "print"} <= written_by_a_build(srcdir, builddir)


def test_an_edit_to_an_editorial_note_rewrites_the_apparatus_pages(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    written_by_a_build(srcdir, builddir)
    edit(srcdir / "historical-background.md", "Neither Azerbaijan nor", "Neither Baku nor")
    written = written_by_a_build(srcdir, builddir)
    assert {"historical-background", "apparatus"} <= written
    assert not written & {"index", "print"}
    clean = tmp_path / "clean"
    written_by_a_build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")
