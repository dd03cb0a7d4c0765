"""The apparatus's records in parallel and incremental builds equal a clean serial build's.

- ``-j 2`` reads the documents of ``test-apparatus-basic`` in worker processes; the merged
  records and every page (apparatus, registers, chronology, bibliography, text) are the same
  as a serial build's.
- After editing one page (an emendation, a note, a date and a mention added before the
  existing ones) and renaming a place in the register, an incremental build equals a clean
  build: numbers and links on the pages that did not change are updated too.
- A no-change rebuild still reports the corpus-wide problems (they run at write-started).
"""

from __future__ import annotations

import os
import shutil
import time
from typing import TYPE_CHECKING, Any, cast

import pytest
from bs4 import BeautifulSoup
from critical_edition.apparatus_domain import RECORD_KEYS, ApparatusDomain
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.testing.util import SphinxTestApp

ROOT = "test-apparatus-basic"
PAGES = (
    "text",
    "second",
    "places",
    "persons",
    "apparatus",
    "chronology",
    "bibliography",
    "guide",
    "about",
)


def build(make_app: Any, srcdir: Path, builddir: Path, **kwargs: Any) -> SphinxTestApp:
    """Build, then restore docutils' registries at once (the next app may be built right away)."""
    app: SphinxTestApp = make_app("html", srcdir=srcdir, builddir=builddir, **kwargs)
    app.build()
    app.cleanup()
    return app


def warnings_of(app: SphinxTestApp) -> list[str]:
    text = strip_escape_sequences(app.warning.getvalue()).replace(str(app.srcdir), "<srcdir>")
    return [line for line in text.splitlines() if line.strip()]


def records(app: SphinxTestApp) -> dict[str, Any]:
    domain = cast("ApparatusDomain", app.env.get_domain("apparatus"))
    data = {key: dict(sorted(domain.data[key].items())) for key in RECORD_KEYS}
    data["editorial_cites"] = dict(sorted(domain.editorial_cites.items()))
    data["placeholders"] = dict(sorted(domain.placeholders.items()))
    return data


def main_section(app: SphinxTestApp, page: str) -> str:
    html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(html, "html.parser").find("section"))


def genindex(app: SphinxTestApp) -> str:
    html = (app.outdir / "genindex.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(html, "html.parser").select_one("div.body, article"))


def test_parallel_build_equals_serial_build(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged: list[int] = []
    merge = ApparatusDomain.merge_domaindata

    def spy(self: ApparatusDomain, docnames: Any, otherdata: dict[str, Any]) -> None:
        merged.append(len(docnames))
        merge(self, docnames, otherdata)

    monkeypatch.setattr(ApparatusDomain, "merge_domaindata", spy)
    srcdir = rootdir / ROOT
    serial = build(make_app, srcdir, tmp_path / "serial", freshenv=True)
    assert merged == []
    parallel = build(make_app, srcdir, tmp_path / "parallel", freshenv=True, parallel=2)
    assert sum(merged) == 10  # every document was read by a worker and merged
    assert warnings_of(serial) == warnings_of(parallel) == []
    assert records(parallel) == records(serial)
    for page in PAGES:
        assert main_section(parallel, page) == main_section(serial, page), page
    assert genindex(parallel) == genindex(serial)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    # Later than the build that just read it, whatever the file system's time resolution.
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_incremental_build_equals_clean_build(make_app: Any, rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, srcdir)
    first = build(make_app, srcdir, tmp_path / "inc", freshenv=True)
    assert warnings_of(first) == []
    assert "emendation 4" in main_section(first, "second")

    # Before everything on the first page: an emendation, a note with its lemma, a date and a
    # mention; every later number moves.
    edit(
        srcdir / "text.md",
        "# The text\n",
        "# The text\n\n"
        ":::{ednote} first\nA new first note.\n:::\n\n"
        "In {date}`1990 <1990>` {emend}`Baku <orig=Bakku; reason=misspelling>` "
        "and {lemma}`Gəncə <first>` met in {place}`Gandja`.\n",
    )
    # Rename a place and give it another variant: the mentions on the unchanged page follow.
    edit(
        srcdir / "places.md",
        ":name: Ganja\n:variants: Gəncə, Gence",
        ":name: Ganja (city)\n:variants: Gəncə, Gence, Gandja",
    )
    incremental = build(make_app, srcdir, tmp_path / "inc")
    status = strip_escape_sequences(incremental.status.getvalue())
    assert "0 added, 2 changed, 0 removed" in status
    assert warnings_of(incremental) == []
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert warnings_of(clean) == []

    assert records(incremental) == records(clean)
    for page in PAGES:
        assert main_section(incremental, page) == main_section(clean, page), page
    assert genindex(incremental) == genindex(clean)
    # The unchanged page shows the new numbers and names.
    second = main_section(incremental, "second")
    assert "emendation 5" in second
    assert "ed.\xa03" in second
    assert "Ganja (city) (place)" in second


def test_no_change_rebuild_still_warns(make_app: Any, rootdir: Path, tmp_path: Path) -> None:
    for name in ("register-unknown", "note-duplicate", "note-unknown"):
        srcdir = tmp_path / name
        shutil.copytree(rootdir / f"test-apparatus-warn-{name}", srcdir)
        first = build(make_app, srcdir, tmp_path / f"{name}-build", freshenv=True)
        again = build(make_app, srcdir, tmp_path / f"{name}-build")
        assert "0 added, 0 changed, 0 removed" in strip_escape_sequences(again.status.getvalue())
        assert warnings_of(again) == warnings_of(first) != []
