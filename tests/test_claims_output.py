"""Output of claims: HTML cards, the claim index, the register, LaTeX, plain text, claims.json.

The root ``test-claims-output`` (a page with one claim of each status, an appendix whose claim
names its actor by an alias, a register, a claim index and a bibliography) is built once per
builder; ``test-claims-hostile`` carries markup-breaking values in every field a user writes.
Assertions are on fragments (one claim, one table, one entry), never on whole pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import critical_edition
import helpers
import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag
from critical_edition.core.model import ClaimStatus
from critical_edition.outputs.claims_json import SCHEMA_PATH
from sphinx.testing.util import SphinxTestApp

if TYPE_CHECKING:
    from collections.abc import Callable

#: The toolkit's package directory (its stylesheets).
EXT = Path(critical_edition.__file__).parent

IDS_IN_READING_ORDER = ["denied", "went-well", "blamed", "shelling", "held", "repeated"]


@pytest.fixture(scope="module")
def build(
    rootdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], SphinxTestApp]:
    """Build a root with a builder once for the module; later calls reuse the build."""
    built: dict[tuple[str, str], SphinxTestApp] = {}

    def get(root: str, builder: str) -> SphinxTestApp:
        if (root, builder) not in built:
            app = SphinxTestApp(
                builder,
                srcdir=rootdir / f"test-{root}",
                builddir=tmp_path_factory.mktemp(f"{root}-{builder}") / "_build",
                freshenv=True,
            )
            app.build()
            # Restore docutils' node registry now: another root may be built next.
            app.cleanup()
            built[root, builder] = app
        return built[root, builder]

    return get


def soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def text_of(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def html(build: Callable[[str, str], SphinxTestApp]) -> SphinxTestApp:
    return build("claims-output", "html")


@pytest.fixture(scope="module")
def index(html: SphinxTestApp) -> BeautifulSoup:
    return soup(html, "index")


def test_html_build_has_no_warnings(html: SphinxTestApp) -> None:
    assert html.warning.getvalue() == ""


# -- the claim in the text ----------------------------------------------------------------------


def test_an_inline_claim_is_a_focusable_span_described_by_its_card(index: BeautifulSoup) -> None:
    claim = index.find(id="claim-denied")
    assert claim.name == "span"
    assert claim["class"] == ["ed-claim", "ed-status-sourced"]
    assert claim["tabindex"] == "0"
    assert claim["aria-describedby"] == "claim-denied-card"
    assert claim["data-actors"] == "lavrov"
    # The claim's id is in the id alone (claim-denied), its status in the class alone
    # (ed-status-sourced, above): no data attribute repeats them.
    assert not claim.has_attr("data-claim-id") and not claim.has_attr("data-status")
    card = index.find(id="claim-denied-card")
    assert card.parent is claim
    assert (card.name, card["class"], card["role"]) == (
        "span",
        ["no-search", "ed-claim-card"],
        "tooltip",
    )
    # The claim's own words come first, then the card.
    assert claim.contents[0].strip() == "Lavrov denied the report"


def test_a_block_claim_is_a_focusable_div(index: BeautifulSoup) -> None:
    claim = index.find(id="claim-shelling")
    assert claim.name == "div"
    assert claim["class"] == ["ed-claim-block", "ed-status-contested"]
    assert (claim["tabindex"], claim["aria-describedby"]) == ("0", "claim-shelling-card")
    assert text_of(claim.find("p")) == "The ministry declared that the shelling had stopped."
    assert index.find(id="claim-shelling-card").parent is claim


def card_lines(index: BeautifulSoup, claim_id: str) -> list[tuple[str, str]]:
    card = index.find(id=f"claim-{claim_id}-card")
    return [(label, text_of(line)) for label, line in helpers.card_lines(card)]


@pytest.mark.parametrize(
    ("claim_id", "lines"),
    [
        (
            "denied",
            [
                ("Said by", "Sergey Lavrov"),
                ("Verb", "denied"),
                ("Date", "2020-10-02"),
                ("Source", "[ Smi20 ]"),
                ("Status", "sourced by the authors"),
            ],
        ),
        (
            "went-well",
            [
                ("Said by", "Ministry of Foreign Affairs"),
                ("Verb", "stated"),
                ("Source", "[1]"),
                ("Status", "sourced by the authors"),
            ],
        ),
        (
            "blamed",
            [
                ("Said by (jointly)", "Sergey Lavrov , Ministry of Foreign Affairs"),
                ("Verb", "blamed"),
                ("Source", "none given by the authors"),
                ("Status", "verified by the editors"),
                ("Editors' note", "Both statements are in the transcript. Evidence: [ Arc20 ]"),
            ],
        ),
        (
            "shelling",
            [
                ("Said by", "Ministry of Foreign Affairs"),
                ("Verb", "declared"),
                ("Source", "none given by the authors"),
                ("Status", "contested by the editors"),
                ("Editors' note", "Observers saw no shelling. Evidence: [ Arc20 ]"),
            ],
        ),
        (
            "held",
            [
                ("Said by", "Sergey Lavrov"),
                ("Source", "[1]"),
                ("Status", "corrected by the editors"),
                ("Editors' note", "It held for a day. Evidence: [ Arc20 ]"),
            ],
        ),
    ],
)
def test_the_lines_of_the_card(
    index: BeautifulSoup, claim_id: str, lines: list[tuple[str, str]]
) -> None:
    assert card_lines(index, claim_id) == lines
    # The permalink line is the page script's (static/previews.js), added when a card opens.
    assert not index.select(".ed-claim-permalink")


def test_card_links_go_to_the_register_the_bibliography_and_the_footnote(
    html: SphinxTestApp, index: BeautifulSoup
) -> None:
    register, bib = soup(html, "register"), soup(html, "bib")
    card = index.find(id="claim-blamed-card")
    actors = card.find_all("a", href=re.compile("^register.html#"))
    # No description as a title in a card (a tooltip over a tooltip): the register has it.
    assert [(a["href"], a.get("title")) for a in actors] == [
        ("register.html#actor-lavrov", None),
        ("register.html#actor-mfa", None),
    ]
    for link in actors:
        assert register.find(id=link["href"].partition("#")[2])["class"] == ["ed-actor"]
    # source and evidence: links to the bibliography entries
    source = index.find(id="claim-denied-card").find("a", href=re.compile("^bib.html#"))
    entry = bib.find(id=source["href"].partition("#")[2])
    assert "Talks in moscow" in text_of(entry)
    evidence = card.find("a", href=re.compile("^bib.html#"))
    assert "Transcript" in text_of(bib.find(id=evidence["href"].partition("#")[2]))
    # a ^label source: a link to the footnote on the page
    footnote_link = index.find(id="claim-went-well-card").find("a", string="[1]")
    footnote = index.find(id=footnote_link["href"].lstrip("#"))
    assert "footnote" in footnote["class"]
    assert text_of(footnote.find("p")) == "Interview, 2 October 2020."
    # the permalink is the page script's (tests/test_browser.py); the claim keeps its anchor
    assert card.find("a", class_="ed-claim-permalink") is None
    assert card.parent["id"] == "claim-blamed"


@pytest.mark.parametrize(
    ("claim_id", "colour", "label"),
    [
        ("denied", "success", "sourced by the authors"),
        ("blamed", "info", "verified by the editors"),
        ("shelling", "danger", "contested by the editors"),
        ("held", "primary", "corrected by the editors"),
    ],
)
def test_status_badges_say_the_status_in_words(
    index: BeautifulSoup, claim_id: str, colour: str, label: str
) -> None:
    badge = index.find(id=f"claim-{claim_id}-card").find(class_="ed-status-badge")
    assert f"sd-bg-{colour}" in badge["class"]
    assert text_of(badge) == label


# -- the claim index ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def claim_index(html: SphinxTestApp) -> BeautifulSoup:
    return soup(html, "claims")


def test_the_summary_counts_each_status(claim_index: BeautifulSoup) -> None:
    summary = claim_index.find(class_="ed-claim-summary")
    assert text_of(summary) == (
        "6 claims : 3 sourced by the authors , 1 verified by the editors , "
        "1 contested by the editors , 1 corrected by the editors ."
    )


def table_rows(table: Tag) -> list[tuple[str, str, str, str, str, str, str]]:
    rows = []
    for row in table.find("tbody").find_all("tr"):
        cells = row.find_all("td")
        link = cells[1].find("a")
        rows.append(
            (
                text_of(cells[0]),
                text_of(link),
                link["href"],
                text_of(cells[2]),
                text_of(cells[3]),
                text_of(cells[4]),
                text_of(cells[5]),
            )
        )
    return rows


ROWS = {
    "denied": (
        "Lavrov denied the report",
        "index.html#claim-denied",
        "Sergey Lavrov",
        "denied",
        "[ Smi20 ]",
        "sourced by the authors",
    ),
    "went-well": (
        "the ministry stated that the talks went well",
        "index.html#claim-went-well",
        "Ministry of Foreign Affairs",
        "stated",
        "[1]",
        "sourced by the authors",
    ),
    "blamed": (
        "Both capitals blamed each other",
        "index.html#claim-blamed",
        "Sergey Lavrov , Ministry of Foreign Affairs",
        "blamed",
        "—",
        "verified by the editors",
    ),
    "shelling": (
        "The ministry declared that the shelling had stopped.",
        "index.html#claim-shelling",
        "Ministry of Foreign Affairs",
        "declared",
        "—",
        "contested by the editors",
    ),
    "held": (
        "Lavrov said the ceasefire held",
        "index.html#claim-held",
        "Sergey Lavrov",
        "—",
        "[1]",
        "corrected by the editors",
    ),
    "repeated": (
        "Lavrov repeated the offer",
        "appendix.html#claim-repeated",
        "Sergey Lavrov",
        "repeated",
        "[ Smi20 ]",
        "sourced by the authors",
    ),
}


STATUS_OF = {
    "denied": "sourced",
    "went-well": "sourced",
    "blamed": "verified",
    "shelling": "contested",
    "held": "corrected",
    "repeated": "sourced",
}


def test_one_table_of_every_claim_once(claim_index: BeautifulSoup) -> None:
    """One table, each claim in it once, numbered in reading order; a row's class its status."""
    box = claim_index.find(class_="ed-claim-filter")
    assert len(claim_index.find_all("table", class_="ed-claim-table")) == 1
    table = box.find("table")
    assert table_rows(table) == [
        (str(number), *ROWS[claim_id]) for number, claim_id in enumerate(IDS_IN_READING_ORDER, 1)
    ]
    classes = [row["class"] for row in table.find("tbody").find_all("tr")]
    assert all(
        f"ed-row-{STATUS_OF[claim_id]}" in cls
        for claim_id, cls in zip(IDS_IN_READING_ORDER, classes, strict=True)
    )


def test_status_filter_is_a_radio_group_of_tab_labels(claim_index: BeautifulSoup) -> None:
    """The filter is sphinx-design's tab markup without panels: radio inputs sharing one name,
    "All" checked, each with a tab label (its count) that controls the table; no script."""
    box = claim_index.find(class_="ed-claim-filter")
    assert "sd-tab-set" in box["class"]
    inputs = box.find_all("input", recursive=False)
    labels = box.find_all("label", recursive=False)
    assert [text_of(label) for label in labels] == [
        "All (6)",
        "Sourced (3)",
        "Verified (1)",
        "Contested (1)",
        "Corrected (1)",
    ]
    assert {i["type"] for i in inputs} == {"radio"}
    assert len({i["name"] for i in inputs}) == 1
    assert [i.has_attr("checked") for i in inputs] == [True, False, False, False, False]
    assert [i["class"] for i in inputs] == [
        [f"ed-show-{value}"] for value in ("all", "sourced", "verified", "contested", "corrected")
    ]
    rows = box.find(class_="ed-claim-rows")
    assert rows.find("table", class_="ed-claim-table") is not None
    for field, label in zip(inputs, labels, strict=True):
        assert "sd-tab-label" in label["class"]
        assert label["for"] == field["id"]
        assert label["aria-controls"] == rows["id"]
    # Each input is followed by its label (sphinx-design's "input:checked + label" styling),
    # then the panel holding the table.
    children = [child.name for child in box.find_all(recursive=False)]
    assert children == ["input", "label"] * 5 + ["div"]
    # Tab panels are what sphinx-design's script is for: the page does not load it.
    assert not claim_index.select('script[src*="design-tabs"]')


def test_status_filter_hides_other_rows_in_css() -> None:
    """The stylesheet has a rule per status: its input checked hides the other rows."""
    css = (EXT / "static" / "critical-edition.css").read_text(encoding="utf-8")
    for status in ClaimStatus:
        rule = (
            f".ed-claim-filter > .ed-show-{status.value}:checked ~ * tbody > "
            f"tr:not(.ed-row-{status.value})"
        )
        assert rule in css, status


def test_index_links_land_on_the_claims(html: SphinxTestApp, claim_index: BeautifulSoup) -> None:
    table = claim_index.find(class_="ed-claim-filter").find("table")
    checked = list(table.select("tbody td:nth-of-type(2) a"))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for link in checked:
        page, _, anchor = link["href"].partition("#")
        assert soup(html, page.removesuffix(".html")).find(id=anchor) is not None, link["href"]


def test_claims_by_speaker(claim_index: BeautifulSoup) -> None:
    rubric = claim_index.find(string="Claims by speaker").parent
    items = rubric.find_next("ul", class_="ed-claims-by-actor").find_all("li")
    assert [(text_of(li), li.find("a")["href"]) for li in items] == [
        # The appendix names Lavrov by an alias: counted with his other claims.
        ("Sergey Lavrov : 4 claims", "register.html#actor-lavrov"),
        ("Ministry of Foreign Affairs : 3 claims", "register.html#actor-mfa"),
    ]


# -- the register -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_id", "heading", "claims"),
    [
        (
            "lavrov",
            "Claims attributed (4)",
            [
                (
                    "index.html#claim-denied",
                    "Lavrov denied the report — denied, sourced by the authors",
                ),
                (
                    "index.html#claim-blamed",
                    "Both capitals blamed each other — blamed, verified by the editors",
                ),
                (
                    "index.html#claim-held",
                    "Lavrov said the ceasefire held — attributed, corrected by the editors",
                ),
                (
                    "appendix.html#claim-repeated",
                    "Lavrov repeated the offer — repeated, sourced by the authors",
                ),
            ],
        ),
        (
            "mfa",
            "Claims attributed (3)",
            [
                (
                    "index.html#claim-went-well",
                    "the ministry stated that the talks went well — stated, sourced by the authors",
                ),
                (
                    "index.html#claim-blamed",
                    "Both capitals blamed each other — blamed, verified by the editors",
                ),
                (
                    "index.html#claim-shelling",
                    (
                        "The ministry declared that the shelling had "
                        "stopped. — declared, contested by the editors"
                    ),
                ),
            ],
        ),
        ("silent", "No claims attributed in the text", []),
    ],
)
def test_register_entries_list_their_claims(
    html: SphinxTestApp, actor_id: str, heading: str, claims: list[tuple[str, str]]
) -> None:
    entry = soup(html, "register").find(id=f"actor-{actor_id}")
    assert (entry.name, entry["class"]) == ("div", ["ed-actor"])
    assert text_of(entry.find(class_="ed-actor-claims-heading")) == heading
    items = entry.select("ul.ed-actor-claims > li")
    assert [(li.find("a")["href"], text_of(li).replace(" ,", ",")) for li in items] == claims


def test_register_entry_shows_name_type_aliases_and_description(html: SphinxTestApp) -> None:
    entry = soup(html, "register").find(id="actor-lavrov")
    assert text_of(entry.find(class_="ed-actor-name")) == "Sergey Lavrov person"
    assert text_of(entry.find(class_="ed-actor-aliases")) == "Also named: Sergei Lavrov"
    assert "Minister of Foreign Affairs of Russia." in text_of(entry)


# -- LaTeX --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def latex_body(build: Callable[[str, str], SphinxTestApp]) -> str:
    app = build("claims-output", "latex")
    assert app.warning.getvalue() == ""
    (tex,) = app.outdir.glob("*.tex")
    text = tex.read_text(encoding="utf-8")
    return text[text.index(r"\begin{document}") : text.index(r"\end{document}")]


def test_latex_claim_macros_around_the_text(latex_body: str) -> None:
    """Each claim opens with its number and card (set beside its first line) and closes with
    an empty \\edClaimEnd; the number is the claim's in the claim index."""
    assert latex_body.count(r"\edClaimStart{") == 6
    assert latex_body.count(r"\edClaimEnd{}") == 6
    assert r"\edClaimStart{\detokenize{claim-denied}}{1}{" in latex_body
    assert (
        r"\label{\detokenize{index:claim-denied}}Lavrov denied the report\edClaimEnd{}"
        in latex_body
    )
    # A claim outside the root document gets its card too.
    assert r"\edClaimStart{\detokenize{claim-repeated}}{" in latex_body
    assert (
        r"\label{\detokenize{appendix:claim-repeated}}Lavrov repeated the offer\edClaimEnd{}"
        in latex_body
    )


def latex_card(latex_body: str, claim_id: str) -> str:
    """The last argument of the claim's \\edClaimStart (braces balanced)."""
    start = latex_body.index(rf"\edClaimStart{{\detokenize{{claim-{claim_id}}}}}")
    position = start + len(r"\edClaimStart")
    for _argument in range(3):  # anchor, number, card
        depth, begin = 0, position
        for position in range(begin, len(latex_body)):
            depth += {"{": 1, "}": -1}.get(latex_body[position], 0)
            if depth == 0:
                break
        position += 1
    return latex_body[begin + 1 : position - 1]


def test_latex_card_inside_the_start_macro(latex_body: str) -> None:
    card = latex_card(latex_body, "blamed")
    assert card.startswith(r"\DUrole{ed-card-line}{\DUrole{ed-card-label}{Said by (jointly)}")
    assert (
        r"{\hyperref[\detokenize{register:actor-lavrov}]{\sphinxcrossref{Sergey Lavrov}}}" in card
    )
    assert r"\sphinxstyleemphasis{blamed}" in card
    assert "verified by the editors" in card
    assert "Both statements are in the transcript. Evidence:" in card
    assert r"\hyperlink{cite.bib:" in card


def test_latex_links_to_claims_name_the_claims_document(latex_body: str) -> None:
    """LaTeX assembles one tree: links from the register and the index must say the claim's
    document, not the one they stand in."""
    targets = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*:claim-[^}]*)\}\]", latex_body))
    assert targets == {f"index:claim-{i}" for i in IDS_IN_READING_ORDER[:-1]} | {
        "appendix:claim-repeated"
    }


# -- plain text ---------------------------------------------------------------------------------


def test_text_output_has_the_claims_words_only(
    build: Callable[[str, str], SphinxTestApp],
) -> None:
    app = build("claims-output", "text")
    assert app.warning.getvalue() == ""
    text = " ".join((app.outdir / "index.txt").read_text(encoding="utf-8").split())
    assert (
        "Lavrov denied the report and the ministry stated that the talks went well.[1] "
        "Both capitals blamed each other. Shelling ======== The ministry declared that the "
        "shelling had stopped. Lavrov said the ceasefire held." in text
    )
    for card_word in ("Said by", "Status", "by the editors", "Link to this claim", "Evidence"):
        assert card_word not in text
    appendix = " ".join((app.outdir / "appendix.txt").read_text(encoding="utf-8").split())
    assert appendix == "Appendix ******** Lavrov repeated the offer [Smi20]."


# -- claims.json --------------------------------------------------------------------------------


def test_claims_json_validates_and_is_in_reading_order(html: SphinxTestApp) -> None:
    data: list[dict[str, Any]] = json.loads((html.outdir / "claims.json").read_text("utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    # Reading order is the toctree's (index, then appendix), not the alphabetical one.
    assert [item["id"] for item in data] == IDS_IN_READING_ORDER
    assert data[-1]["actors"] == ["Sergey Lavrov"]
    assert data[-1]["actor_ids"] == ["Sergei Lavrov"]
    assert data[-1]["url"] == "appendix.html#claim-repeated"


# -- hostile input ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(build: Callable[[str, str], SphinxTestApp]) -> list[BeautifulSoup]:
    app = build("claims-hostile", "html")
    return [soup(app, page) for page in ("index", "register", "claims")]


def test_hostile_input_reaches_the_output_as_text(hostile: list[BeautifulSoup]) -> None:
    index, register, _ = hostile
    card = index.find(id="claim-block-card")
    assert 'x"><img src=x onerror=alert(1)>' in text_of(card)
    assert 'x"><script>alert(1)</script> <a href="javascript:alert(1)"' in text_of(card)
    # (smart quotes turn the name's straight quote into a curly one)
    assert (
        text_of(register.find(class_="ed-actor-name")) == "Evil”><script>alert(1)</script> person"
    )
    # The disputed points and the rival claim's card carry the same values as text.
    disputes = hostile[2].find(class_="ed-disputes")
    assert 'x"><img src=x onerror=alert(1)>' in text_of(disputes)
    rival = index.find(id="claim-x1-card")
    assert "Contradicted by" in text_of(rival)


def test_hostile_input_is_never_live(hostile: list[BeautifulSoup]) -> None:
    assert len(hostile) == 3
    for page in hostile:
        for script in page.find_all("script"):
            if script.get("type") == "application/ld+json":
                # A data block, never run: the values are there as JSON text, with no "<"
                # that could end the element (test_edition_data.py checks the escaping).
                assert "<" not in script.get_text(), script
                continue
            assert "alert" not in script.get_text(), script
        assert page.find_all("img") == []
        for tag in page.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), tag
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if name in {"href", "src", "action", "formaction"}:
                        assert not item.strip().lower().startswith("javascript:"), tag


def test_links_in_cards_carry_no_sphinx_classes(index: BeautifulSoup) -> None:
    """Nothing reads ``reference internal`` inside a card (writers/html.close_card); links
    elsewhere keep the classes Sphinx gives them."""
    in_cards = index.select(".ed-claim-card a[href]")
    assert in_cards, "no link in a card: the check below would pass vacuously"
    assert all(a.get("class") is None for a in in_cards), in_cards
    outside = [a for a in index.select("a[href]") if not a.find_parent(class_="ed-claim-card")]
    assert any(a.get("class") == ["reference", "internal"] for a in outside)
