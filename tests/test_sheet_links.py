"""Asset links (writers/sheet_links.py): every ``?v=`` names the bytes its file ends the build with.

The root ``test-passages`` has a numbered page (``text``), which loads the reading text's own
sheets, written after the pages; furo's sheets are pruned after the pages, and furo writes
``pygments.css`` at the build's end.
"""

from __future__ import annotations

import re
import shutil
import time
import zlib
from pathlib import Path
from typing import Any

from critical_edition.writers.sheet_links import checksum, relinked
from helpers import build, warnings_of

ROOT = "test-passages"
LINK = re.compile(r'(?:href|src)="([^"?#:]+)\?v=([0-9a-f]{8})"')
BARE_SHEET = re.compile(r'<link rel="stylesheet"(?: type="text/css")? href="[^"?]+"')


def stale_links(outdir: Path) -> list[str]:
    """Each asset link of *outdir*'s pages whose checksum is not its file's, or that has none."""
    found = []
    for page in sorted(outdir.rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        found += [f"{page.name}: {m[0]}" for m in BARE_SHEET.finditer(text)]
        for address, named in LINK.findall(text):
            data = (page.parent / address).read_bytes()
            if address.endswith((".css", ".js")):
                data = data.replace(b"\r", b"")
            if f"{zlib.crc32(data):08x}" != named:
                found.append(f"{page.name}: {address}?v={named}")
    return found


def test_relinked_names_each_files_current_bytes(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    sheet = tmp_path / "_static" / "a.css"
    sheet.write_bytes(b"p { color: red }\r\n")
    now = checksum(sheet)
    assert now == f"{zlib.crc32(b'p { color: red }' + bytes([10])):08x}"  # no carriage return
    page = (
        b'<link rel="stylesheet" type="text/css" href="_static/a.css?v=00000000" />\n'
        b'<link rel="stylesheet" type="text/css" href="_static/a.css" />\n'
        b'<link rel="stylesheet" type="text/css" href="_static/gone.css?v=12345678" />\n'
        b'<link rel="stylesheet" type="text/css" href="https://example.org/x.css?v=12345678" />\n'
        b'<a href="_static/a.css">the sheet</a>\n'
        b'<link rel="stylesheet" href="_static/a.css" />\n'
    )
    assert relinked(page, tmp_path, {}).decode().splitlines() == [
        f'<link rel="stylesheet" type="text/css" href="_static/a.css?v={now}" />',
        f'<link rel="stylesheet" type="text/css" href="_static/a.css?v={now}" />',
        '<link rel="stylesheet" type="text/css" href="_static/gone.css?v=12345678" />',
        '<link rel="stylesheet" type="text/css" href="https://example.org/x.css?v=12345678" />',
        '<a href="_static/a.css">the sheet</a>',
        f'<link rel="stylesheet" href="_static/a.css?v={now}" />',
    ]


def test_every_link_names_the_final_sheet_in_a_first_build_and_a_rebuild(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    outdir = Path(first.outdir)
    # The tests' theme is Sphinx's basic one: the reading text's copy of the toolkit's sheet
    # is written all the same (its pages link it), and linked with its checksum.
    text_page = (outdir / "text.html").read_text("utf-8")
    assert "_static/critical-edition-reading.min.css?v=" in text_page
    assert stale_links(outdir) == []

    # Nothing changed: no page is written again.
    pages = {p: p.stat().st_mtime_ns for p in outdir.rglob("*.html")}
    time.sleep(0.01)
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert {p: p.stat().st_mtime_ns for p in outdir.rglob("*.html")} == pages

    # A class the site had not used: the pruned sheets change, and the pages that did not
    # change are given their new checksums too, as a first build would give them.
    text = srcdir / "text.md"
    text.write_text(
        text.read_text("utf-8") + "\n:::{dropdown} More\nA note.\n:::\n", encoding="utf-8"
    )
    changed = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(changed) == []
    assert stale_links(outdir) == []
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    for page in sorted(outdir.rglob("*.html")):
        twin = Path(clean.outdir) / page.relative_to(outdir)
        assert page.read_bytes() == twin.read_bytes(), page.name
