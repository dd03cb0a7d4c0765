"""Unit tests of the integrity checks' pure parts: the .bib splitter and reader, the citation
lint's pattern, the report's categories and summary line, the page assets' CSS scan and the
write that leaves an unchanged output alone. No Sphinx build."""

from __future__ import annotations

from pathlib import Path

import pytest
from critical_edition.bibliography.bibfile import check_bibfiles, split_entries
from critical_edition.core.diagnostics import Subtype
from critical_edition.core.findings import categorise
from critical_edition.core.text import did_you_mean, iso_date
from critical_edition.integrity.citelint import find_citations
from critical_edition.integrity.report import summarise, summary_line
from critical_edition.writers import page_assets as assets

ALPHA = "@article{alpha,\n  author = {Alpha, Ann},\n  title = {A},\n  journal = {J},\n  year = 2000\n}\n"
BETA = "@misc{beta,\n  author = {Beta, Bob},\n  title = {B},\n  year = {2001}\n}\n"


def test_split_balanced_entries() -> None:
    chunks, strays = split_entries("% comment\n" + ALPHA + "\n" + BETA)
    assert [(c.command, c.key, c.line, c.closed) for c in chunks] == [
        ("article", "alpha", 2, True),
        ("misc", "beta", 9, True),
    ]
    assert strays == []


def test_split_unclosed_entry_stops_at_the_next_entry() -> None:
    broken = "@misc{gamma,\n  title = {Open,\n  year = {2002}\n}\n"
    chunks, _ = split_entries(broken + "\n" + BETA)
    assert [(c.key, c.closed, c.runs_into) for c in chunks] == [
        ("gamma", False, 6),
        ("beta", True, None),
    ]


def test_split_mends_one_extra_brace() -> None:
    chunks, _ = split_entries("@misc{gamma,\n  title = {Closed}},\n  year = {2002}\n}\n")
    [chunk] = chunks
    assert chunk.extra_brace_line == 2
    assert chunk.text == "@misc{gamma,\n  title = {Closed},\n  year = {2002}\n}"


def test_split_parenthesised_entry_and_strays() -> None:
    chunks, strays = split_entries("mail me@example.org\n@misc(delta, title = {D})\n")
    assert [(c.key, c.closed) for c in chunks] == [("delta", True)]
    assert strays == [(1, "example.org")]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_keeps_every_good_entry(tmp_path: Path) -> None:
    """Duplicates, broken and unclosed entries never take other entries with them."""
    first = _write(
        tmp_path,
        "a.bib",
        ALPHA
        + "@misc{ALPHA, title = {again}}\n"
        + "@misc{open, title = {x}\n"
        + "@misc{dupfield, title = {x}, title = {y}, year = {2001}}\n"
        + "@misc{comma, title = {x} year = {2001}}\n"
        + BETA,
    )
    second = _write(tmp_path, "b.bib", "@misc{beta, title = {dup across files}}\n@misc{last}\n")
    result = check_bibfiles([first, second], "utf-8", "plain", tmp_path)
    keys = list(result.bibdata.data.entries.keys())
    assert keys == ["alpha", "dupfield", "comma", "beta", "last"]
    assert list(result.bibdata.bibfiles[second].keys) == ["last"]
    assert [(Path(p.path).name, p.line, p.subtype) for p in result.problems] == [
        ("a.bib", 7, Subtype.BIB_DUPLICATE_KEY),
        ("a.bib", 8, Subtype.BIB_UNBALANCED_BRACES),
        ("a.bib", 9, Subtype.BIB_DUPLICATE_FIELD),
        ("a.bib", 10, Subtype.BIB_SYNTAX),
        ("b.bib", 1, Subtype.BIB_DUPLICATE_KEY),
    ]


def test_reader_neutralises_links(tmp_path: Path) -> None:
    bib = _write(
        tmp_path,
        "refs.bib",
        "@misc{x, title = {T}, url = {javascript:alert(1)}, note = {\\url{data:text/html,x}},"
        ' doi = {10.1/"><b>}}\n@misc{y, title = {T}, url = {https://example.org/ok},'
        " doi = {10.1234/ok}}\n",
    )
    result = check_bibfiles([bib], "utf-8", "plain", tmp_path)
    entries = result.bibdata.data.entries
    assert dict(entries["x"].fields) == {"title": "T"}
    assert entries["y"].fields["url"] == "https://example.org/ok"
    assert entries["y"].fields["doi"] == "10.1234/ok"
    assert sorted(p.subtype.name for p in result.problems) == [
        "BIB_BAD_DOI",
        "BIB_BAD_URL",
        "BIB_BAD_URL",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("as (Garibov 2020) says", ["(Garibov 2020)"]),
        ("(Kubicek 2009; Valiyev 2019)", ["(Kubicek 2009; Valiyev 2019)"]),
        ("(see de Waal 2013, 45)", ["(see de Waal 2013, 45)"]),
        ("(Broers and Toal 2013, pp. 12–14)", ["(Broers and Toal 2013, pp. 12–14)"]),
        ("(Ergun et al. 2020a)", ["(Ergun et al. 2020a)"]),
        ("(Əliyev 2018)", ["(Əliyev 2018)"]),
        ("in (November 2020) and (2020)", []),
        ("(the war of 2020)", []),
        ("(UN Resolution 822, 1993)", []),
    ],
)
def test_plain_text_citations(text: str, found: list[str]) -> None:
    assert [match.group(0) for match in find_citations(text)] == found


def test_categories() -> None:
    assert categorise("edition", "footnote_undefined") == "footnotes"
    assert categorise("bibtex", "key_not_found") == "citations"
    assert categorise("ref", "footnote") == "footnotes"
    assert categorise("ref", "doc") == "xref"
    assert categorise("myst", "xref_missing") == "xref"
    assert categorise("docutils", "") == "markup"
    assert categorise("edition", "no_such_subtype") == "other"


def test_summary_line() -> None:
    counts = {
        "citations": {"linked": 14, "missing": 0, "unused": 0, "entries": 14},
        "footnotes": {"total": 9},
        "claims": {"total": 48, "unsourced": 6},
        "xref": {"total": 120},
    }
    assert summary_line(summarise(counts, [])) == (
        "citations 14 linked / 0 missing / 0 unused; footnotes 9 / 0 dangling / 0 unreferenced; "
        "claims 48 / 6 unsourced; cross-references 120 / 0 unresolved; 0 problems"
    )


def _blocks_by_character(css: str) -> list[tuple[str, str]]:
    """The scan ``page_assets.blocks`` replaced: one character at a time."""
    blocks: list[tuple[str, str]] = []
    start = 0
    while (brace := css.find("{", start)) >= 0:
        depth, end = 1, brace + 1
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        blocks.append((css[start:brace].strip(), css[brace + 1 : end - 1]))
        start = end
    return blocks


@pytest.mark.parametrize(
    "css",
    [
        "",
        "a{b:c}",
        ":root{--x:1}@media (x){.sd-badge{a:b}.sd-card{c:d}}.sd-badge,.sd-card{e:f}",
        "a{b}}c{d}",
        "a{b{c}",
        "a{",
        "{}{}x",
        "a}b{c}",
    ],
)
def test_the_css_blocks_are_those_of_the_character_scan(css: str) -> None:
    assert assets.blocks(css) == _blocks_by_character(css)


def test_the_badge_extract_of_sphinx_design_is_unchanged() -> None:
    from sphinx_design.extension import STATIC_DIR

    css = (Path(STATIC_DIR) / assets.SD_CSS).read_text(encoding="utf-8")
    assert assets.blocks(css) == _blocks_by_character(css)


def test_an_output_with_the_same_bytes_is_not_rewritten(tmp_path: Path) -> None:
    from critical_edition.core import atomic

    path = tmp_path / "claims.json"
    assert atomic.update_text(path, "[1]\n")
    written = path.stat().st_mtime_ns
    assert not atomic.update_text(path, "[1]\n")
    assert path.stat().st_mtime_ns == written
    assert atomic.update_text(path, "[2]\n")
    assert path.read_text(encoding="utf-8") == "[2]\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", "2020"),
        ("2020-02", "2020-02"),
        ("2020-02-29", "2020-02-29"),
        ("2021-02-29", None),
        ("2020-13", None),
        ("2020-00", None),
        ("2020-1", None),
        ("2020-10-03\n", None),
        ("3 October 2020", None),
    ],
)
def test_iso_date_accepts_only_dates_of_the_calendar(value: str, expected: str | None) -> None:
    """Claims, the chronology and the TEI export share one reading of a date."""
    assert iso_date(value) == expected


def test_did_you_mean_never_suggests_the_word_itself() -> None:
    assert did_you_mean("alpha2000", ["alpha2000", "alpha2001"]) == ""
    assert did_you_mean("Alpha2000", ["alpha2000"]) == " (did you mean 'alpha2000'?)"
    assert did_you_mean("lavorv", ["lavrov"]) == " (did you mean 'lavrov'?)"
