"""Theme stylesheet pruning (write phase, build-finished): furo's sheets keep what the site uses.

furo ships one stylesheet for every kind of documentation (API signatures, admonitions of ten
kinds, tabs, sidebars of many shapes); the edition's pages use a fraction of it. Once every page
is written, each of :data:`THEME_SHEETS` in the output's ``_static`` folder is rewritten without

* the selectors that name a class no page of the site carries and no shipped script mentions
  (furo's script adds ``scrolled`` and ``show-back-to-top``; search results are built by a
  script; the toolkit's scripts add their own states): such a selector can match nothing;
* the custom properties (``--name: value``) that no remaining rule, no other stylesheet of the
  site, no ``style`` attribute and no script reads through ``var(--name)``, furo's admonition
  icons among them.

A class inside ``:not(…)``, ``:is(…)`` or an attribute selector does not count (a missing one can
still leave the selector matching), and at-rules other than ``@media`` and ``@supports`` are kept
whole, so the pruning only ever drops rules that cannot apply. Sphinx copies the theme's sheets
again at every build, so each build prunes the theme's own file for its own pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from critical_edition.core import atomic
from critical_edition.writers.page_assets import blocks, minify_css

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: furo's stylesheets, as the output's ``_static`` folder names them.
THEME_SHEETS = ("styles/furo.css", "styles/furo-extensions.css")
_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
_STYLE_ATTRIBUTE = re.compile(r'\bstyle="([^"]*)"')
_CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_WORD = re.compile(r"[\w-]+")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM_PROPERTY = re.compile(r"\s*(--[\w-]+)\s*:")


def _split_top_level(text: str, separator: str) -> list[str]:
    """*text* split at each *separator* outside parentheses, brackets and quotes."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _required_classes(selector: str) -> set[str]:
    """The classes an element must carry for *selector* to match it (outside any parentheses)."""
    outside = "".join(
        part
        for index, part in enumerate(re.split(r"(\([^()]*\)|\[[^\]]*\])", selector))
        if index % 2 == 0
    )
    # Nested parentheses: whatever is still inside one is left out too.
    outside = re.sub(r"\([^)]*\)?", "", outside)
    return set(_CLASS_IN_SELECTOR.findall(outside))


def prune_selectors(css: str, known: set[str]) -> str:
    """Minified *css* without the selectors that need a class outside *known*."""
    kept: list[str] = []
    for prelude, body in blocks(css):
        if prelude.startswith(("@media", "@supports")):
            if inner := prune_selectors(body, known):
                kept.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")
        else:
            selectors = [s for s in _split_top_level(prelude, ",") if _required_classes(s) <= known]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(kept)


def _drop_properties(css: str, used: set[str]) -> str:
    """Minified *css* without the custom properties outside *used* (and rules left empty)."""
    kept: list[str] = []
    for prelude, body in blocks(css):
        if prelude.startswith(("@media", "@supports")):
            if inner := _drop_properties(body, used):
                kept.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")
        else:
            declarations = [
                d
                for d in _split_top_level(body, ";")
                if not ((m := _CUSTOM_PROPERTY.match(d)) and m.group(1) not in used)
            ]
            if any(d.strip() for d in declarations):
                kept.append(f"{prelude}{{{';'.join(declarations)}}}")
    return "".join(kept)


def prune_properties(css: str, elsewhere: str) -> str:
    """*css* without the custom properties neither it nor *elsewhere* reads, until none is left
    (a property may be read only by another unread one)."""
    while True:
        pruned = _drop_properties(css, set(_VAR.findall(css + elsewhere)))
        if pruned == css:
            return css
        css = pruned


def prune_theme_sheets(app: Sphinx, exception: BaseException | None) -> None:
    """Rewrite furo's sheets in the output without what no page can use (``build-finished``)."""
    if exception is not None or app.builder.format != "html" or app.builder.name == "epub":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    sheets = {name: static / name for name in THEME_SHEETS if (static / name).is_file()}
    if not sheets:
        return
    pages = [path.read_text(encoding="utf-8") for path in sorted(outdir.rglob("*.html"))]
    scripts = [path.read_text(encoding="utf-8") for path in sorted(static.rglob("*.js"))]
    known = {name for page in pages for v in _CLASS_ATTRIBUTE.findall(page) for name in v.split()}
    known |= {word for script in scripts for word in _WORD.findall(script)}
    others = [
        path.read_text(encoding="utf-8")
        for path in sorted(static.rglob("*.css"))
        if path not in sheets.values()
    ]
    styles = [style for page in pages for style in _STYLE_ATTRIBUTE.findall(page)]
    # <style> blocks in the pages (furo's code colours) read custom properties too.
    inline = [
        block for page in pages for block in re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    ]
    pruned = {
        name: prune_selectors(minify_css(path.read_text(encoding="utf-8")), known)
        for name, path in sheets.items()
    }
    for name, css in pruned.items():
        elsewhere = "".join(
            [*others, *styles, *inline, *scripts, *(pruned[n] for n in pruned if n != name)]
        )
        css = prune_properties(css, elsewhere)
        if sheets[name].read_text(encoding="utf-8") != css:
            atomic.write_text(sheets[name], css)


def register(app: Sphinx) -> None:
    """Prune the theme's sheets once every page is written."""
    app.connect("build-finished", prune_theme_sheets)
