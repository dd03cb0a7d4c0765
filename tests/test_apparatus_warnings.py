"""Warnings of the apparatus: one tiny root per subtype, every warning compared exactly.

Each ``test-apparatus-warn-*`` root holds problems of one subtype only; its build must give
exactly the listed warnings (file, line, text, ``[type.subtype]``), and ``suppress_warnings``
with that subtype must silence them all. Colours are stripped and the source directory is
replaced by ``<srcdir>``. Malformed markup still prints the text (the witness's reading, for
an emendation), so the edition stays readable and faithful.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from pathlib import Path

ORIG = "a correction needs orig=… with the witness's reading (or kind=add for an addition)"
NOTE_ID = "may only contain letters, digits, '-', '_' and '.'"
DATE = "is not YYYY, YYYY-MM, YYYY-MM-DD or START/END"
CONFIDENCE_FIX = (
    "cite the source it rests on inside the note ({cite:p}`key`), or take the confidence out"
)

#: root -> (subtype, the exact warnings).
CASES: dict[str, tuple[str, list[str]]] = {
    "emendation": (
        "emendation_malformed",
        [
            f"index.md:4: WARNING: {ORIG}",
            (
                "index.md:5: WARNING: the emendation gives no reason: add reason=… (typo, wrong word, "
                "misspelt name…)"
            ),
            (
                "index.md:6: WARNING: unknown emendation option 'colour'; the options are: orig, "
                "reason, kind"
            ),
            "index.md:7: WARNING: unknown emendation kind 'insert'; use one of: sub, add, del",
            "index.md:8: WARNING: an addition has no orig=…: the witness has nothing there",
            (
                "index.md:9: WARNING: a deletion has no reading: write "
                "{emend}`<kind=del; orig=…; reason=…>`"
            ),
            (
                "index.md:10: WARNING: cannot read the emendation: unbalanced double quote in "
                "'orig=\"Minks; reason=typo'"
            ),
        ],
    ),
    "note": (
        "note_malformed",
        [
            f"index.md:5: WARNING: the note id 'bad id' {NOTE_ID}",
            "index.md:9: WARNING: the editorial note 'empty' has no text",
            "index.md:12: WARNING: unknown note kind 'aside'; use one of: note, query",
            (
                "index.md:17: WARNING: a lemma names its note as {lemma}`PASSAGE <NOTE-ID>` and takes "
                "no options"
            ),
            (
                "index.md:22: WARNING: {apparatus} lists 'emendations' or 'notes' (or both, without "
                "argument), not 'everything'"
            ),
        ],
    ),
    "note-duplicate": (
        "note_duplicate_id",
        ["other.md:3: WARNING: the editorial note id 'twice' is already used in 'index' (line 5)"],
    ),
    "note-unknown": (
        "note_unknown",
        [
            (
                "index.md:4: WARNING: the lemma 'passage' refers to the editorial note 'nowhere', "
                "which does not exist"
            )
        ],
    ),
    "register": (
        "register_malformed",
        [
            "index.md:5: WARNING: the place 'ganja' has no :name: option",
            f"index.md:10: WARNING: the place id 'bad id' {NOTE_ID}",
            (
                "index.md:14: WARNING: a place is written {place}`TEXT <ID>` or {place}`NAME`, "
                "without options"
            ),
            "index.md:16: WARNING: unknown register 'planet'; use one of: person, org, place",
        ],
    ),
    "register-duplicate": (
        "register_duplicate",
        [
            (
                "index.md:10: WARNING: the place 'gandzha' has the name 'Gence', already used by the "
                "place 'ganja'"
            )
        ],
    ),
    "register-unknown": (
        "register_unknown",
        [
            (
                "index.md:4: WARNING: no place 'Atlantis' in the register: declare it with the place "
                "directive, or use an id, name or variant"
            ),
            (
                "index.md:4: WARNING: no person 'nobody' in the register or actor register: declare it "
                "with the person directive, or use an id, name or variant"
            ),
            (
                "index.md:4: WARNING: no organisation 'XYZ' in the register or actor register: declare "
                "it with the org directive, or use an id, name or variant"
            ),
        ],
    ),
    "confidence": (
        "note_confidence_unsourced",
        [
            (
                "index.md:5: WARNING: the editorial note 'readout' states 'high confidence' but "
                f"cites no entry of the bibliography: {CONFIDENCE_FIX}"
            ),
            (
                "index.md:9: WARNING: the editorial note 'interview' states 'confidence: low' but "
                f"cites no entry of the bibliography: {CONFIDENCE_FIX}"
            ),
        ],
    ),
    "date": (
        "date_malformed",
        [
            f"index.md:4: WARNING: the date '2020-02-30' {DATE}",
            "index.md:5: WARNING: the period '2020-08/2020-07' ends before it starts",
            "index.md:6: WARNING: unknown date option 'season'; the only option is event=…",
            "index.md:7: WARNING: the date is missing: write {date}`TEXT <YYYY-MM-DD>`",
        ],
    ),
}

#: The bibliography root has three subtypes, located in the .bib file.
BIB_CASES = [
    (
        "bib_unresolved_without_note",
        (
            "refs.bib:10: WARNING: the entry 'lost2020' is unresolved but has no note: say what is "
            "known and what is not"
        ),
    ),
    (
        "bib_unknown_verification",
        (
            "refs.bib:16: WARNING: the entry 'odd2020' has verification = {checked}; use one of: "
            "verified, candidate, unresolved"
        ),
    ),
    (
        "bib_verified_without_seen",
        (
            "refs.bib:23: WARNING: the entry 'unseen2020' is verified but has no seen field: say "
            "what of the item itself the editors saw, and where (or mark it candidate)"
        ),
    ),
]


def build(rootdir: Path, tmp_path: Path, name: str, **overrides: object) -> tuple[list[str], str]:
    """Build the root; its warnings (colours stripped, paths replaced) and index page."""
    srcdir = rootdir / f"test-apparatus-warn-{name}"
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=tmp_path / "_build",
        freshenv=True,
        confoverrides=dict(overrides),
    )
    try:
        app.build()
    finally:
        app.cleanup()
    text = strip_escape_sequences(app.warning.getvalue()).replace(f"{srcdir}/", "<srcdir>/")
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()], html


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_subtype_is_reported_exactly(rootdir: Path, tmp_path: Path, name: str) -> None:
    subtype, expected = CASES[name]
    warnings, _ = build(rootdir, tmp_path, name)
    assert warnings == [f"<srcdir>/{line} [edition.{subtype}]" for line in expected]


@pytest.mark.parametrize("name", sorted(CASES))
def test_suppress_warnings_silences_the_subtype(rootdir: Path, tmp_path: Path, name: str) -> None:
    subtype, _ = CASES[name]
    warnings, _ = build(rootdir, tmp_path, name, suppress_warnings=[f"edition.{subtype}"])
    assert warnings == []


def test_bibliography_status_checks(rootdir: Path, tmp_path: Path) -> None:
    warnings, _ = build(rootdir, tmp_path, "bib")
    assert warnings == [f"<srcdir>/{line} [edition.{subtype}]" for subtype, line in BIB_CASES]
    quiet, _ = build(
        rootdir,
        tmp_path / "quiet",
        "bib",
        suppress_warnings=[f"edition.{subtype}" for subtype, _ in BIB_CASES],
    )
    assert quiet == []


def test_malformed_markup_keeps_the_text(rootdir: Path, tmp_path: Path) -> None:
    """A malformed emendation prints the witness's reading; a bad date or mention its words."""
    _, emendations = build(rootdir, tmp_path / "e", "emendation")
    assert "Three Minks unknown option" in emendations
    assert "Seven Minsk &lt;orig=" in emendations  # options unreadable: the text as written
    assert "ed-emendation" not in emendations.split('role="main"', 1)[1]
    _, dates = build(rootdir, tmp_path / "d", "date")
    assert "On 30 February 2020 nothing" in dates
    assert "ed-date" not in dates.split('role="main"', 1)[1]
    _, names = build(rootdir, tmp_path / "n", "register-unknown")
    assert 'class="ed-mention ed-mention-place" id="mention-1">Atlantis</span>' in names
