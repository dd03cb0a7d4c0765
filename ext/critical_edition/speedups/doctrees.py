"""Doctrees between reading and writing (builder-inited): kept on disk only, not also in memory.

Sphinx writes every doctree it reads to the doctree directory, and in a serial build also
keeps it in memory (``BuildEnvironment._write_doc_doctree_cache``) until the document is
written, so that the write phase need not read the file again. In a full build every doctree
of the site is then alive at once: at 50 times the paper, some 340,000 of the half million
objects the garbage collector walks at each of its full passes, which grow with the site
(about a fifth of a full build went to those passes). Here the builder's ``write_doctree``
is asked not to keep that copy: the write phase reads each doctree from the file Sphinx
wrote, as it does in an incremental build and in a parallel one. Sphinx keeps the file's bytes
once read (``_pickled_doctree_cache``, the whole site's by the end of the write phase: 12 MB at
50 times the paper, held while the largest pages are written last); a document's bytes are let
go once it is written, and read again from the file should anything ask for it later (in a
``-j`` build documents are written by worker processes, so the main process keeps them). The
output is unchanged (the same pickle, read back); what changes is when memory is held.

Set the environment variable ``CRITICAL_EDITION_RELEASE_DOCTREES=0`` to keep Sphinx's
in-memory copies (the stock behaviour). The patch uses a keyword argument of Sphinx's own
(``_cache``), so it stands aside on a Sphinx release the tests do not cover
(:mod:`.versions`).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from critical_edition.speedups import versions

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to keep every doctree read in memory until it is written (Sphinx's way).
SWITCH = "CRITICAL_EDITION_RELEASE_DOCTREES"


def enabled() -> bool:
    """Whether doctrees are kept on disk only: unless ``CRITICAL_EDITION_RELEASE_DOCTREES=0``,
    and only on the Sphinx releases the tests cover."""
    return versions.switched_on(SWITCH) and versions.covered("doctree release", "sphinx")


def release(app: Sphinx) -> None:
    """Have the builder write each doctree to disk without keeping it (``builder-inited``)."""
    builder: Any = app.builder
    original = getattr(builder, "write_doctree", None)
    if original is None or not enabled():
        return
    if "_cache" not in inspect.signature(original).parameters:
        return  # not the method the tests pin: leave it alone

    def write_doctree(docname: str, doctree: nodes.document, *, _cache: bool = True) -> None:
        original(docname, doctree, _cache=False)

    setattr(builder, "write_doctree", write_doctree)  # noqa: B010

    write_doc = getattr(builder, "write_doc", None)
    pickled = getattr(app.env, "_pickled_doctree_cache", None)
    if write_doc is None or not isinstance(pickled, dict):
        return

    def write_doc_and_let_go(docname: str, doctree: nodes.document) -> None:
        write_doc(docname, doctree)
        pickled.pop(docname, None)

    setattr(builder, "write_doc", write_doc_and_let_go)  # noqa: B010


def setup(app: Sphinx) -> ExtensionMetadata:
    """Ask every builder not to keep the doctrees it reads in memory.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.doctrees``).
    """
    app.connect("builder-inited", release)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
