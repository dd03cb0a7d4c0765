"""The compiled-pattern cache: the same patterns as Python's own, kept only when they can be.

The cache is installed when the toolkit is first imported, so each run that uses it is a
fresh interpreter with its own cache folder; the checks of the engine's code run here.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core import patterncache

#: Patterns of every kind the engine has: groups named and not, flags inline and given,
#: bytes, look-arounds, conditionals, atomic groups and possessive quantifiers, Unicode.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(\d\d))?", 0),
    (r"(?i)karabakh|qarabağ", 0),
    (r"^\s*#\s*(\w+)\s*$", re.MULTILINE),
    (
        r"""
        (?P<open>[\(\[])   # an opening bracket
        [^\)\]]*
        (?(open)[\)\]])    # closed when opened
        """,
        re.VERBOSE,
    ),
    (r"(?<=\d)(?=(\d{3})+$)", 0),
    (r"(?<!\\)\$[^$]+\$", re.DOTALL),
    (r"(?>a+)b|c++d", 0),
    (rb"\x00[\x80-\xff]+", 0),
    (r"\bŞuşa\b|\bShusha\b", re.IGNORECASE | re.UNICODE),
    (r"[^\W\d_]+", re.ASCII),
    (r"a{2,5}?b*?c+?", 0),
]


def fresh(pattern: str | bytes, flags: int) -> re.Pattern[Any]:
    """*pattern* as Python's own compiler makes it (the cache, if any, stood aside)."""
    cache = patterncache.installed()
    original = cache.original if cache else re._compiler.compile  # type: ignore[attr-defined]
    return original(pattern, flags)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_the_kept_code_makes_the_same_pattern(pattern: str | bytes, flags: int) -> None:
    code = patterncache.engine_code(pattern, flags)
    assert code is not None
    # The code goes through the file's format and back.
    code = marshal.loads(marshal.dumps(code))
    kept = patterncache._sre.compile(pattern, *code)
    # CPython compares patterns by their text, flags and the engine's code.
    assert kept == fresh(pattern, flags)
    assert kept.groupindex == fresh(pattern, flags).groupindex
    assert kept.groups == fresh(pattern, flags).groups


def test_a_pattern_whose_parsing_warns_is_not_kept() -> None:
    with pytest.warns(FutureWarning):
        fresh("[[a]", 0)
    assert patterncache.engine_code("[[a]", 0) is None


def kept_code(pattern: str) -> patterncache.Code:
    code = patterncache.engine_code(pattern, 0)
    assert code is not None
    return code


def test_the_file_keeps_the_patterns_used_first_up_to_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patterncache, "LIMIT", 3)
    known = {(False, f"old{n}", 0): kept_code(f"old{n}") for n in range(3)}
    cache = patterncache.PatternCache(tmp_path / "patterns.marshal", dict(known), {})
    cache.original = fresh
    cache.compile("old2", 0)  # used this run
    cache.compile("new", 0)  # compiled this run
    entries, ages = cache.entries()
    assert list(entries) == [(False, "old2", 0), (False, "new", 0), (False, "old0", 0)]
    assert ages == {(False, "old0", 0): 1}
    # No more new patterns are held than the file could keep.
    for n in range(10):
        cache.compile(f"more{n}", 0)
    assert len(cache.compiled) == 3


def test_only_plain_text_bytes_and_flags_are_held(tmp_path: Path) -> None:
    class Text(str):
        pass

    cache = patterncache.PatternCache(tmp_path / "patterns.marshal", {}, {})
    cache.original = fresh
    assert cache.compile(Text("sub(y)+"), 0).match("suby")
    assert cache.compile("a", re.IGNORECASE).match("A")  # a RegexFlag, as re passes none
    assert cache.compile("a", 0).match("a")
    assert cache.compile(b"a", 0).match(b"a")
    assert list(cache.compiled) == [(False, "a", 0), (True, b"a", 0)]


def test_a_pattern_no_run_uses_goes_after_some_writings(tmp_path: Path) -> None:
    path = tmp_path / "patterns.marshal"
    kept: dict[patterncache.Key, patterncache.Code] = {(False, "once", 0): kept_code("once")}
    ages: dict[patterncache.Key, int] = {}
    for run in range(patterncache.MAX_AGE + 1):
        cache = patterncache.PatternCache(path, kept, ages)
        cache.original = fresh
        cache.compile(f"new in run {run}", 0)  # each run compiles one pattern of its own
        cache.save()
        kept, ages = patterncache.read(path)
        assert ((False, "once", 0) in kept) == (run < patterncache.MAX_AGE)
    assert (False, "new in run 0", 0) in kept


def run(
    code: str, folder: Path, python_options: tuple[str, ...] = (), **environ: str
) -> dict[str, Any]:
    """Run *code* in a fresh interpreter with the cache in *folder*; its ``result``, and
    what it wrote to standard error."""
    env = {**os.environ, patterncache.FOLDER_VARIABLE: str(folder), **environ}
    env.pop(patterncache.SWITCH, None)
    env.update(environ)
    preamble = "import json, re, warnings\nimport critical_edition\n"
    preamble += "from critical_edition.core import patterncache\n"
    completed = subprocess.run(
        [
            sys.executable,
            *python_options,
            "-c",
            preamble + textwrap.dedent(code) + "\nprint(json.dumps(result))",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    loaded: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    loaded["stderr"] = completed.stderr
    return loaded


COMPILE_AND_REPORT = """
sources = [
    (r"(?P<name>[A-Z]\\w+) (?:says|claims)", 0),
    (r"qarabağ|karabakh", re.IGNORECASE),
    (r"^\\d{4}$", re.MULTILINE),
]
patterns = [re.compile(p, f) for p, f in sources]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile("[[x]")
cache = patterncache.installed()
result = {
    "installed": cache is not None,
    "used": sorted(p for _, p, _ in cache.used if isinstance(p, str)) if cache else [],
    "warned": [str(w.category.__name__) for w in caught],
    "matches": [
        patterns[0].match("Aliyev claims").group("name"),
        bool(patterns[1].search("QARABAĞ")),
        patterns[2].findall("2020\\n19x\\n1994"),
    ],
    "same": all(
        p == cache.original(*source) for p, source in zip(patterns, sources)
    ) if cache else True,
}
"""


def test_a_second_run_compiles_from_the_file_with_the_same_results(tmp_path: Path) -> None:
    first = run(COMPILE_AND_REPORT, tmp_path)
    files = list(tmp_path.iterdir())
    assert [path.name for path in files] == [f"patterns-{sys.implementation.cache_tag}.marshal"]
    second = run(COMPILE_AND_REPORT, tmp_path)
    assert first["installed"] and second["installed"]
    assert first["used"] == []
    assert {r"(?P<name>[A-Z]\w+) (?:says|claims)", "qarabağ|karabakh", r"^\d{4}$"} <= set(
        second["used"]
    )
    assert "[[x]" not in second["used"]
    # The pattern that warns still warns, and every pattern matches as before.
    assert first["warned"] == second["warned"] == ["FutureWarning"]
    assert first["matches"] == second["matches"] == ["Aliyev", True, ["2020", "1994"]]
    assert second["same"]
    assert first["stderr"] == second["stderr"] == ""


def test_a_damaged_or_foreign_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    run(COMPILE_AND_REPORT, tmp_path)
    (path,) = tmp_path.iterdir()
    for damaged in (
        path.read_bytes()[:100],  # cut short
        marshal.dumps((("another", "python"), {("x", 0): (0, [1, 2, 3], 0, {}, (None,))})),
        marshal.dumps(
            (
                patterncache.file_key(),
                {(False, r"^\d{4}$", int(re.MULTILINE)): (0, [99, 99], 0, {}, (None,))},
                {},
            )
        ),  # the engine refuses this code
    ):
        path.write_bytes(damaged)
        result = run(COMPILE_AND_REPORT, tmp_path)
        assert result["matches"] == ["Aliyev", True, ["2020", "1994"]]
        assert result["stderr"] == ""
        assert patterncache.read(path)[0], "the file is written afresh"


def test_text_and_bytes_of_the_same_letters_are_never_compared(tmp_path: Path) -> None:
    # "ab" and b"ab" hash alike: a key of the text alone compares them, which fails under -bb.
    code = """
import critical_edition, re
for _ in range(2):
    re.purge()
    assert re.compile("ab").match("ab") and re.compile(b"ab").match(b"ab")
result = {"done": True}
"""
    for _compiled in ("afresh", "from the file"):
        result = run(code, tmp_path, python_options=("-bb",))
        assert result == {"done": True, "stderr": ""}


def test_a_thread_compiling_at_exit_leaves_no_traceback(tmp_path: Path) -> None:
    code = """
import critical_edition, re, threading
def compile_forever():
    n = 0
    while True:
        re.compile(f"pattern {n}")
        n += 1
threading.Thread(target=compile_forever, daemon=True).start()
result = {"done": True}
"""
    assert run(code, tmp_path) == {"done": True, "stderr": ""}


def test_switched_off_nothing_is_installed_or_written(tmp_path: Path) -> None:
    result = run(COMPILE_AND_REPORT, tmp_path, **{patterncache.SWITCH: "0"})
    assert result["installed"] is False
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_only_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = run(COMPILE_AND_REPORT, blocked / "cache")
    assert result["installed"]
    assert result["matches"] == ["Aliyev", True, ["2020", "1994"]]
    assert result["stderr"] == ""


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    tag = sys.implementation.cache_tag
    monkeypatch.setenv(patterncache.FOLDER_VARIABLE, "/somewhere")
    assert patterncache.cache_path() == Path(f"/somewhere/patterns-{tag}.marshal")
    monkeypatch.delenv(patterncache.FOLDER_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert patterncache.cache_path() == Path(f"/xdg/critical-edition/patterns-{tag}.marshal")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/home/editor")
    expected = Path(f"/home/editor/.cache/critical-edition/patterns-{tag}.marshal")
    assert patterncache.cache_path() == expected
