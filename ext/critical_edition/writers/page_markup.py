"""Page markup (write phase, build-finished): the written HTML pages, lighter by what nobody sees.

Four rewrites of each page of an HTML site, once every page is written:

- furo's ``<style>`` block of code colours (``--color-code-background`` and
  ``--color-code-foreground``, light and dark) goes from a page without a ``<pre>`` (code
  blocks, highlighted or literal): nothing else on such a page reads those two properties;
- the theme's SVG icon set (furo writes all its ``<symbol>`` elements into every page) keeps
  only the symbols the page refers to (``href="#svg-…"``, ``xlink:href``, ``url(#…)``);
- the indentation the templates put at the start of lines, next to a tag, goes: a line break
  followed by spaces is one space wherever whitespace collapses, so the break alone is kept. ``<pre>``,
  ``<textarea>``, ``<code>``, ``<script>`` and ``<style>`` elements are left as they are;
- a stylesheet link's ``type="text/css"``, the only type a stylesheet may have in HTML and
  the one a link without it gets.

The rewrites are idempotent. Only the pages this build wrote are read (:mod:`.written_pages`:
a page the build left alone was slimmed by the build that wrote it), and a page is written
only when its bytes change. The EPUB builder packs its pages before the build ends and is
left alone.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from critical_edition.core import atomic
from critical_edition.writers import written_pages
from critical_edition.writers.page_assets import writes_reading_sheets

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# The rewrites work on the pages' UTF-8 bytes: the patterns are ASCII (HTML's tags and
# whitespace are), no byte of a multi-byte character is ASCII, and a page's bytes take half or
# a quarter of the memory its text would (the claim index is megabytes long).
_SYMBOL = re.compile(rb'<symbol\b[^>]*?\bid="([^"]+)"[^>]*>.*?</symbol>\s*', re.DOTALL)
_REFERENCE = re.compile(rb'(?:href="#|url\(#)([^")]+)')
_STYLE = re.compile(rb"<style>(.*?)</style>\s*", re.DOTALL)
_CUSTOM_PROPERTY = re.compile(rb"--[\w-]+(?=\s*:)")
#: The only properties furo's code-colour block sets.
_CODE_COLOURS = {b"--color-code-background", b"--color-code-foreground"}
# A pattern that starts with an assertion or an alternation is tried at every byte of the
# page: what the rewrites look for is found from a plain search for fixed text instead, with
# the same results as such patterns (tests/test_page_scanning.py keeps them as the reference).
#: Where ``_REFERENCE`` can start.
_REFERENCE_OPENINGS = (re.compile(rb'href="#'), re.compile(rb"url\(#"))
_PRE = re.compile(rb"<pre")
#: Elements whose whitespace may be significant (or is not markup) are left untouched: from
#: their opening tag (any case) to the first closing tag of the same name.
_KEEP_OPENING = re.compile(rb"<(pre|textarea|code|script|style)\b")
#: A line's indentation: dropped after a tag or before one (never inside an attribute's text).
_LINE_START = re.compile(rb"\n[ \t]+")
_GT, _LT = ord(">"), ord("<")


def _references(html: bytes) -> list[bytes]:
    """``_REFERENCE.findall(html)``, from a search for the references' two openings."""
    starts = sorted(
        (match.start(), len(match[0]))
        for opening in _REFERENCE_OPENINGS
        for match in opening.finditer(html)
    )
    found: list[bytes] = []
    end = 0
    for position, length in starts:
        if position < end:  # inside the last reference's name
            continue
        name_start = position + length
        # The name ends at the first quote or closing parenthesis (or the page's end).
        name_end = html.find(b'"', name_start)
        name_end = len(html) if name_end < 0 else name_end
        bracket = html.find(b")", name_start, name_end)
        name_end = name_end if bracket < 0 else bracket
        if name_end > name_start:
            found.append(html[name_start:name_end])
            end = name_end
    return found


def _unused_symbols_dropped(html: bytes) -> bytes:
    if b"<symbol" not in html:
        return html
    symbols = list(_SYMBOL.finditer(html))
    if not symbols:
        return html
    # The page without its symbols, in the pieces between them.
    between = [html[: symbols[0].start()]]
    between += [html[a.end() : b.start()] for a, b in itertools.pairwise(symbols)]
    between.append(html[symbols[-1].end() :])
    used = set(_references(b"".join(between)))
    # A kept symbol may itself use another (none of furo's does, but a theme's might).
    used |= {ref for match in symbols if match[1] in used for ref in _REFERENCE.findall(match[0])}
    parts = [between[0]]
    for match, after in zip(symbols, between[1:], strict=True):
        if match[1] in used:
            parts.append(match[0])
        parts.append(after)
    return b"".join(parts)


def _code_colours_dropped(html: bytes) -> bytes:
    if _PRE.search(html):  # as b"<pre" in html, found faster
        return html
    parts: list[bytes] = []
    start = 0
    for match in _STYLE.finditer(html):
        properties = set(_CUSTOM_PROPERTY.findall(match[1]))
        if properties and properties <= _CODE_COLOURS:
            parts.append(html[start : match.start()])
            start = match.end()
    parts.append(html[start:])
    return b"".join(parts) if start else html


def _kept_elements(html: bytes) -> list[tuple[int, int]]:
    """Where the elements left untouched are in *html* (start, end): found in its lower-case
    copy (bytes change case only in ASCII letters, in place), each closing tag by a search."""
    lowered = html.lower()
    found: list[tuple[int, int]] = []
    end = 0
    for match in _KEEP_OPENING.finditer(lowered):
        if match.start() < end:
            continue
        closing = b"</" + match[1] + b">"
        close = lowered.find(closing, match.end())
        if close >= 0:
            end = close + len(closing)
            found.append((match.start(), end))
    return found


def _unindented(html: bytes, start: int, end: int) -> list[bytes]:
    """``html[start:end]`` in pieces, where each line break and the spaces after it that follow
    a ``>`` or come before a ``<`` of the slice (not outside it) become the break alone."""
    parts: list[bytes] = []
    for match in _LINE_START.finditer(html, start, end):
        before, after = match.start(), match.end()
        if (before > start and html[before - 1] == _GT) or (after < end and html[after] == _LT):
            parts.append(html[start : before + 1])
            start = after
    parts.append(html[start:end])
    return parts


def _indentation_dropped(html: bytes) -> bytes:
    parts: list[bytes] = []
    start = 0
    for kept_start, kept_end in _kept_elements(html):
        parts += _unindented(html, start, kept_start)
        parts.append(html[kept_start:kept_end])
        start = kept_end
    parts += _unindented(html, start, len(html))
    return b"".join(parts)


def without_unused_symbols(html: str) -> str:
    """*html* without the ``<symbol>`` elements nothing in it refers to."""
    return _unused_symbols_dropped(html.encode("utf-8")).decode("utf-8")


def without_code_colours(html: str) -> str:
    """*html* without furo's code-colour ``<style>`` block, if it has no ``<pre>``.

    Only a block that sets the two code colours and nothing else is taken out.
    """
    return _code_colours_dropped(html.encode("utf-8")).decode("utf-8")


#: A stylesheet link as Sphinx writes it, with the type every stylesheet link has anyway.
_TYPED_SHEET, _UNTYPED_SHEET = b'<link rel="stylesheet" type="text/css"', b'<link rel="stylesheet"'


def without_indentation(html: str) -> str:
    """*html* without the spaces and tabs that start its lines, outside ``<pre>``,
    ``<textarea>``, ``<code>``, ``<script>`` and ``<style>`` elements."""
    return _indentation_dropped(html.encode("utf-8")).decode("utf-8")


def slim_bytes(html: bytes) -> bytes:
    """The four rewrites of one page's UTF-8 bytes (line breaks as ``\n`` only)."""
    slimmer = _indentation_dropped(_unused_symbols_dropped(_code_colours_dropped(html)))
    return slimmer.replace(_TYPED_SHEET, _UNTYPED_SHEET)


def slim(html: str) -> str:
    """The four rewrites of one page."""
    return slim_bytes(html.encode("utf-8")).decode("utf-8")


def slim_pages(app: Sphinx, exception: BaseException | None) -> None:
    """Rewrite the HTML pages this build wrote (``build-finished``)."""
    if exception is not None or not writes_reading_sheets(app):
        return
    for path in written_pages.written(app):
        page = path.read_bytes()
        if b"\r" in page:  # as a text read gives it: every line break a "\n"
            page = page.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        slimmer = slim_bytes(page)
        if slimmer != page:
            atomic.write_bytes(path, slimmer)


def register(app: Sphinx) -> None:
    """Slim the pages once every page is written."""
    app.connect("build-finished", slim_pages)
