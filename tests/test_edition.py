"""The real edition as a test: a strict HTML build of docs/, its citations, footnotes and data.

The edition is built once per test session (nitpicky, warnings captured) from a copy of docs/
and refs.bib; the tests read the HTML with BeautifulSoup.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from critical_edition.bibliography.style import CONFIDENCE_LEVELS, VERIFICATION_LABELS, sort_fold
from docutils.nodes import make_id
from helpers import (
    BIBFILE,
    check_page_graph,
    copy_edition,
    edition_conf,
    jsonld_blocks,
    paper_reading_order,
)
from pybtex.database import parse_file
from sphinx.testing.util import SphinxTestApp

#: The paper's pages, in reading order (docs/conf.py; test_fidelity checks the order).
PAPER = paper_reading_order()

#: The paper's author-year citations, in reading order: page, printed text, keys linked.
CITATIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("introduction", "(Garibov 2020)", ("garibov2020",)),
    ("introduction", "(Morozov 2020)", ("morozov2020",)),
    ("july-september-2020", "(Jafarova 2020)", ("jafarova2020",)),
    ("july-september-2020", "(Saeedi 2020)", ("saeedi2020",)),
    ("july-september-2020", "(Ismayilov, 2020)", ("ismayilov2020",)),
    (
        "july-september-2020",
        "(Kubicek 2009; Valiyev 2019)",
        ("kubicek2009", "valiyev_mamishova2019"),
    ),
    ("current-conflict", "(Mammadov 2020)", ("mammadov2020a",)),
    ("current-conflict", "(Mammadov 2020)", ("mammadov2020a",)),
    (
        "conclusion",
        "(Aydın 2020; Çelikpala, 2018)",
        ("aydin2020", "celikpala_ersen2018"),
    ),
]

#: A plain-text author-year parenthesis: "(Name 2020)", "(Name, 2020)", "(A 2009; B 2019)".
AUTHOR_YEAR = re.compile(
    r"\((?:[^\W\d_][\w’'-]*(?: and [^\W\d_][\w’'-]*)?,? (?:\d{4}[a-z]?|n\.d\.)(?:; )?)+\)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Edition:
    """The HTML build: its output folder and the warnings it emitted."""

    outdir: Path
    warnings: str

    def page(self, docname: str) -> BeautifulSoup:
        html = (self.outdir / f"{docname}.html").read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser")

    def main(self, docname: str) -> Tag:
        """The page's main content (furo's article)."""
        article = self.page(docname).find("article")
        assert isinstance(article, Tag), docname
        return article


@pytest.fixture(scope="session")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Edition:
    """The real edition, built once: HTML, nitpicky, every warning kept."""
    tmp = tmp_path_factory.mktemp("edition")
    app = SphinxTestApp(
        "html",
        srcdir=copy_edition(tmp),
        builddir=tmp / "_build",
        confoverrides={"nitpicky": True},
        status=StringIO(),
        warning=StringIO(),
        freshenv=True,
    )
    try:
        app.build()
        return Edition(app.outdir, _ANSI.sub("", app.warning.getvalue()))
    finally:
        app.cleanup()


def _html_pages(edition: Edition) -> list[str]:
    skip = {"genindex", "search"}
    return sorted(
        p.stem for p in edition.outdir.glob("*.html") if p.stem not in skip and p.is_file()
    )


def test_builds_strictly_without_warnings(edition: Edition) -> None:
    """``sphinx-build -n -W --keep-going`` would pass: not one warning."""
    assert edition.warnings == "", f"the edition's build warns:\n{edition.warnings}"


def test_citations_resolve_to_bibliography_entries(edition: Edition) -> None:
    """Each author-year citation prints as the paper does and links to its entries."""
    bibliography = edition.main("bibliography")
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for doc in dict.fromkeys(doc for doc, _, _ in CITATIONS):
        for span in edition.main(doc).select("span.bibtex-citation"):
            if span.find_parent("aside") or span.find_parent(class_="ed-claim-card"):
                continue  # the editors' citations: in footnotes and in the claim cards
            hrefs = [str(a["href"]) for a in span.find_all("a")]
            keys: list[str] = []
            for href in hrefs:
                page, _, anchor = href.partition("#")
                assert page == "bibliography.html", href
                target = bibliography.find(id=anchor)
                assert isinstance(target, Tag), f"{href} has no target"
                assert "citation" in target.get("class", []), href
                keys.append(anchor)
            found.append((doc, " ".join(span.get_text().split()), tuple(keys)))
    expected = [
        (doc, text, tuple(make_id(f"bib-{k}") for k in keys)) for doc, text, keys in CITATIONS
    ]
    assert found == expected


def test_every_footnote_resolves(edition: Edition) -> None:
    """Every footnote marker has its note on the page, and every note is referred to."""
    checked = list(_html_pages(edition))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for doc in checked:
        main = edition.main(doc)
        assert "[^" not in main.get_text(), f"{doc}: unparsed footnote markup"
        notes = {str(aside["id"]): aside for aside in main.select("aside.footnote")}
        refs = main.select("a.footnote-reference")
        for ref in refs:
            anchor = str(ref["href"]).removeprefix("#")
            assert anchor in notes, f"{doc}: marker {ref.get_text()} points to nothing"
        referred = {str(ref["href"]).removeprefix("#") for ref in refs}
        for anchor in notes:
            assert anchor in referred, f"{doc}: footnote {anchor} has no marker"


def test_footnotes_where_expected(edition: Edition) -> None:
    """The restored and editorial notes stand on their pages (labels: docs/about.md)."""
    expected = {
        "historical-background": 5,
        "july-september-2020": 1,
        "third-parties": 4,
        "conclusion": 2,
    }
    assert set(expected) <= set(PAPER), sorted(set(expected) - set(PAPER))
    for doc in PAPER:
        count = len(edition.main(doc).select("aside.footnote"))
        assert count == expected.get(doc, 0), doc


def test_no_plain_text_author_year_citation(edition: Edition) -> None:
    """No author-year parenthesis is left as plain text on any page."""
    checked = list(_html_pages(edition))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for doc in checked:
        main = edition.main(doc)
        for span in main.select("span.bibtex-citation"):
            span.decompose()
        text = " ".join(main.get_text().split())
        assert not AUTHOR_YEAR.findall(text), doc


def test_title_page_is_supplied(edition: Edition) -> None:
    """The restored title block is inside a box labelled as supplied, and keeps its link."""
    box = edition.main("title").select_one("div.ed-supplied")
    assert box is not None
    assert "Supplied by the editors" in box.get_text()
    heading = box.find("h1")
    assert heading is not None
    assert "An Account on Karabakh War: Why Now and Then What?" in heading.get_text()
    for text in ("Ayça Ergun", "Anar Valiyev", "2718-0549", "10.13140/RG.2.2.30777.60006"):
        assert text in box.get_text()
    assert "Keywords: Karabakh war, Azerbaijan, Armenia, external actors" in box.get_text()
    links = [a.get_text() for a in edition.main("index").select(".toctree-wrapper a")]
    assert "An Account on Karabakh War: Why Now and Then What?" in links


def test_bibliography_order_and_apparatus(edition: Edition) -> None:
    """Entries sorted with accents folded; each shows its status; non-ASCII intact."""
    entries = edition.main("bibliography").select("div.citation")
    labels = [
        " ".join(e.select_one("span.label").get_text().strip("[] \n").split()) for e in entries
    ]
    assert labels == sorted(labels, key=sort_fold)
    assert labels.index("Aydın 2020") < labels.index("Belovezha Accords 1991")
    ceasefire = labels.index("Ceasefire Agreement 1994")
    assert ceasefire < labels.index("Çelikpala, 2018") < labels.index("Ergun and Valiyev 2020")
    statuses = set(VERIFICATION_LABELS.values())
    for entry in entries:
        strong = [s.get_text() for s in entry.find_all("strong")]
        assert statuses & set(strong), entry.get_text()[:80]


def test_bibliography_data() -> None:
    """refs.bib parses strictly; every entry carries the editorial fields with known values."""
    data = parse_file(str(BIBFILE), bib_format="bibtex")
    assert len(data.entries) >= 30
    for key, entry in data.entries.items():
        fields = entry.fields
        assert fields.get("verification") in VERIFICATION_LABELS, key
        assert fields.get("confidence", "high") in CONFIDENCE_LEVELS, key
        assert fields.get("note"), key
        if "urldate" in fields:
            assert "url" in fields, key
        if fields["verification"] == "unresolved" and "title" not in fields:
            # an unresolved citation: only the surname the paper gives, no invented first name
            assert all(not p.first_names for p in entry.persons.get("author", [])), key


# -- The edition as data ------------------------------------------------------------------------


def test_every_page_carries_jsonld_matching_claims_json(edition: Edition) -> None:
    """Each page's JSON-LD: the edition based on the paper, then the page's claims and reviews."""
    claims = json.loads((edition.outdir / "claims.json").read_text(encoding="utf-8"))
    conf = edition_conf()
    counted = 0
    for path in sorted(edition.outdir.glob("*.html")):
        blocks = jsonld_blocks(path.read_text(encoding="utf-8"))
        assert len(blocks) == 1, path.name
        check_page_graph(blocks[0], [c for c in claims if c["docname"] == path.stem])
        article = blocks[0]["@graph"][0]
        assert article["isBasedOn"]["@id"] == f"https://doi.org/{conf['paper']['doi']}"
        # In full on the landing page; named (same @id) on the others.
        if path.stem == "index":
            assert article["editor"]["name"] == conf["edition_editors"]
        else:
            assert "editor" not in article and article["@id"] == "index.html#edition"
        counted += sum(node["@type"] == "Claim" for node in blocks[0]["@graph"])
    assert counted == len(claims) > 0


@pytest.mark.parametrize("page", ["index", *edition_conf()["paper_pages"]])
def test_text_pages_carry_the_papers_citation_tags(edition: Edition, page: str) -> None:
    paper = edition_conf()["paper"]
    soup = edition.page(page)

    def content(name: str) -> list[str]:
        return [str(tag["content"]) for tag in soup.find_all("meta", attrs={"name": name})]

    assert content("citation_title") == [paper["title"]]
    assert content("citation_author") == paper["authors"]
    assert content("citation_publication_date") == [paper["date"].replace("-", "/")]
    assert content("citation_journal_title") == [paper["venue"]]
    assert content("citation_doi") == [paper["doi"]]
    assert content("DC.source") == [f"https://doi.org/{paper['doi']}"]


def test_landing_page_cites_the_edition_and_bibliography_links_csl_json(edition: Edition) -> None:
    block = edition.main("index").find(id="cite-this-edition")
    assert isinstance(block, Tag)
    assert "10.13140/RG.2.2.30777.60006" in block.get_text()
    links = edition.main("bibliography").select('a[href="bibliography.csl.json"]')
    assert len(links) == 1
    items = json.loads((edition.outdir / "bibliography.csl.json").read_text(encoding="utf-8"))
    assert len(items) == len(parse_file(str(BIBFILE)).entries)
    assert all(item["note"].startswith("Verification: ") for item in items)
