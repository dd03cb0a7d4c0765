"""The .bib check is cached in the environment; per-document data follows its document.

- A build in which no .bib file changed does not check the files again (``check_bibfiles`` is
  not called), yet reports the same warnings and the same integrity report as the first build;
  a file touched but not changed is not checked again either, and sphinxcontrib-bibtex still
  takes the checked entries (it does not parse the file again in strict mode).
- An edited .bib file is checked again: a new problem is reported, a fixed one goes, and the
  warnings are those of a clean build.
- The per-document data of the checks (``{footcite}`` keys, counts for the report) is the same
  after a parallel read (``-j 2``) and after an incremental build as in a clean serial build.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from critical_edition.bibliography import check as bibcheck
from critical_edition.integrity import report
from helpers import build, edit, warnings_of
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOT = "test-bibcheck-cache"

#: What the root's refs.bib gets wrong from the start.
DUPLICATE_TITLE = 'entry "beta2001" gives the field "title" twice'
UNUSED = 'the entry "delta2003" is never cited'


def integrity(app: SphinxTestApp) -> Any:
    return json.loads((app.outdir / "_report" / report.JSON_NAME).read_text(encoding="utf-8"))


def touch(path: Path) -> None:
    """A newer modification time, so that Sphinx and sphinxcontrib-bibtex see a change."""
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """The files of every call of ``check_bibfiles`` (the one place the .bib files are read)."""
    calls: list[list[Path]] = []
    original = bibcheck.check_bibfiles

    def counting(paths: list[Path], *args: Any, **kwargs: Any) -> bibcheck.BibCheckResult:
        calls.append(list(paths))
        return original(paths, *args, **kwargs)

    monkeypatch.setattr(bibcheck, "check_bibfiles", counting)
    return calls


def test_unchanged_bib_is_not_checked_again(
    make_app: Any, srcdir: Path, tmp_path: Path, checks: list[list[Path]]
) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert checks == [[srcdir / "refs.bib"]]
    warnings = warnings_of(first)
    assert any(DUPLICATE_TITLE in line for line in warnings), warnings
    assert any(UNUSED in line for line in warnings), warnings

    # A page edited: its document is read again, the .bib file is not.
    edit(srcdir / "a.md", "Page A cites", "Page A still cites")
    second = build(make_app, srcdir, tmp_path / "out")
    assert "reading sources... [100%] a" in strip_escape_sequences(second.status.getvalue())
    assert len(checks) == 1
    assert warnings_of(second) == warnings
    assert integrity(second) == integrity(first)

    # The .bib file touched, not changed: not checked again, and sphinxcontrib-bibtex finds
    # the entries it was given current (it would otherwise parse the file in strict mode).
    touch(srcdir / "refs.bib")
    third = build(make_app, srcdir, tmp_path / "out")
    assert len(checks) == 1
    assert "checking bibtex cache... up to date" in third.status.getvalue()
    assert warnings_of(third) == warnings
    assert integrity(third) == integrity(first)
    bibliography = (third.outdir / "bibliography.html").read_text(encoding="utf-8")
    assert "Second" in bibliography


def test_edited_bib_is_checked_again(
    make_app: Any, srcdir: Path, tmp_path: Path, checks: list[list[Path]]
) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert len(checks) == 1
    assert not any("bib_bad_doi" in line for line in warnings_of(first))

    # A new problem: reported, and the old one still is.
    edit(srcdir / "refs.bib", "  year = {2000}\n", "  year = {2000},\n  doi = {doi:10.1234/x}\n")
    second = build(make_app, srcdir, tmp_path / "out")
    assert len(checks) == 2
    warnings = warnings_of(second)
    assert any('entry "alpha2000" has a doi' in line for line in warnings), warnings
    assert any(DUPLICATE_TITLE in line for line in warnings), warnings
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert warnings_of(clean) == warnings

    # The old problem fixed: it is no longer reported.
    edit(srcdir / "refs.bib", "  title = {Second, again},\n", "")
    third = build(make_app, srcdir, tmp_path / "out")
    assert len(checks) == 4
    warnings = warnings_of(third)
    assert not any(DUPLICATE_TITLE in line for line in warnings), warnings
    assert any('entry "alpha2000" has a doi' in line for line in warnings), warnings
    assert integrity(third) == integrity(
        build(make_app, srcdir, tmp_path / "clean2", freshenv=True)
    )


def test_per_document_data_in_parallel_and_incremental_builds(
    make_app: Any, srcdir: Path, tmp_path: Path
) -> None:
    serial = build(make_app, srcdir, tmp_path / "serial", freshenv=True)
    parallel = build(make_app, srcdir, tmp_path / "parallel", freshenv=True, parallel=2)
    counts = integrity(serial)["counts"]
    # The footnote citation counts as linked and keeps gamma2002 from being "unused".
    assert counts["citations"]["linked"] == 3
    assert counts["citations"]["unused"] == 1
    assert counts["cross-references"]["total"] == 1
    assert integrity(parallel) == integrity(serial)

    # The footnote citation and the link go: their document's data goes with them.
    edit(srcdir / "b.md", " and, in a footnote, {footcite}`gamma2002`; see [A](a.md)", "")
    incremental = build(make_app, srcdir, tmp_path / "parallel", parallel=2)
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    counts = integrity(clean)["counts"]
    assert counts["citations"]["linked"] == 2
    assert counts["citations"]["unused"] == 2
    assert counts["cross-references"]["total"] == 0
    assert integrity(incremental) == integrity(clean)
