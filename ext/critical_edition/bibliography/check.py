"""Bibliography check (builder-inited, before sphinxcontrib-bibtex; write-started): .bib and citations.

At ``builder-inited`` the .bib files are read by :mod:`.bibfile`, which locates every problem
to the file and the entry's line and drops nothing else. The entries that can be used are
handed to sphinxcontrib-bibtex as its parsed data, stamped with the files' modification times,
so sphinxcontrib-bibtex finds its cache current and does not parse the files again. The check's
result is kept in the environment under a digest of the files' contents, the settings and the
checking code: a build in which none of these changed reports the same problems from it
without reading the files again. When a file changed, the entries whose text did not are
taken from the per-entry memo of the last check (:mod:`.entrymemo`, kept in the environment
with it) instead of being parsed and validated again; they are the last parse's own objects,
so their fingerprints are carried over too (:func:`.bibcache.carry_fingerprints`).

Later in the build it reports the entries no page uses (checkcites' "unused"), counts linked
and missing citations for the report, and makes pages that cite a changed entry be rewritten.
Keys cited but missing from every .bib file are left to sphinxcontrib-bibtex's own located
warning ``bibtex.key_not_found``: one diagnostic per problem, with the citing page and line.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.plugin
from docutils import nodes
from docutils.nodes import make_id
from pybtex.database.input.bibtex import Parser
from pybtex.plugin import PluginNotFound, find_plugin
from sphinxcontrib.bibtex.bibfile import get_mtime

from critical_edition.bibliography import entrymemo
from critical_edition.bibliography.bibsplit import _Chunk
from critical_edition.claims.domain import edition_claims
from critical_edition.core import findings, priorities
from critical_edition.core.codestamp import mro_stamp
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.envdata import PerDocument, swap
from critical_edition.core.text import did_you_mean
from critical_edition.speedups import bibcache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
from critical_edition.bibliography.bibfile import (
    BibCheckResult,
    _conf_line,
    _Reader,
    check_bibfiles,
)

#: Where the citation fingerprints of the last build live (an attribute of the environment).
_ENV_FINGERPRINTS = "critical_edition_citation_fingerprints"
#: Keys cited with ``{footcite}`` per document (an attribute of the environment).
_ENV_FOOTCITES = "critical_edition_footcite_keys"
#: The last check of the .bib files and its key (an attribute of the environment).
_ENV_CHECK = "critical_edition_bibcheck"

# -- the check's cache, kept in the environment ----------------------------------------------

#: Part of every cache key: bump when the check's result changes its layout or meaning.
_CACHE_VERSION = 2


@dataclass(frozen=True)
class CachedCheck:
    """The last build's check and the digest of everything it was made from."""

    key: str
    result: BibCheckResult
    #: The stamp of the per-entry memo below (:func:`.entrymemo.stamp`; empty: no memo).
    memo_stamp: str = ""
    #: The results of every entry this check read, by digest (:mod:`.entrymemo`): the next
    #: check's memo, with the entries shared with :attr:`result` in the environment's pickle.
    memo: dict[str, entrymemo.EntryResult] = field(default_factory=dict)


def _file_state(path: Path) -> str:
    """A digest of the file's bytes, or why it has none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable: {type(exc).__name__} {exc.strerror or exc}"


def _code_state(style_name: str) -> list[str]:
    """Each class whose code decides what the check finds, with its file's time and size.

    The check's modules, pybtex's parser and the formatting style (with its name, label and
    sorting styles), so that editing or upgrading any of them runs the check again.
    """
    classes: list[type] = [CachedCheck, _Reader, _Chunk, entrymemo.EntryResult, Parser]
    try:
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", style_name)()
    except PluginNotFound:
        pass
    else:
        parts = (getattr(style, name, None) for name in ("name_style", "label_style", "sort_style"))
        classes += [type(style), *(type(part) for part in parts if part is not None)]
    # A style defined in conf.py has no module file: mro_stamp stamps it by conf.py.
    return sorted({mro_stamp(cls) for cls in classes})


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


def check_inputs(env: BuildEnvironment) -> str | None:
    """The key of this build's check of the .bib files (their contents, paths and settings,
    conf.py and the checking code: :func:`check_key`); None before any check."""
    stored = getattr(env, _ENV_CHECK, None)
    return stored.key if isinstance(stored, CachedCheck) else None


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
    if not isinstance(stored, CachedCheck):
        stored = None
    if stored is not None and stored.key == key:
        result = _restamped(stored.result, mtimes)
        # Not formatted again: still in use, so that the next check finds them formatted.
        bibcache.CACHE.keep(result.formatted)
        setattr(env, _ENV_CHECK, replace(stored, result=result))
        return result
    # The entries whose text is unchanged since the last check are taken from its memo: the
    # one kept in the environment with the last check, else (a new environment) its file.
    memo = memo_path = None
    memo_stamp = ""
    if entrymemo.enabled():
        memo_path = Path(env.doctreedir) / entrymemo.MEMO_NAME
        memo_stamp = entrymemo.stamp(encoding, style_name, _code_state(style_name))
        # getattr: a check pickled by code from before the memo was kept with it.
        if stored is not None and getattr(stored, "memo_stamp", None) == memo_stamp:
            memo = entrymemo.EntryMemo(dict(stored.memo))
            memo_path = None  # the environment keeps it: the file is left as it is
        else:
            memo = entrymemo.load(memo_path, memo_stamp)
    with bibcache.CACHE.recording() as formatted:
        result = check_bibfiles(paths, encoding, style_name, confdir, memo=memo)
    result = replace(result, formatted=frozenset(formatted))
    if memo is not None and memo_path is not None:
        entrymemo.save(memo_path, memo_stamp, memo)
    if stored is not None:
        # The entries taken from the memo are the last parse's own objects: their
        # fingerprints are carried over instead of being worked out again.
        bibcache.carry_fingerprints(stored.result.bibdata.data, result.bibdata.data)
    kept = memo.used if memo is not None else {}
    setattr(env, _ENV_CHECK, CachedCheck(key, result, memo_stamp, kept))
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


def _take_over_missing_field(app: Sphinx) -> findings.Interceptor:
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


#: sphinxcontrib-bibtex's message for a cited key no .bib file has.
_KEY_NOT_FOUND = re.compile(r'^could not find bibtex key "(?P<key>[^"]*)"$')


def _suggest_missing_key(app: Sphinx) -> findings.Interceptor:
    """sphinxcontrib-bibtex's ``key_not_found`` says which key is close, when one is."""

    def handler(record: logging.LogRecord) -> bool:
        if (getattr(record, "type", None), getattr(record, "subtype", None)) != (
            "bibtex",
            "key_not_found",
        ):
            return False
        match = _KEY_NOT_FOUND.match(logging.LogRecord.getMessage(record))
        bibdata = getattr(app.env.get_domain("cite"), "bibdata", None)
        if match is None or bibdata is None:
            return False
        hint = did_you_mean(match["key"], [str(key) for key in bibdata.data.entries])
        if hint:
            record.msg, record.args = match[0] + hint, ()
        return False  # shown, with the hint

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
    findings.count(env, "citations", "linked", linked)
    findings.count(env, "citations", "missing", missing)
    findings.count(env, "citations", "unused", unused)
    findings.count(env, "citations", "entries", len(entries))


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


#: Digest of what the formatted citations were made from at the last build (environment).
_ENV_FORMATTING = "critical_edition_citation_inputs"


def _style_stamps(config: Any, styles: Iterable[str | None]) -> list[str]:
    """Where the code of every style in use lives and when it changed (the toolkit's own
    styles are in its code stamp; a style of the editor's own, registered with pybtex, is not,
    nor is its module in the configuration's hash)."""
    wanted = [
        ("pybtex.style.formatting", config.bibtex_default_style),
        ("pybtex.style.formatting", getattr(config, "bibtex_tooltips_style", "")),
        ("sphinxcontrib.bibtex.style.referencing", config.bibtex_reference_style),
        *(("pybtex.style.formatting", style) for style in styles),
    ]
    stamps = []
    for group, name in sorted({(g, n) for g, n in wanted if n}):
        try:
            stamps.append(bibcache.source_stamp(find_plugin(group, name)))
        except Exception:  # noqa: BLE001 (an unknown style is reported elsewhere)
            stamps.append(f"{group}:{name}:?")
    return stamps


def _formatting_inputs(cite: Any, config: Any) -> str | None:
    """A digest of what sphinxcontrib-bibtex formats the citations from: the parsed entries
    (their remembered fingerprints), every bibliography's options, every citation's id,
    bibliography and key, in order, and the code of the styles in use; None when the entries'
    fingerprints are not remembered.

    The configuration is not in it: a change of it has every page read and written again.
    """
    bibdata = getattr(cite.data.get("bibdata"), "data", None)
    entries = bibcache.parse_digest(bibdata) if bibdata is not None else None
    if entries is None:
        return None
    bibliographies = [
        (
            tuple(key),
            value.style,
            value.list_,
            value.enumtype,
            value.start,
            value.labelprefix,
            value.keyprefix,
            tuple(value.keys),
        )
        for key, value in cite.data["bibliographies"].items()
    ]
    citations = [
        (citation.citation_id, tuple(citation.bibliography_key), citation.key)
        for citation in cite.data["citations"]
    ]
    styles = _style_stamps(config, (value.style for value in cite.data["bibliographies"].values()))
    parts = (entries, bibliographies, citations, styles)
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
    has formatted the citations. Rendering every citation took a tenth of a second at fifty
    times the paper: it is skipped when what they are formatted from
    (:func:`_formatting_inputs`) is what the last build formatted them from.
    """
    cite = env.domains["cite"]
    inputs = _formatting_inputs(cite, env.config)
    last_inputs = swap(env, _ENV_FORMATTING, inputs)
    if (
        inputs is not None
        and last_inputs == inputs
        and getattr(env, _ENV_FINGERPRINTS, None) is not None
    ):
        return []  # the same entries formatted for the same citations: the same output
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


def register(app: Sphinx) -> None:
    """Connect the bibliography checks."""
    # config-inited, late: style names are checked once every extension registered its styles.
    app.connect("config-inited", validate_styles, priority=priorities.CHECK_BIB_STYLES)
    # builder-inited, priority 400: before sphinxcontrib-bibtex parses the files (priority 500).
    app.connect("builder-inited", validate_bibfiles, priority=priorities.CHECK_BIB_FILES)
    findings.intercept(app, _take_over_missing_field(app))
    findings.intercept(app, _suggest_missing_key(app))
    # doctree-read / env-purge-doc / env-merge-info: {footcite} keys per document.
    app.add_env_collector(_FootciteKeys)
    # env-updated, priority 600: after sphinxcontrib-bibtex has formatted the citations.
    app.connect(
        "env-updated",
        pages_citing_changed_entries,
        priority=priorities.PAGES_CITING_CHANGED_ENTRIES,
    )
    # write-started: corpus-wide, every build.
    app.connect("write-started", check_citations)
