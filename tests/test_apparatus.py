"""The apparatus: emendations, editorial notes, registers, chronology, bibliography status.

The root ``test-apparatus-basic`` (two pages of text, registers, an apparatus page, a
chronology and a bibliography) is built once per builder for the module: HTML, LaTeX, plain
text, and plain text in witness mode. The tests read the domain's records and fragments of
the output, never whole pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any, cast

import pytest
from bs4 import BeautifulSoup, Tag
from critical_edition.apparatus.base import split_target
from critical_edition.apparatus.chronology import format_period, parse_period
from critical_edition.apparatus.domain import (
    EditorialNote,
    Emendation,
    EmendationKind,
    EntityKind,
    Event,
    NoteKind,
    date_key,
    index_form,
)
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from critical_edition.apparatus.domain import ApparatusDomain

ROOT = "test-apparatus-basic"


def _build(rootdir: Path, tmp: Path, builder: str, **overrides: Any) -> SphinxTestApp:
    """Build, then restore docutils' registries at once: the module builds four apps."""
    app = SphinxTestApp(
        builder,
        srcdir=rootdir / ROOT,
        builddir=tmp / "_build",
        freshenv=True,
        confoverrides=overrides,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.fixture(scope="module")
def html(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return _build(rootdir, tmp_path_factory.mktemp("apparatus-html"), "html")


@pytest.fixture(scope="module")
def latex(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return _build(rootdir, tmp_path_factory.mktemp("apparatus-latex"), "latex")


@pytest.fixture(scope="module")
def text(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return _build(rootdir, tmp_path_factory.mktemp("apparatus-text"), "text")


@pytest.fixture(scope="module")
def witness(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return _build(
        rootdir, tmp_path_factory.mktemp("apparatus-witness"), "text", edition_witness_mode=True
    )


@pytest.fixture(scope="module")
def domain(html: SphinxTestApp) -> ApparatusDomain:
    return cast("ApparatusDomain", html.env.get_domain("apparatus"))


@pytest.fixture(scope="module")
def page(html: SphinxTestApp) -> Callable[[str], Tag]:
    """The main section of an HTML page."""

    def read(name: str) -> Tag:
        soup = BeautifulSoup((html.outdir / f"{name}.html").read_text("utf-8"), "html.parser")
        section = soup.find("section")
        assert isinstance(section, Tag)
        return section

    return read


def _words(node: Tag) -> str:
    return " ".join(node.get_text().split())


# --- Builds -----------------------------------------------------------------------------------


def test_the_root_builds_without_warnings(
    html: SphinxTestApp, latex: SphinxTestApp, text: SphinxTestApp, witness: SphinxTestApp
) -> None:
    for app in (html, latex, text, witness):
        assert strip_escape_sequences(app.warning.getvalue()) == ""


# --- Records ----------------------------------------------------------------------------------


def test_emendations_are_recorded_in_reading_order(domain: ApparatusDomain) -> None:
    assert domain.emendations(scoped=True) == [
        Emendation(
            EmendationKind.SUBSTITUTION,
            "Minsk",
            "Minks",
            "misspelling",
            "text",
            6,
            "emendation-1",
            "Historical background",
        ),
        Emendation(
            EmendationKind.SUBSTITUTION,
            "its",
            "is",
            "wrong word",
            "text",
            14,
            "emendation-2",
            "Historical background",
        ),
        Emendation(
            EmendationKind.ADDITION,
            "a",
            "",
            "article missing",
            "text",
            15,
            "emendation-3",
            "Historical background",
        ),
        Emendation(
            EmendationKind.DELETION,
            "",
            "the",
            "stray article",
            "second",
            4,
            "emendation-1",
            "Second page",
        ),
    ]


def test_notes_lemmas_and_numbers(domain: ApparatusDomain) -> None:
    assert domain.notes(scoped=True) == [
        EditorialNote(
            "zangilan",
            NoteKind.QUERY,
            "The seventh district occupied in 1993 was Zangilan res884.",
            "text",
            8,
            "note-zangilan",
            "Historical background",
            ("res884",),
        ),
        EditorialNote(
            "gas",
            NoteKind.NOTE,
            "The figure is doubtful candidate2020.",
            "second",
            6,
            "note-gas",
            "Second page",
            ("candidate2020",),
        ),
    ]
    assert domain.note_numbers() == {"zangilan": 1, "gas": 2, "example": 3}
    assert [(lem.note_id, lem.text, lem.line) for lem in domain.lemmas_of("zangilan")] == [
        ("zangilan", "Zangezur", 13)
    ]


def test_mentions_resolve_by_id_name_variant_and_actor(domain: ApparatusDomain) -> None:
    resolved = [
        (m.docname, m.text, getattr(domain.resolve_entity(m.kind, m.target), "id", None))
        for m in domain.mentions(scoped=True)
    ]
    assert resolved == [
        ("text", "Nagorno-Karabakh", "karabakh"),
        ("text", "CSTO", "csto"),
        ("text", "Sergei Lavrov", "lavrov"),
        ("text", "Gence", "ganja"),  # a variant
        ("text", "Ganja", "ganja"),  # the id
        ("second", "Lavrov", "lavrov"),  # the id, whatever the case
        ("second", "Gəncə", "ganja"),
        ("second", "Erdoğan", "erdogan"),  # a speaker of the actor register, by alias
    ]


def test_chronology_in_date_order(domain: ApparatusDomain) -> None:
    events = domain.events(scoped=True)
    assert [(e.start, e.end) for e in events] == [
        ("1988-02", "1988-02"),
        ("1991-09-02", "1991-09-02"),
        ("1993", "1993"),
        ("2016-04", "2016-04"),
        ("2018", "2018"),
        ("2020-07-29", "2020-08-06"),
    ]
    first: Event = events[0]
    # Without event=, the label is the sentence the date stands in, citations left out.
    assert first.label == "In February 1988 the conflict began in Nagorno-Karabakh."
    assert events[1].label == "Declaration of independence"


def test_date_helpers() -> None:
    assert parse_period("1994-05-04/1994-05-05") == ("1994-05-04", "1994-05-05")
    assert parse_period("2020-02-30") is None
    assert parse_period("2020-08/2020-07") is None
    assert sorted(["1994-05-12", "1994-05", "1994"], key=date_key) == [
        "1994",
        "1994-05",
        "1994-05-12",
    ]
    assert format_period("1994-05-04", "1994-05-05") == "4–5 May 1994"
    assert format_period("2020-07-29", "2020-08-06") == "29 July – 6 August 2020"
    assert format_period("1999", "2001") == "1999–2001"
    assert format_period("1992-06", "1992-08") == "June–August 1992"
    assert format_period("1991-12-08", "1992-01") == "8 December 1991 – January 1992"
    assert index_form("Sergey Lavrov", EntityKind.PERSON) == "Lavrov, Sergey"
    assert index_form("Collective Security Treaty Organization", EntityKind.ORG).startswith("C")
    assert split_target("Gence <ganja>") == ("Gence", "ganja", {})
    assert split_target("1 May <1994-05-01; event=x>") == ("1 May", "1994-05-01", {"event": "x"})
    assert split_target("Shusha") == ("Shusha", "", {})


def test_documents_out_of_scope_render_but_are_not_listed(
    domain: ApparatusDomain, page: Callable[[str], Tag], html: SphinxTestApp
) -> None:
    """guide.md is outside ``edition_apparatus_documents``: its markup works where it stands."""
    assert [e.docname for e in domain.emendations()].count("guide") == 1
    assert "guide" not in {e.docname for e in domain.emendations(scoped=True)}
    guide = page("guide")
    emendation = guide.find(id="emendation-1")
    assert isinstance(emendation, Tag)
    assert _words(emendation) == "MinskWitness Minks; Reason example"  # no apparatus line
    note = guide.find(id="note-example")
    assert isinstance(note, Tag)
    assert _words(note).startswith("Editors' note 3 on “passage”")
    mention = guide.find(class_="ed-mention")
    assert mention.find("a")["href"] == "places.html#place-ganja"  # type: ignore[union-attr,index]
    everything = " ".join(
        str(page(name)) for name in ("apparatus", "chronology", "places", "bibliography")
    )
    assert "guide.html" not in everything
    assert "1999" not in _words(page("chronology"))
    assert "guide.html" not in (html.outdir / "genindex.html").read_text("utf-8")


# --- HTML -------------------------------------------------------------------------------------


def test_emendation_html_is_a_focusable_span_with_a_tooltip_card(
    page: Callable[[str], Tag],
) -> None:
    span = page("text").find(id="emendation-1")
    assert isinstance(span, Tag)
    assert span.name == "span"
    assert span["class"] == ["ed-emendation", "ed-emendation-sub"]
    assert span["tabindex"] == "0"
    assert span["aria-describedby"] == "emendation-1-card"
    card = span.find(id="emendation-1-card")
    assert isinstance(card, Tag)
    assert card["role"] == "tooltip"
    assert _words(card) == "Witness Minks; Reason misspelling; Apparatus emendation 1"
    link = card.find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "apparatus.html#apparatus-emendation-1"
    # The reading is the text; the card is its only other child.
    assert span.contents[0] == "Minsk"
    addition = page("text").find(id="emendation-3")
    assert isinstance(addition, Tag)
    assert "ed-emendation-add" in addition["class"]
    assert "nothing (added by the editors)" in addition.get_text()
    deletion = page("second").find(id="emendation-1")
    assert isinstance(deletion, Tag)
    assert deletion["aria-label"] == "words left out by the editors"
    assert _words(deletion).startswith("Witness the; Edition left out by the editors")


def test_note_html_is_a_margin_aside_with_heading_and_citation(
    page: Callable[[str], Tag],
) -> None:
    note = page("text").find(id="note-zangilan")
    assert isinstance(note, Tag)
    assert note.name == "aside"
    assert {"ed-margin", "ed-note", "ed-note-query"} <= set(note["class"])
    assert note["aria-label"] == "Editors' query 1"
    head = note.find(class_="ed-note-head")
    assert isinstance(head, Tag)
    assert _words(head) == "Editors' query 1 on “Zangezur”"
    assert head.find("a")["href"] == "#lemma-zangilan"  # type: ignore[index]
    citation = note.find(class_="bibtex-citation")
    assert isinstance(citation, Tag)
    assert citation.find("a")["href"] == "bibliography.html#bib-res884"  # type: ignore[index]
    lemma = page("text").find(id="lemma-zangilan")
    assert isinstance(lemma, Tag)
    mark = lemma.find("sup", class_="ed-note-mark")
    assert isinstance(mark, Tag)
    assert mark.find("a")["href"] == "#note-zangilan"  # type: ignore[index]
    assert _words(mark) == "ed. 1"


def test_mentions_link_to_their_entries(page: Callable[[str], Tag]) -> None:
    mention = page("text").find(id="mention-4")
    assert isinstance(mention, Tag)
    assert mention["class"] == ["ed-mention", "ed-mention-place"]
    link = mention.find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "places.html#place-ganja"
    assert link["title"] == "Ganja (place); also Gəncə, Gence"
    speaker = page("second").find(id="mention-3")
    assert isinstance(speaker, Tag)
    assert speaker.find("a")["href"] == "persons.html#actor-erdogan"  # type: ignore[index]


def test_register_pages_list_mentions_across_pages(page: Callable[[str], Tag]) -> None:
    places = page("places")
    index = places.find("ul", class_="ed-register-place")
    assert isinstance(index, Tag)
    assert [_words(li) for li in index.find_all("li")] == [
        "Ganja (Gəncə, Gence) — The text 1 2; Second page",
        "Nagorno-Karabakh — The text",
    ]
    entry = places.find(id="place-ganja")
    assert isinstance(entry, Tag)
    mentions = entry.find(class_="ed-register-mentions")
    assert isinstance(mentions, Tag)
    assert [a["href"] for a in mentions.find_all("a")] == [
        "text.html#mention-4",
        "text.html#mention-5",
        "second.html#mention-2",
    ]
    persons = page("persons")
    speakers = persons.find("ul", class_="ed-register-person")
    assert isinstance(speakers, Tag)
    assert [_words(li).split(" — ")[0] for li in speakers.find_all("li")] == [
        "Erdoğan, Recep Tayyip (Erdoğan)",
        "Lavrov, Sergey (Sergei Lavrov)",
    ]
    actor = persons.find(id="actor-erdogan")
    assert isinstance(actor, Tag)
    assert "Mentioned in the text (1): Second page" in _words(actor)


def test_general_index_has_canonical_names_and_variants(html: SphinxTestApp) -> None:
    soup = BeautifulSoup((html.outdir / "genindex.html").read_text("utf-8"), "html.parser")
    table = " ".join(soup.select_one("table.genindextable").get_text().split())  # type: ignore[union-attr]
    entries = " | ".join(" ".join(li.get_text().split()) for li in soup.select("table li"))
    heads = [
        " ".join(li.find(string=True, recursive=False).split()) for li in soup.select("table li")
    ]
    assert table
    assert "Ganja" in entries
    assert "Gence see Ganja" in entries
    assert "Gəncə see Ganja" in entries
    assert "Sergei Lavrov see Lavrov, Sergey" in entries
    assert "Collective Security Treaty Organization" in entries
    # Not a declared variant: no "see" entry for a surname alone.
    assert "Lavrov" not in heads
    links = [a["href"] for a in soup.select("table a") if "Ganja" in a.get_text()]
    assert links == ["second.html#mention-2"]


def test_apparatus_page(page: Callable[[str], Tag]) -> None:
    apparatus = page("apparatus")
    rows = [[_words(td) for td in tr.find_all("td")] for tr in apparatus.select("tbody tr")]
    assert rows == [
        ["1", "Historical background", "Minsk", "Minks", "correction", "misspelling"],
        ["2", "Historical background", "its", "is", "correction", "wrong word"],
        ["3", "Historical background", "a", "om.", "addition", "article missing"],
        ["4", "Second page", "om.", "the", "deletion", "stray article"],
    ]
    links = [tr.find("a")["href"] for tr in apparatus.select("tbody tr")]  # type: ignore[index]
    assert links[0] == "text.html#emendation-1"
    assert links[3] == "second.html#emendation-1"
    notes = apparatus.select("ol.ed-apparatus-notes > li")
    assert [_words(li) for li in notes] == [
        (
            "Editors' query on “Zangezur” (Historical background) The seventh district occupied in "
            "1993 was Zangilan (United Nations Security Council 1993)."
        ),
        "Editors' note on “6,36 billion” (Second page) The figure is doubtful (Jafarova 2020).",
    ]
    # The copied citation is resolved on this page, and copies carry no ids of the original.
    assert notes[0].find("a", href="bibliography.html#bib-res884") is not None
    assert not [t for t in notes[0].find_all(id=True) if t.get("id", "").startswith("id")]


def test_chronology_page_and_timeline(page: Callable[[str], Tag]) -> None:
    chronology = page("chronology")
    years = [_words(p) for p in chronology.select("p.ed-chronology-year")]
    assert years == ["1988", "1991", "1993", "2016", "2018", "2020"]
    items = [_words(li) for li in chronology.select("ul.ed-chronology > li")]
    assert items[0] == (
        "February 1988 In February 1988 the conflict began in Nagorno-Karabakh. "
        "(Historical background)"
    )
    assert items[-1].startswith("29 July – 6 August 2020 ")
    assert chronology.select("ul.ed-chronology a")[1]["href"] == "second.html#event-1"
    svg = chronology.select_one("figure.ed-timeline svg")
    assert svg is not None
    assert svg.get("role") is None  # not an image: its marks are links
    assert len(svg.select("circle.ed-tl-event")) == 5
    # Each mark links to its event in the list, named by its date and event.
    marks = svg.select("a.ed-tl-mark")
    assert len(marks) == 6
    for mark in marks:
        assert chronology.find(id=mark["href"].removeprefix("#")).name == "li"
    assert "April 2016: The April war & 'escalation'" in [m["aria-label"] for m in marks]
    assert len(svg.select("rect.ed-tl-period")) == 1
    titles = [t.get_text() for t in svg.select("circle > title")]
    assert "April 2016: The April war & 'escalation'" in titles
    assert "<" not in "".join(titles).replace("x < y", "")


def test_timeline_escapes_its_text(html: SphinxTestApp) -> None:
    raw = (html.outdir / "chronology.html").read_text("utf-8")
    assert "The April war &amp; &#x27;escalation&#x27;" in raw
    assert "x &lt; y" in raw
    assert "<script" not in raw.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_bibliography_badges_and_backlinks(page: Callable[[str], Tag]) -> None:
    bibliography = page("bibliography")
    entries = {str(div["id"]): div for div in bibliography.select("div.citation")}
    garibov = entries["bib-garibov2020"]
    badge = garibov.find(class_="ed-bib-status")
    assert isinstance(badge, Tag)
    assert badge["class"] == [
        "sd-badge",
        "sd-bg-danger",
        "sd-bg-text-danger",
        "ed-bib-status",
        "ed-bib-status-unresolved",
    ]
    # The status is printed once: the style's bold word, inside the badge.
    assert _words(garibov).count("Unresolved") == 1
    assert badge.find("strong").get_text() == "Unresolved"  # type: ignore[union-attr]
    # The unresolved entry says what is unknown (its note).
    assert "the title and the outlet are unknown" in _words(garibov)
    backlinks = garibov.find(class_="ed-bib-backlinks")
    assert isinstance(backlinks, Tag)
    # A claim's source counts as the authors' citation, on the claim's anchor.
    assert _words(backlinks) == "Cited in: The text; Second page 1 2."
    assert [a["href"] for a in backlinks.find_all("a")] == [
        "text.html#id1",
        "second.html#id1",
        "second.html#claim-second_erdogan-said-so",
    ]
    # The citations in the editors' notes, and a claim's evidence, are listed apart.
    res884 = entries["bib-res884"].find(class_="ed-bib-backlinks")
    assert _words(res884) == "Cited by the editors in: The text; Second page."  # type: ignore[arg-type]
    # So are the citations of a page the editors wrote (edition_editorial_documents).
    candidate = entries["bib-candidate2020"].find(class_="ed-bib-backlinks")
    assert _words(candidate) == "Cited by the editors in: Second page; About."  # type: ignore[arg-type]
    assert "sd-bg-success" in entries["bib-res884"].find(class_="ed-bib-status")["class"]  # type: ignore[index]
    assert "sd-bg-warning" in entries["bib-candidate2020"].find(class_="ed-bib-status")["class"]  # type: ignore[index]


def test_backlink_targets_exist(html: SphinxTestApp, page: Callable[[str], Tag]) -> None:
    """Every backlink of the bibliography lands on the citation it names."""
    checked = list(page("bibliography").select(".ed-bib-backlinks a"))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for link in checked:
        target_page, _, anchor = str(link["href"]).partition("#")
        target = page(target_page.removesuffix(".html")).find(id=anchor)
        assert isinstance(target, Tag), link["href"]
        assert {"bibtex-citation", "ed-claim"} & set(target["class"]), link["href"]


# --- LaTeX ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tex(latex: SphinxTestApp) -> str:
    source = (latex.outdir / "apparatus.tex").read_text("utf-8")
    return source.split(r"\begin{document}", 1)[1].split(r"\end{document}", 1)[0]


def test_latex_emendations_use_the_macro(tex: str) -> None:
    assert (
        r"\phantomsection\label{\detokenize{text:emendation-1}}\edEmendation{Minsk}{Minks}"
        r"{misspelling}" in tex
    )
    assert r"\edEmendation{a}{}{article missing}" in tex
    assert r"\edEmendation{}{the}{stray article}" in tex
    # The HTML card is not printed: the macro's note says the same.
    assert "nothing (added by the editors)" not in tex


def test_latex_notes_go_to_the_margin_beside_their_lemma(tex: str) -> None:
    """The note is set at its lemma (beside the lemma's line), with the note's anchor; the
    lemma's mark links to it; the directive's own place holds nothing."""
    at_lemma = (
        r"\label{\detokenize{text:lemma-zangilan}}"
        r"\phantomsection\label{\detokenize{text:note-zangilan}}\edEditorialNoteAt{"
    )
    assert tex.count(r"\label{\detokenize{text:note-zangilan}}") == 1
    note, _, after = tex.split(at_lemma, 1)[1].partition("\n}")
    assert r"\sphinxstylestrong{Editors' query 1}" in note
    assert r"\hyperref[\detokenize{text:lemma-zangilan}]" in note
    assert r"\hyperlink{cite.bibliography:bib-res884}" in note
    assert after.startswith(r"Zangezur$^{\text{{\hyperref[\detokenize{text:note-zangilan}]")
    assert r"\edEditorialNote{" not in tex


def test_latex_mentions_dates_and_bibliography(tex: str) -> None:
    assert r"\index{Ganja@\spxentry{Ganja}}\index{Gence@\spxentry{Gence}|see{Ganja}}" in tex
    assert r"\label{\detokenize{text:event-1}}February 1988" in tex
    assert r"\edBibStatus{unresolved}{Unresolved}" in tex
    assert (
        r"Cited in: }{\hyperref[\detokenize{text::doc}]{\sphinxcrossref{The text}}}; "
        r"{\hyperref[\detokenize{second::doc}]{\sphinxcrossref{Second page}}} (2)." in tex
    )
    # The timeline is an HTML figure; the PDF has the list.
    assert "<svg" not in tex
    assert r"\sphinxstylestrong{29 July – 6 August 2020}" in tex


@pytest.mark.pdf
def test_latex_compiles(latex: SphinxTestApp) -> None:
    """XeLaTeX compiles the macros without errors or undefined references."""
    if not (shutil.which("xelatex") and shutil.which("latexmk")):
        pytest.skip("XeLaTeX and latexmk are needed")
    result = subprocess.run(
        ["make", "all-pdf"],
        cwd=latex.outdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    log = (latex.outdir / "apparatus.log").read_text("utf-8", errors="replace")
    assert not re.findall(r"^! ", log, re.MULTILINE)
    assert "undefined" not in log.casefold().replace("undefined references", "")


# --- Plain text and witness mode ------------------------------------------------------------------


def test_text_prints_the_edition_and_the_notes(text: SphinxTestApp) -> None:
    page = " ".join((text.outdir / "text.txt").read_text("utf-8").split())
    assert "The OSCE’s Minsk Group" in page
    assert "withdraw its support" in page
    assert "Within a few days" in page
    assert "**Editors' query 1** on “Zangezur”" in page
    assert "Zangezur^ed. 1 in 1993" in page
    assert "Witness" not in page  # cards are for the screen


def test_witness_mode_prints_the_witness(witness: SphinxTestApp) -> None:
    first = " ".join((witness.outdir / "text.txt").read_text("utf-8").split())
    second = " ".join((witness.outdir / "second.txt").read_text("utf-8").split())
    assert "The OSCE’s Minks Group" in first
    assert "withdraw is support" in first
    assert "Within few days" in first
    assert "Editors" not in first and "Zangilan" not in first
    assert "Zangezur in 1993" in first  # the lemma's words, without the mark
    assert "The the Armenia’s minister" in second
    assert "The figure is doubtful" not in second
