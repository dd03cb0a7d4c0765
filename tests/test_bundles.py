"""The toolkit's minified bundles (writers/page_assets.py) are kept between builds, never changed.

The merged stylesheet, the minified script and sphinx-design's badge extract are made once and
kept in the doctree directory under their inputs' digests and the toolkit's code; a build
with the cache reads them instead of minifying again and writes the same bytes as one without
(``CRITICAL_EDITION_BUNDLECACHE=0``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.writers import page_assets
from helpers import build, warnings_of

ROOT = "test-claims-basic"
BUNDLES = (page_assets.CSS_BUNDLE, page_assets.JS_BUNDLE, page_assets.SD_BADGES)


def test_kept_bundles_are_made_again_only_when_their_input_or_the_code_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def upper(text: str) -> str:
        made.append(text)
        return text.upper()

    kept = tmp_path / page_assets.BUNDLES_FILE
    jobs = {"a.css": (upper, "a"), "b.js": (upper, "b")}
    assert page_assets._kept_bundles(kept, jobs) == {"a.css": "A", "b.js": "B"}
    assert made == ["a", "b"]
    assert page_assets._kept_bundles(kept, jobs) == {"a.css": "A", "b.js": "B"}
    assert made == ["a", "b"]
    # One input changed: that bundle alone is made again, and replaces its kept text.
    jobs["b.js"] = (upper, "bb")
    assert page_assets._kept_bundles(kept, jobs) == {"a.css": "A", "b.js": "BB"}
    assert made == ["a", "b", "bb"]
    assert page_assets._kept_bundles(kept, jobs) == {"a.css": "A", "b.js": "BB"}
    assert made == ["a", "b", "bb"]
    # The toolkit's code changed: both are made again.
    monkeypatch.setattr(page_assets, "code_stamp", lambda: "another release")
    assert page_assets._kept_bundles(kept, jobs) == {"a.css": "A", "b.js": "BB"}
    assert made == ["a", "b", "bb", "a", "bb"]
    # Off: made every time, nothing kept.
    assert page_assets._kept_bundles(None, jobs) == {"a.css": "A", "b.js": "BB"}
    assert made == ["a", "b", "bb", "a", "bb", "a", "bb"]


def test_the_kept_bundles_are_the_bundles(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, srcdir)
    build(make_app, srcdir, tmp_path / "out", freshenv=True)
    minified: list[str] = []
    minify_js = page_assets.minify_js

    def counted(text: str) -> str:
        minified.append(text)
        return minify_js(text)

    monkeypatch.setattr(page_assets, "minify_js", counted)
    again = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert minified == []  # read from the doctree directory
    assert (Path(again.doctreedir) / page_assets.BUNDLES_FILE).is_file()
    monkeypatch.setenv(page_assets.BUNDLES_SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    assert len(minified) == 1
    assert not (Path(stock.doctreedir) / page_assets.BUNDLES_FILE).exists()
    assert warnings_of(again) == warnings_of(stock) == []
    for name in BUNDLES:
        cached = (Path(again.outdir) / "_static" / name).read_bytes()
        assert cached == (Path(stock.outdir) / "_static" / name).read_bytes(), name
        assert cached
