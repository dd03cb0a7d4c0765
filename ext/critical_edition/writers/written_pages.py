"""Written pages (write phase, build-finished): the pages this build wrote, by each page's file status.

The rewrites after the pages are written (:mod:`.page_markup`, :mod:`.sheet_links`) read only
the pages the build wrote: a page left alone was rewritten by the build that wrote it. Which
pages those are is told by each page's file status (size, date, inode, change time) as the last
build left it, kept in the doctree directory (:data:`RECORD_FILE`) once every rewrite is done:
a page whose status differs, or that the record does not name, was written since.

The status is exact where a date test against the build's start is not: a build that starts
within the file system's clock tick of the last one's end (a no-op run straight after a
build, as the benchmark and an editor's save do) took the last build's late pages for its
own. Sphinx writes a page in place (same inode), so a rewrite is told by its size, date and
change time; on a file system whose clock ticks in seconds, a page rewritten with the same
size within the tick of the record would be missed (the slimmed page the record holds and
the page Sphinx writes differ in size all but always).
Every page counts as written when no record is kept, when it cannot be read or was made by
another version of the toolkit's code; after a failed build, every page changed since the last
build that ended well (only such a build writes the record).

The output is listed once per build (:func:`output_files`: its pages, scripts and stylesheets,
each with its name), for the slimming, the sheets' pruning and the asset links alike.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.core import keptmaps, priorities
from critical_edition.core.listing import file_key, named_files_with_suffixes, stat_key
from critical_edition.integrity import stale

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Each page's file status as the last build that ended well left it (in the doctree folder).
RECORD_FILE = "critical_edition_written_pages.json"
#: Folders of the output that hold no page of the site.
_NOT_PAGES = {"_static", "_sources", "_images", "_downloads"}
#: The kinds of file of the output the handlers at the build's end read (the pages, and the
#: scripts and stylesheets the sheets' pruning reads): listed once per build.
OUTPUT_SUFFIXES = frozenset({".html", ".js", ".css"})

#: What each build (of an application) found: the output's files of :data:`OUTPUT_SUFFIXES`
#: and every page (each with its name under the output), and the pages it wrote (each list
#: taken once).
_FOUND: weakref.WeakKeyDictionary[Sphinx, dict[str, Any]] = weakref.WeakKeyDictionary()


def _pages_among(files: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """The HTML pages among *files* (name under the output, path): not the files of its asset
    folders."""
    return [
        (name, path)
        for name, path in files
        if name.endswith(".html") and not _NOT_PAGES & set(name.split("/")[:-1])
    ]


def pages_of(outdir: Path) -> list[Path]:
    """The HTML pages of *outdir* (not the files of its asset folders)."""
    return [
        path
        for _name, path in _pages_among(named_files_with_suffixes(outdir, frozenset({".html"})))
    ]


def _found(app: Sphinx) -> dict[str, Any]:
    found = _FOUND.get(app)
    if found is None:
        found = _FOUND[app] = {}
    return found


def output_files(app: Sphinx) -> list[tuple[str, Path]]:
    """The files of the output with one of :data:`OUTPUT_SUFFIXES`, sorted as paths, each
    with its name under the output: listed once per build, at the first call (once Sphinx has
    written every page, and before any handler of ``build-finished`` adds or removes a page:
    the slimming asks first, the sheets' pruning, which runs next, reuses the list)."""
    found = _found(app)
    if "files" not in found:
        found["files"] = named_files_with_suffixes(Path(app.outdir), OUTPUT_SUFFIXES)
    files: list[tuple[str, Path]] = found["files"]
    return files


def _every(app: Sphinx) -> list[tuple[str, Path]]:
    found = _found(app)
    if "every" not in found:
        found["every"] = _pages_among(output_files(app))
    every: list[tuple[str, Path]] = found["every"]
    return every


def every_page(app: Sphinx) -> list[Path]:
    """The HTML pages of the output (:func:`pages_of`), from :func:`output_files`."""
    return [path for _name, path in _every(app)]


def _recorded(app: Sphinx) -> dict[str, list[int]]:
    def pages(stored: dict[str, Any]) -> dict[str, list[int]]:
        found = stored["pages"]
        if not all(
            isinstance(key, list) and all(isinstance(n, int) for n in key) for key in found.values()
        ):
            raise TypeError("a page's status is not a list of numbers")
        return dict(found)

    kept = keptmaps.read_shaped(
        Path(app.doctreedir) / RECORD_FILE,
        pages,
        stamp={"code": stale.code_stamp()},
        fields={"pages": dict},
    )
    return kept or {}


def written(app: Sphinx) -> list[Path]:
    """The pages this build wrote (found once per build, at the first call, which comes once
    Sphinx has written every page)."""
    found = _found(app)
    if "written" not in found:
        recorded = _recorded(app)
        found["written"] = [
            path for name, path in _every(app) if recorded.get(name) != stat_key(path)
        ]
    written_pages: list[Path] = found["written"]
    return written_pages


def forget(app: Sphinx, *_args: object) -> None:
    """Forget the last build's lists (``env-before-read-docs``, at the start of each build:
    a build that failed before :func:`record` left them)."""
    _FOUND.pop(app, None)


def record(app: Sphinx, exception: BaseException | None) -> None:
    """Keep each page's status as this build leaves it (``build-finished``, after every
    rewrite of the pages)."""
    found = _FOUND.pop(app, None)
    if exception is not None or found is None or "written" not in found:
        return
    # Each page's status, if it is still a file (one status asked).
    keys = ((name, file_key(path)) for name, path in found["every"])
    pages = {name: key for name, key in keys if key is not None}
    keptmaps.write_state(
        Path(app.doctreedir) / RECORD_FILE, {"code": stale.code_stamp(), "pages": pages}
    )


def register(app: Sphinx) -> None:
    """Record the pages' status once every rewrite of them is done."""
    app.connect("env-before-read-docs", forget)
    app.connect("build-finished", record, priority=priorities.RECORD_WRITTEN_PAGES)
