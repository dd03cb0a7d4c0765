"""Integrity report: collects every warning and the checks' counts, writes the report at build-finished.

Checks register numbers through :func:`count` (per document, kept across incremental builds in
the environment, or for this build only) and may take over another tool's warning with
:func:`intercept` so that a problem is reported once. A logging filter placed last on Sphinx's
warning handler sees exactly the warnings the user sees (after ``suppress_warnings``) and turns
each into a :class:`Finding`. At ``build-finished`` the findings of documents that were neither
re-read nor re-written are carried over from the previous build (a small JSON file next to the
doctrees), so an incremental build reports the same problems as a clean one. The report is a
one-line summary in the build log and, when ``edition_report_dir`` is set, ``integrity.json``
and ``integrity.sarif`` (SARIF 2.1.0).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging as sphinx_logging
from sphinx.util.build_phase import BuildPhase

from .config import get_config
from .diagnostics import WARNING_TYPE, Subtype, warn
from .domain import edition_claims
from .envdata import PerDocument, env_dict, swap

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = sphinx_logging.getLogger(__name__)

#: File names of the report, inside ``edition_report_dir``.
JSON_NAME = "integrity.json"
SARIF_NAME = "integrity.sarif"
#: Findings carried over between incremental builds, in the doctree directory.
STORE_NAME = "critical_edition_findings.json"
#: Version of the JSON report's layout (bump on incompatible changes).
REPORT_VERSION = 1

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
class _BuildState:
    """What one build (one Sphinx application) has seen so far."""

    findings: list[tuple[Finding, str | None, bool]] = field(default_factory=list)
    #: Documents re-read (or removed) in this build.
    purged: set[str] = field(default_factory=set)
    #: Documents written in this build.
    written: set[str] = field(default_factory=set)
    #: Documents removed since the last build.
    removed: set[str] = field(default_factory=set)
    interceptors: list[Interceptor] = field(default_factory=list)


_STATES: weakref.WeakKeyDictionary[Sphinx, _BuildState] = weakref.WeakKeyDictionary()


def _state(app: Sphinx) -> _BuildState:
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = _BuildState()
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
    _state(app).interceptors.append(interceptor)


def findings(app: Sphinx) -> list[Finding]:
    """The findings of this build so far (for tests and for the command line)."""
    return [finding for finding, _doc, _read in _state(app).findings]


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
        if app is None:
            return True
        return not any(handler(record) for handler in _state(app).interceptors)


class _CollectFilter(logging.Filter):
    """Last filter on the warning handler: records each warning the user is shown."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self._app = weakref.ref(app)

    def filter(self, record: logging.LogRecord) -> bool:
        app = self._app()
        if app is not None:
            _collect(app, record)
        return True


def _parse_location(location: object) -> tuple[str, int | None]:
    if not isinstance(location, str) or not location:
        return "", None
    head, sep, tail = location.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    if sep and not tail:
        return head, None
    return location, None


def _collect(app: Sphinx, record: logging.LogRecord) -> None:
    type_ = str(getattr(record, "type", "") or "")
    subtype = str(getattr(record, "subtype", "") or "")
    # The base class's method: Sphinx's record classes prefix the location to the message.
    message = logging.LogRecord.getMessage(record)
    suffix = f" [{type_}.{subtype}]" if subtype else f" [{type_}]"
    if type_ and message.endswith(suffix):
        message = message[: -len(suffix)]
    path, line = _parse_location(getattr(record, "location", None))
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
        docname = app.env.path2doc(path)
        in_read = builder.phase == BuildPhase.READING
    _state(app).findings.append((finding, docname, in_read))


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
        _state(app).purged.add(docname)

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
        _state(app).purged.update(removed)
        _state(app).removed.update(removed)
        return []


def _builder_inited(app: Sphinx) -> None:
    setattr(app.env, _ENV_BUILD_COUNTS, {})


def _doc_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    _state(app).written.add(docname)


# -- counts the report takes itself ----------------------------------------------------------


def _count_claims(app: Sphinx, exception: BaseException | None) -> None:
    """Count the claims recorded in the edition's domain, by status; ``build-finished``."""
    if exception is not None or "ed" not in app.env.domains:
        return
    records = edition_claims(app.env)
    count(app.env, "claims", "total", len(records))
    statuses: dict[str, int] = {"unsourced": 0}
    for claim in records:
        statuses[claim.status.value] = statuses.get(claim.status.value, 0) + 1
    for status, n in sorted(statuses.items()):
        count(app.env, "claims", status, n)


# -- incremental = clean: navigation of pages nobody edited, outputs of removed pages -------

#: Digest of the table of contents and the page titles at the last build (environment).
_ENV_NAVIGATION = "critical_edition_navigation"


def pages_with_stale_navigation(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page, when the table of contents or a page title changed; ``env-updated``.

    Each page shows its neighbours (previous, next, parent) and, in themes like furo, the
    whole table of contents with every title. Sphinx rewrites only the pages it re-read and
    their toctree parents, so after a page is added, removed, moved or retitled the other
    pages keep stale links until a clean build. The check compares a digest of the toctree
    structure and titles with the last build's and has every page rewritten (not re-read)
    when it changed.
    """
    structure = (
        sorted((doc, tuple(children)) for doc, children in env.toctree_includes.items()),
        sorted((doc, title.astext()) for doc, title in env.titles.items()),
    )
    digest = hashlib.sha256(repr(structure).encode("utf-8")).hexdigest()
    return [] if swap(env, _ENV_NAVIGATION, digest) == digest else sorted(env.found_docs)


def remove_outputs_of_removed_pages(app: Sphinx, exception: BaseException | None) -> None:
    """Delete the HTML page and source copy of documents removed since the last build.

    Sphinx leaves them in the output directory, where they stay reachable (by old links,
    bookmarks, search engines) though nothing links to them and a clean build has none.
    ``build-finished``; HTML builders only; only the removed documents' own files.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir).resolve()
    get_outfilename = getattr(app.builder, "get_outfilename", None)
    for docname in sorted(_state(app).removed - set(app.env.found_docs)):
        link_suffix = app.config.html_sourcelink_suffix
        candidates = [
            outdir / "_sources" / f"{docname}{suffix}{link_suffix}"
            for suffix in app.config.source_suffix
        ]
        if get_outfilename is not None:
            candidates.append(Path(get_outfilename(docname)))
        for path in candidates:
            resolved = path.resolve()
            if resolved.is_file() and resolved.is_relative_to(outdir):
                resolved.unlink()


# -- assembling and writing the report -------------------------------------------------------


def _store_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE_NAME


def _load_store(app: Sphinx) -> dict[str, dict[str, list[Finding]]]:
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


def _save_store(app: Sphinx, store: dict[str, dict[str, list[Finding]]]) -> None:
    data = {
        phase: {
            doc: [asdict(f) for f in sorted(items, key=_finding_order)]
            for doc, items in sorted(docs.items())
        }
        for phase, docs in store.items()
    }
    path = _store_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def all_findings(app: Sphinx) -> list[Finding]:
    """This build's findings plus those carried over for untouched documents, sorted."""
    state = _state(app)
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
    # Failing to save only loses the carry-over for the next incremental build.
    with contextlib.suppress(OSError):
        _save_store(app, {"read": read, "write": write})
    result = set(fresh)
    for items in (*read.values(), *write.values()):
        result.update(items)
    return sorted(result, key=_finding_order)


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


def _findings_of(found: list[Finding], rule: str) -> int:
    return sum(1 for f in found if f.rule == rule)


def summarise(counts: dict[str, dict[str, int]], found: list[Finding]) -> dict[str, dict[str, int]]:
    """The report's sections, each with its counters in a fixed order."""
    cit = counts.get("citations", {})
    fn = counts.get("footnotes", {})
    xref = counts.get("xref", {})
    claims = counts.get("claims", {})
    sections: dict[str, dict[str, int]] = {
        "citations": {
            "linked": cit.get("linked", 0),
            "missing": cit.get("missing", 0),
            "unused": cit.get("unused", 0),
            "entries": cit.get("entries", 0),
            "unmarked": _findings_of(found, "edition.citation_unmarked"),
        },
        "footnotes": {
            "total": fn.get("total", 0),
            "dangling": _findings_of(found, "edition.footnote_undefined"),
            "unreferenced": _findings_of(found, "edition.footnote_unreferenced"),
            "duplicate": _findings_of(found, "edition.footnote_duplicate"),
        },
        "claims": dict(claims),
        "cross-references": {
            "total": xref.get("total", 0),
            "unresolved": sum(1 for f in found if f.category == "xref"),
        },
    }
    for category in sorted(counts):
        if category not in ("citations", "footnotes", "xref", "claims"):
            sections[category] = dict(counts[category])
    levels = [f.level for f in found]
    sections["findings"] = {
        "total": len(found),
        "errors": levels.count("error"),
        "warnings": levels.count("warning"),
    }
    return sections


def summary_line(sections: dict[str, dict[str, int]]) -> str:
    """The report at a glance, in one line."""
    c, f, x = sections["citations"], sections["footnotes"], sections["cross-references"]
    parts = [
        f"citations {c['linked']} linked / {c['missing']} missing / {c['unused']} unused"
        + (f" / {c['unmarked']} unmarked" if c["unmarked"] else ""),
        f"footnotes {f['total']} / {f['dangling']} dangling / {f['unreferenced']} unreferenced"
        + (f" / {f['duplicate']} duplicate" if f["duplicate"] else ""),
    ]
    claims = sections.get("claims", {})
    if "total" in claims:
        parts.append(f"claims {claims['total']} / {claims.get('unsourced', 0)} unsourced")
    parts.append(f"cross-references {x['total']} / {x['unresolved']} unresolved")
    n = sections["findings"]["total"]
    parts.append(f"{n} problem{'' if n == 1 else 's'}")
    return "; ".join(parts)


def _project_root(app: Sphinx, found: list[Finding]) -> Path:
    paths = [str(app.srcdir), str(app.confdir)]
    paths += [f.file for f in found if f.file and Path(f.file).is_absolute()]
    return Path(os.path.commonpath(paths))


def _relative(path: str, root: Path) -> str:
    if not path or not Path(path).is_absolute():
        return path
    return Path(os.path.relpath(path, root)).as_posix()


def build_json(app: Sphinx, found: list[Finding], sections: dict[str, dict[str, int]]) -> Any:
    """The JSON report: summary, counts and every finding with file, line and rule."""
    from . import __version__

    root = _project_root(app, found)
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "critical_edition", "version": __version__},
        "summary": summary_line(sections),
        "counts": sections,
        "findings": [
            {
                "file": _relative(f.file, root),
                "line": f.line,
                "rule": f.rule,
                "type": f.type,
                "subtype": f.subtype,
                "category": f.category,
                "level": f.level,
                "message": f.message,
            }
            for f in found
        ],
    }


def _rule_descriptor(rule: str) -> dict[str, Any]:
    type_, _, subtype = rule.partition(".")
    descriptor: dict[str, Any] = {"id": rule}
    if type_ == WARNING_TYPE:
        try:
            info = Subtype[subtype.upper()].info
        except KeyError:
            return descriptor
        descriptor["shortDescription"] = {"text": info.trigger}
        descriptor["help"] = {"text": info.fix}
        descriptor["properties"] = {"category": info.category}
    return descriptor


def build_sarif(app: Sphinx, found: list[Finding]) -> Any:
    """The SARIF 2.1.0 log: one run, one result per finding, one rule per ``type.subtype``."""
    from . import __version__

    root = _project_root(app, found)
    rules = sorted({f.rule for f in found})
    index = {rule: i for i, rule in enumerate(rules)}
    results = []
    for f in found:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.level,
            "message": {"text": f.message},
        }
        if f.file:
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": _relative(f.file, root), "uriBaseId": "PROJECTROOT"}
            }
            if f.line:
                physical["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": physical}]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "critical_edition",
                        "version": __version__,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def write_report(app: Sphinx, exception: BaseException | None) -> None:
    """Assemble the report, log its summary line and write the report files.

    Connected to ``build-finished`` with a late priority, after every check has counted.
    """
    if exception is not None:
        return
    found = all_findings(app)
    sections = summarise(all_counts(app), found)
    logger.info("integrity: %s", summary_line(sections))
    report_dir = get_config(app.config).report_dir
    if not report_dir:
        return
    target = Path(app.outdir) / report_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, data in (
            (JSON_NAME, build_json(app, found, sections)),
            (SARIF_NAME, build_sarif(app, found)),
        ):
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            (target / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        warn(
            f"cannot write the integrity report to {target}: {exc.strerror or exc}",
            Subtype.REPORT_UNWRITABLE,
            None,
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    """Install the warning filters and connect the report's events."""
    _state(app)
    _install_filters(app)
    # builder-inited: this build's corpus-wide counts start from zero.
    app.connect("builder-inited", _builder_inited)
    # env-get-outdated / env-purge-doc / env-merge-info / doctree-read: per-document counts
    # (internal references among them) follow their document; removed documents take their
    # findings with them.
    app.add_env_collector(_Counts)
    # doctree-resolved: the document is being written; its old write-phase findings go.
    app.connect("doctree-resolved", _doc_written)
    # env-updated: a changed table of contents or title makes every page's navigation stale.
    app.connect("env-updated", pages_with_stale_navigation)
    # build-finished: claims by status, from the domain, just before the report is assembled.
    app.connect("build-finished", _count_claims, priority=800)
    # build-finished: outputs of removed documents go, as in a clean build.
    app.connect("build-finished", remove_outputs_of_removed_pages)
    # build-finished, late: every check has emitted its warnings and counts by then.
    app.connect("build-finished", write_report, priority=900)
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
