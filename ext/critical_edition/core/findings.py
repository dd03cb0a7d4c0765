"""Findings (every phase): each warning the user is shown, and the checks' counts, kept by document.

Checks register numbers through :func:`count` (per document, kept across incremental builds in
the environment, or for this build only) and may take over another tool's warning with
:func:`intercept` so that a problem is reported once. A logging filter placed last on Sphinx's
warning handler sees exactly the warnings the user sees (after ``suppress_warnings``) and turns
each into a :class:`Finding`: the toolkit's own warnings carry their message and place as
:func:`~critical_edition.core.diagnostics.warn` received them (nothing is parsed back out of
the text); other tools' warnings give their type, subtype and location as Sphinx records them.
:func:`settle_findings` adds the findings of documents that were neither re-read nor re-written,
carried over from the previous build (a small JSON file next to the doctrees), so that an
incremental build knows the same problems as a clean one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging as sphinx_logging
from sphinx.util.build_phase import BuildPhase

from critical_edition.core import atomic
from critical_edition.core.diagnostics import (
    RAISED,
    WARNING_TYPE,
    Raised,
    Subtype,
    split_location,
)
from critical_edition.core.envdata import PerDocument, env_dict

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


#: Findings carried over between incremental builds, in the doctree directory.
STORE_NAME = "critical_edition_findings.json"
#: Counts per document: docname -> category -> key -> n (an attribute of the environment).
_ENV_COUNTS = "critical_edition_counts"
#: This build's corpus-wide counts: category -> key -> n (reset when the builder starts).
_ENV_BUILD_COUNTS = "critical_edition_build_counts"

#: A function that may take over a warning record: it returns True when it handled the record
#: (the original is then dropped, usually after emitting a clearer warning through ``warn``).
Interceptor = Callable[[logging.LogRecord], bool]


@dataclass(frozen=True, order=True)
class Finding:
    """One warning of the build, as the report lists it."""

    #: Absolute path of the file the warning points at ("" when it has no place in a file).
    file: str
    line: int | None
    type: str
    subtype: str
    message: str
    #: "error" or "warning".
    level: str

    @property
    def rule(self) -> str:
        """The warning's ``type.subtype``, as ``suppress_warnings`` names it."""
        return f"{self.type}.{self.subtype}" if self.subtype else self.type

    @property
    def category(self) -> str:
        """The report section the finding belongs to."""
        return categorise(self.type, self.subtype)


@dataclass
class BuildState:
    """What one build (one Sphinx application) has seen so far."""

    findings: list[tuple[Finding, str | None, bool]] = field(default_factory=list)
    #: Documents re-read (or removed) in this build.
    purged: set[str] = field(default_factory=set)
    #: Documents written in this build.
    written: set[str] = field(default_factory=set)
    #: Documents removed since the last build.
    removed: set[str] = field(default_factory=set)
    interceptors: list[Interceptor] = field(default_factory=list)
    #: True while carried-over findings are shown again (they are not collected twice).
    replaying: bool = False


_logger = sphinx_logging.getLogger(__name__)

_STATES: weakref.WeakKeyDictionary[Sphinx, BuildState] = weakref.WeakKeyDictionary()


def build_state(app: Sphinx) -> BuildState:
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = BuildState()
    return state


# -- the API the checks use -------------------------------------------------------------------


def count(
    env: BuildEnvironment,
    category: str,
    key: str,
    n: int = 1,
    *,
    docname: str | None = None,
) -> None:
    """Add ``n`` to a counter of the report (e.g. ``("footnotes", "total")``).

    :param env: the build environment.
    :param category: the report section (``citations``, ``footnotes``, ``claims`` ...).
    :param key: the counter within the section (``linked``, ``total`` ...).
    :param n: how much to add.
    :param docname: the document the number belongs to. Per-document counts are dropped when
        the document is re-read and merged from parallel readers, so call this from the read
        phase. Without a document the count belongs to this build only: corpus-wide numbers,
        computed in the main process at ``write-started`` or later.
    """
    if docname is not None:
        per_doc = _Counts.of(env).setdefault(docname, {})
    else:
        per_doc = env_dict(env, _ENV_BUILD_COUNTS)
    section = per_doc.setdefault(category, {})
    section[key] = section.get(key, 0) + n


def intercept(app: Sphinx, interceptor: Interceptor) -> None:
    """Let ``interceptor`` see every warning before Sphinx shows or counts it.

    Used to replace another tool's message about a problem one of our checks reports better,
    so that the user gets one diagnostic per problem.
    """
    build_state(app).interceptors.append(interceptor)


def categorise(type_: str, subtype: str) -> str:
    """The report section of a warning type and subtype."""
    if type_ == WARNING_TYPE:
        try:
            return Subtype[subtype.upper()].info.category
        except KeyError:
            return "other"
    if type_ == "bibtex":
        return "citations"
    if type_ == "ref":
        return "footnotes" if subtype == "footnote" else "xref"
    if type_ == "myst" and subtype in {
        "xref_missing",
        "xref_ambiguous",
        "iref_missing",
        "iref_ambiguous",
        "section_ref",
    }:
        return "xref"
    if type_ in {"docutils", "myst"}:
        return "markup"
    if type_ == "toc":
        return "structure"
    return "other"


# -- logging: intercept first, collect last --------------------------------------------------


class _InterceptFilter(logging.Filter):
    """First filter on the warning handler: lets registered checks take over a warning."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self._app = weakref.ref(app)

    def filter(self, record: logging.LogRecord) -> bool:
        app = self._app()
        if app is None or build_state(app).replaying:
            return True
        return not any(handler(record) for handler in build_state(app).interceptors)


class _CollectFilter(logging.Filter):
    """Last filter on the warning handler: records each warning the user is shown."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self._app = weakref.ref(app)

    def filter(self, record: logging.LogRecord) -> bool:
        app = self._app()
        if app is not None and not build_state(app).replaying:
            _collect(app, record)
        return True


def _raised_place(app: Sphinx, raised: Raised) -> tuple[str, int | None]:
    """The file and line of one of the toolkit's own warnings."""
    if raised.docname is not None:
        return str(app.env.doc2path(raised.docname)), raised.line
    return raised.path, raised.line


def _other_place(app: Sphinx, record: logging.LogRecord) -> tuple[str, str]:
    """The message and ``path:line`` of another tool's warning, as Sphinx recorded them."""
    type_ = str(getattr(record, "type", "") or "")
    subtype = str(getattr(record, "subtype", "") or "")
    # The base class's method: Sphinx's record classes prefix the location to the message,
    # and Sphinx 8+ appends ``[type.subtype]``.
    message = logging.LogRecord.getMessage(record)
    suffix = f" [{type_}.{subtype}]" if subtype else f" [{type_}]"
    if type_ and message.endswith(suffix):
        message = message[: -len(suffix)]
    return message, str(getattr(record, "location", "") or "")


def _collect(app: Sphinx, record: logging.LogRecord) -> None:
    type_ = str(getattr(record, "type", "") or "")
    subtype = str(getattr(record, "subtype", "") or "")
    raised = getattr(record, RAISED, None)
    if isinstance(raised, Raised):
        # The toolkit's own warning: message and place as the check gave them.
        message = raised.message
        path, line = _raised_place(app, raised)
    else:
        message, location = _other_place(app, record)
        path, line = split_location(location) if location else ("", None)
    if path and not path.startswith("<"):
        # Normalised as Sphinx's own locations are (no symlink resolution).
        path = os.path.abspath(path)  # noqa: PTH100
    finding = Finding(
        file=path,
        line=line,
        type=type_ or "sphinx",
        subtype=subtype,
        message=message,
        level="error" if record.levelno >= logging.ERROR else "warning",
    )
    docname: str | None = None
    in_read = False
    builder = getattr(app, "builder", None)
    if path and builder is not None:
        in_read = builder.phase == BuildPhase.READING
        docname = app.env.path2doc(path)
        if docname not in app.env.found_docs:  # an excluded or included file: no document
            docname = None
    build_state(app).findings.append((finding, docname, in_read))


def _install_filters(app: Sphinx) -> None:
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            # First, so that a taken-over warning is neither shown nor counted by -W ...
            handler.filters.insert(0, _InterceptFilter(app))
            # ... and last, after suppress_warnings and the location translator.
            handler.addFilter(_CollectFilter(app))


# -- keeping per-document data correct across incremental and parallel builds ------------------

#: Domains whose references are citations, counted by the citation check, not as cross-references.
_CITATION_DOMAINS = frozenset({"cite", "footcite"})


class _Counts(PerDocument[dict[str, dict[str, int]]]):
    """Counts per document (category -> key -> n), and which documents this build re-read.

    Besides dropping a re-read or removed document's counts, it notes the document in the
    build's state: its old findings are then not carried over.
    """

    attribute = _ENV_COUNTS

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        super().clear_doc(app, env, docname)
        build_state(app).purged.add(docname)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Count the document's internal references (roles, MyST links)."""
        from sphinx import addnodes

        n = sum(
            1
            for node in doctree.findall(addnodes.pending_xref)
            if node.get("refdomain") not in _CITATION_DOMAINS
        )
        count(app.env, "xref", "total", n, docname=app.env.docname)

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        """Removed documents take their findings with them; nothing more to re-read."""
        build_state(app).purged.update(removed)
        build_state(app).removed.update(removed)
        return []


def _builder_inited(app: Sphinx) -> None:
    setattr(app.env, _ENV_BUILD_COUNTS, {})


def _doc_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    build_state(app).written.add(docname)


# -- assembling and writing the report -------------------------------------------------------


def _store_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE_NAME


#: The findings kept for the next build: ``{"read": {docname: [...]}, "write": {...}}``.
CarryOver = dict[str, dict[str, list[Finding]]]


def _load_store(app: Sphinx) -> CarryOver:
    try:
        raw = json.loads(_store_path(app).read_text(encoding="utf-8"))
        return {
            phase: {doc: [Finding(**item) for item in items] for doc, items in docs.items()}
            for phase, docs in raw.items()
            if phase in ("read", "write")
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {"read": {}, "write": {}}


def _finding_order(finding: Finding) -> tuple[str, int, str, str]:
    """Findings in file and line order (a finding may have no line)."""
    return (finding.file, finding.line or 0, finding.rule, finding.message)


def _save_store(app: Sphinx, store: CarryOver) -> None:
    data = {
        phase: {
            doc: [asdict(f) for f in sorted(items, key=_finding_order)]
            for doc, items in sorted(docs.items())
        }
        for phase, docs in store.items()
    }
    path = _store_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.update_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def _carry_over(app: Sphinx) -> tuple[CarryOver, list[Finding]]:
    """The findings to keep for the next build, by phase and document, and this build's others.

    A finding of a document this build re-read (or re-wrote) replaces what was kept for it; a
    finding of no document, or of a phase this build did not run for it, is this build's only.
    """
    state = build_state(app)
    store = _load_store(app)
    found = app.env.found_docs
    read = {
        doc: items
        for doc, items in store.get("read", {}).items()
        if doc in found and doc not in state.purged
    }
    write = {
        doc: items
        for doc, items in store.get("write", {}).items()
        if doc in found and doc not in state.purged and doc not in state.written
    }
    fresh: list[Finding] = []
    for finding, docname, in_read in state.findings:
        if docname is not None and in_read and docname in state.purged:
            read.setdefault(docname, []).append(finding)
        elif docname is not None and not in_read and docname in state.written:
            write.setdefault(docname, []).append(finding)
        else:
            fresh.append(finding)
    return {"read": read, "write": write}, fresh


def settle_findings(app: Sphinx) -> list[Finding]:
    """Every finding that stands, sorted; called once, at the end of a build.

    It has two effects besides: it saves the findings of each document for the next
    incremental build, and it shows again (as warnings Sphinx counts) the findings of
    documents this build neither re-read nor re-wrote.
    """
    kept, fresh = _carry_over(app)
    # Failing to save only loses the carry-over for the next incremental build.
    with contextlib.suppress(OSError):
        _save_store(app, kept)
    result = set(fresh)
    for items in (*kept["read"].values(), *kept["write"].values()):
        result.update(items)
    this_build = {finding for finding, _doc, _read in build_state(app).findings}
    _replay(app, sorted(result - this_build, key=_finding_order))
    return sorted(result, key=_finding_order)


def _replay(app: Sphinx, carried: list[Finding]) -> None:
    """Show again the findings of documents this build neither read nor wrote.

    Sphinx repeats only the warnings of the documents it processes, so without this a strict
    build with nothing changed would pass while a problem still stands. Each finding is logged
    as it was first shown (same place, message and ``type.subtype``), so Sphinx counts it and
    ``-W`` fails the build; the summary line and the exit status then agree.
    """
    state = build_state(app)
    state.replaying = True
    try:
        for finding in carried:
            location = finding.file or None
            if location and finding.line:
                location = f"{location}:{finding.line}"
            _logger.log(
                logging.ERROR if finding.level == "error" else logging.WARNING,
                finding.message,
                location=location,
                type=finding.type if finding.type != "sphinx" else None,
                subtype=finding.subtype or None,
            )
    finally:
        state.replaying = False


def all_counts(app: Sphinx) -> dict[str, dict[str, int]]:
    """Per-document counts of every document plus this build's corpus-wide counts."""
    total: dict[str, dict[str, int]] = defaultdict(dict)
    env_counts = _Counts.of(app.env)
    sources = [env_counts[doc] for doc in sorted(env_counts) if doc in app.env.found_docs]
    sources.append(env_dict(app.env, _ENV_BUILD_COUNTS))
    for source in sources:
        for category, section in source.items():
            for key, n in section.items():
                total[category][key] = total[category].get(key, 0) + n
    return total


def register(app: Sphinx) -> None:
    """Install the warning filters and keep the per-document counts."""
    build_state(app)
    _install_filters(app)
    # builder-inited: this build's corpus-wide counts start from zero.
    app.connect("builder-inited", _builder_inited)
    # env-get-outdated / env-purge-doc / env-merge-info / doctree-read: per-document counts
    # (internal references among them) follow their document; removed documents take their
    # findings with them.
    app.add_env_collector(_Counts)
    # doctree-resolved: the document is being written; its old write-phase findings go.
    app.connect("doctree-resolved", _doc_written)
