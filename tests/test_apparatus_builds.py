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

import shutil
from typing import TYPE_CHECKING, Any, cast

import pytest
from bs4 import BeautifulSoup
from critical_edition.apparatus.domain import RECORD_KEYS, ApparatusDomain
from helpers import build, build_serial_and_parallel, edit, main_section, warnings_of
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


def records(app: SphinxTestApp) -> dict[str, Any]:
    domain = cast("ApparatusDomain", app.env.get_domain("apparatus"))
    data = {key: dict(sorted(domain.data[key].items())) for key in RECORD_KEYS}
    data["editorial_cites"] = dict(sorted(domain.editorial_cites.items()))
    data["placeholders"] = dict(sorted(domain.placeholders.items()))
    return data


def genindex(app: SphinxTestApp) -> str:
    html = (app.outdir / "genindex.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(html, "html.parser").select_one("div.body, article"))


def test_parallel_build_equals_serial_build(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, parallel, merged = build_serial_and_parallel(
        make_app, monkeypatch, ApparatusDomain, rootdir / ROOT, tmp_path
    )
    assert merged == 10  # every document was read by a worker and merged
    assert warnings_of(serial) == warnings_of(parallel) == []
    assert records(parallel) == records(serial)
    for page in PAGES:
        assert main_section(parallel, page) == main_section(serial, page), page
    assert genindex(parallel) == genindex(serial)


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
    for name in ("register-unknown", "note-duplicate", "note-unknown", "confidence"):
        srcdir = tmp_path / name
        shutil.copytree(rootdir / f"test-apparatus-warn-{name}", srcdir)
        first = build(make_app, srcdir, tmp_path / f"{name}-build", freshenv=True)
        again = build(make_app, srcdir, tmp_path / f"{name}-build")
        assert "0 added, 0 changed, 0 removed" in strip_escape_sequences(again.status.getvalue())
        assert warnings_of(again) == warnings_of(first) != []


def test_the_entity_resolver_is_built_once_a_build(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index update, the register checks and every page's links and lists share one.
    built: list[int] = []
    original = ApparatusDomain._entity_resolver

    def counted(self: ApparatusDomain) -> Any:
        built.append(1)
        return original(self)

    monkeypatch.setattr(ApparatusDomain, "_entity_resolver", counted)
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    assert len(built) == 1
    built.clear()
    edit(srcdir / "places.md", ":name: Ganja\n", ":name: Ganja (city)\n")
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert len(built) == 1
    assert "Ganja (city) (place)" in main_section(again, "second")
