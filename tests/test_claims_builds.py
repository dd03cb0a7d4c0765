"""Parallel and incremental builds see exactly what a clean serial build sees.

- ``test-claims-parallel`` (ten chapters of claims): ``-j 2`` gives the same claims.json and the
  same pages as a serial build.
- ``test-claims-incremental``: after adding, changing and removing claims on one page and
  renaming an actor in the register, an incremental build equals a clean build of the same
  sources (claim index, register, cards on every page, claims.json).
- A no-change rebuild still reports the corpus-wide problems (they run at write-started).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup
from critical_edition.claims.domain import EditionDomain
from helpers import build, build_serial_and_parallel, edit, main_section, warnings_of
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.testing.util import SphinxTestApp


def cards(app: SphinxTestApp, page: str) -> list[str]:
    html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
    return [str(card) for card in BeautifulSoup(html, "html.parser").select(".ed-claim-card")]


def claims_json(app: SphinxTestApp) -> str:
    return (app.outdir / "claims.json").read_text(encoding="utf-8")


# -- parallel -----------------------------------------------------------------------------------


def test_parallel_build_equals_serial_build(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, parallel, merged = build_serial_and_parallel(
        make_app, monkeypatch, EditionDomain, rootdir / "test-claims-parallel", tmp_path
    )
    # The documents were read by worker processes and merged into the main one.
    assert merged == 14
    assert warnings_of(serial) == warnings_of(parallel) == []

    assert claims_json(parallel) == claims_json(serial)
    assert claims_json(serial).count('"id":') == 30
    pages = sorted(path.stem for path in serial.outdir.glob("*.html"))
    assert "claims" in pages
    assert "ch10" in pages
    for page in pages:
        if page in {"genindex", "search"}:
            continue
        assert main_section(parallel, page) == main_section(serial, page), page


# -- incremental --------------------------------------------------------------------------------


def test_incremental_build_equals_clean_build(make_app: Any, rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    first = build(make_app, srcdir, tmp_path / "inc", freshenv=True)
    assert warnings_of(first) == []
    assert "Sergey Lavrov" in str(cards(first, "two"))

    one = srcdir / "one.md"
    # add a claim
    edit(
        one,
        "# One\n",
        "# One\n\n{claim}`The ministry added a claim <id=added; actor=mfa; verb=added>`.\n",
    )
    # change a claim: its words, verb and status
    edit(
        one,
        "{claim}`Lavrov opened the talks <id=opened; actor=lavrov; verb=opened>`",
        "{claim}`Lavrov opened the long talks <id=opened; actor=lavrov; verb=began; "
        'status=contested; note="He did not."; evidence=jones2021>`',
    )
    # remove a claim (its words stay, unmarked)
    edit(
        one,
        "{claim}`Lavrov closed the talks <id=closed; actor=lavrov; verb=closed>`",
        "The talks ended",
    )
    # rename an actor in the register: the cards of two.md, which did not change, show it
    edit(srcdir / "register.md", ":name: Sergey Lavrov", ":name: Sergei V. Lavrov")

    incremental = build(make_app, srcdir, tmp_path / "inc")
    status = strip_escape_sequences(incremental.status.getvalue())
    assert "0 added, 2 changed, 0 removed" in status
    assert warnings_of(incremental) == []

    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert warnings_of(clean) == []

    assert claims_json(incremental) == claims_json(clean)
    ids = [line.split('"')[3] for line in claims_json(clean).splitlines() if '"id":' in line]
    assert ids == ["added", "opened", "one_the-ministry-answered-at-once", "again", "agreed"]
    for page in ("claims", "register", "one", "two"):
        assert main_section(incremental, page) == main_section(clean, page), page
        assert cards(incremental, page) == cards(clean, page), page
    two_cards = str(cards(incremental, "two"))
    assert "Sergei V. Lavrov" in two_cards
    assert "Sergey Lavrov" not in two_cards


def test_derived_views_are_kept_only_while_the_records_are_settled(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    app = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    domain = app.env.get_domain("ed")
    assert isinstance(domain, EditionDomain)
    # Built once every document was read, kept for the write phase.
    assert domain._settled is not None
    numbers = domain.claim_numbers()
    assert domain.claim_numbers() is numbers
    lookup = domain.actor_lookup()
    with pytest.raises(TypeError):
        lookup["someone"] = next(iter(lookup.values()))  # type: ignore[index]
    # A change to the records unsettles them: the views follow the records again.
    first = domain.all_claims()[0]
    domain.clear_doc(first.docname)
    assert domain._settled is None
    assert first.id not in domain.claim_numbers()
    assert all(claim.docname != first.docname for claim in domain.claims())


def test_bib_edit_rewrites_the_index_pages_only_for_an_entry_a_claim_cites(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    bib = srcdir / "refs.bib"
    # An entry cited in prose only, by no claim.
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "@misc{brown2019,\n  author = {Brown, Carl},\n  year = {2019},\n"
        + "  title = {A Chronicle},\n}\n",
        encoding="utf-8",
    )
    edit(
        srcdir / "one.md",
        "[^a]: A note.",
        "A chronicle of the talks: {cite:t}`brown2019`.\n\n[^a]: A note.",
    )

    def written_by_a_build(builddir: Path) -> set[str]:
        app = make_app("html", srcdir=srcdir, builddir=builddir)
        written: set[str] = set()
        app.connect("doctree-resolved", lambda _app, _tree, docname: written.add(docname))
        app.build()
        app.cleanup()
        assert warnings_of(app) == []
        return written

    assert {"claims", "register"} <= written_by_a_build(tmp_path / "inc")
    # The entry no claim cites: the claim index and the register show nothing of it.
    edit(bib, "title = {A Chronicle}", "title = {A Revised Chronicle}")
    written = written_by_a_build(tmp_path / "inc")
    assert "one" in written
    assert not written & {"claims", "register", "two"}
    # An entry a claim cites (its author shows in the index's citation): the index is rewritten.
    edit(bib, "author = {Smith, Anna}", "author = {Smith, Anne}")
    assert "claims" in written_by_a_build(tmp_path / "inc")
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    incremental = build(make_app, srcdir, tmp_path / "inc")
    for page in ("claims", "register", "one", "two", "bib"):
        assert main_section(incremental, page) == main_section(clean, page), page
    assert "Anne Smith" in main_section(clean, "claims")


# -- no-change rebuild --------------------------------------------------------------------------


def test_no_change_rebuild_still_reports_corpus_wide_problems(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = rootdir / "test-claims-warn-unknown-actor"
    first = build(make_app, srcdir, tmp_path / "_build", freshenv=True)
    again = build(make_app, srcdir, tmp_path / "_build")
    assert "0 added, 0 changed, 0 removed" in strip_escape_sequences(again.status.getvalue())
    expected = [
        (
            "<srcdir>/index.md:10: WARNING: the claim 'lavrov-praised-the-talks' names the unknown "
            "actor 'lavrof' (did you mean 'lavrov'?): declare it with the actor directive in the register, or use an "
            "existing id or alias [edition.claim_unknown_actor]"
        )
    ]
    assert warnings_of(first) == expected
    assert warnings_of(again) == expected
