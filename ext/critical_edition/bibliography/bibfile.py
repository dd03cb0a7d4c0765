"""Reading .bib files (builder-inited): entries split, parsed one by one, each problem located.

sphinxcontrib-bibtex hands the files to pybtex in strict mode, so one duplicate key silently
drops every later entry of the file, an unbalanced brace swallows the rest of the file, and a
syntax error stops the build with a traceback and no file name. Here each file is split into
entries (checking brace balance per entry), every entry is parsed on its own with pybtex while
errors are captured, what was read is validated, and each problem is reported with the .bib
path and the entry's line. :func:`check_bibfiles` returns the usable entries and the problems.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pybtex.plugin
from pybtex import errors as pybtex_errors
from pybtex.database.input.bibtex import DuplicateField, Parser, UndefinedMacro
from pybtex.plugin import PluginNotFound
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime

from critical_edition.core.diagnostics import Subtype
from critical_edition.speedups import bibcache

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


#: Control characters no field can hold (tab, line feed and carriage return are white space).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def field_line(chunk: _Chunk, name: str, occurrence: int) -> int:
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
                f"{field_line(chunk, field_name, 1)}); the first is used: delete one"
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
        controls = [m.start() for m in _CONTROL.finditer(text)]
        if controls:
            text = _CONTROL.sub("", text)
        chunks, strays = split_entries(text)
        if controls:
            self.report_controls(path, chunks, text, controls[0], len(controls))
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

    def report_controls(
        self, path: Path, chunks: list[_Chunk], text: str, first: int, count: int
    ) -> None:
        """Report control characters (a NUL byte, say), which were taken out of *text*."""
        line = text.count("\n", 0, first) + 1
        owner = [chunk for chunk in chunks if chunk.line <= line]
        where = f'entry "{owner[-1].key}"' if owner and owner[-1].key else "text"
        more = f" (and {count - 1} more)" if count > 1 else ""
        self.problem(
            path,
            owner[-1].line if owner else line,
            Subtype.BIB_CONTROL_CHARACTER,
            f"the {where} has an invisible control character{more} at line {line} (a NUL "
            "byte or the like, which no bibliography field can hold); delete it from the file "
            "(it is left out meanwhile)",
        )

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
        # url, archiveurl and any other field holding an address: the style links them all.
        for field_name, url in list(entry.fields.items()):
            if field_name.lower().endswith("url") and _bad_url(url):
                del entry.fields[field_name]
                self.problem(
                    path,
                    chunk.line,
                    Subtype.BIB_BAD_URL,
                    f"{name} has a{'n' if field_name[0] in 'aeioAEIO' else ''} "
                    f"{field_name.lower()} that is not an absolute http(s) address: "
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
