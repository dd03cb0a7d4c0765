"""The edition as data: JSON-LD, reference-manager tags, the citation block and CSL-JSON.

``test-edition-data`` carries markup-breaking values (``</script>``, quotes, ``&``, braces) in
the title, the editors, the edited text's description, a claim, its note, an actor and a .bib
entry; every format must keep them as data. The real edition and the quick-start edition are
checked in test_edition.py and test_toolkit.py with the same helpers (tests/helpers.py).
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from critical_edition.outputs.csljson import csl_item
from critical_edition.outputs.meta import bibtex_text
from helpers import check_page_graph, jsonld_blocks
from pybtex.database import Entry, Person
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

#: A subset of the CSL project's CSL-JSON schema, written out for the tests (no fetching).
CSL_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "csl-data.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def data_app(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    app = SphinxTestApp(
        "html",
        srcdir=rootdir / "test-edition-data",
        builddir=tmp_path_factory.mktemp("edition-data") / "_build",
        freshenv=True,
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def page(app: SphinxTestApp, name: str) -> str:
    return (app.outdir / f"{name}.html").read_text(encoding="utf-8")


def test_builds_without_warnings(data_app: SphinxTestApp) -> None:
    assert data_app.warning.getvalue() == ""  # type: ignore[attr-defined]


def test_every_page_has_one_jsonld_block_matching_claims_json(data_app: SphinxTestApp) -> None:
    claims = json.loads((data_app.outdir / "claims.json").read_text(encoding="utf-8"))
    pages = sorted(p.stem for p in data_app.outdir.glob("*.html"))
    assert {"index", "text", "guide", "genindex", "search"} <= set(pages)
    total = 0
    for name in pages:
        blocks = jsonld_blocks(page(data_app, name))
        assert len(blocks) == 1, name
        mine = [claim for claim in claims if claim["docname"] == name]
        check_page_graph(blocks[0], mine)
        total += sum(node["@type"] == "Claim" for node in blocks[0]["@graph"])
    # The guide's example claim is not one of the edition's (edition_index_documents).
    assert total == len(claims) == 3


def test_hostile_values_stay_inert_in_the_jsonld(data_app: SphinxTestApp) -> None:
    html = page(data_app, "text")
    for checked in (html, page(data_app, "index")):
        head = checked.split("</head>")[0]
        start = head.index('<script type="application/ld+json">')
        block = head[start : head.index("</script>", start)]
        # The only "</script>" after the block's start is its own end: no value closed it early.
        assert "<" not in block[len('<script type="application/ld+json">') :]
        assert "<!--" not in block and "&" not in block
    graph = jsonld_blocks(html)[0]["@graph"]
    named = graph[0]
    assert named["name"] == 'Edition </script><script>alert(1)</script> "quoted" & <b>bold</b>'
    # A text page names the edition and the paper; the landing page describes them in full.
    assert set(named) == {"@type", "@id", "url", "name", "author", "isBasedOn"}
    assert set(named["isBasedOn"]) == {"@type", "@id", "name"}
    edition = jsonld_blocks(page(data_app, "index"))[0]["@graph"][0]
    assert edition["@id"] == named["@id"] and edition["name"] == named["name"]
    assert edition["editor"]["name"] == 'Ed </script><!-- "x" & {y}'
    assert edition["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert edition["datePublished"] == "2026-01-02"
    based = edition["isBasedOn"]
    assert based["@id"] == "https://doi.org/10.1234/x</script>"
    assert [author["name"] for author in based["author"]] == ["Ann O'Doe", 'Bo "B" </script>']
    assert based["isPartOf"] == {
        "@type": "Periodical",
        "name": "Journal <i>x</i>",
        "issn": "1234-5678",
    }
    review = next(node for node in graph if node["@type"] == "ClaimReview")
    assert review["reviewBody"] == 'Wrong </script><!-- "x" & y'
    claim = next(node for node in graph if node["@type"] == "Claim")
    assert claim["text"] == 'He said it </script><script>alert(1)</script> "quoted"'
    by_id = {node["@id"]: node for node in graph}
    assert by_id[claim["author"][0]["@id"]]["name"] == 'Evil </script>"'
    stated = next(node for node in graph if node["@id"].endswith("#claim-stated"))
    assert stated["author"] == [{"@id": "register.html#actor-org"}]
    assert by_id["register.html#actor-org"] == {
        "@id": "register.html#actor-org",
        "@type": "Organization",
        "name": "The Org & Co",
        "identifier": "org",
        "description": "An organisation.",
    }
    assert stated["appearance"] == [
        {
            "@type": "CreativeWork",
            "identifier": "doe2020",
            "name": 'A Title </script> "q" & more',
            "url": "https://example.org/doe",
            "sameAs": "https://doi.org/10.1234/doe",
        }
    ]
    soup = BeautifulSoup(html, "html.parser")
    # No value opened a script element of its own.
    scripts = soup.find_all("script", string=re.compile("alert"))
    assert [script.get("type") for script in scripts] == ["application/ld+json"]


def _metas(soup: BeautifulSoup, attribute: str, name: str) -> list[str]:
    return [str(tag["content"]) for tag in soup.find_all("meta", attrs={attribute: name})]


@pytest.mark.parametrize("name", ["index", "text"])
def test_text_pages_carry_highwire_dublin_core_and_open_graph(
    data_app: SphinxTestApp, name: str
) -> None:
    soup = BeautifulSoup(page(data_app, name), "html.parser")
    title = 'Paper </script><script>alert(1)</script> "q" & {brace} 100% #1'
    assert _metas(soup, "name", "citation_title") == [title]
    assert _metas(soup, "name", "citation_author") == ["Ann O'Doe", 'Bo "B" </script>']
    assert _metas(soup, "name", "citation_publication_date") == ["2020/11/10"]
    assert _metas(soup, "name", "citation_journal_title") == ["Journal <i>x</i>"]
    assert _metas(soup, "name", "citation_doi") == ["10.1234/x</script>"]
    assert _metas(soup, "name", "citation_issn") == ["1234-5678"]
    assert _metas(soup, "name", "DC.contributor") == ['Ed </script><!-- "x" & {y}']
    assert _metas(soup, "name", "DC.source") == ["https://doi.org/10.1234/x</script>"]
    assert _metas(soup, "property", "og:type") == ["article"]
    assert len(_metas(soup, "property", "og:title")) == 1
    # Values became attribute text, not elements.
    assert soup.head is not None
    assert not soup.head.find_all(["b", "i"])


def test_other_pages_carry_no_citation_tags(data_app: SphinxTestApp) -> None:
    for name in ("guide", "register", "bibliography"):
        soup = BeautifulSoup(page(data_app, name), "html.parser")
        assert not soup.find_all("meta", attrs={"name": re.compile("^citation_")}), name


def test_landing_page_has_the_citation_block(data_app: SphinxTestApp) -> None:
    soup = BeautifulSoup(page(data_app, "index"), "html.parser")
    block = soup.find(id="cite-this-edition")
    assert block is not None
    assert block.find("h2").get_text() == "Cite this edition"  # type: ignore[union-attr]
    text = block.find(class_="edition-cite-text").get_text()  # type: ignore[union-attr]
    assert text.startswith('Ann O\'Doe and Bo "B" </script>. “Paper </script>')
    assert "https://doi.org/10.1234/x</script>." in text
    assert "Critical edition, version 2.0, 2026-01-02. Editors: Ed </script>" in text
    bibtex = block.find("pre").get_text()  # type: ignore[union-attr]
    assert bibtex.startswith("@misc{odoe2020-edition,\n")
    assert r'title = {Edition </script><script>alert(1)</script> "quoted" \& <b>bold</b>}' in bibtex
    assert r"editor = {{Ed </script><!-- " in bibtex and r"\{y\}}}" in bibtex
    assert r"{brace\} 100\% \#1" in bibtex
    assert not block.find_all(["script", "b", "i"])
    other = BeautifulSoup(page(data_app, "text"), "html.parser")
    assert other.find(id="cite-this-edition") is None


def test_bibtex_text_escapes_every_special_character() -> None:
    assert bibtex_text("a{b}c\\d%e&f#g$h_i~j^k") == (
        r"a\{b\}c\textbackslash{}d\%e\&f\#g\$h\_i\textasciitilde{}j\textasciicircum{}k"
    )


def test_csl_json_is_valid_and_keeps_the_verification_status(data_app: SphinxTestApp) -> None:
    items = json.loads((data_app.outdir / "bibliography.csl.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [item["id"] for item in items] == ["doe2020", "nodate"]
    doe, nodate = items
    assert doe["type"] == "article-journal"
    assert doe["title"] == 'A Title </script> "q" & more'
    assert doe["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"literal": "United Nations </script> Council"},
    ]
    assert doe["issued"] == {"date-parts": [[2020, 10, 3]]}
    assert doe["accessed"] == {"date-parts": [[2026, 11, 28]]}
    assert doe["container-title"] == "Journal"
    assert doe["DOI"] == "10.1234/doe"
    assert doe["page"] == "1--9"
    assert doe["note"] == "Verification: verified (confidence high). Seen </script>."
    assert nodate["type"] == "document"
    assert nodate["author"] == [{"family": "Roe"}]
    assert nodate["issued"] == {"date-parts": [[2019]]}
    assert nodate["note"] == "Verification: unresolved. Only the surname is known."


def test_bibliography_page_links_the_csl_json(data_app: SphinxTestApp) -> None:
    soup = BeautifulSoup(page(data_app, "bibliography"), "html.parser")
    links = [a for a in soup.find_all("a") if a.get("href") == "bibliography.csl.json"]
    assert len(links) == 1
    assert (data_app.outdir / "bibliography.csl.json").is_file()
    text = BeautifulSoup(page(data_app, "text"), "html.parser")
    assert not [a for a in text.find_all("a") if a.get("href") == "bibliography.csl.json"]


def test_a_wrong_original_key_warns_and_is_left_out(tmp_path: Path, rootdir: Path) -> None:
    app = SphinxTestApp(
        "html",
        srcdir=rootdir / "test-edition-data",
        builddir=tmp_path / "_build",
        freshenv=True,
        confoverrides={"edition_original": {"title": "T", "authors": "One", "date": 2020}},
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = strip_escape_sequences(app.warning.getvalue())  # type: ignore[attr-defined]
    assert warnings == (
        "WARNING: edition_original['date'] = 2020 must be a string; it is left out of the "
        "pages' metadata. Correct it in conf.py. [edition.config_invalid]\n"
    )
    soup = BeautifulSoup(page(app, "index"), "html.parser")
    assert _metas(soup, "name", "citation_author") == ["One"]
    assert _metas(soup, "name", "citation_publication_date") == []


def test_csl_json_decodes_latex_in_prose_and_keeps_identifiers_as_written() -> None:
    """Titles, names and notes reach the exports as readers see them; pages and DOIs do not move."""
    entry = Entry(
        "incollection",
        fields={
            "title": r"Pipelines \& Power: ``Energy'' in the {S}outh {C}aucasus",
            "booktitle": r"{\c{C}}ay{\i}r and Others",
            "note": r"Seen in print, 10\% of it",
            "pages": "1--9",
            "doi": "10.1234/x_y",
        },
        persons={"author": [Person(r"{\c{C}}elikpala, Mitat")]},
    )
    item = csl_item("celikpala", entry)
    assert item["title"] == "Pipelines & Power: \u201cEnergy\u201d in the South Caucasus"
    assert item["container-title"] == "\u00c7ay\u0131r and Others"
    assert item["author"] == [{"family": "\u00c7elikpala", "given": "Mitat"}]
    assert item["note"] == "Verification: not recorded. Seen in print, 10% of it"
    assert item["page"] == "1--9"
    assert item["DOI"] == "10.1234/x_y"
