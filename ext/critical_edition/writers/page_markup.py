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
#: Elements whose whitespace may be significant (or is not markup): left untouched.
_KEEP = re.compile(rb"<(pre|textarea|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
#: A line's indentation after a tag or before one (never inside an attribute's text).
_INDENT = re.compile(rb"(?<=>)\n[ \t]+|\n[ \t]+(?=<)")


def _unused_symbols_dropped(html: bytes) -> bytes:
    if b"<symbol" not in html:
        return html
    used = set(_REFERENCE.findall(_SYMBOL.sub(b"", html)))
    # A kept symbol may itself use another (none of furo's does, but a theme's might).
    used |= {
        ref
        for match in _SYMBOL.finditer(html)
        if match[1] in used
        for ref in _REFERENCE.findall(match[0])
    }
    return _SYMBOL.sub(lambda match: match[0] if match[1] in used else b"", html)


def _code_colours_dropped(html: bytes) -> bytes:
    if b"<pre" in html:
        return html

    def drop(match: re.Match[bytes]) -> bytes:
        properties = set(_CUSTOM_PROPERTY.findall(match[1]))
        return b"" if properties and properties <= _CODE_COLOURS else match[0]

    return _STYLE.sub(drop, html)


def _indentation_dropped(html: bytes) -> bytes:
    parts: list[bytes] = []
    start = 0
    for match in _KEEP.finditer(html):
        parts.append(_INDENT.sub(b"\n", html[start : match.start()]))
        parts.append(match[0])
        start = match.end()
    parts.append(_INDENT.sub(b"\n", html[start:]))
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
_SHEET_TYPE = re.compile(rb'(<link rel="stylesheet") type="text/css"')


def without_indentation(html: str) -> str:
    """*html* without the spaces and tabs that start its lines, outside the elements of
    ``_KEEP``."""
    return _indentation_dropped(html.encode("utf-8")).decode("utf-8")


def slim_bytes(html: bytes) -> bytes:
    """The four rewrites of one page's UTF-8 bytes (line breaks as ``\n`` only)."""
    slimmer = _indentation_dropped(_unused_symbols_dropped(_code_colours_dropped(html)))
    return _SHEET_TYPE.sub(rb"\1", slimmer)


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
