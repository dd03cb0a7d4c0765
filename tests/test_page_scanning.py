"""The fast page scans (core/scanning.py and the writers that use it) give what the patterns did.

``page_markup.slim_bytes``, ``theme_css._PageFeatures.read`` and ``sheet_links.relinked``
once ran regular expressions that the engine tries at every byte of a page; they now search
for fixed text. The former code is kept here, as it was, as the reference: the new functions
must give the same bytes (and the same features, and look up the same checksums) on the real
edition's pages, as written and as slimmed, on tricky pages, and on many random ones.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core.scanning import matches_at
from critical_edition.writers import page_markup
from critical_edition.writers.page_markup import slim_bytes
from critical_edition.writers.sheet_links import checksum, relinked
from critical_edition.writers.theme_css import _PageFeatures
from helpers import copy_edition
from sphinx.testing.util import SphinxTestApp

# -- The former code, the reference -------------------------------------------------------------

_SYMBOL = re.compile(rb'<symbol\b[^>]*?\bid="([^"]+)"[^>]*>.*?</symbol>\s*', re.DOTALL)
_REFERENCE = re.compile(rb'(?:href="#|url\(#)([^")]+)')
_STYLE = re.compile(rb"<style>(.*?)</style>\s*", re.DOTALL)
_CUSTOM_PROPERTY = re.compile(rb"--[\w-]+(?=\s*:)")
_CODE_COLOURS = {b"--color-code-background", b"--color-code-foreground"}
_KEEP = re.compile(rb"<(pre|textarea|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(rb"(?<=>)\n[ \t]+|\n[ \t]+(?=<)")
_SHEET_TYPE = re.compile(rb'(<link rel="stylesheet") type="text/css"')


def old_unused_symbols_dropped(html: bytes) -> bytes:
    if b"<symbol" not in html:
        return html
    used = set(_REFERENCE.findall(_SYMBOL.sub(b"", html)))
    used |= {
        ref
        for match in _SYMBOL.finditer(html)
        if match[1] in used
        for ref in _REFERENCE.findall(match[0])
    }
    return _SYMBOL.sub(lambda match: match[0] if match[1] in used else b"", html)


def old_code_colours_dropped(html: bytes) -> bytes:
    if b"<pre" in html:
        return html

    def drop(match: re.Match[bytes]) -> bytes:
        properties = set(_CUSTOM_PROPERTY.findall(match[1]))
        return b"" if properties and properties <= _CODE_COLOURS else match[0]

    return _STYLE.sub(drop, html)


def old_indentation_dropped(html: bytes) -> bytes:
    parts: list[bytes] = []
    start = 0
    for match in _KEEP.finditer(html):
        parts.append(_INDENT.sub(b"\n", html[start : match.start()]))
        parts.append(match[0])
        start = match.end()
    parts.append(_INDENT.sub(b"\n", html[start:]))
    return b"".join(parts)


def old_slim_bytes(html: bytes) -> bytes:
    slimmer = old_indentation_dropped(old_unused_symbols_dropped(old_code_colours_dropped(html)))
    return _SHEET_TYPE.sub(rb"\1", slimmer)


_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
_STYLE_ATTRIBUTE = re.compile(r'\bstyle="([^"]*)"')
_TAG = re.compile(r"<([a-zA-Z][\w-]*)")
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_PAGE_LINK = re.compile(r"<link\b[^>]*>")
_HREF = re.compile(r'\bhref="([^"?#]+)')


def old_features(page: Path) -> _PageFeatures:
    text = page.read_text(encoding="utf-8")
    return _PageFeatures(
        frozenset(n for v in _CLASS_ATTRIBUTE.findall(text) for n in v.split()),
        frozenset(tag.lower() for tag in _TAG.findall(text)),
        tuple(
            str((page.parent / href).resolve())
            for link in _PAGE_LINK.findall(text)
            if 'rel="stylesheet"' in link
            for href in _HREF.findall(link)
        ),
        (*_STYLE_ATTRIBUTE.findall(text), *_STYLE_BLOCK.findall(text)),
    )


_LINK = re.compile(rb'((?:href|src)="([^"?#:]+)\?v=)([0-9a-f]{8})"')
_BARE_SHEET = re.compile(rb'(<link rel="stylesheet"(?: type="text/css")? href=")([^"?#:]+\.css)(")')


def old_relinked(page: bytes, folder: Path, checksums: dict[Path, str | None]) -> bytes:
    def of(address: bytes) -> bytes | None:
        target = Path(os.path.normpath(folder / address.decode("utf-8", "replace")))
        if target not in checksums:
            checksums[target] = checksum(target) if target.is_file() else None
        found = checksums[target]
        return found.encode("ascii") if found else None

    def current(match: re.Match[bytes]) -> bytes:
        found = of(match[2])
        return match[0] if found is None else match[1] + found + b'"'

    def added(match: re.Match[bytes]) -> bytes:
        found = of(match[2])
        return match[0] if found is None else match[1] + match[2] + b"?v=" + found + match[3]

    return _BARE_SHEET.sub(added, _LINK.sub(current, page))


# -- The comparison -----------------------------------------------------------------------------


def differences(page: bytes, folder: Path) -> list[str]:
    """What the new code does otherwise than the old on *page* (a file in *folder*)."""
    found = []
    for name, new, old in (
        ("code colours", page_markup._code_colours_dropped, old_code_colours_dropped),
        ("symbols", page_markup._unused_symbols_dropped, old_unused_symbols_dropped),
        ("indentation", page_markup._indentation_dropped, old_indentation_dropped),
        ("slim", slim_bytes, old_slim_bytes),
    ):
        if new(page) != old(page):
            found.append(name)
    new_sums: dict[Path, str | None] = {}
    old_sums: dict[Path, str | None] = {}
    if relinked(page, folder, new_sums) != old_relinked(page, folder, old_sums):
        found.append("relinked")
    if list(new_sums.items()) != list(old_sums.items()):
        found.append("checksums looked up")
    path = folder / "page.html"
    path.write_bytes(page)
    if _PageFeatures.read(path) != old_features(path):
        found.append("features")
    return found


def site(folder: Path) -> Path:
    """*folder* with a few assets for links to name (and one empty)."""
    (folder / "_static" / "styles").mkdir(parents=True, exist_ok=True)
    (folder / "_static" / "a.css").write_bytes(b"p { color: red }\r\n")
    (folder / "_static" / "styles" / "furo.css").write_bytes(b"body{margin:0}")
    (folder / "_static" / "s.js").write_bytes(b"let x = 1;\n")
    (folder / "_static" / "empty.css").write_bytes(b"")
    return folder


# -- The real edition ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edition_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The real edition built once: each page as written (before the slimming) and as left."""
    tmp = tmp_path_factory.mktemp("scanned")
    written: list[bytes] = []
    original = page_markup.slim_bytes

    def spy(html: bytes) -> bytes:
        written.append(html)
        return original(html)

    app = SphinxTestApp("html", srcdir=copy_edition(tmp), builddir=tmp / "_build", freshenv=True)
    page_markup.slim_bytes = spy
    try:
        app.build()
    finally:
        page_markup.slim_bytes = original
        app.cleanup()
    outdir = Path(app.outdir)
    final = sorted(path for path in outdir.rglob("*.html") if "_static" not in path.parts)
    return {"outdir": outdir, "written": written, "final": final}


def test_the_edition_as_written_slims_the_same(edition_pages: dict[str, Any]) -> None:
    written: list[bytes] = edition_pages["written"]
    assert len(written) > 20
    assert any(b"<pre" in page for page in written)  # code blocks kept as they are
    assert any(b"<pre" not in page for page in written)  # code colours dropped
    assert [slim_bytes(page) for page in written] == [old_slim_bytes(page) for page in written]
    assert [page_markup._indentation_dropped(page) for page in written] == [
        old_indentation_dropped(page) for page in written
    ]
    assert [page_markup._unused_symbols_dropped(page) for page in written] == [
        old_unused_symbols_dropped(page) for page in written
    ]


def test_the_edition_as_left_reads_and_relinks_the_same(edition_pages: dict[str, Any]) -> None:
    final: list[Path] = edition_pages["final"]
    assert len(final) > 20
    assert [_PageFeatures.read(path) for path in final] == [old_features(path) for path in final]
    new_sums: dict[Path, str | None] = {}
    old_sums: dict[Path, str | None] = {}
    for path in final:
        page = path.read_bytes()
        assert slim_bytes(page) == old_slim_bytes(page) == page  # idempotent
        # As left, every link names its file's bytes; stale ones and missing ones are mended.
        stale = re.sub(rb"\?v=[0-9a-f]{8}", b"?v=0badf00d", page)
        bare = re.sub(rb'(<link rel="stylesheet" href="[^"]+)\?v=[0-9a-f]{8}', rb"\1", page)
        for variant in (page, stale, bare):
            assert relinked(variant, path.parent, new_sums) == old_relinked(
                variant, path.parent, old_sums
            )
        assert relinked(stale, path.parent, new_sums) == page
    assert list(new_sums.items()) == list(old_sums.items())
    assert any(crc for crc in new_sums.values())


# -- Tricky pages -------------------------------------------------------------------------------

TRICKY = [
    b"",
    b"\n",
    b"<p>no tags of note</p>",
    b'<div title="a > b"\n   class="x">\n   <p>text</p>\n</div>\n',
    b'<div data-x="\n   <span>">\n  <em>a</em>\n  </div>',
    b"<div>\n  <pre>\n    code\n  </pre>\n  <p>after</p>\n</div>\n",
    b"<pre>\n  <code>\n    x\n  </code>\n  still pre\n</pre>\n  <p>\n",
    b"<PRE>\n  upper\n</pre>\n  <Code>\n  mixed\n</CODE>\n  <b>\n",
    b"<pre>\n  never closed\n  <p>\n",
    b"<precise>\n  not a pre\n</precise>\n  <i>\n",
    b"<code-block>\n  x\n</code>\n  <i>\n",
    b"<script>\n  if (a < b) {}\n</script>\n  <div>\n",
    b"<style>\n  p > a { }\n</style>\n   <style>\n</style>\n",
    b"<textarea>\n   typed\n</textarea>\t\n\t<br>",
    b"<p>\n\t \t<b>tabs</b>\n   \n  </p>",
    b"x\n  y\n  <z>\n  w>\n  v",
    b"<pre></pre>\n  <pre>\n</pre>",
    b"<code>\n</code><code>\n  </code >\n  <i>",
    # symbols: used, unused, used from a kept symbol, from a <style>, from url(#…)
    (
        b'<svg><symbol id="a"><path/></symbol>\n  <symbol id="b" viewBox="0 0 1 1">'
        b'<use href="#c"></use></symbol>\n <symbol id="c">c</symbol><symbol id="d">d</symbol></svg>'
        b'<use href="#b"></use><style>.x{fill:url(#d)}</style>'
    ),
    b'<symbol id="a">a</symbol>\n<symbol id="b">b</symbol>',
    b'<SYMBOL id="a">upper</SYMBOL><use href="#a">',
    b'<symbol id="a">unclosed <use href="#a">',
    b'<symbol id="a">a</symbol>href="#<symbol id="b">b</symbol>a"',
    b'<a href="#">empty</a><a href="#a)b">x</a><b style="fill:url(#)">',
    b'<a href="#x url(#y">z</a><symbol id="x url(#y">s</symbol><symbol id="y">t</symbol>',
    b'<symbol  class="q" id="z"\n>multi\nline</symbol>\n\n<use xlink:href="#z">',
    b'<a href="#unterminated',
    b'<a href="#aurl(#b">x</a><symbol id="b">b</symbol>',
    # code colours
    b"<style>:root{--color-code-background: #eee; --color-code-foreground: #111}</style>\n<p>",
    b"<style>:root{--color-code-background: #eee}</style>\n<pre>x</pre>",
    b"<style>:root{--color-code-background: #eee; --other: 1}</style>",
    b"<style></style><style>p{}</style>",
    b"<style>--color-code-foreground :red</style>   \n <style>--color-code-foreground:x",
    # asset links
    (
        b'<link rel="stylesheet" type="text/css" href="_static/a.css?v=00000000" />\n'
        b'<link rel="stylesheet" type="text/css" href="_static/a.css" />\n'
        b'<link rel="stylesheet" href="_static/gone.css" />\n'
        b'<link rel="stylesheet" href="_static/empty.css?v=12345678" />\n'
        b'<script src="_static/s.js?v=abcdef01"></script>\n'
        b'<a href="_static/a.css">the sheet</a> and "?v=12345678" and href="x?y?v=12345678"\n'
        b'<img src="_static/styles/furo.css?v=ABCDEF01"><a xhref="_static/a.css?v=1234567">'
        b'<a data-src="_static/a.css?v=11111111">?v=</a>href="https://x.org/a.css?v=22222222"'
    ),
    b'src="?v=12345678" href="_static/a.css?v=12345678"href="_static/a.css?v=12345678"',
    b'?v=12345678"',
    b'href="_static/a.css?v=1234567g"  href="_static/a.css#x?v=12345678"',
    # features
    b'<DIV Class="a" class="b  c"><Span xclass="no" data-class="d"><p style="color: red">',
    b'<p class="x class="y">' + 'é<ßx class="u" Ωstyle="v"> <aé>'.encode(),
    (
        b'<link rel="stylesheet" href="_static/a.css?v=1"><LINK rel="stylesheet" href="b.css">'
        b'<link\nrel="stylesheet"\nhref="c.css"><link rel="icon" href="d.png"><linked>'
    ),
    b"<style>a</style><style>\n b\n</style><style>unclosed",
    "<\u212a> <\u0130x> <K\u212a-\u0130\u00e9> <\u00e9> <Ab\u00df>".encode(),
    b'\xc3\xa9class="a" _class="b" 1class="c" -class="d" \xe2\x84\xaaclass="e"',
]


@pytest.mark.parametrize("page", TRICKY, ids=range(len(TRICKY)))
def test_tricky_pages_give_what_the_patterns_gave(page: bytes, tmp_path: Path) -> None:
    assert differences(page, site(tmp_path)) == []


def test_random_pages_give_what_the_patterns_gave(tmp_path: Path) -> None:
    pieces = [
        b"<", b">", b"</", b"\n", b"  ", b"\t", b'"', b")", b"=", b" ", b"x", b"\xc3\xa9",
        b"<p>", b"</p>", b"<div ", b"<pre>", b"</pre>", b"<PRE ", b"</Pre>", b"<code>",
        b"</code>", b"<script>", b"</script>", b"<style>", b"</style>", b"<textarea>",
        b"</textarea>", b"<prex", b'<symbol id="a">', b'<symbol id="b" ', b"</symbol>",
        b'href="#', b"url(#", b"a", b"b", b'class="', b"xclass=", b'style="', b"?v=",
        b"0123abcd", b"0123abcd\"", b'href="_static/a.css', b'src="_static/s.js',
        b'<link rel="stylesheet" href="', b'<link rel="stylesheet" type="text/css" href="',
        b'_static/a.css"', b"--color-code-background:1", b"--x:2", b"<link ", b"<DIV ",
    ]  # fmt: skip
    rng = random.Random(20)
    folder = site(tmp_path)
    pages = [b"".join(rng.choices(pieces, k=rng.randrange(1, 60))) for _ in range(1500)]
    failing = [(page, found) for page in pages if (found := differences(page, folder))]
    assert failing == []
    # The pages did exercise what they were meant to.
    assert sum(old_slim_bytes(page) != page for page in pages) > 500
    assert sum(old_relinked(page, folder, {}) != page for page in pages) > 20


def test_matches_at_as_finditer() -> None:
    text = 'aclass="1" class="2"class="3" xclass="4 class="5" class="" é class="6"'
    pattern = re.compile(r'\bclass="(\d?)"')
    found = [m.span() for m in matches_at(pattern, text, 'class="')]
    assert found == [m.span() for m in pattern.finditer(text)]
    assert len(found) == 5
    assert list(matches_at(pattern, "", 'class="')) == []
