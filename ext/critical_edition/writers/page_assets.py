"""Page assets (write phase, html-page-context): each page loads the CSS and JS it uses.

At ``builder-inited`` the toolkit's stylesheets are merged into one minified file, its script is
minified, and the part of sphinx-design's stylesheet that styles badges is extracted; all three
are written into the output's ``_static`` folder (plain Python, no JavaScript toolchain); the
three texts are kept in the doctree directory under their inputs' digests and the toolkit's
code, and made again only when one of those changed (``CRITICAL_EDITION_BUNDLECACHE=0``: made in
every build). At ``html-page-context`` each page then drops what it does not use: sphinx-design's full stylesheet
(replaced by the badge extract when badges are all it shows), its tab script, and the syntax
highlighting stylesheet on pages without code; and every page but the search page leaves out
Sphinx's doctools.js and search-word highlighter: the toolkit's script does what they do on a
page (keys) and loads them when there are search words to mark.
The pages of the reading text load their own pruned copies of the sheets (READING_SHEETS).
Each page's head gets the one-line script that applies the reader's remembered way of marking
claims before the first paint (no flash of marks on a page read with claims hidden).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.apparatus import passages
from critical_edition.core import atomic, keptmaps, priorities
from critical_edition.core.codestamp import code_stamp
from critical_edition.speedups.versions import switched_on
from critical_edition.writers.epub import EPUB_BUILDERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

STATIC = Path(__file__).parent.parent / "static"
#: Set to ``0`` to minify the bundles in every build (:func:`_kept_bundles` keeps them, by their
#: inputs' digests and the toolkit's code, in the doctree directory's BUNDLES_FILE).
BUNDLES_SWITCH = "CRITICAL_EDITION_BUNDLECACHE"
BUNDLES_FILE = "critical_edition_bundles.json"
#: The toolkit's stylesheets, merged in this order into CSS_BUNDLE.
CSS_SOURCES = ("fonts.css", "critical-edition.css", "reading.css", "apparatus.css")
CSS_BUNDLE = "critical-edition.min.css"
JS_SOURCES = ("previews.js", "passages.js", "sphinx-scripts.js")
JS_BUNDLE = "critical-edition.min.js"
SD_CSS = "sphinx-design.min.css"
SD_BADGES = "sd-badges.min.css"
SD_TABS_JS = "design-tabs.js"
PYGMENTS_CSS = "pygments.css"
#: Sphinx's page scripts: loaded by the search page; elsewhere static/sphinx-scripts.js does
#: what they do on a page (keys) and loads them when a page opened from the search results has
#: words to mark.
SPHINX_PAGE_JS = ("doctools.js", "sphinx_highlight.js")
#: The scripts known not to need doctools.js: Sphinx's, furo's, sphinx-design's and the
#: toolkit's. A page with any other script (another extension's may call doctools.js's
#: Documentation or _) keeps Sphinx's page scripts.
KNOWN_SCRIPTS = frozenset(
    {*SPHINX_PAGE_JS, "documentation_options.js", "scripts/furo.js", SD_TABS_JS, JS_BUNDLE}
)
#: The sheets the pages of the reading text (the documents whose paragraphs are numbered) load
#: instead, each pruned to what those pages use (writers/theme_css.py writes them once every
#: page is written): the same rules for them, without those of the index, register, chronology
#: and guide pages. One file each, shared by every page of the text, so it is loaded once.
READING_SHEETS = {
    "styles/furo.css": "styles/furo-reading.css",
    "styles/furo-extensions.css": "styles/furo-extensions-reading.css",
    CSS_BUNDLE: "critical-edition-reading.min.css",
    SD_BADGES: "sd-badges-reading.min.css",
}
#: sphinx-design classes the badge extract styles: badges and their background colours (the
#: toolkit's status badges are spans, so the rules for badges that are buttons or links go too).
BADGE_CLASS = re.compile(r"sd-(badge|sphinx-override|bg-[a-z-]+)")
_LINK_OR_BUTTON = re.compile(r"(^|[\s>+~])(a|button)\.")
_SD_CLASS = re.compile(r"\.(sd-[A-Za-z0-9_-]+)")
_CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
_BRACE = re.compile(r"[{}]")
#: What :func:`minify_css` copies as it is (strings, an unquoted ``url()``) or drops (comments).
_CSS_VERBATIM = re.compile(
    r"""
    "(?:[^"\\\n]|\\.)*"            # a string in double quotes
    | '(?:[^'\\\n]|\\.)*'          # ... or single ones
    | url\(\s*[^\s"')][^)]*\)       # an unquoted url()
    | /\*.*?\*/                     # a comment
    """,
    re.DOTALL | re.VERBOSE,
)
#: Applies the remembered reading mode (previews.js: MODES, MODE_KEY) to ``<html>`` while the
#: head is read, before anything is painted; furo writes the page's scripts at the end of the
#: body, too late for that. Storage refused (a privacy setting): the default mode.
READING_MODE_SCRIPT = (
    '<script>try{var m=localStorage.getItem("ed-claims");'
    'document.documentElement.dataset.edClaims=/^(all|status|hidden)$/.test(m)?m:"all"}'
    "catch(e){}</script>\n"
)


def _minify_css_text(css: str) -> str:
    """One stretch of CSS outside strings, ``url()`` and comments, without meaningless spaces."""
    css = re.sub(r"\s+", " ", css)
    # ``--x: ;`` (an empty custom property) keeps its one space: older browsers need it.
    css = re.sub(r"(?<!:)\s+(?=[{};,>])", "", css)
    css = re.sub(r"([{};,>])\s+", r"\1", css)
    # After a colon, never before one: ``a :hover`` is a descendant.
    css = re.sub(r":\s+(?=[^\s;}]|$)", ":", css)
    return css.replace(";}", "}")


def minify_css(css: str) -> str:
    """*css* without comments and the spaces that carry no meaning.

    Spaces are removed around ``{ } ; , >`` and after ``:``, and runs of whitespace become
    one space; elsewhere a space can be a descendant combinator (``article :is(h1)``) or part
    of a value (``calc(1px + 2em)``). Strings and ``url()`` are copied as they are.
    """
    parts: list[str] = []
    start = 0
    for match in _CSS_VERBATIM.finditer(css):
        parts.append(_minify_css_text(css[start : match.start()]))
        if not match[0].startswith("/*"):
            parts.append(match[0])
        start = match.end()
    parts.append(_minify_css_text(css[start:]))
    return "".join(parts).strip()


#: Characters that run together into one identifier, keyword or number.
_WORD = re.compile(r"[A-Za-z0-9_$\\]+")
#: After these tokens a ``/`` opens a regular expression; after any other, it divides.
_BEFORE_REGEX = frozenset(
    {*"(,=:[!&|?{};+-*%<>~^", "return", "typeof", "case", "do", "else", "in", "of", "new"}
    | {"delete", "void", "throw", "instanceof", "yield", "await"}
)


def _quoted_end(js: str, start: int) -> int:
    """The index after the string literal that opens at *start* (``'`` or ``"``)."""
    quote, i = js[start], start + 1
    while i < len(js) and js[i] != quote:
        i += 2 if js[i] == "\\" else 1
    return i + 1


def _regex_end(js: str, start: int) -> int:
    """The index after the regular expression literal (with its flags) opening at *start*."""
    i, in_class = start + 1, False
    while i < len(js) and (in_class or js[i] != "/"):
        if js[i] == "\\":
            i += 1
        elif js[i] in "[]":
            in_class = js[i] == "["
        i += 1
    i += 1
    while i < len(js) and js[i].isalpha():
        i += 1
    return i


def _template_end(js: str, start: int) -> int:
    """The index after the template literal opening at *start*, ``${…}`` parts included."""
    i = start + 1
    while i < len(js) and js[i] != "`":
        if js[i] == "\\":
            i += 2
        elif js.startswith("${", i):
            i = _code_end(js, i + 2)
        else:
            i += 1
    return i + 1


def _code_end(js: str, i: int) -> int:
    """The index after the ``}`` that closes a template's ``${`` part, which starts at *i*."""
    depth = 1
    while i < len(js):
        char = js[i]
        if char in "'\"":
            i = _quoted_end(js, i)
            continue
        if char == "`":
            i = _template_end(js, i)
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        i += 1
        if depth == 0:
            break
    return i


def minify_js(js: str) -> str:
    """*js* without comments and the whitespace that carries no meaning.

    The script is read as tokens: string, template and regular-expression literals are copied
    as they are; comments go; a space stays only between two tokens that would otherwise run
    together (``return x``, ``a + +b``). A line break stays wherever one was, so that automatic
    semicolon insertion reads the script as before, except after ``{``, ``;`` and ``,`` and
    before ``}``, where no semicolon can be inserted or one is inserted anyway.
    """
    out: list[str] = []
    gap = ""  # the whitespace since the last token: "", " " or "\n"
    last = ""  # the last token, to tell a regular expression from a division

    def emit(token: str) -> None:
        nonlocal gap, last
        if out and gap:
            before = out[-1][-1]
            if gap == "\n" and before not in "{;," and token != "}":
                out.append("\n")
            elif (_WORD.fullmatch(before) and _WORD.match(token)) or (
                before in "+-" and token[0] == before
            ):
                out.append(" ")
        out.append(token)
        gap, last = "", token

    i = 0
    while i < len(js):
        char = js[i]
        if char.isspace():
            gap = "\n" if char == "\n" or gap == "\n" else " "
            i += 1
        elif js.startswith("//", i):
            end = js.find("\n", i)
            i = len(js) if end < 0 else end
        elif js.startswith("/*", i):
            end = js.find("*/", i + 2)
            i = len(js) if end < 0 else end + 2
            gap = gap or " "
        elif char in "'\"":
            end = _quoted_end(js, i)
            emit(js[i:end])
            i = end
        elif char == "`":
            end = _template_end(js, i)
            emit(js[i:end])
            i = end
        elif char == "/" and (not last or last in _BEFORE_REGEX):
            end = _regex_end(js, i)
            emit(js[i:end])
            i = end
        elif word := _WORD.match(js, i):
            emit(word[0])
            i = word.end()
        else:
            emit(char)
            i += 1
    return "".join(out) + "\n"


def blocks(css: str) -> list[tuple[str, str]]:
    """The top-level ``prelude{body}`` blocks of minified *css*.

    Only the braces are visited (:data:`_BRACE`), not every character. A block left open at
    the end runs to the last character but one (as the character-by-character scan this
    replaces had it: the output is the same for any input).
    """
    found: list[tuple[str, str]] = []
    start = depth = 0
    brace = -1
    for match in _BRACE.finditer(css):
        if match[0] == "{":
            if depth == 0:
                brace = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((css[start:brace].strip(), css[brace + 1 : match.start()]))
                start = match.end()
    if depth:
        found.append((css[start:brace].strip(), css[brace + 1 : max(brace + 1, len(css) - 1)]))
    return found


def badge_extract(css: str) -> str:
    """The rules of sphinx-design's *css* that style badges, and its custom properties.

    A rule is kept with those of its selectors whose ``sd-`` classes are all badge classes;
    ``:root`` (the colours) is kept whole, media queries are filtered the same way, and
    everything else (grids, cards, tabs, animations) is left out.
    """
    kept: list[str] = []
    for prelude, body in blocks(css):
        if prelude == ":root":
            kept.append(f"{prelude}{{{body}}}")
        elif prelude.startswith("@media"):
            if inner := badge_extract(body):
                kept.append(f"{prelude}{{{inner}}}")
        elif not prelude.startswith("@"):
            selectors = [
                selector
                for selector in prelude.split(",")
                if (classes := _SD_CLASS.findall(selector))
                and all(BADGE_CLASS.fullmatch(name) for name in classes)
                and not _LINK_OR_BUTTON.search(selector)
            ]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(kept)


#: The layout of the kept bundles' file.
_BUNDLES_FORMAT = 1


def _kept_bundles(
    path: Path | None, jobs: dict[str, tuple[Callable[[str], str], str]]
) -> dict[str, str]:
    """Each bundle's text (name: (the function making it, its input)), read from *path* when
    the last build made it from the same input under the same code, else made and kept there
    (nowhere when *path* is None)."""
    if path is None:
        return {name: make(text) for name, (make, text) in jobs.items()}
    key = code_stamp()
    kept = keptmaps.read_map(
        path, file_format=_BUNDLES_FORMAT, key=key, name="bundles", limit=len(jobs)
    )
    # Each bundle under its name and input's digest: this build's entries are the ones kept.
    entries: dict[str, str] = {}
    made = False
    for name, (make, text) in jobs.items():
        entry = f"{name}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"
        found = kept.get(entry)
        if found is None:
            found, made = make(text), True
        entries[entry] = found
    if made:
        keptmaps.write_map(path, entries, file_format=_BUNDLES_FORMAT, key=key, name="bundles")
    return {entry.partition(":")[0]: text for entry, text in entries.items()}


def write_bundles(app: Sphinx) -> None:
    """Write the merged and minified files into ``_static`` (connected to ``builder-inited``)."""
    if app.builder.format != "html":
        return
    from sphinx_design.extension import STATIC_DIR as SPHINX_DESIGN_STATIC

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    css = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in CSS_SOURCES)
    js = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in JS_SOURCES)
    sd_css = (Path(SPHINX_DESIGN_STATIC) / SD_CSS).read_text(encoding="utf-8")
    bundles = _kept_bundles(
        Path(app.doctreedir) / BUNDLES_FILE if switched_on(BUNDLES_SWITCH) else None,
        {
            CSS_BUNDLE: (minify_css, css),
            JS_BUNDLE: (minify_js, js),
            SD_BADGES: (badge_extract, sd_css),
        },
    )
    for name, text in bundles.items():
        # Unchanged bytes are not rewritten: the file's date stays, and so does its checksum.
        atomic.update_text(static / name, text)
    # The EPUB builder packs only files of known media types; the text face is WOFF2.
    media_types = getattr(app.builder, "media_types", None)
    if media_types is not None and ".woff2" not in media_types:
        app.builder.media_types = {**media_types, ".woff2": "font/woff2"}  # type: ignore[attr-defined]


def _classes(body: str) -> set[str]:
    """Every class name used in the page's *body*."""
    return {name for value in _CLASS_ATTRIBUTE.findall(body) for name in value.split()}


def writes_reading_sheets(app: Sphinx) -> bool:
    """Whether this build writes READING_SHEETS: HTML builders with a site, not the EPUB one
    (its pages are packed with the full sheets, and none is pruned)."""
    return app.builder.format == "html" and app.builder.name != "epub"


def _static_name(asset: Any) -> str:
    """The name of *asset* in ``_static`` (Sphinx names those files "_static/<name>")."""
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")


def prune_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Leave out of the page the stylesheets and scripts it does not use."""
    if "css_files" not in context or "script_files" not in context:
        return
    classes = _classes(str(context.get("body", "")))
    design = {name for name in classes if name.startswith("sd-")}
    drop: set[str] = set()
    add: list[str] = []
    scripts = {_static_name(asset) for asset in context["script_files"]}
    # The search page uses them, a domain index's toggles too, and maybe another's script.
    if pagename != "search" and "toggler" not in classes and scripts <= KNOWN_SCRIPTS:
        drop.update(SPHINX_PAGE_JS)
    if not any(name == "highlight" or name.startswith("highlight-") for name in classes):
        drop.add(PYGMENTS_CSS)
    # Tab panels: sphinx-design's script syncs tabs; the claim index's filter needs none.
    if "sd-tab-content" not in design:
        drop.add(SD_TABS_JS)
    if all(BADGE_CLASS.fullmatch(name) for name in design):
        drop.add(SD_CSS)
        if design:
            add.append(SD_BADGES)

    def kept(asset: Any) -> bool:
        return _static_name(asset) not in drop

    from sphinx.builders.html._assets import _CascadingStyleSheet

    css_files = [asset for asset in context["css_files"] if kept(asset)]
    if add:
        # sphinx-design's priority, so that the toolkit's sheet still comes after the extract.
        priority = next(
            (getattr(a, "priority", 500) for a in context["css_files"] if not kept(a)), 500
        )
        css_files += [_CascadingStyleSheet(f"_static/{name}", priority=priority) for name in add]
    if writes_reading_sheets(app) and passages.is_numbered(app.config, pagename):

        def reading(asset: Any) -> Any:
            name = _static_name(asset)
            if name not in READING_SHEETS or not isinstance(asset, _CascadingStyleSheet):
                return asset
            return _CascadingStyleSheet(
                f"_static/{READING_SHEETS[name]}", priority=asset.priority, **asset.attributes
            )

        css_files = [reading(asset) for asset in css_files]
    context["css_files"] = css_files
    context["script_files"] = [asset for asset in context["script_files"] if kept(asset)]


def reading_mode_first(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put :data:`READING_MODE_SCRIPT` in the page's head (``metatags``, read first by themes).

    Not in an EPUB: a reading system runs no script of a book that does not declare one.
    """
    if app.builder.name in EPUB_BUILDERS:
        return
    context["metatags"] = READING_MODE_SCRIPT + context.get("metatags", "")


def register(app: Sphinx) -> None:
    """Register the bundles, the per-page pruning and the reading mode's head script."""
    app.connect("builder-inited", write_bundles)
    app.connect("html-page-context", prune_page_assets, priority=priorities.PAGE_ASSETS)
    app.connect("html-page-context", reading_mode_first, priority=priorities.PAGE_ASSETS)
