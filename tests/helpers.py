"""What several test modules share: the real edition's configuration and small build tools."""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest
    from sphinx.domains import Domain

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
BIBFILE = REPO / "refs.bib"


# -- The real edition ---------------------------------------------------------------------------


def edition_conf() -> dict[str, Any]:
    """docs/conf.py's names: the file run as Sphinx runs it, without a Sphinx application."""
    return runpy.run_path(str(DOCS / "conf.py"))


def paper_reading_order() -> tuple[str, ...]:
    """The paper's pages in reading order: the title page, then conf.py's ``paper_pages``."""
    return ("title", *edition_conf()["paper_pages"])


def copy_edition(dest: Path) -> Path:
    """Copy docs/ and refs.bib (conf.py finds it beside docs/) into *dest*; return the docs/."""
    shutil.copytree(DOCS, dest / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(BIBFILE, dest / "refs.bib")
    return dest / "docs"


# -- Builds -------------------------------------------------------------------------------------


def build(make_app: Any, srcdir: Path, builddir: Path, **kwargs: Any) -> SphinxTestApp:
    """Build, then restore docutils' registries at once (the next app may be built right away)."""
    app: SphinxTestApp = make_app("html", srcdir=srcdir, builddir=builddir, **kwargs)
    app.build()
    app.cleanup()
    return app


def build_serial_and_parallel(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, domain: type[Domain], srcdir: Path, tmp: Path
) -> tuple[SphinxTestApp, SphinxTestApp, int]:
    """*srcdir* built serially, then with ``-j 2``; and how many documents *domain* merged."""
    merged: list[int] = []
    merge = domain.merge_domaindata

    def spy(self: Domain, docnames: Any, otherdata: dict[str, Any]) -> None:
        merged.append(len(docnames))
        merge(self, docnames, otherdata)

    monkeypatch.setattr(domain, "merge_domaindata", spy)
    serial = build(make_app, srcdir, tmp / "serial", freshenv=True)
    assert merged == []
    parallel = build(make_app, srcdir, tmp / "parallel", freshenv=True, parallel=2)
    return serial, parallel, sum(merged)


@contextmanager
def built(srcdir: Path, builddir: Path) -> Iterator[SphinxTestApp]:
    """A fresh HTML build of *srcdir*; docutils' registries are restored on leaving."""
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir, freshenv=True)
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


def warnings_of(app: SphinxTestApp) -> list[str]:
    """The build's warnings, one per item, colours stripped, the srcdir replaced by a token."""
    text = strip_escape_sequences(app.warning.getvalue()).replace(str(app.srcdir), "<srcdir>")
    return [line for line in text.splitlines() if line.strip()]


def main_section(app: SphinxTestApp, page: str) -> str:
    """The page's content (its first section), without theme chrome."""
    html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(html, "html.parser").find("section"))


def edit(path: Path, old: str, new: str) -> None:
    """Replace *old* (which must be there) by *new*, dated after any build that read the file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    # Later than the build that just read it, whatever the file system's time resolution.
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


# -- The edition as data ------------------------------------------------------------------------

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def jsonld_blocks(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD block of a page, parsed."""
    return [json.loads(block) for block in SCRIPT.findall(html)]


def check_page_graph(graph: dict[str, Any], claims: list[dict[str, Any]]) -> None:
    """One page's JSON-LD against the claims.json records of that page."""
    assert graph["@context"] == "https://schema.org"
    nodes = graph["@graph"]
    assert nodes[0]["@type"] == "ScholarlyArticle"
    assert nodes[0]["name"]
    found = [node for node in nodes if node["@type"] == "Claim"]
    reviews = [node for node in nodes if node["@type"] == "ClaimReview"]
    assert [node["identifier"] for node in found] == [claim["id"] for claim in claims]
    for node, claim in zip(found, claims, strict=True):
        assert node["text"] == claim["text"]
        assert [author["name"] for author in node["author"]] == claim["actors"]
        assert node.get("datePublished") == claim["date"] or (
            claim["date"] is None and "datePublished" not in node
        )
        assert [a["identifier"] for a in node.get("appearance", [])] == claim["sources"]
    reviewed = [claim for claim in claims if claim["status"] in {"contested", "corrected"}]
    assert len(reviews) == len(reviewed)
    for review, claim in zip(reviews, reviewed, strict=True):
        assert review["claimReviewed"] == claim["text"]
        assert review["reviewRating"]["alternateName"] == claim["status"]
        assert review["reviewBody"] == claim["note"]
        assert review["itemReviewed"]["@id"].endswith(f"#claim-{claim['id']}")


# -- Hostile input --------------------------------------------------------------------------------

#: The themes' own inline scripts (the basic theme's search box, furo's colour scheme).
_THEME_SCRIPTS = ("document.getElementById('searchbox')", "document.body.dataset.theme")


def _toolkit_script() -> str:
    """The code of the toolkit's one inline script (the reading mode, in each page's head)."""
    from critical_edition.writers.page_assets import READING_MODE_SCRIPT

    return READING_MODE_SCRIPT.strip().removeprefix("<script>").removesuffix("</script>")


#: Attributes whose value is a URL the browser may follow or load.
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")


def live_markup(outdir: Path) -> list[str]:
    """Everything in the HTML pages under *outdir* that could run script in a reader's browser.

    A ``<script>`` with inline code other than the themes' own, or loaded from another site, an
    ``on...`` event-handler attribute, and a ``javascript:``, ``vbscript:`` or ``data:`` URL in
    a link, source or form attribute. Empty when the pages are safe.
    """
    problems: list[str] = []
    for page in sorted(outdir.rglob("*.html")):
        where = page.relative_to(outdir).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            if element.name == "script":
                src = str(element.get("src", ""))
                code = element.get_text().strip()
                # Data blocks (JSON-LD among them) never run; one holding "<" could close
                # its script element early, so it counts as live.
                theme_data = element.get("id") == "documentation_options" or (
                    element.get("type")
                    in ("application/json", "application/ld+json", "text/x-template")
                    and "<" not in code
                )
                foreign = ":" in src or src.startswith("//")
                # The toolkit's own head script counts only letter for letter.
                own = theme_data or code.startswith(_THEME_SCRIPTS) or code == _toolkit_script()
                if foreign or (not src and code and not own):
                    problems.append(f"{where}: a live <script> {str(element)[:80]!r}")
            for attribute, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                if attribute.lower().startswith("on"):
                    problems.append(f"{where}: the handler {attribute}={text[:60]!r}")
                scheme = "".join(text.split()).lower()
                if attribute.lower() in _URL_ATTRIBUTES and scheme.startswith(
                    ("javascript:", "vbscript:", "data:")
                ):
                    problems.append(f"{where}: the URL {attribute}={text[:60]!r}")
    return problems


def page_assets(html_path: Path) -> dict[Path, int]:
    """Every file a built page loads, with its size in bytes: the page itself, the stylesheets,
    scripts, icons and images it links, and the fonts and images its stylesheets reference.

    Found by parsing: ``<link rel="stylesheet|icon|…">``, ``<script src>``, ``<img src>``, then
    ``url(…)`` inside each stylesheet (``@font-face`` sources included) and ``@import``. An
    external address (http:, data:) is not a file of the edition and fails the caller's
    assertions by appearing with size -1.
    """
    files: dict[Path, int] = {}

    def add(base: Path, ref: str) -> Path | None:
        ref = ref.split("?", 1)[0].split("#", 1)[0]
        if not ref or ref.startswith("data:"):
            return None
        target = Path(ref) if "://" in ref else (base.parent / ref).resolve()
        files[target] = target.stat().st_size if target.is_file() else -1
        return target

    add(html_path, html_path.name)
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    sheets: list[Path] = []
    for link in soup.find_all("link", href=True):
        rel = set(link.get("rel") or [])
        if rel & {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload"}:
            target = add(html_path, str(link["href"]))
            if target and "stylesheet" in rel:
                sheets.append(target)
    for tag in soup.find_all(["script", "img"], src=True):
        add(html_path, str(tag["src"]))
    while sheets:
        sheet = sheets.pop()
        if not sheet.is_file():
            continue
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.DOTALL)
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css):
            add(sheet, ref)
        for ref in re.findall(r"@import\s+(?:url\()?['\"]([^'\"]+)['\"]", css):
            target = add(sheet, ref)
            if target and target not in sheets:
                sheets.append(target)
    return files
