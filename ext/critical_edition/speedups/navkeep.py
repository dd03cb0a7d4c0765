"""Kept navigation tree (read and write phases): the unmarked sidebar tree kept between builds.

The navigation cache (:mod:`.navigation`) has Sphinx resolve and render the site's whole
table of contents once per build, for a document that is no page (Sphinx's
``global_toctree_for_doc`` and ``render_partial``: a twentieth of a second at 50 times the
paper, in every build that writes a page). That HTML is a function of what the toctrees show of
each document and of settings that rarely change, so it is kept here, in a file of the
builder's doctree directory (:data:`FILE_NAME`), under a digest of everything the two read
(:func:`tree_digest`):

* per document, as a toctree shows it: its title, its table of contents (sections, the
  toctrees inside it, section numbers), its ``tocdepth``; and for the root document the
  toctrees of its doctree, where the global tree starts. These are digested once, when the
  document is read (``doctree-read``, after every handler that edits a table of contents),
  and kept in the environment (:class:`TocDigests`), so a rebuild digests only the documents
  it read;
* for the whole site: the toctree structure (``toctree_includes``, ``glob_toctrees``,
  ``numbered_toctrees``), the section numbers Sphinx assigns after reading
  (``toc_secnumbers``, which it also writes into the tables of contents of documents it did
  not read), the documents there are, the ``toctree()`` arguments, the tags, the whole
  configuration (:func:`~critical_edition.core.confdigest.config_digest`), the HTML
  translator's class and the node handlers extensions add to it (their code's files), and the
  releases the extensions declare. (``toc_fignumbers`` are left out: neither step reads them.)

The same hook notes whether each document's table of contents holds ``only``
(:class:`TocsWithOnly`): the navigation cache renders the pages below such a document the
stock way, and no longer looks through every table of contents in each build to find them.

The file itself is keyed on the code (:func:`file_key`: the toolkit's code stamp, Sphinx's
and docutils' releases, Python's); a file with another key, or one that cannot be read, is
ignored and written afresh. A tree whose resolution logged a warning (a missing document, a
cycle) is never kept, so that every build that should warn does. It is off with the
navigation cache (``CRITICAL_EDITION_NAVCACHE=0``) or alone (``CRITICAL_EDITION_NAVKEEP=0``).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import addnodes

from critical_edition.core import keptmaps, priorities
from critical_edition.core.codestamp import class_stamp, code_stamp, translator_stamp
from critical_edition.core.confdigest import config_digest, stable_repr
from critical_edition.core.envdata import PerDocument
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

#: Set to ``0`` to render the tree in every build (the navigation cache's switch turns it off too).
SWITCH = "CRITICAL_EDITION_NAVKEEP"
#: The file, in the builder's doctree directory, holding the rendered trees between builds.
FILE_NAME = "critical_edition_navigation_trees.json"
#: The file's layout (and the digests' recipe); a file of another layout is ignored.
FILE_FORMAT = 1
#: The distributions resolving and rendering the tree runs on.
PACKAGES = ("sphinx", "docutils")
#: How many trees the file keeps (one per set of ``toctree()`` arguments; furo asks one).
KEPT_TREES = 8


def enabled() -> bool:
    """Whether the rendered tree is kept (unless ``CRITICAL_EDITION_NAVKEEP=0``)."""
    return versions.switched_on(SWITCH)


class TocDigests(PerDocument[str]):
    """Per document, a digest of what the global toctree reads of it (set at ``doctree-read``)."""

    attribute = "critical_edition_navigation_toc_digests"


class TocsWithOnly(PerDocument[bool]):
    """Per document, whether its table of contents holds ``only`` (set at ``doctree-read``)."""

    attribute = "critical_edition_navigation_tocs_with_only"


def holds_only(env: BuildEnvironment, docname: str) -> bool:
    """Whether the table of contents of *docname* holds an ``only`` node."""
    toc = env.tocs.get(docname)
    return toc is not None and next(iter(toc.findall(addnodes.only)), None) is not None


def documents_with_only(env: BuildEnvironment) -> set[str]:
    """The documents whose table of contents holds ``only``: as noted when each was read (a
    document read before that was noted is looked at now)."""
    noted = TocsWithOnly.of(env)
    return {
        docname
        for docname in env.tocs
        if (noted[docname] if docname in noted else holds_only(env, docname))
    }


def toc_digest(env: BuildEnvironment, docname: str, doctree: nodes.Node | None) -> str:
    """What a toctree shows of *docname*, digested; for the root document also the toctrees
    of its *doctree* (the global tree is resolved from them)."""
    title = env.titles.get(docname)
    toc = env.tocs.get(docname)
    toctrees: list[str] | None = None
    if docname == env.config.root_doc and doctree is not None:
        toctrees = [node.pformat() for node in doctree.findall(addnodes.toctree)]
    parts = (
        FILE_FORMAT,
        title.pformat() if title is not None else None,
        toc.pformat() if toc is not None else None,
        stable_repr(env.metadata.get(docname, {}).get("tocdepth")),
        toctrees,
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def note_read_document(app: Sphinx, doctree: nodes.document) -> None:
    """Digest the document just read (``doctree-read``, after every edit of its toc)."""
    env = app.env
    docname = env.current_document.docname
    TocDigests.of(env)[docname] = toc_digest(env, docname, doctree)
    TocsWithOnly.of(env)[docname] = holds_only(env, docname)


def fill_missing(app: Sphinx, env: BuildEnvironment) -> None:
    """Digest the documents read before the digests were kept (``env-updated``, before the
    environment is saved); the root document's toctrees from its saved doctree."""
    digests = TocDigests.of(env)
    for docname in env.found_docs - digests.keys():
        doctree = env.get_doctree(docname) if docname == env.config.root_doc else None
        digests[docname] = toc_digest(env, docname, doctree)


def tree_digest(
    builder: StandaloneHTMLBuilder, kwargs: dict[str, Any], extensions: dict[str, Any]
) -> str | None:
    """Everything the tree for *kwargs* is made of, digested; None when a document's digest is
    missing (the tree is then rendered and not kept). *extensions* are the application's
    (their releases)."""
    env = builder.env
    digests = TocDigests.of(env)
    try:
        documents = sorted((docname, digests[docname]) for docname in env.found_docs)
    except KeyError:
        return None
    parts = (
        FILE_FORMAT,
        sorted(kwargs.items()),
        sorted(builder.tags),
        config_digest(env.config),
        class_stamp(type(builder)),
        translator_stamp(builder),
        versions.extension_releases(extensions),
        documents,
        sorted((doc, tuple(children)) for doc, children in env.toctree_includes.items()),
        sorted(env.glob_toctrees),
        sorted(env.numbered_toctrees),
        sorted(
            (doc, sorted((anchor, tuple(n)) for anchor, n in numbers.items()))
            for doc, numbers in env.toc_secnumbers.items()
        ),
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def file_key() -> str:
    """Everything rendering depends on besides the digested input: the file's key."""
    return versions.kept_file_key(FILE_FORMAT, PACKAGES, code_stamp())


class _WarningSeen(logging.Handler):
    """Notes whether Sphinx logged a warning while it is attached (before any filter)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class KeptTree:
    """The rendered trees of this build, read from the last build's file at the first tree
    asked for, and kept for the next build."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.key: str | None = None
        self.stored: dict[str, str] = {}
        #: The trees of this build, by :func:`tree_digest`.
        self.used: dict[str, str] = {}
        #: How many trees were rendered in this build (not read from the file).
        self.rendered = 0

    def get(self, digest: str | None, render: Callable[[], str]) -> str:
        """The tree of *digest*: the kept one if there is one, else *render*'s."""
        if digest is not None and self.path is not None:
            if self.key is None:
                self.key = file_key()
                self.stored = keptmaps.read_map(
                    self.path, file_format=FILE_FORMAT, key=self.key, name="trees", limit=KEPT_TREES
                )
            found = self.stored.get(digest)
            if found is not None:
                self.used[digest] = found
                return found
        watcher = _WarningSeen()
        sphinx_logger = logging.getLogger("sphinx")
        sphinx_logger.addHandler(watcher)
        try:
            html = render()
        finally:
            sphinx_logger.removeHandler(watcher)
        self.rendered += 1
        if digest is not None and not watcher.seen and len(self.used) < KEPT_TREES:
            self.used[digest] = html
        return html

    def save(self) -> bool:
        """Keep this build's trees for the next one, if one was rendered; whether it was."""
        if self.path is None or self.key is None or not self.rendered:
            return False
        return keptmaps.write_map(
            self.path, self.used, file_format=FILE_FORMAT, key=self.key, name="trees"
        )


def register(app: Sphinx) -> None:
    """Keep each document's digest in the environment (with the navigation cache)."""
    app.add_env_collector(TocDigests)
    app.add_env_collector(TocsWithOnly)
    # doctree-read, late: after every handler that edits the document's table of contents.
    app.connect("doctree-read", note_read_document, priority=priorities.NAVIGATION_TOC_DIGEST)
    # env-updated: before the environment is saved.
    app.connect("env-updated", fill_missing)
