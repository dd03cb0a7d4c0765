"""Incremental builds equal clean builds through a scripted series of edits.

After each edit the same build directory is rebuilt incrementally and the sources are also
built from scratch; every output file (HTML, search index, the integrity report) must be
identical, except Sphinx's own bookkeeping (doctrees, environment pickle, ``.buildinfo``).
The edits cover what the stack gets wrong on its own: a cited .bib entry that changes while
only the bibliography page depends on the file, citations and footnotes that come and go,
pages added and removed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

ROOTS = Path(__file__).parent / "roots"


def output_files(outdir: Path) -> dict[str, str]:
    """SHA-256 of every output file, without Sphinx's build bookkeeping.

    The search index is compared by content: an incremental build keeps the words of
    rewritten pages with an empty list of pages (Sphinx's ``IndexBuilder.prune``), which a
    clean build never writes; they match nothing, so they are dropped before comparing.
    """
    files = {}
    for path in sorted(outdir.rglob("*")):
        if not path.is_file() or ".doctrees" in path.parts or path.name == ".buildinfo":
            continue
        data = path.read_bytes()
        if path.name == "searchindex.js":
            data = _search_index(data)
        files[path.relative_to(outdir).as_posix()] = hashlib.sha256(data).hexdigest()
    return files


def _search_index(data: bytes) -> bytes:
    text = data.decode("utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for key in ("terms", "titleterms"):
        index[key] = {word: docs for word, docs in index[key].items() if docs != []}
    return json.dumps(index, sort_keys=True).encode("utf-8")


class Sources:
    """The root's copy, edited step by step.

    Files keep their natural modification times: Sphinx compares a source's time with the
    time it last read it, so a time set into the past would hide the edit, and one set into
    the future would make every build re-read everything.
    """

    def __init__(self, srcdir: Path) -> None:
        self.srcdir = srcdir

    def write(self, name: str, text: str) -> None:
        (self.srcdir / name).write_text(text, encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> None:
        text = (self.srcdir / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        self.write(name, text.replace(old, new))

    def delete(self, name: str) -> None:
        (self.srcdir / name).unlink()


def _set_up(sources: Sources) -> None:
    """Nothing to edit before the first build."""


EDITS: list[tuple[str, Callable[[Sources], None]]] = [
    ("first build", _set_up),
    (
        "a cited entry changes (only the bibliography page depends on the .bib)",
        lambda s: s.replace(
            "refs.bib",
            "author = {Alpha, Ann},\n  title = {Old title},\n  journal = {Journal},\n  year = {2000}",
            "author = {Omega, Olga},\n  title = {New title},\n  journal = {Journal},\n  year = {2011}",
        ),
    ),
    ("a citation is added", lambda s: s.replace("a.md", "{cite:p}`k1`.", "{cite:p}`k1,k3`.")),
    ("a citation is removed", lambda s: s.replace("b.md", " and {cite:p}`k3`", "")),
    (
        "a footnote is added",
        lambda s: s.replace("a.md", "`k1,k3`.", "`k1,k3`.[^a]\n\n[^a]: A note on page A."),
    ),
    (
        "a footnote is removed",
        lambda s: s.replace("b.md", ", with a note[^b].\n\n[^b]: A note on page B.", "."),
    ),
    (
        "an entry is added to the .bib and cited on a new page",
        lambda s: (
            s.write(
                "refs.bib",
                (s.srcdir / "refs.bib").read_text("utf-8")
                + "\n@misc{k4,\n  author = {Delta, Dan},\n  title = {Fourth},\n  year = {2003}\n}\n",
            ),
            s.write("c.md", "# C\n\nPage C cites {cite:p}`k4` and {cite:t}`k2`.\n"),
            s.replace("index.md", "b\n", "b\nc\n"),
        ),
    ),
    ("a cited entry's year changes", lambda s: s.replace("refs.bib", "{2001}", "{1999}")),
    (
        "the new page is removed",
        lambda s: (s.delete("c.md"), s.replace("index.md", "b\nc\n", "b\n")),
    ),
    (
        "a cited entry is deleted from the .bib",
        lambda s: s.replace(
            "refs.bib",
            "@misc{k3,\n  author = {Gamma, Gil},\n  title = {Third},\n  year = {2002}\n}\n",
            "",
        ),
    ),
    (
        "the entry comes back",
        lambda s: s.replace(
            "refs.bib",
            "@misc{k4",
            "@misc{k3,\n  author = {Gamma, Gil},\n  title = {Third},\n  year = {2002}\n}\n\n@misc{k4",
        ),
    ),
]


def _build(srcdir: Path, outdir: Path, doctrees: Path) -> None:
    status = build_main(["-b", "html", "-q", "-d", str(doctrees), str(srcdir), str(outdir)])
    assert status in (0, 1)


def test_incremental_equals_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-integrity-incremental", srcdir)
    sources = Sources(srcdir)
    incremental = tmp_path / "incremental"
    for step, (what, edit) in enumerate(EDITS):
        edit(sources)
        _build(srcdir, incremental / "html", incremental / "doctrees")
        clean = tmp_path / f"clean-{step}"
        _build(srcdir, clean / "html", clean / "doctrees")
        capsys.readouterr()
        got, expected = output_files(incremental / "html"), output_files(clean / "html")
        differing = sorted(
            name for name in got.keys() | expected.keys() if got.get(name) != expected.get(name)
        )
        assert differing == [], f"after step {step}: {what}"
        shutil.rmtree(clean)


#: Broken roots whose problem is found while reading, while writing, and in a .bib file.
STANDING = [
    "claim-unknown-option",
    "xref-ref",
    "bib-syntax",
    "bib-unused",
    "footnote-undefined",
    "include-cycle",
    "toctree-cycle",
    "source-bad-byte",
]


@pytest.mark.parametrize("root", STANDING)
def test_standing_problem_fails_every_strict_build(
    root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two strict builds in a row with nothing changed both fail with the same warning.

    Sphinx repeats only the warnings of documents it re-reads or re-writes; the toolkit shows
    the others again, so the exit status, the warnings and the summary line agree every time.
    """
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-broken-{root}", srcdir)
    argv = ["-b", "html", "-n", "-W", "--keep-going", "-q", "-d", str(tmp_path / "doctrees")]
    argv += ["-D", f"edition_report_dir={tmp_path / 'report'}", str(srcdir), str(tmp_path / "h")]
    runs = []
    for _ in range(2):
        status = build_main(argv)
        output = capsys.readouterr().err
        report = json.loads((tmp_path / "report" / "integrity.json").read_text(encoding="utf-8"))
        warnings = [line for line in output.splitlines() if ": WARNING: " in line]
        runs.append((status, warnings, report["findings"], report["summary"]))
    assert runs[0][0] == 1
    assert len(runs[0][1]) == 1, runs
    assert runs[1] == runs[0]
