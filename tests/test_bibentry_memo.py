"""The .bib check's per-entry memo (critical_edition.bibliography.entrymemo) changes speed only.

- With the memo, the check finds what it finds without it: the same problems (file, line,
  kind, message, in the same order), the same entries with the same fields, the same lines,
  for a .bib with many kinds of problems, read afresh and again from the memo.
- After lines are inserted above faulty entries, their problems (and the line numbers inside
  their messages) move with them.
- After a one-entry edit only that entry is parsed again; a duplicate key between an
  unchanged and a changed entry is still reported; a changed ``@string`` reads its users again.
- The memo does not survive another stamp (toolkit code, pybtex release, settings), and a
  damaged file is ignored.
- Builds: the warnings of an incremental build with the memo equal those of a clean build
  without it, in order; ``CRITICAL_EDITION_BIBENTRIES=0`` leaves the memo unused.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.plugin
import pytest
from critical_edition.bibliography import bibfile, entrymemo
from critical_edition.bibliography import check as bibcheck
from critical_edition.bibliography.bibfile import BibCheckResult, check_bibfiles
from critical_edition.core.diagnostics import Subtype
from critical_edition.speedups import bibcache, versions
from helpers import build, edit, warnings_of

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

#: A .bib file with a problem of most kinds, several holding line numbers in their message.
FAULTY = """\
@string{pub = "Press"}

@article{alpha2000,
  author = {Alpha, Ann},
  title = {First},
  journal = {Journal},
  year = {2000}
}

@book{beta2001,
  author = {Beta, Bob},
  title = {Second},
  title = {Second, again},
  publisher = pub,
  year = {2001}
}

@article{gamma2002,
  author = {Gamma, Gil},
  title = {Third}
  journal = {Journal},
  year = {2002}
}

@misc{delta2003,
  author = {Delta, Dan},
  title = {Fourth},
  howpublished = blog,
  year = {2003}
}

@misc{eps2004,
  author = {Eps, Eve},
  title = {Fifth},
  url = {javascript:alert(1)},
  doi = {doi:10.1/x},
  year = {2004}
}

@article{zeta2005,
  author = {Zeta, Zed},
  title = {Sixth},
  year = {2005}
}

@weird{eta2006,
  author = {Eta, Ed},
  title = {Seventh},
  year = {2006}
}

@misc{ALPHA2000,
  title = {Duplicate},
  year = {2007}
}

@misc{theta2008,
  author = {Theta, Tom, Jr, III},
  title = {Eighth},
  year = {2008}
}

@misc{kappa2010,
  author = {Kappa, Kim},
  title = {Tenth}},
  year = {2010}
}

@misc{iota2009,
  title = {Ninth},
  year = {2009}
"""

#: Every kind of problem FAULTY holds (the test checks it still holds them all).
KINDS = {
    Subtype.BIB_DUPLICATE_FIELD,
    Subtype.BIB_SYNTAX,
    Subtype.BIB_BAD_URL,
    Subtype.BIB_BAD_DOI,
    Subtype.BIB_MISSING_FIELD,
    Subtype.BIB_UNKNOWN_TYPE,
    Subtype.BIB_DUPLICATE_KEY,
    Subtype.BIB_BAD_NAME,
    Subtype.BIB_UNBALANCED_BRACES,
}
STAMP = "test-stamp"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def _check(path: Path, memo: entrymemo.EntryMemo | None = None) -> BibCheckResult:
    return check_bibfiles([path], "utf-8", "plain", path.parent, memo=memo)


def _summary(result: BibCheckResult) -> Any:
    """Everything the check hands on, comparable: problems in order, entries, lines."""
    entries = [
        (str(key), entry.type, entry.original_type, list(entry.fields.items()), repr(entry))
        for key, entry in result.bibdata.data.entries.items()
    ]
    problems = [(p.path, p.line, p.subtype, p.message) for p in result.problems]
    keys = {str(path): list(bib.keys) for path, bib in result.bibdata.bibfiles.items()}
    return (
        problems,
        entries,
        keys,
        result.lines,
        sorted(result.missing_field_messages),
        result.bibdata.data.preamble,
    )


def _memo_after(tmp_path: Path, memo: entrymemo.EntryMemo) -> entrymemo.EntryMemo:
    """*memo* saved and loaded, as the next build finds it."""
    path = tmp_path / "memo" / entrymemo.MEMO_NAME
    entrymemo.save(path, STAMP, memo)
    return entrymemo.load(path, STAMP)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The key (or command) of every entry pybtex parses, in order."""
    calls: list[str | None] = []
    original = bibfile._Reader.parse

    def counting(self: Any, path: Path, chunk: Any) -> list[BaseException]:
        calls.append(chunk.key or chunk.command)
        return original(self, path, chunk)

    monkeypatch.setattr(bibfile._Reader, "parse", counting)
    return calls


def test_same_findings_with_and_without_the_memo(tmp_path: Path, parsed: list[str | None]) -> None:
    path = _write(tmp_path, FAULTY)
    plain = _summary(_check(path))
    assert {problem[2] for problem in plain[0]} == KINDS
    # Line numbers inside messages: the second "title" (line 13), the missing comma (line
    # 21), the undefined macro (line 28).
    messages = "\n".join(problem[3] for problem in plain[0])
    assert "again at line 13" in messages
    assert "before line 21" in messages
    assert '"blog" at line 28' in messages

    first = entrymemo.EntryMemo()
    assert _summary(_check(path, first)) == plain
    assert first.misses > 0

    parsed.clear()
    again = _memo_after(tmp_path, first)
    assert _summary(_check(path, again)) == plain
    assert again.misses == 0
    assert parsed == ["string"]  # only the @string, which is always read


def test_inserted_lines_move_the_problems_of_later_entries(tmp_path: Path) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    memo = _memo_after(tmp_path, memo)

    # Three lines above every faulty entry, and two more inside alpha2000 (not faulty).
    inserted = "@comment{a note\non three\nlines}\n" + FAULTY.replace(
        "  year = {2000}\n", "  note = {one},\n  month = {two},\n  year = {2000}\n"
    )
    path.write_text(inserted, encoding="utf-8")
    with_memo = _summary(_check(path, memo))
    assert with_memo == _summary(_check(path))
    messages = "\n".join(problem[3] for problem in with_memo[0])
    assert "again at line 18" in messages
    assert "before line 26" in messages
    assert '"blog" at line 33' in messages
    assert memo.misses == 1  # alpha2000, whose text changed


def test_one_entry_edited_is_the_only_one_parsed_again(
    tmp_path: Path, parsed: list[str | None]
) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    memo = _memo_after(tmp_path, memo)

    path.write_text(FAULTY.replace("{Alpha, Ann}", "{Alpha, Anna}"), encoding="utf-8")
    parsed.clear()
    result = _check(path, memo)
    assert parsed == ["string", "alpha2000"]
    assert memo.misses == 1
    assert _summary(result) == _summary(_check(path))
    assert result.bibdata.data.entries["alpha2000"].persons["author"][0].first_names == ["Anna"]


def test_duplicate_key_between_an_unchanged_and_a_changed_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    memo = _memo_after(tmp_path, memo)

    # The changed entry now has the key of an unchanged one, above it and below it.
    for text in (
        FAULTY.replace("@misc{theta2008,", "@misc{zeta2005,"),
        FAULTY.replace("@article{gamma2002,", "@article{beta2001,"),
    ):
        path.write_text(text, encoding="utf-8")
        found = _summary(_check(path, memo))
        assert found == _summary(_check(path))
        duplicates = [p for p in found[0] if p[2] is Subtype.BIB_DUPLICATE_KEY]
        assert len(duplicates) == 2, duplicates  # ALPHA2000 and the new one
        memo = _memo_after(tmp_path, memo)


def test_a_changed_string_reads_the_entries_after_it_again(
    tmp_path: Path, parsed: list[str | None]
) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    memo = _memo_after(tmp_path, memo)

    path.write_text(FAULTY.replace('pub = "Press"', 'pub = "Other Press"'), encoding="utf-8")
    parsed.clear()
    result = _check(path, memo)
    assert _summary(result) == _summary(_check(path))
    assert result.bibdata.data.entries["beta2001"].fields["publisher"] == "Other Press"
    assert "beta2001" in parsed


def test_the_memo_is_only_read_under_its_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    stored = tmp_path / entrymemo.MEMO_NAME
    stamp = entrymemo.stamp("utf-8", "plain", "code")
    entrymemo.save(stored, stamp, memo)
    assert entrymemo.load(stored, stamp).stored

    # Other settings, another state of the check's code: nothing is reused.
    assert not entrymemo.load(stored, entrymemo.stamp("latin-1", "plain", "code")).stored
    assert not entrymemo.load(stored, entrymemo.stamp("utf-8", "alpha", "code")).stored
    assert not entrymemo.load(stored, entrymemo.stamp("utf-8", "plain", "edited")).stored
    # The toolkit's code edited, pybtex upgraded: nothing is reused either.
    monkeypatch.setattr(entrymemo, "code_stamp", lambda: "edited")
    assert not entrymemo.load(stored, entrymemo.stamp("utf-8", "plain", "code")).stored
    monkeypatch.undo()
    monkeypatch.setattr(versions, "installed_version", lambda name: "0.99")
    assert not entrymemo.load(stored, entrymemo.stamp("utf-8", "plain", "code")).stored


def test_a_damaged_memo_is_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, FAULTY)
    memo = entrymemo.EntryMemo()
    _check(path, memo)
    stored = tmp_path / entrymemo.MEMO_NAME
    entrymemo.save(stored, STAMP, memo)
    data = stored.read_bytes()
    for damaged in (b"", b"not a pickle", data[: len(data) // 2], data[:-40] + b"x" * 40):
        stored.write_bytes(damaged)
        loaded = entrymemo.load(stored, STAMP)
        assert not loaded.stored
        assert _summary(_check(path, loaded)) == _summary(_check(path))
    stored.unlink()
    assert not entrymemo.load(stored, STAMP).stored


# -- builds --------------------------------------------------------------------------------------

ROOT = "test-bibcheck-cache"


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    # gamma2002 as @misc: the root cites it with {footcite}, which stops the build with a
    # traceback on an entry missing a field its type needs (sphinxcontrib-bibtex's role).
    faulty = FAULTY.replace("@article{gamma2002", "@misc{gamma2002")
    (src / "refs.bib").write_text(faulty, encoding="utf-8")
    return src


def _memo_file(app: SphinxTestApp) -> Path:
    return Path(app.doctreedir) / entrymemo.MEMO_NAME


def test_build_warnings_with_the_memo_are_those_without(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert _memo_file(first).is_file()
    assert any("again at line 13" in line for line in warnings_of(first))

    # Lines inserted above the faulty entries, and one entry edited.
    edit(srcdir / "refs.bib", "@string{", "@comment{two\nlines}\n@string{")
    edit(srcdir / "refs.bib", "{Zeta, Zed}", "{Zeta, Zoe}")
    incremental = build(make_app, srcdir, tmp_path / "out")
    warnings = warnings_of(incremental)
    assert any("again at line 15" in line for line in warnings), warnings

    monkeypatch.setenv(entrymemo.SWITCH, "0")
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert not _memo_file(clean).exists()
    assert warnings_of(clean) == warnings
    for page in ("bibliography.html", "a.html", "b.html"):
        assert (incremental.outdir / page).read_bytes() == (clean.outdir / page).read_bytes()


def test_build_ignores_a_damaged_memo(make_app: Any, srcdir: Path, tmp_path: Path) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    warnings = warnings_of(first)
    _memo_file(first).write_bytes(b"\x80\x05damaged")
    edit(srcdir / "refs.bib", "{Zeta, Zed}", "{Zeta, Zoe}")
    # The environment keeps the memo with the last check: the file is neither read nor
    # written.
    second = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(second) == warnings
    assert _memo_file(second).read_bytes() == b"\x80\x05damaged"
    # A new environment reads the file: damaged, it is ignored and written afresh; the next
    # build finds every entry read in it (not the duplicate, nor the unclosed one).
    edit(srcdir / "refs.bib", "{Zeta, Zoe}", "{Zeta, Zed}")
    third = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(third) == warnings
    stamp = entrymemo.stamp("utf-8-sig", "plain", bibcheck._code_state("plain"))
    assert len(entrymemo.load(_memo_file(third), stamp).stored) == 9


def test_build_takes_the_memo_from_the_environment(
    make_app: Any,
    srcdir: Path,
    tmp_path: Path,
    parsed: list[str | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build(make_app, srcdir, tmp_path / "out", freshenv=True)
    loads: list[Path] = []
    load = entrymemo.load

    def counted_load(path: Path, stamp: str) -> entrymemo.EntryMemo:
        loads.append(path)
        return load(path, stamp)

    monkeypatch.setattr(entrymemo, "load", counted_load)
    fingerprinted: list[str] = []
    compute = bibcache.compute_fingerprint

    def counted_fingerprint(entry: Any) -> str:
        fingerprinted.append(str(entry.key))
        return compute(entry)

    monkeypatch.setattr(bibcache, "compute_fingerprint", counted_fingerprint)
    # Lines added above every entry, one entry edited, one entry added: only these two are
    # parsed and fingerprinted; the others' fingerprints are carried over.
    edit(srcdir / "refs.bib", "@string{", "@comment{two\nlines}\n@string{")
    edit(srcdir / "refs.bib", "{Zeta, Zed}", "{Zeta, Zoe}")
    edit(
        srcdir / "refs.bib",
        "@misc{theta2008",
        "@misc{new2011,\n  title = {New},\n}\n\n@misc{theta2008",
    )
    parsed.clear()
    incremental = build(make_app, srcdir, tmp_path / "out")
    assert loads == []
    assert parsed == ["string", "zeta2005", "new2011"]
    # (Each twice: by the check's trial formatting, then once parsed.)
    assert set(fingerprinted) == {"new2011", "zeta2005"}
    bibdata = incremental.env.domains["cite"].data["bibdata"].data
    carried = getattr(bibdata, bibcache._FINGERPRINTS_ATTRIBUTE)[1]
    assert carried == {str(key): compute(entry) for key, entry in bibdata.entries.items()}
    monkeypatch.setenv(entrymemo.SWITCH, "0")
    monkeypatch.setenv(bibcache.SWITCH, "0")
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert warnings_of(clean) == warnings_of(incremental)
    for page in ("bibliography.html", "a.html", "b.html"):
        assert (incremental.outdir / page).read_bytes() == (clean.outdir / page).read_bytes()


CONF_STYLE = '''
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as Unsorted
from pybtex.style.template import field, optional, words


class ConfStyle(Unsorted):
    """A style an editor defines in conf.py."""
'''
JOURNAL_OPTIONAL = """
    def get_article_template(self, e):
        return words[field("title"), optional[field("journal")]]
"""


def test_a_style_defined_in_conf_py_is_part_of_the_stamp(tmp_path: Path) -> None:
    # Sphinx runs conf.py without a module name: a style defined there has no module file,
    # so its source is what the stamp digests; an edit of it runs the check again.
    path = _write(tmp_path, "@article{smith2020,\n  author = {Smith, Ann},\n  title = {T},\n}\n")
    stored = tmp_path / entrymemo.MEMO_NAME
    found = []
    for source in (CONF_STYLE, CONF_STYLE + JOURNAL_OPTIONAL):
        namespace: dict[str, Any] = {"__file__": str(tmp_path / "conf.py")}
        (tmp_path / "conf.py").write_text(source, encoding="utf-8")
        # As Sphinx runs conf.py: compiled under its file name, in a namespace of its own.
        exec(compile(source, str(tmp_path / "conf.py"), "exec"), namespace)  # noqa: S102
        pybtex.plugin.register_plugin(
            "pybtex.style.formatting", "confstyle", namespace["ConfStyle"], force=True
        )
        stamp = entrymemo.stamp("utf-8", "confstyle", bibcheck._code_state("confstyle"))
        memo = entrymemo.load(stored, stamp)
        with_memo = check_bibfiles([path], "utf-8", "confstyle", tmp_path, memo=memo)
        entrymemo.save(stored, stamp, memo)
        fresh = check_bibfiles([path], "utf-8", "confstyle", tmp_path, memo=None)
        assert _summary(with_memo) == _summary(fresh)
        found.append((stamp, [p.subtype for p in fresh.problems]))
    (first_stamp, first), (second_stamp, second) = found
    assert first_stamp != second_stamp
    assert first == [Subtype.BIB_MISSING_FIELD] and second == []


def test_the_stamps_are_the_same_in_every_process() -> None:
    # A stamp that changed with the process (a built-in class's id, say) would make every
    # build miss the check's cache, the memo and the formatting cache.
    code = (
        "from critical_edition.bibliography import check\n"
        "from critical_edition.speedups import bibcache\n"
        "import pybtex.plugin\n"
        "style = pybtex.plugin.find_plugin('pybtex.style.formatting', 'plain')\n"
        "print(check._code_state('plain'), bibcache.source_stamp(style))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] and runs[0] == runs[1]
