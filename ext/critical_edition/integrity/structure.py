"""Structure checks (read phase): undecodable pages, include and toctree cycles, reported.

A page with a byte its encoding lacks stops Sphinx with a crash report; it is reported at the
byte's line and read with the bad bytes as U+FFFD. A page that includes itself (directly or through the files it includes) makes the parsers
recurse until Python gives up, and a toctree cycle (a page listing a page that lists it) makes
Sphinx and sphinxcontrib-bibtex walk the toctree without end. Both are reported once, located at
the directive, and cut: the repeated inclusion is read as empty, and the toctree entry leading
back up is left out of the navigation.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sphinx import addnodes

from critical_edition.core import findings, priorities
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.envdata import PerDocument

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: An include directive in MyST (fenced or colon-fenced) or reStructuredText, and its path.
_INCLUDE = re.compile(
    r"^[ \t]*(?:(?:`{3,}|:{3,})[ \t]*\{include\}|\.\.[ \t]+include::)[ \t]*(\S+)", re.MULTILINE
)
#: The files included while the current document is read (``env.temp_data``).
_INCLUDED = "critical_edition_included"


# -- include cycles ----------------------------------------------------------------------------


def _includes(env: BuildEnvironment, path: Path) -> list[tuple[int, Path]]:
    """The include directives of a file: (line, the resolved path it includes)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for match in _INCLUDE.finditer(text):
        argument = match[1]
        if argument.startswith("<"):
            continue
        base = Path(env.srcdir) if argument.startswith("/") else path.parent
        target = (base / argument.lstrip("/")).resolve()
        found.append((text.count("\n", 0, match.start()) + 1, target))
    return found


def _reaches(env: BuildEnvironment, start: Path, goal: Path) -> bool:
    """Whether ``start`` includes ``goal``, directly or through other files."""
    seen: set[Path] = set()
    stack = [start]
    while stack:
        for _line, target in _includes(env, stack.pop()):
            if target == goal:
                return True
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return False


def _cut_include_cycle(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """Read an inclusion that would repeat itself without end as empty; ``include-read``."""
    env = app.env
    docname = env.docname
    page = Path(env.doc2path(docname)).resolve()
    target = (Path(env.srcdir) / relative_path).resolve()
    included = cast("set[Path]", env.temp_data.setdefault(_INCLUDED, set()))
    repeated = target in included
    included.add(target)
    if target != page and not (repeated and _reaches(env, target, target)):
        return
    content[0] = ""
    # Located at the page's include that leads into the cycle (a warning located in another
    # file than the page would not be carried over to the next build with the page).
    line = next(
        (n for n, path in _includes(env, page) if path == target or _reaches(env, path, target)),
        None,
    )
    what = "the page includes itself"
    if target != page:
        back = next((n for n, path in _includes(env, target) if path == target), None)
        where = f" at line {back}" if back else ""
        what = f"{relative_path.as_posix()} (included here) includes itself{where}"
    warn(
        f"{what} (directly or through the files it includes), which would repeat without end; "
        "the repeated inclusion is left out: remove the include that leads back",
        Subtype.INCLUDE_CYCLE,
        (docname, line),
    )


# -- undecodable sources ----------------------------------------------------------------------

#: Prefix of the codec that reads a source encoding with undecodable bytes as U+FFFD.
_LENIENT = "critical_edition_lenient_"


def _lenient_codec(name: str) -> codecs.CodecInfo | None:
    """The codec ``critical_edition_lenient_<encoding>``: <encoding>, bad bytes as U+FFFD."""
    if not name.startswith(_LENIENT):
        return None
    base = codecs.lookup(name.removeprefix(_LENIENT))

    class Decoder(base.incrementaldecoder):  # type: ignore[name-defined,misc]
        def __init__(self, errors: str = "strict") -> None:
            super().__init__("replace")

    return codecs.CodecInfo(
        name=name,
        encode=base.encode,
        decode=lambda data, errors="strict": base.decode(data, "replace"),
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=Decoder,
        streamreader=base.streamreader,
        streamwriter=base.streamwriter,
    )


codecs.register(_lenient_codec)


def _check_decoding(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Report each page to be read that has bytes its encoding lacks; ``env-before-read-docs``.

    Sphinx stops with a crash report on such a page. It is reported at the first bad byte's
    line and read with the bad bytes as U+FFFD, so that the rest of the edition is checked.
    """
    encoding = str(env.settings.get("input_encoding") or app.config.source_encoding)
    base = encoding.removeprefix(_LENIENT)
    for docname in docnames:
        path = Path(env.doc2path(docname))
        try:
            data = path.read_bytes()
            data.decode(base)
        except OSError:
            continue
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            warn(
                f"the file is not valid {base}: a byte 0x{data[error.start]:02x} at line {line} "
                f"cannot be read; save the file as {base} (the bad bytes are read as U+FFFD "
                "meanwhile)",
                Subtype.SOURCE_UNREADABLE,
                (docname, line),
            )
            env.settings["input_encoding"] = _LENIENT + base


# -- toctree cycles ----------------------------------------------------------------------------


class _ToctreeLines(PerDocument[dict[str, int]]):
    """The line of the toctree that lists each entry of a page: docname -> entry -> line."""

    attribute = "critical_edition_toctree_lines"

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        lines: dict[str, int] = {}
        for toctree in doctree.findall(addnodes.toctree):
            entries: list[str] = toctree.get("includefiles", [])
            for entry in entries:
                lines.setdefault(entry, toctree.line or 0)
        self.of(app.env)[app.env.docname] = lines


class _CutEntries(PerDocument[list[str]]):
    """The toctree entries left out as cycles, by the page whose toctree lists them."""

    attribute = "critical_edition_toctree_cut"


def break_toctree_cycles(app: Sphinx, env: BuildEnvironment) -> None:
    """Leave out each toctree entry that leads back up to a page above it; ``env-updated``."""
    includes = env.toctree_includes
    lines = _ToctreeLines.of(env)
    cut = _CutEntries.of(env)
    done: set[str] = set()

    def visit(docname: str, path: list[str]) -> None:
        done.add(docname)
        path.append(docname)
        for child in list(includes.get(docname, ())):
            if child in path:
                includes[docname].remove(child)
                cut.setdefault(docname, []).append(child)
                warn(
                    f"the toctree lists {child!r}, which contains this page already (a toctree "
                    f"cycle: {' > '.join([*path[path.index(child) :], child])}); the entry is "
                    "left out of the navigation: remove it",
                    Subtype.TOCTREE_CYCLE,
                    (docname, lines.get(docname, {}).get(child) or None),
                )
            elif child not in done:
                visit(child, path)
        path.pop()

    for docname in [env.config.root_doc, *sorted(includes)]:
        if docname not in done:
            visit(docname, [])


def _take_over_circular(app: Sphinx) -> findings.Interceptor:
    """Drop Sphinx's own toctree-cycle warnings (unlocated) once the cycle is reported here."""

    def handler(record: logging.LogRecord) -> bool:
        circular = (getattr(record, "type", ""), getattr(record, "subtype", "")) == (
            "toc",
            "circular",
        )
        return circular and any(_CutEntries.of(app.env).values())

    return handler


def register(app: Sphinx) -> None:
    """Connect the include and toctree cycle checks."""
    # include-read: each included file as it is read, before it is parsed.
    app.connect("include-read", _cut_include_cycle)
    # env-before-read-docs: pages with bytes the source encoding lacks, before Sphinx reads them.
    app.connect("env-before-read-docs", _check_decoding)
    # doctree-read: where each toctree entry is written, for the cycle warning's location.
    app.add_env_collector(_ToctreeLines)
    app.add_env_collector(_CutEntries)
    findings.intercept(app, _take_over_circular(app))
    # env-updated, early: before anything walks the toctree.
    app.connect("env-updated", break_toctree_cycles, priority=priorities.BREAK_TOCTREE_CYCLES)
