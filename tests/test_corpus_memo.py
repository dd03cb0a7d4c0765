"""The corpus-wide work of a rebuild, skipped while its inputs stay the same, changes nothing.

The checks run at ``write-started`` in every build (claims and actors, the registers of names,
the .bib entries' verification) replay the last build's findings while nothing they read
changed (claims/memo.py); the general index's entries made from mentions are made again only
for the documents read, while no name changed; the claim pages' related claims are worked out
again only when a claim changed; the CSL-JSON is left alone while the entries are the same.
Each build here is compared, warnings and pages, with the same sources built with
``CRITICAL_EDITION_CORPUSMEMO=0`` (and ``CRITICAL_EDITION_CSLCACHE=0``).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup
from critical_edition.apparatus import registers
from critical_edition.bibliography import status
from critical_edition.claims import checks, domain, memo
from critical_edition.outputs import csljson
from helpers import build, edit, main_section, warnings_of

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.testing.util import SphinxTestApp


def general_index(app: SphinxTestApp) -> str:
    """The entries of the general index page."""
    html = (app.outdir / "genindex.html").read_text(encoding="utf-8")
    tables = BeautifulSoup(html, "html.parser").select("table.indextable")
    assert tables
    return "".join(str(table) for table in tables)


def must_not_run(*args: Any) -> Any:
    raise AssertionError("the memo should have answered")


def switched_off(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, srcdir: Path, builddir: Path
) -> SphinxTestApp:
    """A clean build of *srcdir* with the memos off."""
    with monkeypatch.context() as patch:
        patch.setenv(memo.SWITCH, "0")
        patch.setenv(csljson.SWITCH, "0")
        return build(make_app, srcdir, builddir, freshenv=True)


def test_claim_checks_replay_the_same_warnings(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    # Problems of every corpus-wide claim check: an unknown actor and source, a duplicate id,
    # a link to no claim, an alias used twice.
    edit(
        srcdir / "two.md",
        "# Two\n",
        "# Two\n\n{claim}`Someone spoke <id=spoke; actor=lavrof; verb=spoke; source=nobody2020>`."
        "\n\n{claim}`Again <id=spoke; actor=mfa; verb=said; contradicts=ghost>`.\n",
    )
    edit(
        srcdir / "register.md", ":name: Ministry of Foreign Affairs", ":name: MFA\n:aliases: lavrov"
    )
    first = build(make_app, srcdir, tmp_path / "on", freshenv=True)
    expected = warnings_of(first)
    assert len(expected) == 5, expected
    assert expected == warnings_of(switched_off(make_app, monkeypatch, srcdir, tmp_path / "off"))
    assert (tmp_path / "on" / "doctrees" / "critical_edition_claims_checks_findings.json").is_file()
    assert not (
        tmp_path / "off" / "doctrees" / "critical_edition_claims_checks_findings.json"
    ).exists()

    # Nothing read, then a prose edit: the memo answers, with the same warnings.
    with monkeypatch.context() as patch:
        patch.setattr(checks, "check_claims", must_not_run)
        assert warnings_of(build(make_app, srcdir, tmp_path / "on")) == expected
        edit(srcdir / "one.md", "[^a]: A note.", "[^a]: A longer note.")
        assert warnings_of(build(make_app, srcdir, tmp_path / "on")) == expected

    # The toolkit's code changed: checked again.
    runs: list[int] = []
    check_claims = checks.check_claims

    def counted(*args: Any) -> Any:
        runs.append(1)
        return check_claims(*args)

    with monkeypatch.context() as patch:
        patch.setattr(checks, "check_claims", counted)
        patch.setattr(memo, "code_stamp", lambda: "edited")
        assert warnings_of(build(make_app, srcdir, tmp_path / "on")) == expected
    assert runs == [1]

    # A claim fixed, an actor's line moved: checked again, as a clean build sees it.
    edit(srcdir / "two.md", "actor=lavrof", "actor=lavrov")
    edit(srcdir / "register.md", "# Register\n", "# Register\n\nThe speakers.\n")
    again = warnings_of(build(make_app, srcdir, tmp_path / "on"))
    assert len(again) == 4
    assert again == warnings_of(switched_off(make_app, monkeypatch, srcdir, tmp_path / "off"))


def test_verification_checks_replay_the_same_warnings(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-apparatus-warn-bib", srcdir)
    expected = warnings_of(build(make_app, srcdir, tmp_path / "on", freshenv=True))
    assert [w for w in expected if "refs.bib:" in w], expected
    assert expected == warnings_of(switched_off(make_app, monkeypatch, srcdir, tmp_path / "off"))
    with monkeypatch.context() as patch:
        patch.setattr(status, "_entry_lines", must_not_run)
        assert warnings_of(build(make_app, srcdir, tmp_path / "on")) == expected
    # The entries move down the file: the warnings give their new lines.
    bib = srcdir / "refs.bib"
    bib.write_text("\n\n" + bib.read_text(encoding="utf-8"), encoding="utf-8")
    moved = warnings_of(build(make_app, srcdir, tmp_path / "on"))
    assert moved != expected
    assert moved == warnings_of(switched_off(make_app, monkeypatch, srcdir, tmp_path / "off"))


def test_register_checks_and_the_general_index(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-apparatus-warn-register-unknown", srcdir)
    expected = warnings_of(build(make_app, srcdir, tmp_path / "on", freshenv=True))
    assert len(expected) == 3, expected
    with monkeypatch.context() as patch:
        patch.setattr(registers, "_register_findings", must_not_run)
        assert warnings_of(build(make_app, srcdir, tmp_path / "on")) == expected
    assert expected == warnings_of(switched_off(make_app, monkeypatch, srcdir, tmp_path / "off"))

    # The general index after a prose edit, then after a register's name changed.
    srcdir = tmp_path / "basic"
    shutil.copytree(rootdir / "test-apparatus-basic", srcdir)
    build(make_app, srcdir, tmp_path / "inc", freshenv=True)
    indexed: list[set[str]] = []
    documents_to_index = registers._documents_to_index

    def spy(env: Any, apparatus: Any) -> set[str]:
        found = documents_to_index(env, apparatus)
        indexed.append(set(found))
        return found

    monkeypatch.setattr(registers, "_documents_to_index", spy)
    edit(srcdir / "about.md", "# About\n", "# About\n\nA new sentence.\n")
    incremental = build(make_app, srcdir, tmp_path / "inc")
    assert indexed[-1] == {"about"}, "only the document read"
    clean = switched_off(make_app, monkeypatch, srcdir, tmp_path / "clean")
    assert general_index(incremental) == general_index(clean)
    edit(srcdir / "persons.md", ":name: Sergey Lavrov", ":name: Sergei V. Lavrov")
    incremental = build(make_app, srcdir, tmp_path / "inc")
    assert len(indexed[-1]) > 1, "every document: a name changed"
    clean = switched_off(make_app, monkeypatch, srcdir, tmp_path / "clean")
    assert warnings_of(incremental) == warnings_of(clean) == []
    assert general_index(incremental) == general_index(clean)
    assert "Lavrov, Sergei V." in general_index(clean)


def test_related_claims_follow_a_changed_link(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-links", srcdir)
    build(make_app, srcdir, tmp_path / "inc", freshenv=True)
    # A prose edit: no claim changed, the related claims are not worked out again.
    with monkeypatch.context() as patch:
        patch.setattr(domain, "_relations_changed", must_not_run)
        second = srcdir / "second.md"
        edit(second, second.read_text(encoding="utf-8"), second.read_text() + "\nA sentence.\n")
        build(make_app, srcdir, tmp_path / "inc")
    # A link written on the second page shows on the first page's card.
    edit(srcdir / "second.md", "supports=north-first", "supports=south-first")
    incremental = build(make_app, srcdir, tmp_path / "inc")
    clean = switched_off(make_app, monkeypatch, srcdir, tmp_path / "clean")
    assert warnings_of(incremental) == warnings_of(clean)
    for page in ("index", "second", "disputes"):
        assert main_section(incremental, page) == main_section(clean, page), page


def test_the_csl_json_is_left_alone_only_while_it_is_what_a_build_would_write(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    app = build(make_app, srcdir, tmp_path / "inc", freshenv=True)
    path = app.outdir / "bibliography.csl.json"
    written = path.read_bytes()
    assert (tmp_path / "inc" / "doctrees" / csljson.FILE_STATE).is_file()
    with monkeypatch.context() as patch:
        patch.setattr(csljson, "_cached_text", must_not_run)
        build(make_app, srcdir, tmp_path / "inc")
    assert path.read_bytes() == written
    # Changed by hand: written again.
    path.write_text("[]\n", encoding="utf-8")
    build(make_app, srcdir, tmp_path / "inc")
    assert path.read_bytes() == written
    # An entry changed: written again, as without the caches.
    edit(srcdir / "refs.bib", "author = {Smith, Anna}", "author = {Smith, Anne}")
    build(make_app, srcdir, tmp_path / "inc")
    clean = switched_off(make_app, monkeypatch, srcdir, tmp_path / "clean")
    assert path.read_bytes() == (clean.outdir / "bibliography.csl.json").read_bytes()
    assert b"Anne" in path.read_bytes()
    assert not (tmp_path / "clean" / "doctrees" / csljson.FILE_STATE).exists()
