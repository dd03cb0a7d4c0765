"""Row memo (speedups/rowmemo.py): the claim index's rows kept as HTML between builds.

The root ``test-claims-incremental`` has five claims: two citing the .bib, one sourced by a
footnote, two unsourced. Every rebuild with kept rows must write the page a clean build
without them writes, byte for byte; a row is rendered again when anything it shows changed
(a cited entry among them).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from critical_edition.claims.rowkeys import RowKeys
from critical_edition.core.model import Claim, ClaimStatus
from critical_edition.speedups import rowmemo
from helpers import build, edit, warnings_of


def _kept_rows(outdir: Path) -> dict[str, str]:
    memo = Path(outdir).parent / "doctrees" / rowmemo.MEMO_FILE
    return dict(json.loads(memo.read_text(encoding="utf-8"))["rows"])


def _clean_claims_page(make_app: Any, srcdir: Path, builddir: Path, monkeypatch: Any) -> bytes:
    """The claim index as a clean build without the row memo writes it."""
    shutil.rmtree(builddir, ignore_errors=True)
    with monkeypatch.context() as switched:
        switched.setenv(rowmemo.SWITCH, "0")
        clean = build(make_app, srcdir, builddir, freshenv=True)
    assert warnings_of(clean) == []
    assert not (builddir / "doctrees" / rowmemo.MEMO_FILE).exists()
    return (Path(clean.outdir) / "claims.html").read_bytes()


def test_kept_rows_write_the_page_a_clean_build_writes(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    assert len(_kept_rows(Path(first.outdir))) == 5
    given: list[str] = []
    get = rowmemo.RowMemo.get

    def spy(self: rowmemo.RowMemo, key: str) -> str | None:
        found = get(self, key)
        if found is not None:
            given.append(key)
        return found

    monkeypatch.setattr(rowmemo.RowMemo, "get", spy)
    edits = [
        # A cited entry's author: the page is written again, the row citing it rendered.
        (srcdir / "refs.bib", "Smith", "Smyth"),
        # A claim's words and the actor's description: their rows are rendered anew.
        (srcdir / "one.md", "Lavrov closed the talks", "Lavrov closed the long talks"),
        (srcdir / "register.md", "The ministry.", "The foreign ministry."),
        # A cited entry's given name, seen only in the citation's tooltip.
        (srcdir / "refs.bib", "Smyth, Anna", "Smyth, Anne"),
        # A claim added above the others: every row's number moves.
        (srcdir / "one.md", "# One\n", "# One\n\n{claim}`A new claim <id=new; actor=mfa>`.\n"),
    ]
    for number, (path, old, new) in enumerate(edits):
        given.clear()
        edit(path, old, new)
        again = build(make_app, srcdir, tmp_path / "out")
        assert warnings_of(again) == []
        page = (Path(again.outdir) / "claims.html").read_bytes()
        clean = _clean_claims_page(make_app, srcdir, tmp_path / "clean", monkeypatch)
        assert page == clean, path.name
        assert len(given) == [4, 4, 3, 4, 0][number], (path.name, given)
    # The file keeps the rows of the last build only.
    assert len(_kept_rows(tmp_path / "out" / "html")) == 6


def test_rows_are_kept_for_the_html_builder_only_and_never_when_switched_off(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    epub = make_app("epub", srcdir=srcdir, builddir=tmp_path / "epub", freshenv=True)
    epub.build()
    epub.cleanup()
    assert not (tmp_path / "epub" / "doctrees" / rowmemo.MEMO_FILE).exists()
    monkeypatch.setenv(rowmemo.SWITCH, "0")
    build(make_app, srcdir, tmp_path / "off", freshenv=True)
    assert not (tmp_path / "off" / "doctrees" / rowmemo.MEMO_FILE).exists()


def test_rows_kept_by_other_code_are_not_given(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-incremental", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    kept = _kept_rows(Path(first.outdir))
    # The same keys under another code stamp, their HTML damaged: none of it may be used.
    memo = tmp_path / "out" / "doctrees" / rowmemo.MEMO_FILE
    stored = json.loads(memo.read_text(encoding="utf-8"))
    stored["rows"] = dict.fromkeys(kept, "<td>stale</td>")
    memo.write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.setattr(rowmemo, "file_key", lambda: "another version of the code")
    edit(srcdir / "refs.bib", "Smith", "Smyth")
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert b"stale" not in (Path(again.outdir) / "claims.html").read_bytes()


def test_a_row_citing_a_key_no_bibliography_lists_gets_no_key() -> None:
    # sphinxcontrib-bibtex warns when it resolves such a citation: the row is rendered each
    # time, so that the warning is given each time.
    cite = SimpleNamespace(citations=[], bibliographies={}, reference_style=object())
    keys = RowKeys("claims", "html", [], {}, {"listed2020"}, cite)  # type: ignore[arg-type]
    claim = Claim(
        id="c",
        text="Said.",
        actors=(),
        verb="said",
        sources=("listed2020",),
        date="",
        status=ClaimStatus.SOURCED,
        note="",
        evidence=(),
        docname="one",
        line=1,
        serial=1,
    )
    assert keys.key(1, claim, {}) is None
    unsourced = Claim(
        id="c",
        text="Said.",
        actors=(),
        verb="said",
        sources=("^a", "absent"),
        date="",
        status=ClaimStatus.UNSOURCED,
        note="",
        evidence=(),
        docname="one",
        line=1,
        serial=1,
    )
    assert keys.key(1, unsourced, {}) is not None


def test_a_reference_style_defined_in_conf_py_is_keyed_by_its_settings() -> None:
    # sphinxcontrib-bibtex's guide defines styles in conf.py as dataclasses: they have no
    # file of their own, so their settings stand for them; an address never does.
    @dataclasses.dataclass
    class Brackets:
        left: str = "("
        plugin: object = dataclasses.field(default_factory=object)

    claim = Claim(
        id="c", text="Said.", actors=(), verb="said", sources=("^a",), date="",
        status=ClaimStatus.UNSOURCED, note="", evidence=(), docname="one", line=1, serial=1,
    )  # fmt: skip

    def key(style: Brackets) -> str | None:
        cite = SimpleNamespace(citations=[], bibliographies={}, reference_style=style)
        return RowKeys("claims", "html", [], {}, set(), cite).key(1, claim, {})  # type: ignore[arg-type]

    assert key(Brackets()) == key(Brackets())
    assert key(Brackets()) != key(Brackets(left="["))
