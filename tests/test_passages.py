"""Citable passages: the witness's paragraphs numbered, with anchors that the apparatus leaves.

The root ``test-passages`` has one numbered page (``text``) holding four paragraphs of the
witness among a supplied paragraph, an editorial note, an editors' footnote, a claim and an
admonition, none of which is counted, and a guide page left unnumbered.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup
from critical_edition.apparatus.passages import anchor
from critical_edition.writers.apparatus import passage_citation
from helpers import edit, warnings_of
from sphinx.testing.util import SphinxTestApp

if TYPE_CHECKING:
    from pathlib import Path

ROOT = "test-passages"

#: The witness's paragraphs of text.md, in order, as the HTML shows them.
WITNESS = [
    "The first paragraph of the witness. It has two lines.",
    "Later, Lavrov said that the talks went on.",
    "A quoted paragraph of the witness.",
    "The last paragraph of the witness.",
]


def _build(srcdir: Path, tmp: Path, builder: str = "html", **kwargs: Any) -> SphinxTestApp:
    app = SphinxTestApp(builder, srcdir=srcdir, builddir=tmp / "_build", **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def _copy(rootdir: Path, tmp: Path) -> Path:
    srcdir = tmp / "src"
    shutil.copytree(rootdir / ROOT, srcdir)
    return srcdir


def _passages(app: SphinxTestApp, page: str = "text") -> dict[str, str]:
    """Each numbered paragraph's anchor and its words (the number and footnote marks left out)."""
    soup = BeautifulSoup((app.outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    result: dict[str, str] = {}
    for paragraph in soup.select("p.ed-passage"):
        for extra in paragraph.select(".ed-passage-number, .footnote-reference, .ed-claim-card"):
            extra.decompose()
        result[str(paragraph.get("id", ""))] = " ".join(paragraph.get_text(" ").split()).replace(
            " .", "."
        )
    return result


def test_anchor_names_the_page_and_the_paragraph() -> None:
    assert anchor("introduction", 3) == "p-introduction-3"
    assert anchor("guide/Claims", 12) == "p-guide-claims-12"


def test_html_numbers_only_the_witness_paragraphs(rootdir: Path, tmp_path: Path) -> None:
    app = _build(rootdir / ROOT, tmp_path, freshenv=True)
    assert warnings_of(app) == []
    assert _passages(app) == {f"p-text-{n}": words for n, words in enumerate(WITNESS, start=1)}
    soup = BeautifulSoup((app.outdir / "text.html").read_text(encoding="utf-8"), "html.parser")
    numbers = soup.select("a.ed-passage-number")
    assert [a.get_text() for a in numbers] == [f"\u00b6\u00a0{n}" for n in range(1, 5)]
    third = numbers[2]
    assert third["href"] == "#p-text-3"
    assert third["aria-label"] == "Paragraph 3"
    assert third["data-passage"] == "3"
    # The page's part of every paragraph's citation, once; the script adds ", ¶ N".
    assert not soup.select("[data-citation]")
    citation = soup.select('meta[name="ed-passage-citation"]')
    assert [m["content"] for m in citation] == ["A test edition, version 2.1, \u201cThe text\u201d"]
    assert third.find_parent("p")["id"] == "p-text-3"  # type: ignore[index]
    # Supplied text, the editorial note, the footnote and the admonition are not numbered.
    for skipped in soup.select(".ed-supplied p, .ed-margin p, aside.footnote p, .admonition p"):
        assert "ed-passage" not in (skipped.get("class") or []), skipped
    # The guide is not a numbered page; the script that adds "cite" is on every page.
    assert _passages(app, "guide") == {}
    assert 'name="ed-passage-citation"' not in (app.outdir / "guide.html").read_text("utf-8")
    # passages.js is merged into the toolkit's one script (writers/page_assets.py).
    assert "critical-edition.min.js" in (app.outdir / "guide.html").read_text(encoding="utf-8")
    bundle = (app.outdir / "_static" / "critical-edition.min.js").read_text(encoding="utf-8")
    assert "a.ed-passage-number" in bundle


def test_citation_leaves_out_what_is_not_known() -> None:
    assert passage_citation("Edition", "", "", 2) == "Edition, \u00b6\u00a02"
    assert passage_citation("Edition", "1.0", "Text") == "Edition, version 1.0, \u201cText\u201d"


def test_anchors_stay_when_the_apparatus_changes(rootdir: Path, tmp_path: Path) -> None:
    srcdir = _copy(rootdir, tmp_path)
    before = _passages(_build(srcdir, tmp_path, freshenv=True))
    text = srcdir / "text.md"
    # An editorial note removed, another added before the first paragraph, a claim's options
    # changed, an editors' footnote and a supplied block added.
    edit(
        text,
        ":::{ednote} first-note\n:kind: note\nA note of the editors, on its own paragraph.\n:::\n",
        "",
    )
    edit(
        text,
        "The first paragraph",
        ":::{ednote} new-note\n:kind: query\nA new query.\n:::\n\nThe first paragraph",
    )
    edit(
        text, "<actor=lavrov; verb=said>", "<actor=lavrov; verb=said that; date=2020-08; id=talks>"
    )
    edit(
        text,
        "The last paragraph of the witness.",
        "The last paragraph of the "
        "witness.[^ed-last]\n\n:::{supplied}\nAnother supplied paragraph.\n:::",
    )
    edit(text, "[^ed-talks]: ", "[^ed-last]: **Editors:** another footnote.\n\n[^ed-talks]: ")
    after_app = _build(srcdir, tmp_path)
    assert warnings_of(after_app) == []
    assert _passages(after_app) == before
    # The anchors follow the witness's paragraphing: a paragraph split in two shifts them.
    edit(text, "It has two lines.", "\nIt has two lines.")
    split = _passages(_build(srcdir, tmp_path))
    assert split["p-text-2"] == "It has two lines."
    assert split["p-text-5"] == WITNESS[-1]


def test_latex_shows_the_same_numbers(rootdir: Path, tmp_path: Path) -> None:
    app = _build(rootdir / ROOT, tmp_path, "latex", freshenv=True)
    tex = (app.outdir / "passages.tex").read_text(encoding="utf-8")
    assert re.findall(r"\\edPassage\{(\d+)\}", tex) == ["1", "2", "3", "4"]
    body = tex[tex.index("The text") :]
    order = [body.index(f"\\edPassage{{{n}}}") for n in range(1, 5)]
    assert order == sorted(order)
    assert body.index("\\edPassage{1}") < body.index("The first paragraph")
    assert body.index("\\edPassage{4}") < body.index("The last paragraph") < body.index("Guide")
    assert "A paragraph of the guide" in tex and tex.count("\\edPassage{") == 4
    sty = (app.outdir / "critical-edition.sty").read_text(encoding="utf-8")
    assert "\\newcommand\\edPassage[1]" in sty


def test_text_builder_leaves_the_numbers_out(rootdir: Path, tmp_path: Path) -> None:
    app = _build(rootdir / ROOT, tmp_path, "text", freshenv=True)
    text = (app.outdir / "text.txt").read_text(encoding="utf-8")
    assert "\u00b6" not in text
    assert "The first paragraph of the witness." in text


def test_a_label_taking_an_anchor_is_reported(rootdir: Path, tmp_path: Path) -> None:
    srcdir = _copy(rootdir, tmp_path)
    edit(srcdir / "text.md", "> A quoted", "(p-text-2)=\n> A quoted")
    app = _build(srcdir, tmp_path, freshenv=True)
    assert warnings_of(app) == [
        (
            "<srcdir>/text.md:15: WARNING: The passage anchor 'p-text-2' of paragraph 2 is "
            "already an id on this page; the paragraph keeps its number but not its anchor. "
            "Rename the label: ids of the form p-<page>-<n> are the passages' anchors. "
            "[edition.passage_anchor_taken]"
        )
    ]
    passages = _passages(app)
    # Paragraph 2 keeps its number, without an anchor.
    assert list(passages) == ["p-text-1", "", "p-text-3", "p-text-4"]
    assert "\u00b6\u00a02</span>" in (app.outdir / "text.html").read_text(encoding="utf-8")
