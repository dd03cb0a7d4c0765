"""Incremental = clean (env-get-outdated to build-finished): code changes, navigation, parents, removed pages."""

from __future__ import annotations

import hashlib
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from critical_edition.apparatus.domain import PRECISE_REWRITES
from critical_edition.core import codestamp
from critical_edition.core.envdata import swap
from critical_edition.core.findings import build_state
from critical_edition.core.unfinished import reread_everything
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


#: Digest of the toolkit's code at the last build (environment).
_ENV_CODE = "critical_edition_code"


def code_stamp() -> str:
    """A digest of the toolkit's code as installed (:func:`.codestamp.code_stamp`, read once
    per process); the writers' caches key their files on it through this name."""
    return codestamp.code_stamp()


def pages_after_a_code_change(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every document, when the toolkit's code changed since the last build (``env-get-outdated``).

    Sphinx re-reads a document when its source, its dependencies or the configuration change,
    not when an extension's code does: a page read by the old code would keep the old code's
    output (its cards, its bibliography entries) until a clean build. An editor changing the
    toolkit while ``make serve`` runs sees every page again instead.
    """
    stamp = code_stamp()
    previous = swap(env, _ENV_CODE, stamp)
    if previous is None or previous == stamp:
        return []
    logger.info("critical_edition: the toolkit's code changed; every document is read again")
    return reread_everything(app, env)


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


#: Per document, a digest of what a toctree listing it shows, at the last build (environment).
_ENV_TOC_ENTRIES = "critical_edition_toc_entries"
#: Per build: the documents whose toctree entry changed.
_TOC_CHANGED: weakref.WeakKeyDictionary[Sphinx, set[str]] = weakref.WeakKeyDictionary()
#: Per build: Sphinx's toctree parents, put aside while the build writes.
_ALL_PARENTS: weakref.WeakKeyDictionary[Sphinx, dict[str, set[str]]] = weakref.WeakKeyDictionary()


def toc_entry(env: BuildEnvironment, docname: str) -> str:
    """A digest of what a toctree shows of *docname*: its title, its sections and the
    toctrees inside it (as Sphinx resolves them), its section numbers and its ``tocdepth``."""
    toc = env.tocs.get(docname)
    title = env.titles.get(docname)
    parts = (
        title.pformat() if title is not None else None,
        toc.pformat() if toc is not None else None,
        env.toc_secnumbers.get(docname),
        env.metadata.get(docname, {}).get("tocdepth"),
        env.toctree_includes.get(docname),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def toc_entries(env: BuildEnvironment) -> dict[str, str]:
    """Every document's :func:`toc_entry` digest, as :func:`note_changed_toc_entries` last
    kept them (worked out here for a document it has none of)."""
    kept: dict[str, str] = getattr(env, _ENV_TOC_ENTRIES, None) or {}
    return {doc: kept.get(doc) or toc_entry(env, doc) for doc in sorted(env.found_docs)}


def note_changed_toc_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Remember which documents' toctree entries changed since the last build; ``env-updated``.

    Compared for the documents this build read and those it removed; the others' entries are
    as the last build left them.
    """
    previous: dict[str, str] = getattr(env, _ENV_TOC_ENTRIES, None) or {}
    current = {doc: digest for doc, digest in previous.items() if doc in env.found_docs}
    changed = {doc for doc in previous if doc not in env.found_docs}
    for docname in build_state(app).purged | (set(env.found_docs) - previous.keys()):
        if docname not in env.found_docs:
            continue
        current[docname] = toc_entry(env, docname)
        if previous.get(docname) != current[docname]:
            changed.add(docname)
    setattr(env, _ENV_TOC_ENTRIES, current)
    _TOC_CHANGED[app] = changed
    return []


def parents_of_changed_entries_only(app: Sphinx, builder: object = None) -> None:
    """Rewrite a toctree parent only when the entry of its rewritten child changed.

    Sphinx writes, with every page it writes, each page whose toctree lists it, since the
    child's title or sections may have changed; a prose edit to one paper page rewrote the
    landing page and the print page with it. A toctree shows of a child only what
    :func:`toc_entry` digests, so the parents stay as they are when that did not change
    (a changed title or table of contents rewrites every page anyway:
    :func:`pages_with_stale_navigation`). ``write-started``, just before Sphinx reads
    ``env.files_to_rebuild``; put back at ``build-finished``. Off with
    ``CRITICAL_EDITION_PRECISE_REWRITES=0``.
    """
    env = app.env
    changed = _TOC_CHANGED.get(app)
    if changed is None or not switched_on(PRECISE_REWRITES):
        return
    _ALL_PARENTS[app] = env.files_to_rebuild
    env.files_to_rebuild = {
        doc: parents for doc, parents in env.files_to_rebuild.items() if doc in changed
    }


def restore_parents(app: Sphinx, exception: BaseException | None) -> None:
    """Put Sphinx's toctree parents back (``build-finished``): the next build reads them."""
    parents = _ALL_PARENTS.pop(app, None)
    if parents is not None:
        app.env.files_to_rebuild = parents
    _TOC_CHANGED.pop(app, None)


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
    for docname in sorted(build_state(app).removed - set(app.env.found_docs)):
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


def register(app: Sphinx) -> None:
    """Connect the repairs, and the rule that spares toctree parents whose child's entry
    stayed the same."""
    # env-get-outdated: a change of the toolkit's code makes every page stale.
    app.connect("env-get-outdated", pages_after_a_code_change)
    # env-updated: a changed table of contents or title makes every page's navigation stale.
    app.connect("env-updated", pages_with_stale_navigation)
    # env-updated: which documents' toctree entries changed; write-started: only their
    # parents are rewritten with them; build-finished: Sphinx's record put back.
    app.connect("env-updated", note_changed_toc_entries)
    app.connect("write-started", parents_of_changed_entries_only)
    app.connect("build-finished", restore_parents)
    # build-finished: outputs of removed documents go, as in a clean build.
    app.connect("build-finished", remove_outputs_of_removed_pages)
