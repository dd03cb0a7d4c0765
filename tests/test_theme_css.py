"""furo's stylesheets pruned to the site's pages (writers/theme_css.py, issue 17's page weight).

Unit tests of the two prunings on small sheets, then the edition: every rule of furo's own
sheet that styles an element of a built page is still in the sheet the pages load.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser import support
from critical_edition.writers.page_assets import (
    READING_SHEETS,
    SD_BADGES,
    blocks,
    minify_css,
)
from critical_edition.writers.theme_css import (
    THEME_SHEETS,
    prune_properties,
    prune_selectors,
)
from helpers import edition_conf, page_assets


def test_a_selector_is_kept_when_every_class_it_needs_is_known() -> None:
    css = minify_css(".a .b{color:red}.a,.gone{margin:0}.gone>p{padding:0}p{margin:1px}")
    assert prune_selectors(css, {"a", "b"}) == ".a .b{color:red}.a{margin:0}p{margin:1px}"


def test_classes_in_parentheses_and_attributes_do_not_count() -> None:
    """A class absent from every page leaves ``:not(.x)`` matching; ``:is(.x,.a)`` may match
    through ``.a``; an attribute value is not a class."""
    css = ".a:not(.x){color:red}:is(.x,.a) p{color:blue}[href$='.pdf']{color:green}"
    assert prune_selectors(css, {"a"}) == css


def test_a_selector_needing_an_element_no_page_has_goes() -> None:
    """Elements are checked when given: ``kbd`` is absent, ``p`` present; html, body and the
    parser's tbody always count; an element inside ``:not()`` or ``:is()`` does not."""
    css = "kbd{color:red}p>kbd,p a{margin:0}body tbody td{padding:0}p:not(kbd){color:blue}"
    assert prune_selectors(css, set(), {"p", "a", "td"}) == (
        "p a{margin:0}body tbody td{padding:0}p:not(kbd){color:blue}"
    )
    assert prune_selectors(css, set()) == css


def test_media_queries_are_filtered_and_other_at_rules_kept_whole() -> None:
    css = minify_css(
        "@media (max-width:10em){.gone{margin:0}.a{margin:1px}}"
        "@media print{.gone{color:red}}"
        "@keyframes spin{from{color:red}to{color:blue}}"
        "@font-face{font-family:x;src:url(x.woff2)}"
    )
    assert prune_selectors(css, {"a"}) == (
        "@media (max-width:10em){.a{margin:1px}}"
        "@keyframes spin{from{color:red}to{color:blue}}"
        "@font-face{font-family:x;src:url(x.woff2)}"
    )


def test_unread_custom_properties_go_and_read_ones_stay() -> None:
    """A property read only by an unread one goes too; a ``;`` inside a data URI is no end."""
    css = (
        "body{--used:1px;--chain:2px;--reads-chain:var(--chain);"
        '--icon:url("data:image/svg+xml;charset=utf-8,<svg/>");margin:var(--used)}'
        ".a{--only:1px}"
    )
    assert prune_properties(css, "") == "body{--used:1px;margin:var(--used)}"
    assert prune_properties(css, ".x{background:var(--icon)}") == (
        'body{--used:1px;--icon:url("data:image/svg+xml;charset=utf-8,<svg/>");margin:var(--used)}'
    )


def _selectors(css: str) -> set[str]:
    found: set[str] = set()
    for prelude, body in blocks(css):
        if prelude.startswith(("@media", "@supports")):
            found |= _selectors(body)
        elif not prelude.startswith("@"):
            found |= {selector.strip() for selector in re.split(r",(?![^(]*\))", prelude)}
    return found


def _lost_selectors(original: str, pruned: str, pages: list[Any]) -> tuple[list[str], int]:
    """The selectors of *original* missing from *pruned* that match an element of *pages*
    (states such as ``:hover`` and ``::before`` left aside), and how many were judged."""
    import soupsieve

    missing, judged = [], 0
    for selector in sorted(_selectors(original) - _selectors(pruned)):
        static = re.sub(r"::?[\w-]+(\([^()]*\))?", "", selector).strip() or "*"
        try:
            matched = any(page.select_one(static) for page in pages)
        except soupsieve.SelectorSyntaxError:
            continue  # a selector soupsieve cannot read is not one to judge here
        judged += 1
        if matched:
            missing.append(selector)
    return missing, judged


def _soups(paths: list[Path]) -> list[Any]:
    from bs4 import BeautifulSoup

    return [BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser") for path in paths]


def test_every_rule_that_styles_a_page_is_still_loaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Each selector of furo's own sheets that matches an element of a built page is in the
    pruned sheet the pages load."""
    from furo import __file__ as furo_init

    root = support.built("edition", tmp_path_factory)
    theme_static = Path(furo_init).parent / "theme" / "furo" / "static"
    pages = _soups(sorted(root.glob("*.html")))
    assert len(pages) > 10, "the edition's pages were not built"
    judged = 0
    for name in THEME_SHEETS:
        original = minify_css((theme_static / name).read_text(encoding="utf-8"))
        pruned = (root / "_static" / name).read_text(encoding="utf-8")
        assert len(pruned) < len(original), name
        missing, count = _lost_selectors(original, pruned, pages)
        assert missing == [], (name, missing)
        judged += count
    assert judged > 100, judged


def test_the_reading_text_loads_its_own_copies_with_every_rule_it_uses(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The paper's pages load the reading copies of furo's and the toolkit's sheets; each copy
    keeps every selector of its full sheet that matches an element of those pages, and the
    other pages keep the full sheets."""
    root = support.built("edition", tmp_path_factory)
    paper = [root / f"{page}.html" for page in edition_conf()["paper_pages"]]
    assert paper, "nothing to check"
    for page in paper:
        names = {path.name for path in page_assets(page)}
        # Every copy but the badges' (on pages with a status badge only).
        assert {Path(READING_SHEETS[n]).name for n in READING_SHEETS if n != SD_BADGES} <= names
        assert not {Path(n).name for n in READING_SHEETS} & names, page
    claims = {path.name for path in page_assets(root / "claims.html")}
    assert {"furo.css", "critical-edition.min.css"} <= claims
    pages = _soups(paper)
    judged = 0
    for full, copy in READING_SHEETS.items():
        original = (root / "_static" / full).read_text(encoding="utf-8")
        pruned = (root / "_static" / copy).read_text(encoding="utf-8")
        assert len(pruned) < len(original), copy
        missing, count = _lost_selectors(original, pruned, pages)
        assert missing == [], (copy, missing)
        judged += count
    assert judged > 50, judged


def test_minify_css_drops_only_meaningless_spaces() -> None:
    """Spaces around ``{ } ; , >`` and after ``:`` go; strings, ``url()`` and the spaces that
    carry meaning (a descendant combinator, ``calc()``, an empty custom property) stay."""
    css = (
        "/* a comment */ nav  >  a , p :is(b) { color : red ; margin: 0 auto ;\n"
        "  content: \"a  ;}  b: c\" ; quotes: 'x , y';\n"
        '  background: url( pic\\ ture.png ) , url("x y.png") ; --empty: ;\n'
        "  width: calc(1px + 2em) }\n"
        "@media (max-width: 10em) { article :is(h1) { margin: 0 } }\n"
    )
    assert minify_css(css) == (
        "nav>a,p :is(b){color :red;margin:0 auto;content:\"a  ;}  b: c\";quotes:'x , y';"
        'background:url( pic\\ ture.png ),url("x y.png");--empty: ;width:calc(1px + 2em)}'
        "@media (max-width:10em){article :is(h1){margin:0}}"
    )
    assert minify_css(minify_css(css)) == minify_css(css)
