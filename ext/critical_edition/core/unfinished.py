"""Unfinished builds (start to build-finished): a marker while a build runs; repair after a kill.

When a build starts, a marker file is written into the output folder; it is removed when the
build ends without an exception. A build that finds the marker knows the previous one did not
finish (killed, interrupted, crashed): Sphinx may have saved an environment saying every
document is up to date while pages, the search index or the toolkit's own files were never
written. That build then reads and writes every document again, so that its output equals a
clean build's. Before anything is written, the output and doctree folders are checked: a build
that cannot write them stops with one message naming the folder, and exit status 2.
"""

from __future__ import annotations

import os
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from critical_edition.core import atomic, priorities
from critical_edition.core.diagnostics import WARNING_TYPE

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: The marker's name in the output folder; present only while a build runs (or after one that
#: did not finish).
MARKER_NAME = ".critical-edition-build-unfinished"

#: Exit status of a build that cannot write its output (sphinx-build's status for errors).
EXIT_UNWRITABLE = 2

#: The stable code of that stop. Not a :class:`~.diagnostics.Subtype`: the build ends there,
#: so ``suppress_warnings`` cannot silence it.
UNWRITABLE_CODE = f"{WARNING_TYPE}.output_unwritable"

#: Applications whose previous build into the same output folder did not finish.
_REPAIRING: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def marker_path(app: Sphinx) -> Path:
    """Where the marker of a running build lives."""
    return Path(app.outdir) / MARKER_NAME


def _stop_unwritable(folder: Path, role: str, error: OSError) -> None:
    """Say which folder cannot be written and end the build with status 2.

    ``SystemExit`` passes through Sphinx's handlers, which would otherwise print a traceback
    and ask for a bug report; nothing has been written yet, so the previous output is intact.
    """
    reason = error.strerror or str(error)
    sys.stderr.write(
        f"{folder}: ERROR: the {role} cannot be written ({reason}); nothing was built and the "
        f"previous output is unchanged. Make the folder writable (or free space on its disk), "
        f"or choose another {role}. [{UNWRITABLE_CODE}]\n"
    )
    sys.stderr.flush()
    raise SystemExit(EXIT_UNWRITABLE)


def _probe(folder: Path, role: str) -> None:
    """Create *folder* if needed and write (then remove) a small file in it."""
    probe = folder / f".critical-edition-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        _stop_unwritable(folder, role, error)


def begin(app: Sphinx) -> None:
    """Check that the build can write, note an unfinished previous build, and set the marker.

    Called while the toolkit is set up: after Sphinx knows its folders, before it loads the
    saved environment or writes anything.
    """
    outdir, doctreedir = Path(app.outdir), Path(app.doctreedir)
    _probe(outdir, "output folder")
    _probe(doctreedir, "doctree folder")
    marker = marker_path(app)
    if marker.exists():
        _REPAIRING.add(app)
        logger.info(
            "critical_edition: the previous build into %s did not finish; every document is "
            "read and written again",
            outdir,
        )
    try:
        atomic.write_text(marker, "A critical_edition build into this folder has not finished.\n")
    except OSError as error:
        _stop_unwritable(outdir, "output folder", error)


def repair_outdated(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Every document, after an unfinished build (``env-get-outdated``); otherwise none.

    Re-reading every document has every page written again, with its source copy. The old
    search index is removed: Sphinx would load it, drop the entries of the pages it writes,
    and still keep their words as empty entries, which a clean build does not have. The
    toolkit's files (``claims.json``, the integrity report and its findings) are rebuilt from
    the complete environment at the end.
    """
    if app not in _REPAIRING:
        return []
    return reread_everything(app, env)


def reread_everything(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every document, to be read and written again, and no stale search index.

    Sphinx would load the old index, drop the entries of the pages it writes and still keep
    their words as empty entries, which a clean build does not have: the index goes first.
    """
    index_name = getattr(app.builder, "searchindex_filename", None)
    if isinstance(index_name, str):
        (Path(app.outdir) / index_name).unlink(missing_ok=True)
    return sorted(env.found_docs)


def finish(app: Sphinx, exception: BaseException | None) -> None:
    """Remove the marker once the build has written everything (``build-finished``, last)."""
    if exception is not None:
        return
    try:
        marker_path(app).unlink(missing_ok=True)
    except OSError:
        # The next build repeats the work: slower, never incomplete.
        return
    _REPAIRING.discard(app)


def keep_marker_out_of_epub(app: Sphinx, config: Config) -> None:
    """The EPUB builder packs its output folder, and warns about files it cannot type."""
    excluded = list(config.epub_exclude_files)
    if MARKER_NAME not in excluded:
        config.epub_exclude_files = [*excluded, MARKER_NAME]


def register(app: Sphinx) -> None:
    """Set the marker now and connect the repair and the marker's removal."""
    begin(app)
    # config-inited: the marker is not part of an EPUB book.
    app.connect("config-inited", keep_marker_out_of_epub)
    # env-get-outdated: after an unfinished build, every document is read again.
    app.connect("env-get-outdated", repair_outdated)
    # build-finished, last: after every other handler wrote its files.
    app.connect("build-finished", finish, priority=priorities.BUILD_COMPLETE)
