"""Asset links (build-finished): each page's ``?v=`` names the bytes its stylesheet holds at the end.

Sphinx links a page's stylesheets and scripts with a checksum of the file as it is when the
page is written (``furo.css?v=1a2b3c4d``), so that a browser fetches the file again when it
changes. Three sheets are rewritten after the pages: the toolkit prunes furo's sheets and
writes the reading text's copies (:mod:`.theme_css`), and furo itself writes ``pygments.css``
at the build's end. Their links named the bytes of the build before, or of furo's unpruned
file: when the pruned sheet changed (a page brought a class the site had not used before), the
address stayed the same, and a browser that had kept the old sheet went on using it.

Here, once every sheet is final, a ``?v=`` that does not name its file's current checksum is
made to (and a stylesheet link Sphinx left without one, its file not written yet when the page
was, gets one), in the pages this build wrote, and in every page when a sheet's checksum is not the
one the last build's pages were given (kept in the doctree directory, :data:`STATE_FILE`). A
rebuild that changed nothing reads no page; the EPUB builder packs its pages before the build
ends and is left alone.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from critical_edition.core import atomic, keptmaps, priorities
from critical_edition.core.listing import files_with_suffixes, stat_key
from critical_edition.core.scanning import matches_at
from critical_edition.writers import theme_css, written_pages
from critical_edition.writers.page_assets import writes_reading_sheets

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The checksums the pages were given, by file under the output (kept between builds).
STATE_FILE = "critical_edition_asset_links.json"
STATE_FORMAT = 1
#: A link to a local asset with Sphinx's checksum (``href="…?v=1a2b3c4d"``, or ``src=``): what
#: follows the ``?v=`` and what comes before it, back to the quote.
_VERSION = re.compile(rb"\?v=")
_CHECKSUM = re.compile(rb'[0-9a-f]{8}"')
_ADDRESS = re.compile(rb'[^"?#:]+')
#: A stylesheet link as Sphinx writes it, without a checksum: Sphinx gives none to a file that
#: does not exist yet when the page is written (the reading text's sheets, in a first build).
_BARE_SHEET = re.compile(rb'(<link rel="stylesheet"(?: type="text/css")? href=")([^"?#:]+\.css)(")')


def checksum(path: Path) -> str:
    """Sphinx's checksum of an asset (``_file_checksum``): CRC-32 of its bytes, carriage
    returns left out of a stylesheet or script; none (``""``) for an empty file."""
    content = path.read_bytes()
    if path.suffix in (".css", ".js"):
        content = content.replace(b"\r", b"")
    return f"{zlib.crc32(content):08x}" if content else ""


def _versioned_links(page: bytes) -> Iterator[tuple[int, int, bytes]]:
    r"""The links to a local asset with Sphinx's checksum in *page*, as the pattern
    ``((?:href|src)="([^"?#:]+)\?v=)([0-9a-f]{8})"`` finds them: (where the checksum starts,
    where the link ends, its address). Found from each ``?v=`` (a pattern that starts with an
    alternation is tried at every byte of the page): the address before it runs back to the
    quote of its ``href="`` or ``src="``, for it holds none."""
    for version in _VERSION.finditer(page):
        position, checksum_start = version.start(), version.end()
        end = checksum_start + 9  # eight hexadecimal digits and the quote
        quote = page.rfind(b'"', 0, position)
        address = page[quote + 1 : position]
        if (
            quote >= 0
            and _CHECKSUM.fullmatch(page, checksum_start, end)
            and _ADDRESS.fullmatch(address)
            and page[max(quote - 5, 0) : quote].endswith((b"href=", b"src="))
        ):
            yield checksum_start, end, address


def relinked(page: bytes, folder: Path, checksums: dict[Path, str | None]) -> bytes:
    """*page* (a file in *folder*) with each asset link naming its file's current checksum."""

    def of(address: bytes) -> bytes | None:
        target = Path(os.path.normpath(folder / address.decode("utf-8", "replace")))
        if target not in checksums:
            checksums[target] = checksum(target) if target.is_file() else None
        found = checksums[target]
        return found.encode("ascii") if found else None

    # As _BARE_SHEET.sub(…, _LINK.sub(…, page)): the same matches, found from fixed text.
    parts: list[bytes] = []
    start = 0
    for checksum_start, end, address in _versioned_links(page):
        found = of(address)
        if found is not None:
            parts += [page[start:checksum_start], found, b'"']
            start = end
    if start:
        page = b"".join([*parts, page[start:]])
    parts, start = [], 0
    for match in matches_at(_BARE_SHEET, page, b'<link rel="stylesheet"'):
        found = of(match[2])
        if found is not None:
            parts += [page[start : match.end(2)], b"?v=", found]
            start = match.end(2)
    return b"".join([*parts, page[start:]]) if start else page


def relink_pages(app: Sphinx, exception: BaseException | None) -> None:
    """Give the pages' asset links the checksums of the files as the build leaves them
    (``build-finished``, after the sheets are pruned and furo wrote its colours)."""
    if exception is not None or not writes_reading_sheets(app):
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    sheets = {
        str(path.relative_to(outdir)): checksum(path)
        for path in files_with_suffixes(static, frozenset({".css"}))
    }
    state_path = Path(app.doctreedir) / STATE_FILE
    kept = keptmaps.read_map(
        state_path, file_format=STATE_FORMAT, key="", name="sheets", limit=len(sheets) + 1
    )
    every_page = kept != sheets
    # The sheets' checksums, worked out once: the pages' links to them are read from here.
    checksums: dict[Path, str | None] = {
        Path(os.path.normpath(outdir / name)): crc for name, crc in sheets.items()
    }
    rewritten: dict[Path, list[int]] = {}
    # The pages this build wrote (or every page).
    pages = written_pages.every_page(app) if every_page else written_pages.written(app)
    for path in pages:
        page = path.read_bytes()
        new = relinked(page, path.parent, checksums)
        if new != page:
            before = stat_key(path)
            atomic.write_bytes(path, new)
            rewritten[path] = before
    # Only checksums changed: what the sheets' pruning took from these pages still holds.
    theme_css.restamp_pages(app, rewritten)
    keptmaps.write_map(state_path, sheets, file_format=STATE_FORMAT, key="", name="sheets")


def register(app: Sphinx) -> None:
    """Relink the pages once every sheet is final."""
    app.connect("build-finished", relink_pages, priority=priorities.RELINK_ASSETS)
