"""Scholarship tests (the real edition against its witness): paragraphing, citations, sources.

- :func:`test_paragraphs_match_witness`: the reading text's paragraphs are the witness's, one
  for one. The witness marks a paragraph by a blank line; a page break also leaves blank lines
  (and the blocks of bare URLs stand between them), so a block that stops mid-sentence is
  joined to the next one, as docs/about.md ("What the editors normalised") says. The headings
  stand at the start of a block, on a line of their own. Words are normalised as
  tests/test_fidelity.py normalises them (whitespace, line-end hyphens, footnote marker, URL
  lines, citations as witness-mode tokens).
- :func:`test_citations_print_as_witness`: every author-year citation of the HTML edition's
  text prints exactly as the witness prints it, in the same order ("(Valiyev 2019)",
  "(Ismayilov, 2020)", "(Aydın 2020; Çelikpala, 2018)"): the identification of the work
  belongs to the bibliography entry, not to the authors' citation (docs/about.md, "Citations").
- :func:`test_verified_entries_say_what_was_seen` and :func:`test_claim_statuses_rest_on_entries`:
  a verified entry says what the editors saw; a claim that is verified, contested or
  corrected, or whose note states a confidence, names evidence that has an entry, and a
  verified claim rests on verified entries only.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from helpers import BIBFILE, copy_edition, edition_conf
from pybtex.database import parse_file
from sphinx.testing.util import SphinxTestApp
from test_fidelity import AUTHOR_YEAR, WITNESS, rejoin_hyphenation, witness_words

#: The paper's own pages, in reading order (the title page is supplied, not the witness's).
PAPER_PAGES: tuple[str, ...] = tuple(edition_conf()["paper_pages"])

#: The witness's headings (whitespace collapsed), one per page of the edition, in order.
WITNESS_HEADINGS: tuple[str, ...] = (
    "Abstract",
    "Introduction",
    "Historical Background",
    "What Happened Between July and September 2020?",
    "What is different in the current conflict?",
    "Involvement of the Third Parties",
    "Conclusion: Suggestions for the Future of the South Caucasus",
)

_URL_LINE = re.compile(r"^https?://\S+$")
_FOOTNOTE_LINE = re.compile(r"^\[\d+\] ")
#: A block that ends a sentence: final punctuation, then any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.?!][”\"’)]*$")


# --- The witness --------------------------------------------------------------------------------


def _heading_at(lines: list[str], index: int) -> tuple[str, int] | None:
    """The heading that starts at line *index* (on one line or wrapped over two), and its size."""
    for size in (1, 2):
        text = " ".join(" ".join(lines[index : index + size]).split())
        if text in WITNESS_HEADINGS:
            return text, size
    return None


def witness_sections(text: str) -> list[tuple[str, list[str]]]:
    """The witness as (heading, paragraphs) in order; each paragraph normalised to its words.

    A heading is a line of its own (or two, when wrapped); it may follow the previous
    paragraph's last line without a blank line, as "Introduction" does.
    """
    lines = [
        "" if _URL_LINE.match(line.strip()) or _FOOTNOTE_LINE.match(line.strip()) else line
        for line in text.splitlines()
    ]
    sections: list[tuple[str, list[str]]] = []
    current: list[str] = []
    open_paragraph = False  # the last paragraph stopped mid-sentence (a page break)

    def end_block() -> None:
        nonlocal open_paragraph
        if not current:
            return
        block = " ".join(rejoin_hyphenation("\n".join(current)).split())
        current.clear()
        assert sections, f"text before the first heading: {block[:60]!r}"
        paragraphs = sections[-1][1]
        if open_paragraph:
            paragraphs[-1] += " " + block
        else:
            paragraphs.append(block)
        open_paragraph = not _SENTENCE_END.search(block)

    index = 0
    while index < len(lines):
        heading = _heading_at(lines, index) if lines[index].strip() else None
        if heading is not None:
            end_block()
            sections.append((heading[0], []))
            open_paragraph = False
            index += heading[1]
            continue
        if lines[index].strip():
            current.append(lines[index])
        else:
            end_block()
        index += 1
    end_block()
    return [(h, [" ".join(witness_words(p)) for p in ps]) for h, ps in sections]


def test_witness_paragraphing_rules() -> None:
    """Blank lines part paragraphs; a page break mid-sentence, URL lines and a note do not."""
    text = (
        " Abstract\nOne two.\nthree.\n\nFour\n\n\n\nfive (Garibov 2020).\n"
        "https://x.org/a\n\nSix.[1]\n Introduction\nSeven.\n\n[1] Note.\n"
        "What  Happened  Between  July  and  September\n2020?\nEight.\n"
    )
    sections = witness_sections(text)
    assert sections == [
        ("Abstract", ["One two. three.", "Four five ⟦cite:garibov2020⟧.", "Six."]),
        ("Introduction", ["Seven."]),
        ("What Happened Between July and September 2020?", ["Eight."]),
    ]


# --- The edition ----------------------------------------------------------------------------------


def _build(tmp: Path, buildername: str, **confoverrides: object) -> SphinxTestApp:
    app = SphinxTestApp(
        buildername,
        srcdir=copy_edition(tmp),
        builddir=tmp / "_build",
        confoverrides=dict(confoverrides),
        status=StringIO(),
        warning=StringIO(),
        freshenv=True,
    )
    app.build()
    return app


@pytest.fixture(scope="module")
def edition_sections(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, list[str]]]:
    """The paper's pages in witness mode: each page's title and its body paragraphs' words.

    Only paragraphs standing directly in a section count: the editors' notes, footnotes and
    supplied text are not the authors' paragraphs.
    """
    app = _build(tmp_path_factory.mktemp("paragraphs"), "text", edition_witness_mode=True)
    result: list[tuple[str, list[str]]] = []
    try:
        for doc in PAPER_PAGES:
            doctree = app.env.get_and_resolve_doctree(doc, app.builder, tags=app.tags)
            section = next(iter(doctree.findall(nodes.section)))
            title = " ".join(section[0].astext().split())
            paragraphs = [
                " ".join(p.astext().split())
                for p in doctree.findall(nodes.paragraph)
                if isinstance(p.parent, nodes.section)
            ]
            result.append((title, paragraphs))
    finally:
        app.cleanup()
    return result


@pytest.fixture(scope="module")
def html_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A normal HTML build of the edition; its output folder."""
    app = _build(tmp_path_factory.mktemp("html"), "html")
    app.cleanup()
    return Path(app.outdir)


def _divergence(want: str, got: str) -> str:
    """Where two paragraphs part: the words from the first difference on, a few of each."""
    a, b = want.split(), got.split()
    same = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    before = " ".join(a[max(0, same - 4) : same])
    return (
        f"after …{before!r} the witness goes on {' '.join(a[same : same + 8])!r}, "
        f"the edition {' '.join(b[same : same + 8])!r} (an empty reading: the paragraph ends)"
    )


# --- Tests ----------------------------------------------------------------------------------------


def test_paragraphs_match_witness(edition_sections: list[tuple[str, list[str]]]) -> None:
    """Page for page and paragraph for paragraph, the edition is paragraphed as the witness."""
    witness = witness_sections(WITNESS.read_text(encoding="utf-8"))
    assert [h for h, _ in witness] == list(WITNESS_HEADINGS)
    assert len(edition_sections) == len(witness)
    problems: list[str] = []
    for (heading, expected), (title, actual) in zip(witness, edition_sections, strict=True):
        if title != heading:
            problems.append(f"page {title!r}: the witness's heading is {heading!r}")
        for index in range(max(len(expected), len(actual))):
            want = expected[index] if index < len(expected) else "<none>"
            got = actual[index] if index < len(actual) else "<none>"
            if want != got:
                problems.append(f"{heading!r}, paragraph {index + 1}: {_divergence(want, got)}")
                break  # the rest of the page is shifted: one report a page
    assert not problems, "\n".join(problems)


def test_citations_print_as_witness(html_build: Path) -> None:
    """Every citation of the reading text prints as the witness prints it, in order."""
    flat = " ".join(rejoin_hyphenation(WITNESS.read_text(encoding="utf-8")).split())
    expected = AUTHOR_YEAR.findall(flat)
    assert len(expected) == 9
    printed: list[str] = []
    for doc in PAPER_PAGES:
        html = (html_build / f"{doc}.html").read_text(encoding="utf-8")
        article = BeautifulSoup(html, "html.parser").find("article")
        assert article is not None, doc
        for span in article.select("span.bibtex-citation"):
            if span.find_parent("aside") or span.find_parent(class_="ed-claim-card"):
                continue  # the editors' citations: in their notes and in the claim cards
            printed.append(" ".join(span.get_text().split()))
    assert printed == expected


def test_verified_entries_say_what_was_seen() -> None:
    """A verified entry records, in ``seen``, what the editors saw of the item itself."""
    data = parse_file(str(BIBFILE), bib_format="bibtex")
    checked = list(data.entries.items())
    assert checked, "nothing to check: the loop below would pass vacuously"
    for key, entry in checked:
        if entry.fields.get("verification") == "verified":
            assert entry.fields.get("seen", "").strip(), f"{key}: verified, but no 'seen'"


def test_claim_statuses_rest_on_entries(html_build: Path) -> None:
    """Editorial statuses and stated confidences name evidence with a bibliography entry."""
    entries = parse_file(str(BIBFILE), bib_format="bibtex").entries
    claims = json.loads((html_build / "claims.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for claim in claims:
        status, note = claim["status"], claim.get("note") or ""
        evidence = claim.get("evidence") or []
        needs = status in ("verified", "contested", "corrected") or "confidence" in note
        if needs and not evidence:
            problems.append(f"{claim['id']}: {status}, but no evidence")
        for key in evidence:
            if key not in entries:
                problems.append(f"{claim['id']}: evidence {key!r} has no entry")
            elif status == "verified" and entries[key].fields["verification"] != "verified":
                problems.append(f"{claim['id']}: verified on {key!r}, which is not verified")
    assert not problems, "\n".join(problems)
