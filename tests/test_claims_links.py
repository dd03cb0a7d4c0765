"""Typed links between claims and the disputed points: cards, the page, LaTeX, claims.json.

The root ``test-claims-links`` has two rival accounts of who began (``contradicts=``), a
repetition (``repeats=``), a correction and a supporting claim on a second page (``corrects=``,
``supports=``, one of them a block claim), a topic with three claims and one with a single
claim, and a ``{disputes}`` page. The warnings of links are in test_claims_warnings.py.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import helpers
import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag
from critical_edition.outputs.claims_json import SCHEMA_PATH
from helpers import build, edit, warnings_of
from sphinx.testing.util import SphinxTestApp

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def html(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    app = SphinxTestApp(
        "html",
        srcdir=rootdir / "test-claims-links",
        builddir=tmp_path_factory.mktemp("links-html") / "_build",
        freshenv=True,
    )
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    return app


@pytest.fixture(scope="module")
def latex_body(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = SphinxTestApp(
        "latex",
        srcdir=rootdir / "test-claims-links",
        builddir=tmp_path_factory.mktemp("links-latex") / "_build",
        freshenv=True,
    )
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    (tex,) = app.outdir.glob("*.tex")
    text = tex.read_text(encoding="utf-8")
    return text[text.index(r"\begin{document}") : text.index(r"\end{document}")]


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text("utf-8"), "html.parser")


def card_lines(app: SphinxTestApp, name: str, claim_id: str) -> dict[str, list[tuple[str, str]]]:
    """The card of a claim: label -> [(link text, href)] for the lines holding claim links."""
    card = page(app, name).find(id=f"claim-{claim_id}-card")
    assert isinstance(card, Tag)
    lines: dict[str, list[tuple[str, str]]] = {}
    for label, line in helpers.card_lines(card):
        links = [
            (" ".join(a.get_text().split()), str(a["href"]))
            for a in line.find_all("a")
            if "#claim-" in str(a.get("href", ""))
        ]
        if links and label != "Claim":
            lines[label] = links
    return lines


NORTH = "Ministry of Defence of North"
SOUTH = "Ministry of Defence of South"


def test_cards_show_each_link_both_ways(html: SphinxTestApp) -> None:
    assert card_lines(html, "index", "north-first") == {
        "Contradicted by": [(f"{SOUTH}: “South said North attacked first”", "#claim-south-first")],
        "Supported by": [
            (f"{NORTH}: “North's figure was 30 losses”", "second.html#claim-north-losses-fixed")
        ],
        "Other accounts": [
            (f"{SOUTH}: “South said it again the next day”", "#claim-south-again"),
            (
                f"{SOUTH}: “South's account ran over a whole paragraph.”",
                "second.html#claim-south-block",
            ),
        ],
    }
    south = card_lines(html, "index", "south-first")
    assert south["Contradicts"] == [
        (f"{NORTH}: “North said South attacked first”", "#claim-north-first")
    ]
    assert south["Repeated by"] == [
        (f"{SOUTH}: “South said it again the next day”", "#claim-south-again")
    ]
    assert south["Supported by"] == [
        (f"{SOUTH}: “South's account ran over a whole paragraph.”", "second.html#claim-south-block")
    ]
    assert card_lines(html, "index", "south-again")["Repeats"] == [
        (f"{SOUTH}: “South said North attacked first”", "#claim-south-first")
    ]
    assert card_lines(html, "index", "north-losses") == {
        "Corrected by": [
            (f"{NORTH}: “North's figure was 30 losses”", "second.html#claim-north-losses-fixed")
        ]
    }
    fixed = card_lines(html, "second", "north-losses-fixed")
    assert fixed["Corrects"] == [
        (f"{NORTH}: “North gave 20 losses”", "index.html#claim-north-losses")
    ]
    assert fixed["Supports"] == [
        (f"{NORTH}: “North said South attacked first”", "index.html#claim-north-first")
    ]


def test_disputes_page_sets_each_topics_claims_side_by_side(html: SphinxTestApp) -> None:
    section = page(html, "disputes").find("section")
    topics = section.select(".ed-dispute-topic")
    # 'losses' has a single claim: no dispute.
    assert [(t.get_text(), t["id"]) for t in topics] == [("Who began", "topic-who-began")]
    cards = section.select(".ed-disputes .sd-card")
    assert len(cards) == 4
    first = cards[0]
    assert " ".join(first.select_one(".sd-card-header").get_text().split()) == NORTH
    link = first.select_one(".ed-dispute-text a")
    assert (link.get_text(), link["href"]) == (
        "North said South attacked first",
        "index.html#claim-north-first",
    )
    assert first.select_one(".ed-dispute-details").get_text() == "said, 2020-09-27"
    assert (
        "Ministry of Defence of North, 2020" in first.select_one(".ed-dispute-sources").get_text()
    )
    assert first.select_one(".ed-status-badge").get_text() == "sourced by the authors"
    third = cards[2]
    assert third.select_one(".ed-dispute-sources").get_text() == "Source: none given by the authors"
    assert third.select_one(".ed-status-badge").get_text() == "not sourced by the authors"


def test_disputes_page_in_latex_is_a_table_with_links(latex_body: str) -> None:
    start = latex_body.index(r"\subsubsection*{Who began}")
    table = latex_body[start : latex_body.index(r"\end{tabular}", start)]
    for target in (
        "index:claim-north-first",
        "index:claim-south-first",
        "second:claim-south-block",
    ):
        assert rf"\hyperref[\detokenize{{{target}}}]" in table
    assert r"\edStatus[sourced by the authors]{sourced}" in table
    assert "North gave 20 losses" not in table
    # The card in the margin lists the rival claim too.
    assert r"\DUrole{ed-card-label}{Contradicted by}" in latex_body


def test_claims_json_carries_links_and_topic(html: SphinxTestApp) -> None:
    data: list[dict[str, Any]] = json.loads((html.outdir / "claims.json").read_text("utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    by_id = {item["id"]: item for item in data}
    none = {"contradicts": [], "supports": [], "repeats": [], "corrects": []}
    assert by_id["south-first"]["links"] == {**none, "contradicts": ["north-first"]}
    assert by_id["south-again"]["links"] == {**none, "repeats": ["south-first"]}
    assert by_id["north-losses-fixed"]["links"] == {
        **none,
        "corrects": ["north-losses"],
        "supports": ["north-first"],
    }
    assert by_id["south-block"]["links"] == {**none, "supports": ["south-first"]}
    assert by_id["north-first"]["links"] == none
    assert by_id["north-first"]["topic"] == "who-began"
    assert by_id["north-losses-fixed"]["topic"] is None


def test_a_link_added_on_one_page_updates_the_card_on_another(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    """second.md is not re-read (nor an ancestor of index.md in the toctree, which Sphinx
    rewrites anyway); its card must still show the link written on index.md."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-links", srcdir)
    build(make_app, srcdir, tmp_path / "_build", freshenv=True)
    assert "Contradicted by" not in card_text(tmp_path, "second", "north-losses-fixed")
    edit(
        srcdir / "index.md", "id=north-losses;", "id=north-losses; contradicts=north-losses-fixed;"
    )
    app = build(make_app, srcdir, tmp_path / "_build")
    assert warnings_of(app) == []
    assert "Contradicted by" in card_text(tmp_path, "second", "north-losses-fixed")


def card_text(tmp_path: Path, page: str, claim_id: str) -> str:
    html = (tmp_path / "_build" / "html" / f"{page}.html").read_text("utf-8")
    card = BeautifulSoup(html, "html.parser").find(id=f"claim-{claim_id}-card")
    assert card is not None
    return card.get_text(" ")
