"""Compiled patterns (start-up): the regular expressions a build compiles, kept from one run to the next.

Python compiles a regular expression from its text in every process: it parses the pattern
and translates it into the matching engine's code, in Python. The modules a build imports
(Sphinx's builders, docutils, urllib3, Jinja, PyYAML, the toolkit...) compile some 530 of
them at import, 63 ms of a rebuild of the edition that changed nothing (about 0.55 s), once
the toolkit is imported. That translation depends only on the pattern, its flags and Python's
own ``re`` package, so this module keeps its result, the engine's code, in a file, and gives
it back to the engine in later runs (``_sre.compile``, which checks the code it is given).

- **What is kept:** a pattern (text or bytes) compiled by ``re`` while the process runs,
  once its code, rebuilt at exit by the same steps as ``re``, gives a pattern *equal* to the
  one ``re`` compiled (CPython compares patterns by text, flags and the engine's code). A
  pattern whose parsing warns (a deprecated escape) is not kept, so that it keeps warning.
  At most :data:`LIMIT` patterns: those used in the last run first; a pattern no run used
  while the file was written :data:`MAX_AGE` times goes (a pattern made from data, or
  from a set in hash order, that no later run compiles again).
- **Where:** ``$CRITICAL_EDITION_CACHE_DIR``, else ``$XDG_CACHE_HOME/critical-edition``,
  else ``~/.cache/critical-edition``; one file per Python (``patterns-cpython-311.marshal``),
  written whole or not at all. A folder that cannot be written only means no cache.
- **Never stale:** the file names the Python release, the engine's magic number and code
  size, and the size and date of each file of ``re``; any other file is ignored and replaced.
  CPython only (the check compares patterns by their code).
  It holds nothing of the toolkit's own code.
- **Off:** ``CRITICAL_EDITION_PATTERNCACHE=0``; and on a Python other than those tested
  (:data:`PYTHONS`), where ``re``'s insides may differ.

It is installed when the ``critical_edition`` package is imported (the edition's ``conf.py``
imports it first), so patterns compiled before that, by Sphinx's command line, are not kept.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import marshal
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from critical_edition.core.atomic import write_bytes
from critical_edition.core.codestamp import file_state
from critical_edition.core.switches import switched_on

# re's insides, as of Python 3.11 (no type stubs: read as Any).
_sre: Any
_compiler: Any
_parser: Any
_constants: Any
_casefix: Any
try:
    _sre = importlib.import_module("_sre")
    _compiler = importlib.import_module("re._compiler")
    _parser = importlib.import_module("re._parser")
    _constants = importlib.import_module("re._constants")
    _casefix = importlib.import_module("re._casefix")
except ImportError:  # pragma: no cover - another Python
    _sre = _compiler = _parser = _constants = _casefix = None

#: Set to ``0`` to compile every pattern afresh, as Python does.
SWITCH = "CRITICAL_EDITION_PATTERNCACHE"
#: The folder of the cache file, when set.
FOLDER_VARIABLE = "CRITICAL_EDITION_CACHE_DIR"
#: The Python releases whose ``re`` this module is tested against (3.12's insides look the
#: same, but no test has run there: add it once one has).
PYTHONS = ((3, 11),)
#: The most patterns the file keeps.
LIMIT = 2048
#: How many writings of the file a pattern no run used outlives.
MAX_AGE = 10
#: The file's layout; part of its key.
LAYOUT = 3

#: What the engine raises for code it refuses (``_sre`` checks the code it is given).
_REFUSED = (RuntimeError, TypeError, ValueError, OverflowError)

#: A pattern's key: whether it is bytes, its text (or bytes) and the flags it was compiled
#: with. The kind comes first, as in ``re``'s own cache: ``"a"`` and ``b"a"`` hash alike, and
#: comparing them warns under ``python -b`` (and fails under ``-bb``).
Key = tuple[bool, str | bytes, int]
#: What ``_sre.compile`` takes after the pattern: flags, code, groups, group names both ways.
Code = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class PatternCache:
    """The patterns known from earlier runs, and those this run used or compiled anew."""

    def __init__(self, path: Path, known: dict[Key, Code], ages: dict[Key, int]) -> None:
        self.path = path
        self.known = known
        #: How many writings of the file each known pattern has gone unused (0 if not given).
        self.ages = ages
        self.used: dict[Key, None] = {}
        self.compiled: dict[Key, re.Pattern[Any]] = {}
        self.original = _compiler.compile

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        """``re._compiler.compile``: the kept code for a known pattern, else Python's own."""
        # Only plain text or bytes and plain flags (the file holds no subclass of them).
        if type(pattern) not in (str, bytes) or type(flags) is not int or flags & re.DEBUG:
            return self.original(pattern, flags)
        key = (type(pattern) is bytes, pattern, flags)
        code = self.known.get(key)
        if code is not None:
            try:
                compiled = _sre.compile(pattern, *code)
            except _REFUSED:  # compiled afresh below, and kept anew if it can be
                self.known.pop(key, None)
            else:
                self.used[key] = None
                return compiled
        compiled = self.original(pattern, flags)
        if len(self.compiled) < LIMIT:  # no more could be kept: the rest are not held
            self.compiled.setdefault(key, compiled)
        return compiled

    def entries(self) -> tuple[dict[Key, Code], dict[Key, int]]:
        """What the file should hold now, with the patterns' ages: the patterns used this
        run, those it compiled and could keep, then the others known before that are not
        too old, up to :data:`LIMIT`."""
        # Copies: a thread still running at exit may compile meanwhile.
        known, used, compiled = dict(self.known), list(self.used), list(self.compiled.items())
        result = {key: known[key] for key in used if key in known}
        for key, pattern in compiled:
            if len(result) >= LIMIT:
                break
            code = engine_code(key[1], key[2])
            if code is not None and _sre.compile(key[1], *code) == pattern:
                result[key] = code
        ages: dict[Key, int] = {}
        for key, code in known.items():
            if len(result) >= LIMIT:
                break
            age = self.ages.get(key, 0) + 1
            if key not in result and age <= MAX_AGE:
                result[key] = code
                ages[key] = age
        return result, ages

    def save(self) -> None:
        """Write the file when this run compiled a pattern it could keep (at exit)."""
        try:
            if not self.compiled:
                return
            entries, ages = self.entries()
            if entries.keys() == self.known.keys():
                return
            data = marshal.dumps((file_key(), entries, ages))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path, data)
        except Exception:  # noqa: BLE001 - a cache not written is only a slower next run
            return  # and never an error, or a traceback, when the program exits


def engine_code(pattern: str | bytes, flags: int) -> Code | None:
    """The arguments ``re`` gives ``_sre.compile`` for *pattern*, by ``re``'s own steps
    (``re._compiler.compile``); None when parsing it warns or fails."""
    flags = int(flags)  # a RegexFlag is an int the file's format cannot hold
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
    except (Warning, re.error, RecursionError, OverflowError, TypeError, ValueError):
        return None
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        flags | parsed.state.flags,
        [int(word) for word in code],  # some words are named constants: plain ints
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


@functools.cache
def file_key() -> tuple[Any, ...]:
    """What the kept code depends on: Python, its engine, and the files of ``re`` with their
    status (:func:`.codestamp.file_state`); worked out once per process, as read and saved."""
    files = [
        file_state(getattr(module, "__file__", None) or "")
        for module in (_compiler, _parser, _constants, _casefix, re)
    ]
    return (
        LAYOUT,
        sys.version,
        sys.implementation.cache_tag,
        _sre.MAGIC,
        _sre.CODESIZE,
        _sre.MAXREPEAT,
        tuple(files),
    )


def cache_path() -> Path | None:
    """The cache file of this Python (module docstring), or None when there is no folder."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME")
        if not base:
            try:
                base = str(Path.home() / ".cache")
            except (RuntimeError, KeyError):
                return None
        folder = str(Path(base) / "critical-edition")
    tag = sys.implementation.cache_tag or "python"
    return Path(folder) / f"patterns-{tag}.marshal"


def read(path: Path) -> tuple[dict[Key, Code], dict[Key, int]]:
    """The patterns kept in *path* for this Python, and their ages; none when the file is
    missing, from another Python or ``re``, or not what this module writes."""
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    if (
        not isinstance(stored, tuple)
        or len(stored) != 3
        or stored[0] != file_key()
        or not isinstance(stored[1], dict)
        or not isinstance(stored[2], dict)
    ):
        return {}, {}
    return stored[1], stored[2]


_installed: list[PatternCache] = []


def install() -> bool:
    """Keep compiled patterns from now on (once per process), unless switched off, on an
    untested Python, or without a folder; whether the cache is in place."""
    if _installed:
        return True
    if _sre is None or sys.version_info[:2] not in PYTHONS or not switched_on(SWITCH):
        return False
    if sys.implementation.name != "cpython":  # equal patterns, compared by their code
        return False
    if not hasattr(_compiler, "_code") or not hasattr(_parser, "parse"):
        return False
    path = cache_path()
    if path is None:
        return False
    cache = PatternCache(path, *read(path))
    _installed.append(cache)
    _compiler.compile = cache.compile  # re._compile looks it up at each call
    atexit.register(cache.save)
    return True


def installed() -> PatternCache | None:
    """The cache in place in this process, if any."""
    return _installed[0] if _installed else None
