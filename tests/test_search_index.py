"""The search index's entries for the edition's objects: titles readers know, anchors that exist.

The built edition's index is checked by tests/test_html_integrity.py (every entry leads to an id
of its page; claims titled by speaker and words) and in the browser by tests/test_browser.py
(searching "Lavrov"); these tests pin the two pieces of Python behind them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.claims.domain import TITLE_WORDS, EditionDomain, claim_title
from critical_edition.core.model import Claim, ClaimStatus
from critical_edition.outputs.search import repair_objects
from critical_edition.speedups import stemming
from helpers import build, warnings_of


def _claim(text: str, actors: tuple[str, ...] = ("lavrov",)) -> Claim:
    return Claim(
        id="lavrov-checkpoint",
        text=text,
        actors=actors,
        verb="speculated",
        sources=(),
        date="",
        status=ClaimStatus.UNSOURCED,
        note="",
        evidence=(),
        docname="introduction",
        line=1,
        serial=0,
    )


def test_claim_title_names_the_speakers_and_quotes_the_words() -> None:
    names = {"lavrov": "Sergey Lavrov", "both": "Both sides"}
    assert claim_title(_claim("the  reason\nbehind"), names) == "Sergey Lavrov: “the reason behind”"
    title = claim_title(_claim("word " * 40, ("lavrov", "unknown")), names)
    assert title.startswith("Sergey Lavrov and unknown: “word word")
    assert title.endswith("word…”") and len(title) < TITLE_WORDS + 40


def test_repair_objects_gives_full_anchors_and_plain_titles() -> None:
    index = {
        "objects": {
            "": [
                [0, 1, 1, "-", "Sergey Lavrov"],
                [0, 1, 1, "-", "Tom &amp; Jerry"],
                [1, 9, 1, "", "unrelated"],
            ],
            "Sergey Lavrov: “Russia": [[2, 2, 2, "-", " said it”"]],
        },
        "other": "kept",
    }
    wanted = {
        (0, 1, "Sergey Lavrov"): ("actor-lavrov", "Sergey Lavrov"),
        (0, 1, "Tom &amp; Jerry"): ("actor-tom", "Tom & Jerry"),
        (2, 2, "Sergey Lavrov: “Russia. said it”"): ("claim-x", "Sergey Lavrov: “Russia. said it”"),
    }
    repaired = repair_objects(index, wanted)
    assert repaired["other"] == "kept"
    assert repaired["objects"] == {
        "": [
            [0, 1, 1, "actor-lavrov", "Sergey Lavrov"],
            [0, 1, 1, "actor-tom", "Tom & Jerry"],
            [1, 9, 1, "", "unrelated"],
        ],
        "Sergey Lavrov: “Russia": [[2, 2, 2, "claim-x", " said it”"]],
    }
    # A second pass (a build that wrote no new index) changes nothing.
    assert repair_objects(repaired, wanted) == repaired


# -- the stem memo (speedups/stemming.py) --------------------------------------------------------


INDEX = "searchindex.js"


def _stem_file(app: Any) -> Path:
    return Path(app.doctreedir) / stemming.FILE_NAME


def _count_stems(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words that *app*'s search language is asked to stem from now on (its class's own
    ``stem``, under the memo)."""
    language = type(app.builder.indexer.lang)
    stem = language.stem
    asked: list[str] = []

    def counting(self: Any, word: str) -> str:
        asked.append(word)
        return stem(self, word)

    monkeypatch.setattr(language, "stem", counting)
    return asked


def test_remembered_stems_give_the_same_index(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    remembered = build(make_app, srcdir, tmp_path / "remembered", freshenv=True)
    stems = stemming.remembered(remembered)
    assert stems is not None and len(stems) > 0 and stems.added == 0  # all saved
    assert _stem_file(remembered).is_file()  # kept for the next build
    monkeypatch.setenv(stemming.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    assert stemming.remembered(stock) is None
    assert not _stem_file(stock).exists()  # the switch turns the file off too
    assert warnings_of(remembered) == warnings_of(stock) == []
    assert (remembered.outdir / INDEX).read_bytes() == (stock.outdir / INDEX).read_bytes()

    # An incremental build, with words of the last build and new ones, reading the file.
    page = srcdir / "claims.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nBoth sides accused the mediators of escalating.\n",
        encoding="utf-8",
    )
    stock = build(make_app, srcdir, tmp_path / "stock")
    monkeypatch.delenv(stemming.SWITCH)
    remembered = build(make_app, srcdir, tmp_path / "remembered")
    stems = stemming.remembered(remembered)
    assert stems is not None and stems.file_key is not None
    assert "mediators" in stems and "accused" in stems
    assert not _stem_file(stock).exists()
    assert (remembered.outdir / INDEX).read_bytes() == (stock.outdir / INDEX).read_bytes()


def test_a_second_build_reads_the_stems_instead_of_stemming(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    kept = _stem_file(first).read_bytes()
    asked = _count_stems(first, monkeypatch)
    # Every page written again (a fresh environment), every word found in the file.
    second = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert asked == []
    assert warnings_of(second) == []
    assert (second.outdir / INDEX).read_bytes() == (first.outdir / INDEX).read_bytes()
    assert _stem_file(second).read_bytes() == kept  # nothing new: not written again

    # Another release of the stemmer: the file is not read, every word is stemmed again.
    installed = stemming.versions.installed_version

    def released(name: str) -> str | None:
        return "0.0.1" if name == "snowballstemmer" else installed(name)

    monkeypatch.setattr(stemming.versions, "installed_version", released)
    third = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert len(asked) == len(set(asked)) > 0
    assert (third.outdir / INDEX).read_bytes() == (first.outdir / INDEX).read_bytes()
    rekeyed = json.loads(_stem_file(third).read_text(encoding="utf-8"))
    assert rekeyed["key"] != json.loads(kept)["key"]
    assert rekeyed["stems"] == json.loads(kept)["stems"]


@pytest.mark.parametrize(
    "damage",
    [
        b"\xff\xfe{ not json",
        b'{"format": 1, "key": "KEY", "stems": {"accused": 1}}',
        b'{"format": 1, "key": "KEY", "stems": ["accused"]}',
        b"[" * 100_000,
        b"",
    ],
)
def test_a_damaged_stem_file_is_ignored(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    stems = stemming.remembered(first)
    assert stems is not None and stems.file_key is not None
    path = _stem_file(first)
    kept = path.read_bytes()
    path.write_bytes(damage.replace(b"KEY", stems.file_key.encode()))
    asked = _count_stems(first, monkeypatch)
    second = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert asked  # stemmed again
    assert warnings_of(second) == []
    assert (second.outdir / INDEX).read_bytes() == (first.outdir / INDEX).read_bytes()
    assert path.read_bytes() == kept  # written afresh


def test_the_stem_file_keeps_the_newest_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stemming, "KEPT_WORDS", 4)
    monkeypatch.setattr(stemming, "SAVED_WORDS", 3)
    path = tmp_path / stemming.FILE_NAME
    stems = stemming.Stems(str.upper, path, lambda: "key")
    assert [stems[word] for word in ("a", "b", "c", "d", "e", "a")] == list("ABCDEA")
    assert list(stems) == ["a", "b", "c", "d"] and stems.added == 4  # none beyond the cap
    assert stems.save()
    assert stemming.read(path, "key") == {"b": "B", "c": "C", "d": "D"}
    assert stemming.read(path, "another key") == {}
    assert not stems.save()  # nothing new since
    again = stemming.Stems(str.lower, path, lambda: "key")
    assert again["c"] == "C" and again["x"] == "x"  # read from the file, then stemmed
    assert list(again) == ["b", "c", "d", "x"]


def test_remember_stems_leaves_an_unknown_indexer_alone() -> None:
    assert not stemming.remember_stems(None)
    assert not stemming.remember_stems(object())


def test_remember_stems_leaves_chinese_alone() -> None:
    class Language:
        lang = "zh"

        def stem(self, word: str) -> str:
            return word

    class Indexer:
        lang = Language()

    assert not stemming.remember_stems(Indexer())
    indexer = Indexer()
    indexer.lang.lang = "en"
    assert stemming.remember_stems(indexer)
    assert not stemming.remember_stems(indexer)  # once


def test_the_claims_objects_are_listed_once_a_build(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inventory, the search index and its repair each ask the claims' domain for its
    # objects: the titles are made once, after the records settle.
    made: list[int] = []
    original = EditionDomain._objects

    def counted(self: EditionDomain) -> list[tuple[str, str, str, str, str, int]]:
        made.append(1)
        return original(self)

    monkeypatch.setattr(EditionDomain, "_objects", counted)
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    app = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(app) == []
    assert len(made) == 1
    objects = list(app.env.get_domain("ed").get_objects())
    assert len(made) == 1
    assert any(kind == "claim" for _name, _title, kind, *_rest in objects)
    index = (app.outdir / INDEX).read_text(encoding="utf-8")
    assert all(title in index for _n, title, kind, *_r in objects if kind == "actor")


def test_lists_made_from_the_claims_are_left_out_of_the_full_text_index(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-output", srcdir)
    app = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(app) == []
    script = (app.outdir / INDEX).read_text(encoding="utf-8")
    index = json.loads(script[script.index("(") + 1 : script.rindex(")")])
    docnames: list[str] = index["docnames"]

    def pages_with(word: str, terms: str = "terms") -> set[str]:
        found = index[terms].get(word, [])
        return {docnames[n] for n in ([found] if isinstance(found, int) else found)}

    # "ceasefire" and "declared" are in claims' words only: found on the claims' page, not in
    # the claim index's rows nor in the speakers' lists of claims in the register.
    assert pages_with("ceasefir") == pages_with("declar") == {"index"}
    # The register's own text and the claim index page itself are still searched.
    assert "register" in pages_with("minist")
    assert pages_with("claim", "titleterms") == {"claims"}
    # The bibliography's "Cited in" links are named by page titles, searched on the pages;
    # its entries' own words are searched there.
    assert "bib" not in pages_with("text") | pages_with("appendix")
    assert "bib" in pages_with("smith")
    html = (app.outdir / "claims.html").read_text(encoding="utf-8")
    assert 'class="ed-claim-rows no-search docutils container"' in html
