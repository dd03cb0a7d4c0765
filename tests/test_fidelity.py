"""Fidelity test (the real edition against its witness): every word of the paper, in order.

The edition is built with the text builder in witness mode (``edition_witness_mode = True``),
which reduces it to the witness's reading (see :mod:`critical_edition.apparatus.witness`); the pages of
the paper are concatenated in reading order and compared word by word with the witness,
``tests/witness/ergun-valiyev-2020.txt``.

Both sides are normalised by the rules of the edition (docs/about.md), and only by them:

1. *Line-end hyphenation*: a hyphen that ends a line right after a letter joins the next line's
   first word, and is kept ("Nagorno-\\nKarabakh" → "Nagorno-Karabakh"). The witness has no
   soft hyphens, and the text builder breaks lines after the hyphen of hyphenated words, so
   the same rule serves both sides. A hyphen after a space or a digit ("choices -", "884-")
   is left alone.
2. *Whitespace*: the texts are split into words at any run of whitespace, so double spaces,
   line breaks, blank lines and leading spaces from page breaks, and headings wrapped over two
   lines make no difference.
3. *The edition's layout*: the text builder's heading underlines are dropped.
4. *The witness's footnotes*, checked separately (:func:`test_witness_urls_are_footnotes` and
   :func:`test_numbered_footnote_is_restored`): the lines holding a bare URL and the closing
   line ``[1] Interview …`` are dropped, and so is the footnote marker ``[1]`` after
   "railway.".
5. *Citations*: each parenthetical citation of the witness is replaced by the token the edition
   prints for it in witness mode, through :data:`WITNESS_CITATIONS`; the edition's tokens
   stand as they are.

On failure the test prints a word diff (``difflib``) with context.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from critical_edition.apparatus.witness import citation_token
from critical_edition.core import nodes as ed
from docutils import nodes
from helpers import copy_edition, paper_reading_order
from sphinx.testing.util import SphinxTestApp

WITNESS = Path(__file__).parent / "witness" / "ergun-valiyev-2020.txt"

#: The paper's pages, in reading order, as docs/conf.py lists them. The witness is independent
#: evidence of both: a page left out of the list, or listed out of order, fails the word diff.
READING_ORDER = paper_reading_order()

#: Each parenthetical citation of the witness (whitespace collapsed) and the bib keys the
#: edition cites in its place, in the order written.
WITNESS_CITATIONS: dict[str, tuple[str, ...]] = {
    "(Garibov 2020)": ("garibov2020",),
    "(Morozov 2020)": ("morozov2020",),
    "(Jafarova 2020)": ("jafarova2020",),
    "(Saeedi 2020)": ("saeedi2020",),
    "(Ismayilov, 2020)": ("ismayilov2020",),
    "(Kubicek 2009; Valiyev 2019)": ("kubicek2009", "valiyev_mamishova2019"),
    # Both occurrences: the report of the phone call (see docs/about.md, "Citations").
    "(Mammadov 2020)": ("mammadov2020a",),
    "(Aydın 2020; Çelikpala, 2018)": ("aydin2020", "celikpala_ersen2018"),
}

#: An author-year parenthesis: "(Name 2020)", "(Name, 2020)", "(A 2009; B 2019)".
AUTHOR_YEAR = re.compile(r"\((?:[^\W\d_][\w’'-]*,? \d{4}[a-z]?(?:; )?)+\)")

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n[ \t]*(?=\w)")
_UNDERLINE = re.compile(r"^([*=\-~\"+`])\1*$", re.MULTILINE)
_URL_LINE = re.compile(r"^https?://\S+$", re.MULTILINE)
_FOOTNOTE_LINE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)
_FOOTNOTE_MARKER = re.compile(r"(?<=\S)\[\d+\]")
_TRACKING = re.compile(r"[?&]fbclid=[^&\s]*")


# --- Normalisation --------------------------------------------------------------------------------


def rejoin_hyphenation(text: str) -> str:
    """Rule 1: rejoin words broken after the hyphen at a line end, keeping the hyphen."""
    return _HYPHEN_BREAK.sub("-", text)


def witness_words(text: str) -> list[str]:
    """The witness's words by rules 1, 2, 4 and 5."""
    text = _URL_LINE.sub("", text)
    text = _FOOTNOTE_LINE.sub("", text)
    text = _FOOTNOTE_MARKER.sub("", text)
    text = " ".join(rejoin_hyphenation(text).split())
    for citation in sorted(WITNESS_CITATIONS, key=len, reverse=True):
        text = text.replace(citation, citation_token(WITNESS_CITATIONS[citation]))
    return text.split()


def edition_words(text: str) -> list[str]:
    """The edition's words (text builder, witness mode) by rules 1, 2 and 3."""
    return rejoin_hyphenation(_UNDERLINE.sub("", text)).split()


def word_diff(expected: list[str], actual: list[str], context: int = 8, limit: int = 40) -> str:
    """A readable diff of two word lists, one change a line, with words of context.

    ``[-…-]`` is in the witness only, ``{+…+}`` in the edition only, e.g.
    ``word 501: … also asked [-back-] {+Minsk+} then regarding …``.
    """
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(expected[max(0, i1 - context) : i1])
        after = " ".join(expected[i2 : i2 + context])
        removed = f"[-{' '.join(expected[i1:i2])}-] " if i2 > i1 else ""
        added = f"{{+{' '.join(actual[j1:j2])}+}} " if j2 > j1 else ""
        lines.append(f"word {i1 + 1}: … {before} {removed}{added}{after} …")
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more differences"]
    return "\n".join(lines)


def witness_urls(text: str) -> list[str]:
    """The witness's bare URLs, in order, without the tracking parameter."""
    return [_TRACKING.sub("", url) for url in _URL_LINE.findall(text)]


# --- Builds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footnote:
    """A footnote of the normal build: its page, text (without label) and link targets."""

    docname: str
    text: str
    urls: tuple[str, ...]
    #: The text just before its (first) reference in the page.
    preceding: str


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


@pytest.fixture(scope="session")
def witness_reading(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The paper's pages in witness mode, as plain text, concatenated in reading order."""
    app = _build(tmp_path_factory.mktemp("witness-mode"), "text", edition_witness_mode=True)
    try:
        pages = [(app.outdir / f"{doc}.txt").read_text(encoding="utf-8") for doc in READING_ORDER]
    finally:
        app.cleanup()
    return "\n\n".join(pages)


def _preceding_text(ref: nodes.Node) -> str:
    parent = ref.parent
    assert parent is not None
    index = parent.index(ref)
    return "".join(child.astext() for child in parent.children[:index])


@pytest.fixture(scope="session")
def footnotes(tmp_path_factory: pytest.TempPathFactory) -> list[Footnote]:
    """Every footnote of the paper's pages in a normal build (doctrees after post-transforms)."""
    app = _build(tmp_path_factory.mktemp("normal"), "text")
    result: list[Footnote] = []
    try:
        for doc in READING_ORDER:
            doctree = app.env.get_and_resolve_doctree(doc, app.builder, tags=app.tags)
            refs = {
                str(ref["refid"]): ref
                for ref in reversed(list(doctree.findall(nodes.footnote_reference)))
                if ref.get("refid")
            }
            for footnote in doctree.findall(nodes.footnote):
                body = [c for c in footnote.children if not isinstance(c, nodes.label)]
                ref = next((refs[i] for i in footnote["ids"] if i in refs), None)
                result.append(
                    Footnote(
                        docname=doc,
                        text=" ".join(" ".join(c.astext() for c in body).split()),
                        urls=tuple(
                            str(r["refuri"])
                            for r in footnote.findall(nodes.reference)
                            if r.get("refuri")
                        ),
                        preceding=_preceding_text(ref) if ref is not None else "",
                    )
                )
    finally:
        app.cleanup()
    return result


@pytest.fixture(scope="session")
def witness_text() -> str:
    return WITNESS.read_text(encoding="utf-8")


# --- Tests --------------------------------------------------------------------------------------


def test_witness_citations_are_all_mapped(witness_text: str) -> None:
    """Every author-year parenthesis of the witness has its entry in the mapping, and back."""
    flat = " ".join(rejoin_hyphenation(witness_text).split())
    found = Counter(AUTHOR_YEAR.findall(flat))
    assert set(found) == set(WITNESS_CITATIONS), (
        f"unmapped: {sorted(set(found) - set(WITNESS_CITATIONS))}; "
        f"absent from the witness: {sorted(set(WITNESS_CITATIONS) - set(found))}"
    )
    assert sum(found.values()) == 9  # Mammadov 2020 stands twice


def test_witness_reading_matches_witness(witness_reading: str, witness_text: str) -> None:
    """The edition in witness mode says exactly what the witness says, word for word."""
    expected = witness_words(witness_text)
    actual = edition_words(witness_reading)
    if expected != actual:
        pytest.fail(
            f"the witness reading differs from the witness ({len(expected)} words expected, "
            f"{len(actual)} found):\n{word_diff(expected, actual)}",
            pytrace=False,
        )


def test_witness_reading_has_every_citation_token(witness_reading: str) -> None:
    """Each citation is printed as its token, as often as the witness cites it."""
    text = " ".join(witness_reading.split())
    for citation, keys in WITNESS_CITATIONS.items():
        expected = 2 if citation == "(Mammadov 2020)" else 1
        assert text.count(citation_token(keys)) == expected, citation


def test_witness_urls_are_footnotes(witness_text: str, footnotes: list[Footnote]) -> None:
    """Each bare URL of the witness (tracking parameter dropped) is a footnote's link.

    The Euronews address stands twice in the witness; the edition restores two footnotes.
    """
    urls = witness_urls(witness_text)
    assert len(urls) == 6
    linked = Counter(url for footnote in footnotes for url in set(footnote.urls))
    for url, count in Counter(urls).items():
        assert linked[url] >= count, f"{url} is in {linked[url]} footnote(s), expected {count}"
    assert not any("fbclid" in url for footnote in footnotes for url in footnote.urls)


def test_numbered_footnote_is_restored(witness_text: str, footnotes: list[Footnote]) -> None:
    """The witness's "[1] …" note is a footnote whose marker follows "railway."."""
    match = _FOOTNOTE_LINE.search(witness_text)
    assert match is not None
    text = " ".join(match.group(2).split())
    found = [f for f in footnotes if f.text == text]
    assert len(found) == 1, f"no footnote reads {text!r}"
    assert found[0].docname == "july-september-2020"
    assert found[0].preceding.rstrip().endswith("railway.")


def test_normalisation_rules() -> None:
    """The rules do what docs/about.md says, and no more."""
    assert rejoin_hyphenation("Nagorno-\nKarabakh") == "Nagorno-Karabakh"
    assert rejoin_hyphenation("co-\n    chairs") == "co-chairs"
    assert rejoin_hyphenation("choices -\neither") == "choices -\neither"
    assert rejoin_hyphenation("884-\ndemanding") == "884-\ndemanding"
    words = witness_words(
        "railway.[1] For\n\n\n\nMoscow  (Ismayilov,\n2020).\nhttps://x.org/a?fbclid=1\n"
    )
    assert words == ["railway.", "For", "Moscow", citation_token(["ismayilov2020"]) + "."]
    assert edition_words("Title\n*****\n\nText\n") == ["Title", "Text"]
    assert witness_urls("a\nhttps://p.az/articles/1?fbclid=XYZ\n") == ["https://p.az/articles/1"]


_MINI_CONF = """
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from critical_edition.core import nodes as ed

extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "edition"
bibtex_default_style = "edition"
edition_lint_attributions = False
myst_enable_extensions = ["colon_fence"]


def _emend(name, rawtext, text, lineno, inliner, options=None, content=None):
    reading, original = text.split("|")
    return [ed.emendation(rawtext, reading, original=original)], []


def _claim(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.inline(rawtext, text, classes=["fake-claim"])], []


class FakeClaims(SphinxPostTransform):
    # After the toolkit's own claim processing, which would want a whole claim record.
    default_priority = 7

    def run(self, **kwargs):
        for node in list(self.document.findall(nodes.inline)):
            if "fake-claim" in node["classes"]:
                card = ed.claim_card("", "CARD WORDS")
                node.replace_self(ed.claim("", "", *node.children, card))


def setup(app):
    app.add_role("emend", _emend)
    app.add_role("fake-claim", _claim)
    app.add_post_transform(FakeClaims)
"""

_MINI_PAGE = """# Page

:::{supplied}
SUPPLIED WORDS
:::

The {emend}`Minsk|Minks` Group: {fake-claim}`Lavrov said` so {cite:p}`a2020,b2019`.[^n]

[^n]: FOOTNOTE WORDS
"""

_MINI_BIB = """@misc{a2020, author = {A}, year = {2020}, verification = {unresolved}, note = {x}}
@misc{b2019, author = {B}, year = {2019}, verification = {unresolved}, note = {x}}
"""


def test_witness_transform_rewrites_each_node(tmp_path: Path) -> None:
    """Each kind of editorial node gives way to the witness's reading."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(_MINI_CONF, encoding="utf-8")
    (srcdir / "index.md").write_text(_MINI_PAGE, encoding="utf-8")
    (srcdir / "refs.bib").write_text(_MINI_BIB, encoding="utf-8")
    app = SphinxTestApp(
        "text",
        srcdir=srcdir,
        builddir=tmp_path / "_build",
        confoverrides={"edition_witness_mode": True},
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
        text = (app.outdir / "index.txt").read_text(encoding="utf-8")
        doctree = app.env.get_and_resolve_doctree("index", app.builder, tags=app.tags)
    finally:
        app.cleanup()
    # the doctree itself, whatever a writer would skip
    assert not any(isinstance(n, ed.claim | ed.claim_card | ed.supplied) for n in doctree.findall())
    for words in ("CARD WORDS", "SUPPLIED WORDS", "FOOTNOTE WORDS", "Minsk"):
        assert words not in doctree.astext()
    assert edition_words(text) == [
        "Page",
        "The",
        "Minks",
        "Group:",
        "Lavrov",
        "said",
        "so",
        citation_token(["a2020", "b2019"]) + ".",
    ]
