"""The bibliography style shows every standard field of every common entry type, markup read.

tests/roots/test-bib-every-field holds one entry of each common BibTeX type, each with every
standard field its type takes, several written with LaTeX markup (``\\&``, ````…''``, ``--``,
``{\\"o}``, ``{\\c c}``, month macros). Each field's value must appear in that entry of the
bibliography, as a reader should see it.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from critical_edition.bibliography.texmarkup import plain_text
from helpers import warnings_of
from sphinx.testing.util import SphinxTestApp

#: key -> the texts its entry must show (each a field's value, as read).
EXPECTED: dict[str, tuple[str, ...]] = {
    "art2001": (
        "Ahö, Anna and Bo Berg",
        "March 2001",
        "“Ties & Tensions in “Frozen” Conflicts.”",
        "Journal of Caucasus Studies 12 (3): 101–125",
        "DOI 10.1234/art.2001",
        "https://example.org/article",
        "Article note",
    ),
    "book2002": (
        "Ceyhan, Can",
        "The Long Ceasefire",
        "2nd ed.",
        "Vol. 4",
        "Caspian Monographs",
        "Baku: Qanun & Sons",
        "ISBN 978-0-00-000000-2",
        "https://example.org/book",
        "Book note",
    ),
    "incoll2003": (
        "Dede, Deniz",
        "“Mediation after 1994.”",
        "Chapter 7",
        "in Diplomacy in the South Caucasus",
        "edited by Emre Ekin and Filiz Fidan",
        "pp. 45–67",
        "London: Routledge",
        "Collection note",
    ),
    "inproc2004": (
        "Güler, Gökhan",
        "June 2004",
        "“Energy Corridors.”",
        "In Proceedings of the Regional Security Forum",
        "edited by Hale Hasan",
        "pp. 9–18",
        "Vol. 2",
        "Forum Papers",
        "Forum Society",
        "Ankara: Forum Press",
        "Proceedings note",
    ),
    "inbook2005": (
        "Ilgaz, Irmak",
        "A History of the Region",
        "Chapter 11",
        "edited by Jan Jale",
        "pp. 200–230",
        "Third ed.",
        "Oxford: Hurst",
        "Inbook note",
    ),
    "misc2006": (
        "Kaya, Kemal",
        "November 2006",
        "Interview transcript",
        "Broadcast on TRT Radio",
        "Misc note",
    ),
    "online2007": (
        "Lale, Leyla",
        "“Situation report.”",
        "Crisis Desk",
        "https://example.org/online",
        "5 October 2020",
        "Online note",
    ),
    "report2008": (
        "Mert, Mehmet",
        "Annual Review",
        "Research Report RR-17",
        "Institute for Peace Studies",
        "Istanbul",
        "Report note",
    ),
    "tech2009": (
        "Nur, Nil",
        "January 2009",
        "Field Notes",
        "Technical report TR-9",
        "Technical Bureau",
        "Tbilisi",
        "Techreport note",
    ),
    "thesis2010": (
        "Oz, Omer",
        "Borders and Memory",
        "Doctoral dissertation",
        "Boğaziçi University",
        "Istanbul",
        "Thesis note",
    ),
    "phd2011": (
        "Pek, Pelin",
        "Refugees in Print",
        "PhD thesis",
        "Middle East Technical University",
        "Ankara",
        "PhD note",
    ),
    "ma2012": (
        "Rana, Rasim",
        "Maps of the War",
        "Master's thesis",
        "Koç University",
        "Istanbul",
        "Masters note",
    ),
    "manual2013": (
        "Sen, Sevgi",
        "Style Guide for Editors",
        "5th ed.",
        "Editors' Guild",
        "Izmir",
        "Manual note",
    ),
    "unpub2014": ("Tan, Tolga", "May 2014", "Draft Chapter", "Unpublished note — circulated"),
}


def _entries(app: SphinxTestApp) -> dict[str, str]:
    """Each bibliography entry's text (whitespace collapsed), by key."""
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    texts: dict[str, str] = {}
    for item in soup.select(".citation"):
        key = str(item.get("id", "")).removeprefix("bib-")
        texts[key] = " ".join(item.get_text(" ").split()).replace(" .", ".").replace(" ,", ",")
    return texts


@pytest.mark.sphinx("html", testroot="bib-every-field", freshenv=True)
def test_every_field_of_every_type_is_shown(app: SphinxTestApp) -> None:
    app.build()
    assert warnings_of(app) == []
    entries = _entries(app)
    assert sorted(entries) == sorted(k.casefold() for k in EXPECTED)
    missing = [
        (key, text)
        for key, texts in EXPECTED.items()
        for text in texts
        if text not in entries[key.casefold()]
    ]
    assert missing == [], entries


@pytest.mark.sphinx("html", testroot="bib-every-field", freshenv=True)
def test_no_latex_markup_is_left(app: SphinxTestApp) -> None:
    app.build()
    checked = list(_entries(app).items())
    assert checked, "nothing to check: the loop below would pass vacuously"
    for key, body in checked:
        assert not re.search(r"\\|``|''|\{|\}|--", body), (key, body)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (r"Ties \& Tensions", "Ties & Tensions"),
        (r"``Frozen''", "“Frozen”"),
        ("101--125", "101–125"),
        ("one---two", "one—two"),
        (r"Ah{\"o}", "Ahö"),
        (r"Bo{\u g}azi{\c c}i", "Boğaziçi"),
        (r"na{\"\i}ve", "naïve"),
        (r"\emph{Stress} and \textit{tone}", "Stress and tone"),
        (r"50\% of \$10, \#3", "50% of $10, #3"),
        (r"a \{brace\}", "a {brace}"),
        ("{NATO} summit", "NATO summit"),
        ("Aydın Çelikpala", "Aydın Çelikpala"),
        ("Editors' Guild", "Editors' Guild"),
    ],
)
def test_latex_markup_is_read(written: str, read: str) -> None:
    assert plain_text(written) == read
