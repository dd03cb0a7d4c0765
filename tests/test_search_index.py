"""The search index's entries for the edition's objects: titles readers know, anchors that exist.

The built edition's index is checked by tests/test_html_integrity.py (every entry leads to an id
of its page; claims titled by speaker and words) and in the browser by tests/test_browser.py
(searching "Lavrov"); these tests pin the two pieces of Python behind them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.claims.domain import TITLE_WORDS, claim_title
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


def test_remembered_stems_give_the_same_index(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    remembered = build(make_app, srcdir, tmp_path / "remembered", freshenv=True)
    stem = remembered.builder.indexer.lang.stem
    assert stem.cache_info().hits > 0  # a word met again is not stemmed again
    monkeypatch.setenv(stemming.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    assert not hasattr(stock.builder.indexer.lang.stem, "cache_info")
    assert warnings_of(remembered) == warnings_of(stock) == []
    index = "searchindex.js"
    assert (remembered.outdir / index).read_bytes() == (stock.outdir / index).read_bytes()


def test_remember_stems_leaves_an_unknown_indexer_alone() -> None:
    assert not stemming.remember_stems(None)
    assert not stemming.remember_stems(object())
