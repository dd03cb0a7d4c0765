"""Reading .bib files (builder-inited): entries split, parsed one by one, each problem located.

sphinxcontrib-bibtex hands the files to pybtex in strict mode, so one duplicate key silently
drops every later entry of the file, an unbalanced brace swallows the rest of the file, and a
syntax error stops the build with a traceback and no file name. Here each file is split into
entries (checking brace balance per entry), every entry is parsed on its own with pybtex while
errors are captured, what was read is validated, and each problem is reported with the .bib
path and the entry's line. :func:`check_bibfiles` returns the usable entries and the problems.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pybtex.plugin
from pybtex import errors as pybtex_errors
from pybtex.database import BibliographyDataError
from pybtex.database.input.bibtex import DuplicateField, Parser, UndefinedMacro
from pybtex.plugin import PluginNotFound
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime

from critical_edition.bibliography.bibsplit import _Chunk, field_line, split_entries
from critical_edition.bibliography.entrymemo import EntryMemo, EntryResult, Note
from critical_edition.bibliography.entrymemo import entry_key as memo_key
from critical_edition.bibliography.entrymemo import macro_state as macro_digest
from critical_edition.core.diagnostics import Subtype
from critical_edition.speedups import bibcache

_DUPLICATE_FIELD = re.compile(r"has a duplicate (\S+) field")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_NOT_IN_LINKS = frozenset('"<>\\`{}|^')
_LATEX_URL = re.compile(r"\\url\s*(?:\{([^{}]*)\}|([^\s{}]+))")


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


#: Control characters no field can hold (tab, line feed and carriage return are white space).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# -- reading and validating ------------------------------------------------------------------


def _error_text(error: BaseException) -> str:
    return str(error.args[0]) if error.args else str(error)


def _bad_url(url: str) -> bool:
    if any(ch.isspace() or ch in _NOT_IN_LINKS or ord(ch) < 32 for ch in url):
        return True
    parts = urlsplit(url)
    return parts.scheme.lower() not in ("http", "https") or not parts.netloc


def _shorten(value: str, limit: int = 80) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _describe_error(chunk: _Chunk, name: str, error: BaseException) -> Note:
    """The problem for an error pybtex raised on ``chunk`` (lines counted from its first)."""
    if isinstance(error, DuplicateField):
        found = _DUPLICATE_FIELD.search(str(error))
        field_name = found.group(1) if found else "?"
        again = field_line(chunk, field_name, 1) - chunk.line
        return Note(
            Subtype.BIB_DUPLICATE_FIELD,
            (
                f'{name} gives the field "{field_name}" twice (again at line ',
                again,
                "); the first is used: delete one",
            ),
        )
    if isinstance(error, PybtexSyntaxError):  # UndefinedMacro is one too
        offset = (error.lineno or 1) - 1
        what = _error_text(error)
        if isinstance(error, UndefinedMacro):
            return Note(
                Subtype.BIB_SYNTAX,
                (
                    f'{name} uses "{what}" at line ',
                    offset,
                    (
                        ", which is no @string: put the value in braces ({...}) or define it "
                        f'with @string{{{what} = "..."}}'
                    ),
                ),
            )
        if what in ("'}' expected", "')' expected"):
            what = f"a ',' between two fields (or the closing {what[:3]}) is missing"
        return Note(
            Subtype.BIB_SYNTAX,
            (
                f"{name} cannot be read completely: {what} before line ",
                offset,
                (
                    "; the rest of the entry is ignored: check the commas, '=' signs, braces "
                    "and quotes"
                ),
            ),
        )
    if "name" in type(error).__name__.lower():
        message = (
            f"{name}: {_error_text(error)}; write each name as 'Last, First' or 'First Last', "
            "separated by 'and'"
        )
        return Note(Subtype.BIB_BAD_NAME, (message,))
    return Note(Subtype.BIB_SYNTAX, (f"{name} cannot be read: {_error_text(error)}",))


class _Reader:
    """Reads the .bib files into one pybtex database, collecting problems on the way."""

    def __init__(
        self, encoding: str, style_name: str, root: Path, memo: EntryMemo | None = None
    ) -> None:
        self.encoding = encoding
        self.memo = memo
        self.style_name = style_name
        self.root = root
        self.parser = Parser(encoding)
        #: A digest of the @string macros defined so far (part of the memo's keys).
        self.macros = macro_digest(self.parser.macros) if memo is not None else ""
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
            if self.memo is not None:
                self.macros = macro_digest(self.parser.macros)
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
        result = self.entry_result(path, chunk, name)
        for note in result.notes:
            self.problem(path, chunk.line, note.subtype, note.message(chunk.line))
        self.missing_field_messages.update(result.missing_field_messages)
        if not result.found:
            return None
        self.lines[folded] = (str(path), chunk.line)
        return None if result.entry is None else str(result.entry.key)

    def entry_result(self, path: Path, chunk: _Chunk, name: str) -> EntryResult:
        """Parse and validate one entry not yet read, or take the memo's result for its text.

        The memo's result is used only where reading would add the entry (its key is not in
        the data yet); it then puts the entry in the data as reading would have.
        """
        memo, key = self.memo, str(chunk.key)
        if memo is None:
            return self.read_entry(path, chunk, name)[0]
        digest = memo_key(chunk.text, self.macros)
        data = self.parser.data
        if key not in data.entries and (found := memo.get(digest)) is not None:
            if found.entry is not None:
                data.entries[found.entry.key] = found.entry
            bibcache.CACHE.keep(found.formatted)
            return found
        with bibcache.CACHE.recording() as formatted:
            result, reusable = self.read_entry(path, chunk, name)
        if reusable:
            memo.put(digest, replace(result, formatted=frozenset(formatted)))
        return result

    def read_entry(self, path: Path, chunk: _Chunk, name: str) -> tuple[EntryResult, bool]:
        """Parse and validate one entry; also whether its result holds wherever its text is
        read (it does unless pybtex added an entry under another key, or none after a clash)."""
        key = str(chunk.key)
        data = self.parser.data
        before = len(data.entries) if key not in data.entries else -1
        errors = self.parse(path, chunk)
        notes = [_describe_error(chunk, name, error) for error in errors]
        entry = data.entries.get(key)
        reusable = before >= 0 and len(data.entries) == before + (entry is not None)
        # pybtex's own "repeated bibliography entry" (its subclasses are the entry's own errors)
        reusable = reusable and not any(type(e) is BibliographyDataError for e in errors)
        missing: list[str] = []
        if entry is not None:
            # After a syntax error the fields that follow it are lost: a "missing field" would
            # only repeat that problem.
            truncated = any(isinstance(error, PybtexSyntaxError) for error in errors)
            if not self.validate(chunk, entry, notes, missing, report_missing=not truncated):
                del data.entries[key]
                return EntryResult(tuple(notes), True, None, tuple(missing), frozenset()), reusable
        result = EntryResult(tuple(notes), entry is not None, entry, tuple(missing), frozenset())
        return result, reusable

    def report_error(self, path: Path, chunk: _Chunk, name: str, error: BaseException) -> None:
        note = _describe_error(chunk, name, error)
        self.problem(path, chunk.line, note.subtype, note.message(chunk.line))

    def validate(
        self,
        chunk: _Chunk,
        entry: Any,
        notes: list[Note],
        missing: list[str],
        *,
        report_missing: bool,
    ) -> bool:
        """Check one entry's type and fields, adding its problems to *notes* and the "missing
        field" messages sphinxcontrib-bibtex will give to *missing*; False to leave it out."""
        name = f'entry "{chunk.key}"'

        def problem(subtype: Subtype, message: str) -> None:
            notes.append(Note(subtype, (message,)))

        # url, archiveurl and any other field holding an address: the style links them all.
        for field_name, url in list(entry.fields.items()):
            if field_name.lower().endswith("url") and _bad_url(url):
                del entry.fields[field_name]
                problem(
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
                problem(
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
            problem(
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
            problem(
                Subtype.BIB_UNKNOWN_TYPE,
                f'{name} has the type @{entry.original_type}, which the style "{self.style_name}" '
                "cannot format; it is formatted as @misc meanwhile: use a known type (article, "
                "book, incollection, inproceedings, misc, online, phdthesis, techreport ...)",
            )
            entry.type = "misc"
        try:
            style.format_entry("", entry)
        except FieldIsMissing as exc:
            missing.append(str(exc))
            if not report_missing:
                return True
            problem(
                Subtype.BIB_MISSING_FIELD,
                f'{name} (@{entry.type}) has no "{exc.field_name}" field, which the style '
                f'"{self.style_name}" needs; the bibliography prints "{exc}" until it is added',
            )
        except Exception as exc:  # noqa: BLE001
            # Whatever a style raises on an entry would stop sphinxcontrib-bibtex with a
            # traceback; it is the entry's problem, so it is reported and the entry left out.
            problem(
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
    paths: list[Path],
    encoding: str,
    style_name: str,
    confdir: Path,
    memo: EntryMemo | None = None,
) -> BibCheckResult:
    """Read and validate every .bib file; return the usable data and the problems.

    :param paths: the files, resolved, in ``bibtex_bibfiles`` order (macros and duplicate
        keys carry over from one file to the next, as in sphinxcontrib-bibtex).
    :param encoding: ``bibtex_encoding``.
    :param style_name: ``bibtex_default_style``, used to find entries it cannot format.
    :param confdir: where conf.py is (to locate problems with the list of files).
    :param memo: the entries of the last check (:mod:`.entrymemo`): an entry whose text it
        holds is not parsed again; what this check read is added to it.
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
    reader = _Reader(encoding, style_name, confdir, memo)
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
