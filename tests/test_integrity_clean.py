"""A clean root passes the check with the expected report; hostile input never goes live;
builds are reproducible; ``suppress_warnings`` silences each of our subtypes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from critical_edition.cli import main as cli
from sphinx.cmd.build import build_main
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"


def copy_root(name: str, tmp_path: Path) -> Path:
    """A private copy of ``tests/roots/test-<name>``."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{name}", srcdir)
    return srcdir


def output_files(outdir: Path) -> dict[str, str]:
    """SHA-256 of every output file, without Sphinx's build bookkeeping."""
    return {
        path.relative_to(outdir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(outdir.rglob("*"))
        if path.is_file() and ".doctrees" not in path.parts and path.name != ".buildinfo"
    }


def test_clean_root_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    srcdir = copy_root("integrity-clean", tmp_path)
    status = cli.main(["check", str(srcdir), "--out-dir", str(tmp_path / "out")])
    captured = capsys.readouterr()
    output = strip_escape_sequences(captured.out + captured.err).replace(str(tmp_path), "<tmp>")
    assert status == 0
    assert output.splitlines() == [
        (
            "integrity: citations 4 linked / 0 missing / 0 unused; footnotes 2 / 0 dangling / "
            "0 unreferenced; claims 1 / 0 unsourced; cross-references 4 / 0 unresolved; 0 problems"
        ),
        "report: <tmp>/out/report/integrity.json and <tmp>/out/report/integrity.sarif",
        "check passed: no problems found",
    ]
    report = json.loads((tmp_path / "out" / "report" / "integrity.json").read_text("utf-8"))
    assert report["findings"] == []
    assert report["counts"]["citations"] == {
        "linked": 4,
        "missing": 0,
        "unused": 0,
        "entries": 3,
        "unmarked": 0,
    }
    assert report["counts"]["claims"]["total"] == 1
    sarif = json.loads((tmp_path / "out" / "report" / "integrity.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "critical_edition"
    assert sarif["runs"][0]["results"] == []


def test_report_lists_every_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several problems: each is a located finding in JSON and SARIF, with its rule described."""
    srcdir = copy_root("integrity-hostile", tmp_path)
    status = cli.main(["check", str(srcdir), "--out-dir", str(tmp_path / "out")])
    capsys.readouterr()
    assert status == 1
    report = json.loads((tmp_path / "out" / "report" / "integrity.json").read_text("utf-8"))
    rules = [(f["file"], f["line"], f["rule"]) for f in report["findings"]]
    assert rules == [
        ("index.md", 6, "edition.raw_html"),
        ("index.md", 9, "edition.link_scheme"),
        ("index.md", 12, "edition.raw_html"),
        ("index.md", 13, "edition.raw_html"),
        ("refs.bib", 1, "edition.bib_bad_doi"),
        ("refs.bib", 1, "edition.bib_bad_url"),
        ("refs.bib", 1, "edition.bib_bad_url"),
        ("refs.bib", 11, "edition.bib_bad_url"),
    ]
    assert report["summary"].endswith("; 8 problems")
    sarif = json.loads((tmp_path / "out" / "report" / "integrity.sarif").read_text("utf-8"))
    run = sarif["runs"][0]
    assert len(run["results"]) == 8
    described = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(described) == {
        "edition.raw_html",
        "edition.link_scheme",
        "edition.bib_bad_doi",
        "edition.bib_bad_url",
    }
    assert described["edition.raw_html"]["properties"]["category"] == "markup"
    for result in run["results"]:
        assert described[result["ruleId"]] is run["tool"]["driver"]["rules"][result["ruleIndex"]]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


_LIVE_URL = re.compile(r"\s*(javascript|vbscript|data):", re.IGNORECASE)


def test_hostile_input_is_never_live(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Script tags, event handlers and javascript: URLs from .bib fields, claim options,
    directive options and raw HTML all end up as text."""
    srcdir = copy_root("integrity-hostile", tmp_path)
    cli.main(["check", str(srcdir), "--out-dir", str(tmp_path / "out")])
    capsys.readouterr()
    pages = sorted((tmp_path / "out" / "html").rglob("*.html"))
    assert pages
    index = (tmp_path / "out" / "html" / "index.html").read_text("utf-8")
    for n in range(1, 17):  # every payload reached the page, as text
        if n not in (6, 7, 8, 9):  # bad url, doi and \\url fields are left out, and reported
            assert f"alert({n})" in index
    for page in pages:
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not name.lower().startswith("on"), (page.name, tag)
                if name.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                    assert not _LIVE_URL.match(text), (page.name, tag)
            if tag.name == "script" and tag.get("type") == "application/ld+json":
                # A data block, never run: values are JSON text with no "<" to end it.
                assert "<" not in tag.get_text(), (page.name, tag)
            elif tag.name == "script":
                assert "alert(" not in tag.get_text(), (page.name, tag)


def _build(srcdir: Path, outdir: Path, *extra: str) -> int:
    return build_main(["-b", "html", "-q", "-E", *extra, str(srcdir), str(outdir)])


def test_reproducible_and_parallel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two clean builds (the edition's theme, SOURCE_DATE_EPOCH set) are byte-identical, and
    a two-process build gives the same output."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1604966400")
    srcdir = copy_root("integrity-clean", tmp_path)
    furo = ("-D", "html_theme=furo", "-W")
    assert _build(srcdir, tmp_path / "one", *furo) == 0
    assert _build(srcdir, tmp_path / "two", *furo) == 0
    first = output_files(tmp_path / "one")
    assert first == output_files(tmp_path / "two")
    assert any(name.endswith("index.html") for name in first)
    assert _build(srcdir, tmp_path / "serial", "-W") == 0
    assert _build(srcdir, tmp_path / "parallel", "-W", "-j", "2") == 0
    assert output_files(tmp_path / "serial") == output_files(tmp_path / "parallel")


@pytest.mark.parametrize(
    ("root", "subtype"),
    [
        ("broken-bib-duplicate-key", "edition.bib_duplicate_key"),
        ("broken-bib-missing-field", "edition.bib_missing_field"),
        ("broken-footnote-undefined", "edition.footnote_undefined"),
        ("broken-footnote-duplicate", "edition.footnote_duplicate"),
        ("broken-citation-plaintext", "edition.citation_unmarked"),
        ("broken-raw-html-inline", "edition.raw_html"),
    ],
)
def test_subtype_can_be_suppressed(
    make_app: type[SphinxTestApp], tmp_path: Path, root: str, subtype: str
) -> None:
    """Each subtype is silenced by ``suppress_warnings``, leaving no other warning behind."""
    app = make_app(
        "html",
        srcdir=copy_root(root, tmp_path),
        confoverrides={"suppress_warnings": [subtype]},
    )
    app.build()
    assert strip_escape_sequences(app.warning.getvalue()) == ""


def test_check_without_conf_py(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong source directory is a usage error (status 2) with one sentence, no traceback."""
    assert cli.main(["check", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"critical-edition check: no conf.py in {tmp_path}\n"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "check" in capsys.readouterr().err
