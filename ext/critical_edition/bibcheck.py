"""Bibliography check (builder-inited, before sphinxcontrib-bibtex): reads and checks the .bib files.

sphinxcontrib-bibtex hands the files to pybtex in strict mode, so one duplicate key silently
drops every later entry of the file, an unbalanced brace swallows the rest of the file, and a
syntax error stops the build with a traceback and no file name. This module runs first, at
``builder-inited``: it splits each file into entries itself (checking brace balance per entry),
parses every entry on its own with pybtex while capturing errors, validates what it read, and
reports each problem with the .bib path and the entry's line. The entries that can be used are
handed to sphinxcontrib-bibtex as its parsed data, stamped with the files' modification times,
so sphinxcontrib-bibtex finds its cache current and does not parse the files again. The check's
result is kept in the environment under a digest of the files' contents, the settings and the
checking code: a build in which none of these changed reports the same problems from it
without reading the files again.

Later in the build it reports the entries no page uses (checkcites' "unused"), counts linked
and missing citations for the report, and makes pages that cite a changed entry be rewritten.
Keys cited but missing from every .bib file are left to sphinxcontrib-bibtex's own located
warning ``bibtex.key_not_found``: one diagnostic per problem, with the citing page and line.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pybtex.plugin
from docutils import nodes
from docutils.nodes import make_id
from pybtex import errors as pybtex_errors
from pybtex.database.input.bibtex import DuplicateField, Parser, UndefinedMacro
from pybtex.plugin import PluginNotFound, find_plugin
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime

from . import bibcache, report
from .diagnostics import Subtype, warn
from .domain import edition_claims
from .envdata import PerDocument, swap

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

#: Where the citation fingerprints of the last build live (an attribute of the environment).
_ENV_FINGERPRINTS = "critical_edition_citation_fingerprints"
#: Keys cited with ``{footcite}`` per document (an attribute of the environment).
_ENV_FOOTCITES = "critical_edition_footcite_keys"
#: The last check of the .bib files and its key (an attribute of the environment).
_ENV_CHECK = "critical_edition_bibcheck"

# pybtex's name characters: letters, digits and !$&*+-./:;<>?[\]^_`|
_NAME = r"[A-Za-z_!$&*+\-./:;<>?\[\]^`|][\w!$&*+\-./:;<>?\[\]^`|]*"
_HEADER = re.compile(rf"@\s*({_NAME})\s*([{{(])")
_WORD_AFTER_AT = re.compile(rf"@\s*({_NAME})?")
#: A line that starts another entry: seen inside an entry, the entry was never closed.
_ENTRY_AHEAD = re.compile(rf"[ \t]*@\s*{_NAME}\s*[{{(]")
_KEY_BRACE = re.compile(r"\s*([^\s,}]+)")
_KEY_PAREN = re.compile(r"\s*([^\s,]+)")
_SPECIAL = re.compile(r"[{}()\n]")
_DUPLICATE_FIELD = re.compile(r"has a duplicate (\S+) field")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_NOT_IN_LINKS = frozenset('"<>\\`{}|^')
_LATEX_URL = re.compile(r"\\url\s*(?:\{([^{}]*)\}|([^\s{}]+))")


@dataclass(frozen=True)
class _Chunk:
    """One ``@command{...}`` of a .bib file, as the splitter found it."""

    command: str
    key: str | None
    line: int
    text: str
    closed: bool
    #: The line where the entry ended early because of one closing brace too many.
    extra_brace_line: int | None = None
    #: The line of the next entry an unclosed entry ran into (None: the end of the file).
    runs_into: int | None = None


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in a .bib file (or in ``bibtex_bibfiles``), ready to be reported."""

    path: str
    line: int | None
    subtype: Subtype = field(compare=False)
    message: str = field(compare=False)


@dataclass
class BibCheckResult:
    """What the check read: the usable data, the problems, and where each entry stands."""

    bibdata: BibData
    problems: list[Problem] = field(default_factory=list)
    #: Entry key (case-folded) -> (path, line) of the entry that was kept.
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: sphinxcontrib-bibtex's "missing <field> in <key>" messages already reported here.
    missing_field_messages: set[str] = field(default_factory=set)
    #: The formatted entries the check used from bibcache's cache (kept there while reused).
    formatted: frozenset[bibcache.CacheKey] = frozenset()


# -- splitting a file into entries -----------------------------------------------------------


class _Lines:
    """Line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def _find_end(text: str, start: int, opener: str) -> tuple[int, bool]:
    """Where the entry whose body starts at ``start`` ends, and whether it was closed."""
    depth = 0
    for match in _SPECIAL.finditer(text, start):
        char, pos = match.group(), match.start()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                # Closes a {...} entry; in a (...) entry it closes nothing: the entry is broken.
                return (pos + 1, True) if opener == "{" else (pos, False)
            depth -= 1
        elif char == ")":
            if opener == "(" and depth == 0:
                return pos + 1, True
        elif char == "\n" and _ENTRY_AHEAD.match(text, pos + 1):
            return pos + 1, False
    return len(text), False


def split_entries(text: str) -> tuple[list[_Chunk], list[tuple[int, str]]]:
    """Split .bib text into commands, checking each one's brace balance.

    :returns: the commands in file order, and (line, description) of every ``@`` that starts
        no command.
    """
    line_of = _Lines(text)
    chunks: list[_Chunk] = []
    strays: list[tuple[int, str]] = []
    pos = 0
    while (at := text.find("@", pos)) >= 0:
        header = _HEADER.match(text, at)
        if header is None:
            word = _WORD_AFTER_AT.match(text, at)
            name = word.group(1) if word and word.group(1) else ""
            strays.append((line_of(at), name))
            pos = at + 1
            continue
        command, opener = header.group(1).lower(), header.group(2)
        end, closed = _find_end(text, header.end(), opener)
        key = None
        if command not in ("comment", "string", "preamble"):
            key_match = (_KEY_BRACE if opener == "{" else _KEY_PAREN).match(text, header.end())
            key = key_match.group(1) if key_match else None
        chunk = _Chunk(command, key, line_of(at), text[at:end], closed)
        pos = end
        if not closed:
            chunk = replace(chunk, runs_into=line_of(end) if end < len(text) else None)
        elif opener == "{" and command != "comment":
            # Text after the entry holding a '}' means the entry closed early: one brace too
            # many. Drop the premature closing brace and take the entry to its real end.
            following = text.find("@", end)
            gap = text[end : following if following >= 0 else len(text)]
            if "}" in gap:
                last = end + gap.rindex("}")
                mended = text[at : end - 1] + text[end : last + 1]
                if _find_end(mended, header.end() - at, opener) == (len(mended), True):
                    chunk = replace(chunk, text=mended, extra_brace_line=line_of(end - 1))
                    pos = last + 1
        chunks.append(chunk)
    return chunks, strays


# -- reading and validating ------------------------------------------------------------------


def _error_text(error: BaseException) -> str:
    return str(error.args[0]) if error.args else str(error)


def _field_line(chunk: _Chunk, name: str, occurrence: int) -> int:
    """The line of the ``occurrence``-th (0-based) ``name =`` in the entry, or its first line."""
    pattern = re.compile(rf"(?im)(?:^|[,{{(])\s*{re.escape(name)}\s*=")
    matches = list(pattern.finditer(chunk.text))
    if len(matches) > occurrence:
        return chunk.line + chunk.text.count("\n", 0, matches[occurrence].end())
    return chunk.line


def _bad_url(url: str) -> bool:
    if any(ch.isspace() or ch in _NOT_IN_LINKS or ord(ch) < 32 for ch in url):
        return True
    parts = urlsplit(url)
    return parts.scheme.lower() not in ("http", "https") or not parts.netloc


def _shorten(value: str, limit: int = 80) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _describe_error(chunk: _Chunk, name: str, error: BaseException) -> tuple[Subtype, str]:
    """The kind of problem and the message for an error pybtex raised on ``chunk``."""
    if isinstance(error, DuplicateField):
        found = _DUPLICATE_FIELD.search(str(error))
        field_name = found.group(1) if found else "?"
        return (
            Subtype.BIB_DUPLICATE_FIELD,
            (
                f'{name} gives the field "{field_name}" twice (again at line '
                f"{_field_line(chunk, field_name, 1)}); the first is used: delete one"
            ),
        )
    if isinstance(error, PybtexSyntaxError):  # UndefinedMacro is one too
        line = chunk.line + (error.lineno or 1) - 1
        what = _error_text(error)
        if isinstance(error, UndefinedMacro):
            return (
                Subtype.BIB_SYNTAX,
                (
                    f'{name} uses "{what}" at line {line}, which is no @string: put the value in '
                    f'braces ({{...}}) or define it with @string{{{what} = "..."}}'
                ),
            )
        if what in ("'}' expected", "')' expected"):
            what = f"a ',' between two fields (or the closing {what[:3]}) is missing"
        return (
            Subtype.BIB_SYNTAX,
            (
                f"{name} cannot be read completely: {what} before line {line}; the rest of "
                "the entry is ignored: check the commas, '=' signs, braces and quotes"
            ),
        )
    if "name" in type(error).__name__.lower():
        return (
            Subtype.BIB_BAD_NAME,
            (
                f"{name}: {_error_text(error)}; write each name as 'Last, First' or "
                "'First Last', separated by 'and'"
            ),
        )
    return Subtype.BIB_SYNTAX, f"{name} cannot be read: {_error_text(error)}"


class _Reader:
    """Reads the .bib files into one pybtex database, collecting problems on the way."""

    def __init__(self, encoding: str, style_name: str, root: Path) -> None:
        self.encoding = encoding
        self.style_name = style_name
        self.root = root
        self.parser = Parser(encoding)
        self.problems: list[Problem] = []
        self.lines: dict[str, tuple[str, int]] = {}
        self.missing_field_messages: set[str] = set()
        self.style: Any = None
        try:
            # Looked up through the module when called, not through the name imported above:
            # the edition's memo (bibcache) then answers, with a style that formats each
            # unchanged entry once across builds instead of on every build.
            self.style = pybtex.plugin.find_plugin("pybtex.style.formatting", style_name)()
        except PluginNotFound:  # an unknown style is sphinxcontrib-bibtex's to report
            self.style = None

    def problem(self, path: Path, line: int | None, subtype: Subtype, message: str) -> None:
        self.problems.append(Problem(str(path), line, subtype, message))

    def where(self, path: str, line: int) -> str:
        """``path:line`` with the path relative to conf.py's directory (or its parent)."""
        shown = path
        for base in (self.root, self.root.parent):
            try:
                shown = Path(path).relative_to(base).as_posix()
            except ValueError:
                continue
            break
        return f"{shown}:{line}"

    def read_file(self, path: Path) -> BibFile:
        """Read one file; return what sphinxcontrib-bibtex keeps about it."""
        mtime = get_mtime(path)  # before reading: a later edit is then seen as a change
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(
                path,
                None,
                Subtype.BIB_FILE_MISSING,
                f"cannot read the bibliography file: {exc.strerror or exc}",
            )
            return BibFile(mtime=mtime, keys={})
        bad_byte: tuple[int, int] | None = None
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError as exc:
            bad_byte = (raw.count(b"\n", 0, exc.start) + 1, raw[exc.start])
            text = raw.decode(self.encoding, errors="replace")
        chunks, strays = split_entries(text)
        if bad_byte is not None:
            line, byte = bad_byte
            owner = [chunk for chunk in chunks if chunk.line <= line]
            where = f'entry "{owner[-1].key}"' if owner and owner[-1].key else "text"
            self.problem(
                path,
                owner[-1].line if owner else line,
                Subtype.BIB_ENCODING,
                f"the file is not valid {self.encoding}: the {where} has a byte 0x{byte:02x} at "
                f"line {line} that cannot be read; save the file as {self.encoding} (the bad "
                "bytes are read as U+FFFD meanwhile)",
            )
        for line, name in strays:
            shown = f'"@{name}"' if name else 'an "@"'
            self.problem(
                path,
                line,
                Subtype.BIB_SYNTAX,
                f"{shown} starts no entry (it is not followed by a type, then '{{' or '('); "
                "BibTeX reads every '@' as the start of an entry: remove it or complete the entry",
            )
        keys: dict[str, None] = {}
        for chunk in chunks:
            key = self.read_chunk(path, chunk)
            if key is not None:
                keys[key] = None
        return BibFile(mtime=mtime, keys=keys)

    def parse(self, path: Path, chunk: _Chunk) -> list[BaseException]:
        with pybtex_errors.capture() as captured:
            self.parser.parse_string(chunk.text)
        return list(captured)

    def read_chunk(self, path: Path, chunk: _Chunk) -> str | None:
        """Read one command; return the key of the entry it added, if any."""
        if chunk.command == "comment":
            return None
        name = f'entry "{chunk.key}"' if chunk.key else f"@{chunk.command}"
        if not chunk.closed:
            into = (
                f"the entry at line {chunk.runs_into}" if chunk.runs_into else "the end of the file"
            )
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_UNBALANCED_BRACES,
                f"{name} is never closed: a '}}' is missing, so it runs into {into}; the entry "
                "is left out until the brace is added",
            )
            return None
        if chunk.extra_brace_line is not None:
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_UNBALANCED_BRACES,
                f"{name} has one '}}' too many: it ended early at line "
                f"{chunk.extra_brace_line}; the extra brace is ignored: remove it",
            )
        if chunk.command in ("string", "preamble"):
            for error in self.parse(path, chunk):
                self.report_error(path, chunk, name, error)
            return None
        if chunk.key is None:
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_SYNTAX,
                f"the @{chunk.command} entry has no key: write @{chunk.command}{{key, ...}}",
            )
            return None
        folded = chunk.key.casefold()
        if folded in self.lines:
            first = self.where(*self.lines[folded])
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_DUPLICATE_KEY,
                f'duplicate key "{chunk.key}": the entry at {first} has it already (keys ignore '
                "case); this entry is left out: rename or delete it",
            )
            return None
        errors = self.parse(path, chunk)
        for error in errors:
            self.report_error(path, chunk, name, error)
        entry = self.parser.data.entries.get(chunk.key)
        if entry is None:
            return None
        self.lines[folded] = (str(path), chunk.line)
        # After a syntax error the fields that follow it are lost: a "missing field" would
        # only repeat that problem.
        truncated = any(isinstance(error, PybtexSyntaxError) for error in errors)
        if not self.validate(path, chunk, entry, report_missing=not truncated):
            del self.parser.data.entries[chunk.key]
            return None
        return str(entry.key)

    def report_error(self, path: Path, chunk: _Chunk, name: str, error: BaseException) -> None:
        self.problem(path, chunk.line, *_describe_error(chunk, name, error))

    def validate(self, path: Path, chunk: _Chunk, entry: Any, *, report_missing: bool) -> bool:
        """Check one entry's type and fields; return False to leave it out."""
        name = f'entry "{chunk.key}"'
        url = entry.fields.get("url")
        if url is not None and _bad_url(url):
            del entry.fields["url"]
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_BAD_URL,
                f"{name} has a url that is not an absolute http(s) address: "
                f"{_shorten(url)!r}; it is left out of the output until corrected",
            )
        # sphinxcontrib-bibtex turns "\url{...}" in any field into a link.
        for field_name, value in list(entry.fields.items()):
            targets = ["".join(groups).strip() for groups in _LATEX_URL.findall(value)]
            bad = [target for target in targets if _bad_url(target)]
            if bad:
                del entry.fields[field_name]
                self.problem(
                    path,
                    chunk.line,
                    Subtype.BIB_BAD_URL,
                    f"{name} has a \\url in its {field_name} field that is not an absolute "
                    f"http(s) address: {_shorten(bad[0])!r}; the field is left out of the output "
                    "until corrected",
                )
        doi = entry.fields.get("doi")
        if doi is not None and (
            not _DOI.fullmatch(doi.strip()) or any(ch in _NOT_IN_LINKS for ch in doi)
        ):
            del entry.fields["doi"]
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_BAD_DOI,
                f"{name} has a doi that is not of the form 10.NNNN/suffix: {_shorten(doi)!r}; "
                "write the bare DOI (no https://doi.org/ or doi:); it is left out of the output "
                "until corrected",
            )
        style = self.style
        if style is None:
            return True
        if not (
            hasattr(style, f"get_{entry.type}_template") or hasattr(style, f"format_{entry.type}")
        ):
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_UNKNOWN_TYPE,
                f'{name} has the type @{entry.original_type}, which the style "{self.style_name}" '
                "cannot format; it is formatted as @misc meanwhile: use a known type (article, "
                "book, incollection, inproceedings, misc, online, phdthesis, techreport ...)",
            )
            entry.type = "misc"
        try:
            style.format_entry("", entry)
        except FieldIsMissing as exc:
            self.missing_field_messages.add(str(exc))
            if not report_missing:
                return True
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_MISSING_FIELD,
                f'{name} (@{entry.type}) has no "{exc.field_name}" field, which the style '
                f'"{self.style_name}" needs; the bibliography prints "{exc}" until it is added',
            )
        except Exception as exc:  # noqa: BLE001
            # Whatever a style raises on an entry would stop sphinxcontrib-bibtex with a
            # traceback; it is the entry's problem, so it is reported and the entry left out.
            self.problem(
                path,
                chunk.line,
                Subtype.BIB_UNFORMATTABLE,
                f'{name} cannot be formatted by the style "{self.style_name}": '
                f"{_error_text(exc)}; it is left out of the bibliography until corrected",
            )
            return False
        return True


def _conf_line(confdir: Path, needle: str) -> tuple[str, int | None]:
    conf = confdir / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return str(conf), None
    for probe in (needle, "bibtex_bibfiles"):
        # The last assignment is the one in effect.
        for number in range(len(lines), 0, -1):
            if probe in lines[number - 1]:
                return str(conf), number
    return str(conf), None


def check_bibfiles(
    paths: list[Path], encoding: str, style_name: str, confdir: Path
) -> BibCheckResult:
    """Read and validate every .bib file; return the usable data and the problems.

    :param paths: the files, resolved, in ``bibtex_bibfiles`` order (macros and duplicate
        keys carry over from one file to the next, as in sphinxcontrib-bibtex).
    :param encoding: ``bibtex_encoding``.
    :param style_name: ``bibtex_default_style``, used to find entries it cannot format.
    :param confdir: where conf.py is (to locate problems with the list of files).
    """
    # sphinxcontrib-bibtex re-parses when the recorded encoding differs from the setting: the
    # setting is recorded as given, even when the files had to be read in another encoding.
    configured = encoding
    unknown: Problem | None = None
    try:
        codecs.lookup(encoding)
    except LookupError:
        conf, line = _conf_line(confdir, "bibtex_encoding")
        problem = f"bibtex_encoding = {encoding!r} is no encoding Python knows; reading as utf-8"
        unknown = Problem(conf, line, Subtype.BIB_ENCODING, problem)
        encoding = "utf-8"
    reader = _Reader(encoding, style_name, confdir)
    if unknown is not None:
        reader.problems.append(unknown)
    bibfiles: dict[Path, BibFile] = {}
    for path in paths:
        if not path.is_file():
            conf, line = _conf_line(confdir, path.name)
            reader.problems.append(
                Problem(
                    conf,
                    line,
                    Subtype.BIB_FILE_MISSING,
                    f"the bibliography file {path} named in bibtex_bibfiles does not exist",
                )
            )
            bibfiles[path] = BibFile(mtime=get_mtime(path), keys={})
            continue
        bibfiles[path] = reader.read_file(path)
    order = {str(path): i for i, path in enumerate(paths)}
    problems = sorted(
        reader.problems, key=lambda p: (order.get(p.path, -1), p.line or 0, p.message)
    )
    return BibCheckResult(
        bibdata=BibData(encoding=configured, bibfiles=bibfiles, data=reader.parser.data),
        problems=problems,
        lines=reader.lines,
        missing_field_messages=reader.missing_field_messages,
    )


# -- the check's cache, kept in the environment ----------------------------------------------

#: Part of every cache key: bump when the check's result changes its layout or meaning.
_CACHE_VERSION = 2


@dataclass(frozen=True)
class CachedCheck:
    """The last build's check and the digest of everything it was made from."""

    key: str
    result: BibCheckResult


def _file_state(path: Path) -> str:
    """A digest of the file's bytes, or why it has none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable: {type(exc).__name__} {exc.strerror or exc}"


def _code_state(style_name: str) -> list[tuple[str, str]]:
    """Each module whose code decides what the check finds, with its file's time and size.

    This module, pybtex's parser and the formatting style (with its name, label and sorting
    styles), so that editing or upgrading any of them runs the check again.
    """
    classes: list[type] = [_Reader, Parser]
    try:
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", style_name)()
    except PluginNotFound:
        pass
    else:
        parts = (getattr(style, name, None) for name in ("name_style", "label_style", "sort_style"))
        classes += [type(style), *(type(part) for part in parts if part is not None)]
    modules = sorted({klass.__module__ for cls in classes for klass in cls.__mro__})
    states = []
    for name in modules:
        filename = getattr(sys.modules.get(name), "__file__", None)
        if filename:
            try:
                stat = Path(filename).stat()
            except OSError:
                states.append((name, "?"))
            else:
                states.append((name, f"{stat.st_mtime_ns}:{stat.st_size}"))
    return states


def check_key(paths: list[Path], encoding: str, style_name: str, confdir: Path) -> str:
    """A digest of everything :func:`check_bibfiles` reads: equal digests, equal results.

    The .bib files' contents (not their modification times: touching a file does not run the
    check again), conf.py's (problems with the settings point into it), the settings and the
    code that checks.
    """
    parts = (
        _CACHE_VERSION,
        [(str(path), _file_state(path)) for path in paths],
        encoding,
        style_name,
        str(confdir),
        _file_state(confdir / "conf.py"),
        _code_state(style_name),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _restamped(result: BibCheckResult, mtimes: dict[Path, float]) -> BibCheckResult:
    """``result`` with the files' current modification times, as sphinxcontrib-bibtex wants."""
    bibdata = result.bibdata
    bibfiles = {
        path: bibfile._replace(mtime=mtimes[path] if path in mtimes else get_mtime(path))
        for path, bibfile in bibdata.bibfiles.items()
    }
    return replace(result, bibdata=bibdata._replace(bibfiles=bibfiles))


def cached_check(
    env: BuildEnvironment, paths: list[Path], encoding: str, style_name: str, confdir: Path
) -> BibCheckResult:
    """:func:`check_bibfiles`, or the last build's result when nothing it reads has changed.

    The result is kept in the environment (:data:`_ENV_CHECK`), pickled with it; the problems
    it holds are reported by every build all the same.
    """
    # Before reading: an edit made while the files are read is then seen as a change.
    mtimes = {path: get_mtime(path) for path in paths}
    key = check_key(paths, encoding, style_name, confdir)
    stored = getattr(env, _ENV_CHECK, None)
    if isinstance(stored, CachedCheck) and stored.key == key:
        result = _restamped(stored.result, mtimes)
        # Not formatted again: still in use, so that the next check finds them formatted.
        bibcache.CACHE.keep(result.formatted)
    else:
        with bibcache.CACHE.recording() as formatted:
            result = check_bibfiles(paths, encoding, style_name, confdir)
        result = replace(result, formatted=frozenset(formatted))
    setattr(env, _ENV_CHECK, CachedCheck(key, result))
    return result


def _last_check(env: BuildEnvironment) -> BibCheckResult | None:
    """The check kept in the environment: this build's once :func:`validate_bibfiles` ran."""
    stored = getattr(env, _ENV_CHECK, None)
    return stored.result if isinstance(stored, CachedCheck) else None


# -- Sphinx events ---------------------------------------------------------------------------


def _bibfile_paths(app: Sphinx) -> list[Path] | None:
    names = app.config.bibtex_bibfiles
    if names is None:
        return None  # sphinxcontrib-bibtex stops the build with a sentence saying what to set
    return [(Path(app.confdir) / name).resolve() for name in names]


def validate_bibfiles(app: Sphinx) -> None:
    """Check the .bib files and give sphinxcontrib-bibtex the entries that can be used.

    Connected to ``builder-inited`` with priority 400, so that it runs before
    sphinxcontrib-bibtex's own handler (default priority 500), which would otherwise parse the
    files in pybtex's strict mode and lose entries. Runs on every build, so that a problem in
    a .bib file is reported by every build until it is fixed, like the corpus-wide checks;
    when no .bib file changed, the problems come from the last build's check
    (:func:`cached_check`) instead of reading the files again.
    """
    paths = _bibfile_paths(app)
    if paths is None:
        return
    result = cached_check(
        app.env,
        paths,
        app.config.bibtex_encoding,
        app.config.bibtex_default_style,
        Path(app.confdir),
    )
    for problem in result.problems:
        location = f"{problem.path}:{problem.line}" if problem.line else problem.path
        warn(problem.message, problem.subtype, location)
    # sphinxcontrib-bibtex keeps its parse in the cite domain and re-parses only when the list
    # of files, the encoding or a file's modification time changed; this is that parse.
    app.env.domains["cite"].data["bibdata"] = result.bibdata


#: Style settings of sphinxcontrib-bibtex: (setting, plugin group, fallback).
_STYLE_SETTINGS = (
    ("bibtex_default_style", "pybtex.style.formatting", "plain"),
    ("bibtex_tooltips_style", "pybtex.style.formatting", ""),
    ("bibtex_reference_style", "sphinxcontrib.bibtex.style.referencing", "label"),
    ("bibtex_foot_reference_style", "sphinxcontrib.bibtex.style.referencing", "foot"),
)


def validate_styles(app: Sphinx, config: Config) -> None:
    """An unknown style name warns and falls back, instead of a traceback; ``config-inited``.

    sphinxcontrib-bibtex looks the styles up only when it formats, and an unknown name stops
    the build there with a traceback. Priority 900: after the extensions that register their
    own styles on ``config-inited``.
    """
    from sphinxcontrib.bibtex.plugin import find_plugin as find_referencing

    for name, group, fallback in _STYLE_SETTINGS:
        value = getattr(config, name, None)
        if not value:
            continue
        try:
            if group.startswith("pybtex"):
                find_plugin(group, value)
            else:
                find_referencing(group, value)
        except (PluginNotFound, ImportError, KeyError):
            path, line = _conf_line(Path(app.confdir), name)
            fallback_text = repr(fallback) if fallback else "the default"
            warn(
                f"{name} = {value!r} names no installed style; using {fallback_text}",
                Subtype.CONFIG_INVALID,
                f"{path}:{line}" if line else path,
            )
            setattr(config, name, fallback)


def _take_over_missing_field(app: Sphinx) -> report.Interceptor:
    """sphinxcontrib-bibtex's ``missing_field`` repeats a problem reported at the entry."""

    def handler(record: logging.LogRecord) -> bool:
        if getattr(record, "type", None) != "bibtex":
            return False
        if getattr(record, "subtype", None) != "missing_field":
            return False
        result = _last_check(app.env)
        message = logging.LogRecord.getMessage(record)
        return result is not None and message in result.missing_field_messages

    return handler


def _footcite_names(app: Sphinx) -> dict[str, str]:
    """Footnote name -> key, for the footnotes ``{footcite}`` creates."""
    template: str = app.config.bibtex_footcite_id or "footcite-{key}"
    entries = app.env.domains["cite"].data["bibdata"].data.entries
    names: dict[str, str] = {}
    counts = range(1, 11) if "footbibliography_count" in template else range(1, 2)
    for key in entries:
        for n in counts:
            names[make_id(template.format(key=key, footbibliography_count=n))] = str(key)
    return names


class _FootciteKeys(PerDocument[list[str]]):
    """The keys each document cites with ``{footcite}``."""

    attribute = _ENV_FOOTCITES

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Remember the keys the document cites with ``{footcite}``."""
        footnotes = [
            name
            for node in doctree.findall(nodes.footnote)
            for name in node["names"]
            if "footcite" in name or app.config.bibtex_footcite_id
        ]
        if not footnotes:
            return
        names = _footcite_names(app)
        keys = sorted({names[name] for name in footnotes if name in names})
        self.of(app.env)[app.env.docname] = keys


def _claim_keys(env: BuildEnvironment) -> Iterator[str]:
    """Bib keys the edition's claims name as sources or evidence."""
    for claim in edition_claims(env):
        for key in (*claim.sources, *claim.evidence):
            if key and not key.startswith("^"):
                yield key


def check_citations(app: Sphinx, builder: Builder) -> None:
    """Report unused entries and count citations for the report; ``write-started``.

    Runs in every build (``env-check-consistency`` is skipped when nothing was re-read), once
    every document's citations are known.
    """
    env = app.env
    cite = env.domains["cite"]
    entries = cite.data["bibdata"].data.entries
    bibliographies = cite.data["bibliographies"]
    resolvable = {
        citation.key
        for citation in cite.data["citations"]
        if bibliographies[citation.bibliography_key].list_ == "citation"
    }
    used: set[str] = set()
    linked = missing = 0
    for ref in cite.data["citation_refs"]:
        for target in ref.targets:
            used.add(target.key.casefold())
            if target.key in resolvable:
                linked += 1
            else:
                missing += 1
    for keys in _FootciteKeys.of(env).values():
        used.update(key.casefold() for key in keys)
        linked += len(keys)
    for bibliography in bibliographies.values():
        used.update(key.casefold() for key in bibliography.keys)
    used.update(key.casefold() for key in _claim_keys(env))
    result = _last_check(env)
    lines = result.lines if result is not None else {}
    unused = 0
    for key in entries:
        if str(key).casefold() in used:
            continue
        unused += 1
        path, line = lines.get(str(key).casefold(), ("", 0))
        warn(
            f'the entry "{key}" is never cited: cite it where the text relies on it, or delete it',
            Subtype.CITATION_UNUSED,
            f"{path}:{line}" if path else None,
        )
    report.count(env, "citations", "linked", linked)
    report.count(env, "citations", "missing", missing)
    report.count(env, "citations", "unused", unused)
    report.count(env, "citations", "entries", len(entries))


def _fingerprint(citation: Any) -> str:
    formatted, tooltip = citation.formatted_entry, citation.tooltip_entry
    parts = (
        citation.citation_id,
        citation.bibliography_key.docname,
        formatted.label,
        formatted.text.render_as("text"),
        tooltip.text.render_as("text") if tooltip is not None else "",
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def pages_citing_changed_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose citations now render differently; ``env-updated``, after sphinxcontrib-bibtex.

    sphinxcontrib-bibtex makes only bibliography pages depend on the .bib files, so a page that
    only cites an entry kept its old label and tooltip after the entry changed. Citations are
    resolved when a page is written, so such pages need rewriting, not re-reading: this
    compares a fingerprint of every formatted citation (label, text, tooltip, target) with the
    last build's and returns the pages citing one that changed. Comparing the formatted output
    rather than the .bib entry also catches labels that change because another entry changed
    (numbering, "2020a"/"2020b"). Priority 600: after sphinxcontrib-bibtex's handler (500)
    has formatted the citations.
    """
    cite = env.domains["cite"]
    current: dict[str, str] = {}
    for citation in cite.data["citations"]:
        digest = _fingerprint(citation)
        current[citation.key] = (
            hashlib.sha256((current[citation.key] + digest).encode()).hexdigest()
            if citation.key in current
            else digest
        )
    previous: dict[str, str] | None = swap(env, _ENV_FINGERPRINTS, current)
    if previous is None:
        changed: set[str] | None = None  # no record: every citing page may be stale
    else:
        changed = {
            key for key in previous.keys() | current.keys() if previous.get(key) != current.get(key)
        }
        if not changed:
            return []
    pages = {
        ref.docname
        for ref in cite.data["citation_refs"]
        if changed is None or any(target.key in changed for target in ref.targets)
    }
    return sorted(pages & env.found_docs)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Connect the bibliography checks."""
    # config-inited, late: style names are checked once every extension registered its styles.
    app.connect("config-inited", validate_styles, priority=900)
    # builder-inited, priority 400: before sphinxcontrib-bibtex parses the files (priority 500).
    app.connect("builder-inited", validate_bibfiles, priority=400)
    report.intercept(app, _take_over_missing_field(app))
    # doctree-read / env-purge-doc / env-merge-info: {footcite} keys per document.
    app.add_env_collector(_FootciteKeys)
    # env-updated, priority 600: after sphinxcontrib-bibtex has formatted the citations.
    app.connect("env-updated", pages_citing_changed_entries, priority=600)
    # write-started: corpus-wide, every build.
    app.connect("write-started", check_citations)
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
