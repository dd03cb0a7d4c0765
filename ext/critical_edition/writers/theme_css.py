"""Theme stylesheet pruning (write phase, build-finished): furo's sheets keep what the site uses.

furo ships one stylesheet for every kind of documentation (API signatures, admonitions of ten
kinds, tabs, sidebars of many shapes); the edition's pages use a fraction of it. Once every page
is written, each of :data:`THEME_SHEETS` in the output's ``_static`` folder is rewritten without

* the selectors that name a class no page of the site carries and no shipped script mentions
  (furo's script adds ``scrolled`` and ``show-back-to-top``; search results are built by a
  script; the toolkit's scripts add their own states), or an element no page has and no
  script names (``kbd``, ``dl``): such a selector can match nothing;
* the custom properties (``--name: value``) that no remaining rule, no other stylesheet of the
  site, no ``style`` attribute and no script reads through ``var(--name)``, furo's admonition
  icons among them.

A class or element inside ``:not(…)``, ``:is(…)`` or an attribute selector does not count (a
missing one can still leave the selector matching), and at-rules other than ``@media`` and
``@supports`` are kept whole, so the pruning only ever drops rules that cannot apply. Sphinx
copies the theme's sheets again at every build, so each build prunes the theme's own file for
its own pages.

The pages of the reading text (the documents whose paragraphs are numbered) load copies of the
theme's and the toolkit's sheets (``page_assets.READING_SHEETS``), written here with the same
prunings to what those pages alone use.

The pruning reads every page; a rebuild that changed nothing would redo it for the same result.
What it takes from each page (its classes, elements, stylesheets and style text) is kept in
the doctree directory, under the toolkit's code stamp, and read again only from the pages whose
size or date changed: an edit to one page of three hundred reads one. The file is read once
and saved once per build (after the asset links' rewrite, :mod:`.sheet_links`, has moved the
pages it touched to their new status), each distinct set of features in it once, the pages
naming theirs; each set's digest stands for its pages in the digest below. The pruning's outcome is
kept beside it under a digest of all it reads (what it takes from every page, every script and
stylesheet of the output as Sphinx left them, which pages are the reading text's, and the
toolkit's code), and written again from there while that digest holds: the same bytes, without
the work; a prose edit that brings no new class or element to its page keeps it too.
Set ``CRITICAL_EDITION_CSSCACHE=0`` to prune in every build, reading every page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.apparatus import passages
from critical_edition.core import atomic, keptmaps, priorities
from critical_edition.core.listing import named_files_with_suffixes, stat_key
from critical_edition.core.scanning import matches_at
from critical_edition.integrity import stale
from critical_edition.speedups.versions import switched_on
from critical_edition.writers import written_pages
from critical_edition.writers.page_assets import (
    READING_SHEETS,
    blocks,
    minify_css,
    writes_reading_sheets,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Set to ``0`` to prune the sheets in every build, without the cache.
SWITCH = "CRITICAL_EDITION_CSSCACHE"
#: The cache of the pruned sheets, in the doctree directory ...
CACHE_FILE = "critical_edition_css.json"
#: ... and of what the pruning takes from each page.
FEATURES_FILE = "critical_edition_css_pages.json"
#: The layout of :data:`FEATURES_FILE`: distinct features once, each page naming its own.
_FEATURES_FORMAT = 2
#: The kinds of file of the output the pruning reads (those listed once per build).
_READ_SUFFIXES = written_pages.OUTPUT_SUFFIXES

#: furo's stylesheets, as the output's ``_static`` folder names them.
THEME_SHEETS = ("styles/furo.css", "styles/furo-extensions.css")
# A class and a style attribute's value: as ``\bclass="([^"]*)"``, with the word boundary
# checked after the fixed text (the engine then looks for that text only, not at every
# character of the page for a boundary).
_CLASS_ATTRIBUTE = re.compile(r'class="(?<!\wclass=")([^"]*)"')
_STYLE_ATTRIBUTE = re.compile(r'style="(?<!\wstyle=")([^"]*)"')
_CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_WORD = re.compile(r"[\w-]+")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM_PROPERTY = re.compile(r"\s*(--[\w-]+)\s*:")
_ELEMENT = re.compile(r"[a-zA-Z][\w-]*")
_TAG = re.compile(r"<([a-zA-Z][\w-]*)")
#: Elements every document has, or that the parser adds (tbody), whether or not written.
IMPLIED_ELEMENTS = frozenset({"html", "head", "body", "tbody"})
_PROPERTY_NAME = re.compile(r"--[\w-]+")
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_LINK = re.compile(r"<link\b[^>]*>")
_HREF = re.compile(r'\bhref="([^"?#]+)')


#: The pruning's view of the output in the build under way (one per application), kept until
#: every rewrite of the pages is done: the pages' features are read once and saved once.
_SITES: weakref.WeakKeyDictionary[Sphinx, _Site] = weakref.WeakKeyDictionary()


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


def _outside_parentheses(selector: str) -> str:
    """*selector* without what ``(…)`` and ``[…]`` hold (a class or element named there need
    not be on the page for the selector to match)."""
    outside = "".join(
        part
        for index, part in enumerate(re.split(r"(\([^()]*\)|\[[^\]]*\])", selector))
        if index % 2 == 0
    )
    # Nested parentheses: whatever is still inside one is left out too.
    return re.sub(r"\([^)]*\)?", "", outside)


def _required_classes(selector: str) -> set[str]:
    """The classes an element must carry for *selector* to match it (outside any parentheses)."""
    return set(_CLASS_IN_SELECTOR.findall(_outside_parentheses(selector)))


def _required_elements(selector: str) -> set[str]:
    """The element names *selector* requires (``dl dt>a`` needs dl, dt and a)."""
    compounds = re.split(r"[\s>+~]+", _outside_parentheses(selector).strip())
    return {m.group(0).lower() for part in compounds if (m := _ELEMENT.match(part))}


def prune_selectors(css: str, known: set[str], elements: set[str] | None = None) -> str:
    """Minified *css* without the selectors that need a class outside *known* or, when
    *elements* is given, an element outside *elements* (the document's own html, head, body
    and the tbody a parser adds count as present)."""
    present = None if elements is None else elements | IMPLIED_ELEMENTS

    def kept(selector: str) -> bool:
        if not _required_classes(selector) <= known:
            return False
        return present is None or _required_elements(selector) <= present

    out: list[str] = []
    for prelude, body in blocks(css):
        if prelude.startswith(("@media", "@supports")):
            if inner := prune_selectors(body, known, elements):
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            selectors = [s for s in _split_top_level(prelude, ",") if kept(s)]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


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


def prune_properties(
    css: str, elsewhere: str, mentioned: set[str] | frozenset[str] = frozenset()
) -> str:
    """*css* without the custom properties that neither it nor *elsewhere* reads and that are
    not *mentioned* (by a script), until none is left (a property may be read only by another
    unread one)."""
    while True:
        pruned = _drop_properties(css, set(_VAR.findall(css + elsewhere)) | mentioned)
        if pruned == css:
            return css
        css = pruned


@dataclass(frozen=True)
class _PageFeatures:
    """What the pruning takes from one page."""

    #: The classes of its elements.
    classes: frozenset[str]
    #: Its elements' names, lower case.
    elements: frozenset[str]
    #: The stylesheets it loads, as resolved paths.
    stylesheets: tuple[str, ...]
    #: Its ``style`` attributes and ``<style>`` blocks.
    styles: tuple[str, ...]

    @classmethod
    def read(cls, page: Path) -> _PageFeatures:
        # Each pattern looks for fixed text first (the same results as the former patterns,
        # tests/test_page_scanning.py); each distinct class value split, each tag lowered once.
        text = page.read_text(encoding="utf-8")
        links = [match[0] for match in matches_at(_LINK, text, "<link")]
        return cls(
            frozenset(n for v in set(_CLASS_ATTRIBUTE.findall(text)) for n in v.split()),
            frozenset(tag.lower() for tag in set(_TAG.findall(text))),
            tuple(
                str((page.parent / href).resolve())
                for link in links
                if 'rel="stylesheet"' in link
                for href in _HREF.findall(link)
            ),
            (
                *_STYLE_ATTRIBUTE.findall(text),
                *(match[1] for match in matches_at(_STYLE_BLOCK, text, "<style>")),
            ),
        )

    def as_json(self) -> list[Any]:
        return [sorted(self.classes), sorted(self.elements), self.stylesheets, self.styles]

    @functools.cached_property
    def text(self) -> str:
        """:meth:`as_json` as JSON text, worked out once (equal features, equal text)."""
        return json.dumps(self.as_json(), ensure_ascii=False)

    @functools.cached_property
    def digest(self) -> bytes:
        """A digest of :attr:`text`, the page's share of :func:`inputs_digest`."""
        return hashlib.sha256(self.text.encode("utf-8")).digest()

    @classmethod
    def from_json(cls, value: list[Any]) -> _PageFeatures:
        classes, elements, stylesheets, styles = value
        return cls(frozenset(classes), frozenset(elements), tuple(stylesheets), tuple(styles))


class _Site:
    """What the pruning reads of the output: the pages' text and the shipped scripts."""

    def __init__(
        self,
        outdir: Path,
        reading_pages: list[Path],
        features_file: Path | None = None,
        files: list[tuple[str, Path]] | None = None,
    ) -> None:
        self.outdir = outdir
        #: The output's files of ``_READ_SUFFIXES`` as listed in this build, each with its
        #: name under the output (``None``: listed when needed).
        self._files = files
        self._names: dict[Path, str] | None = None
        self.static = outdir / "_static"
        #: The written pages of the reading text (:func:`_reading_pages`).
        self.reading_pages = reading_pages
        #: Where what was taken from each page is kept between builds (``None``: nowhere).
        self.features_file = features_file
        self._features: dict[str, tuple[list[int], _PageFeatures]] | None = None
        #: Whether a page's features were read in this build (what is kept is then stale).
        self._read_anew = False
        #: What the pruning writes: never read as one of the sheets the pages load (a fresh
        #: build has none of them yet, a rebuild has the last build's).
        self.outputs = {(self.static / name).resolve() for name in READING_SHEETS.values()}

    def named_files(self, suffixes: frozenset[str]) -> list[tuple[str, Path]]:
        """The output's files with one of *suffixes* (of ``_READ_SUFFIXES``), sorted as paths,
        each with its name under the output."""
        if self._files is None:
            self._files = named_files_with_suffixes(self.outdir, _READ_SUFFIXES)
        return [(name, path) for name, path in self._files if path.suffix in suffixes]

    def name(self, path: Path) -> str:
        """*path*'s name under the output (as listed, or worked out)."""
        if self._names is None:
            self._names = {path: name for name, path in self.named_files(_READ_SUFFIXES)}
        found = self._names.get(path)
        return path.relative_to(self.outdir).as_posix() if found is None else found

    @functools.cached_property
    def scripts(self) -> str:
        """Every shipped script's text (read when pruning, not when the cache answers), from
        the build's listing of the output (sorted as paths, as ``inputs_digest`` reads them)."""
        return "".join(
            path.read_text(encoding="utf-8")
            for name, path in self.named_files(frozenset({".js"}))
            if name.startswith("_static/")
        )

    @functools.cached_property
    def script_words(self) -> set[str]:
        """Every word of the scripts (a class or element a script may add)."""
        return set(_WORD.findall(self.scripts))

    @functools.cached_property
    def script_properties(self) -> set[str]:
        """Every custom property a script names."""
        return set(_PROPERTY_NAME.findall(self.scripts))

    def features(self, page: Path) -> _PageFeatures:
        """What the pruning takes from *page*: kept from the last build while its size and date
        stay the same."""
        if self._features is None:
            self._features = self._load_features()
        name = self.name(page)
        key = stat_key(page)
        kept = self._features.get(name)
        if kept is not None and kept[0] == key:
            return kept[1]
        found = _PageFeatures.read(page)
        self._features[name] = (key, found)
        self._read_anew = True
        return found

    def _load_features(self) -> dict[str, tuple[list[int], _PageFeatures]]:
        if self.features_file is None:
            return {}

        def pages(stored: dict[str, Any]) -> dict[str, tuple[list[int], _PageFeatures]]:
            # Pages with the same features share one record (read once, digested once).
            records = [_PageFeatures.from_json(value) for value in stored["records"]]
            found = {}
            for name, (key, index) in stored["pages"].items():
                if not (isinstance(index, int) and 0 <= index < len(records)):
                    raise ValueError("a page names no kept record")
                found[name] = (list(key), records[index])
            return found

        # None kept, or unreadable: every page is read.
        kept = keptmaps.read_shaped(
            self.features_file,
            pages,
            stamp={"code": stale.code_stamp(), "format": _FEATURES_FORMAT},
            fields={"pages": dict, "records": list},
        )
        return kept or {}

    def restamp(self, rewritten: dict[Path, list[int]]) -> None:
        """Keep each page's features under its new stat key when they were taken from it as
        it was before (*rewritten*: page to its stat key then)."""
        if self._features is None:
            self._features = self._load_features()
        for page, before in rewritten.items():
            name = page.relative_to(self.outdir).as_posix()
            entry = self._features.get(name)
            if entry is not None and entry[0] == before:
                self._features[name] = (stat_key(page), entry[1])
                self._read_anew = True

    def save_features(self) -> None:
        """Keep what was taken from the pages for the next build (those that still exist),
        when a page was read anew (or restamped) in this build."""
        if self.features_file is None or self._features is None or not self._read_anew:
            return
        records: list[list[Any]] = []
        numbers: dict[str, int] = {}
        pages: dict[str, list[Any]] = {}
        # The pages listed in this build exist (a page removed since is only read again).
        listed = {name for name, _path in self._files or ()}
        for name, (key, found) in sorted(self._features.items()):
            if name not in listed and not (self.outdir / name).is_file():
                continue
            number = numbers.setdefault(found.text, len(records))
            if number == len(records):
                records.append(found.as_json())
            pages[name] = [key, number]
        state = {
            "code": stale.code_stamp(),
            "format": _FEATURES_FORMAT,
            "records": records,
            "pages": pages,
        }
        keptmaps.write_state(self.features_file, state)
        self._read_anew = False

    def prune(self, pages: list[Path], sheets: dict[Path, str]) -> dict[Path, str]:
        """Each of *sheets* (path it is written to: its text) pruned to what *pages* can use.

        Custom properties are kept when any sheet the pages load (those being pruned counted
        as pruned), a ``style`` attribute or block of the pages, or a script reads them.
        """
        features = [self.features(page) for page in pages]
        known = {name for page in features for name in page.classes}
        known |= self.script_words
        # Elements the pages have, and any word of a script (which may create some).
        elements = {name for page in features for name in page.elements}
        elements |= {word.lower() for word in self.script_words}
        pruned = {
            path: prune_selectors(minify_css(css), known, elements) for path, css in sheets.items()
        }
        loaded = {Path(sheet) for page in features for sheet in page.stylesheets}
        others = [
            path.read_text(encoding="utf-8")
            for path in sorted(loaded - {p.resolve() for p in pruned} - self.outputs)
            if path.is_file()
        ]
        local = [block for page in features for block in page.styles]
        result: dict[Path, str] = {}
        for path, css in pruned.items():
            elsewhere = "".join(
                [*others, *local, self.scripts, *(pruned[p] for p in pruned if p != path)]
            )
            result[path] = prune_properties(css, elsewhere, self.script_properties)
        return result


def pruned_sheets(site: _Site) -> dict[Path, str]:
    """furo's sheets pruned to what the site's pages use, and the reading text's copies of the
    theme's and the toolkit's sheets pruned to what its pages use (path: text)."""
    # Sphinx copied the theme's sheets and the toolkit wrote its own afresh in this build.
    originals = {
        name: (site.static / name).read_text(encoding="utf-8")
        for name in (*THEME_SHEETS, *READING_SHEETS)
        if (site.static / name).is_file()
    }
    result: dict[Path, str] = {}
    theme = {site.static / n: css for n, css in originals.items() if n in THEME_SHEETS}
    if theme:
        pages = [path for _name, path in site.named_files(frozenset({".html"}))]
        result = site.prune(pages, theme)
    # With another theme than furo the reading text's pages still link their copies of the
    # toolkit's sheets (page_assets): written all the same, or those pages had none.
    reading_pages = site.reading_pages
    if reading_pages:
        reading = {
            site.static / READING_SHEETS[n]: css
            for n, css in originals.items()
            if n in READING_SHEETS
        }
        result.update(site.prune(reading_pages, reading))
    return result


def _reading_pages(app: Sphinx) -> list[Path]:
    """The written pages of the reading text (the documents whose paragraphs are numbered)."""
    builder: Any = app.builder
    paths = [
        Path(builder.get_outfilename(docname))
        for docname in sorted(app.env.found_docs)
        if passages.is_numbered(app.config, docname)
    ]
    return [path for path in paths if path.is_file()]


def inputs_digest(site: _Site) -> str:
    """A digest of everything :func:`pruned_sheets` reads: what it takes from each page (its
    :class:`_PageFeatures`, read again only from the pages whose size or date changed), each
    script of ``_static`` (not the search index, outside it) and stylesheet of the output but
    the pruning's own copies, the reading text's pages, the toolkit's code. A prose edit that adds no class, element, sheet or style to
    its page leaves the digest as it was, and the last pruning holds."""
    digest = hashlib.sha256(stale.code_stamp().encode("ascii"))
    outputs = {f"_static/{name}" for name in READING_SHEETS.values()}
    files = [
        (name, path)
        for name, path in site.named_files(_READ_SUFFIXES)
        if name not in outputs and (path.suffix != ".js" or name.startswith("_static/"))
    ]
    for text_name, path in files:
        # A page by the digest of what the pruning takes from it (:attr:`_PageFeatures.digest`).
        data = site.features(path).digest if path.suffix == ".html" else path.read_bytes()
        name = text_name.encode("utf-8")
        digest.update(b"%d:%s:%d:" % (len(name), name, len(data)))
        digest.update(data)
    reading = [path.relative_to(site.outdir).as_posix() for path in site.reading_pages]
    digest.update(repr(reading).encode("utf-8"))
    return digest.hexdigest()


def _cached(app: Sphinx, site: _Site) -> dict[Path, str]:
    """:func:`pruned_sheets`, from the cache when its digest holds (and stored there)."""
    if not switched_on(SWITCH):
        return pruned_sheets(site)
    cache = Path(app.doctreedir) / CACHE_FILE
    digest = inputs_digest(site)
    kept = keptmaps.string_map(
        keptmaps.read_state(cache, stamp={"digest": digest}, fields={"sheets": dict}).get("sheets")
    )
    if kept is not None:  # else no cache, or an unreadable one: pruned anew
        return {site.outdir / name: text for name, text in kept.items()}
    result = pruned_sheets(site)
    sheets = {path.relative_to(site.outdir).as_posix(): text for path, text in result.items()}
    keptmaps.write_state(cache, {"digest": digest, "sheets": sheets})
    return result


def restamp_pages(app: Sphinx, rewritten: dict[Path, list[int]]) -> None:
    """Keep what was taken from pages rewritten after the pruning in ways that change none of
    it (their asset links' checksums, :mod:`.sheet_links`) under their new size and date.

    *rewritten*: each page and its stat key before it was rewritten; a page whose kept
    features were taken from another version of it is left to be read again.
    """
    # The pruning, at the same event before, made this build's site whenever the memo is on.
    site = _SITES.get(app)
    if site is not None and rewritten:
        site.restamp(rewritten)


def save_page_features(app: Sphinx, exception: BaseException | None) -> None:
    """Keep what was taken from the pages, under each page's status as the build leaves it
    (``build-finished``, once no handler rewrites a page any more): read once and saved once
    per build, by the pruning and the relinking alike."""
    site = _SITES.pop(app, None)
    if exception is None and site is not None:
        site.save_features()


def prune_theme_sheets(app: Sphinx, exception: BaseException | None) -> None:
    """Rewrite furo's sheets without what no page can use, and write the reading text's own
    copies of the theme's and the toolkit's sheets (``build-finished``)."""
    if exception is not None or not writes_reading_sheets(app):
        return
    features_file = Path(app.doctreedir) / FEATURES_FILE if switched_on(SWITCH) else None
    # The output as listed once in this build (the slimming of the pages, just before, listed it).
    files = written_pages.output_files(app)
    site = _Site(Path(app.outdir), _reading_pages(app), features_file, files)
    if features_file is not None:
        _SITES[app] = site  # the relinking keeps its pages' features here, saved once
    for path, css in _cached(app, site).items():
        atomic.update_text(path, css)


def register(app: Sphinx) -> None:
    """Prune the theme's sheets once every page is written."""
    app.connect("build-finished", prune_theme_sheets)
    app.connect("build-finished", save_page_features, priority=priorities.RECORD_WRITTEN_PAGES)
