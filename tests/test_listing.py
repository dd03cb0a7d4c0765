"""The output listing (critical_edition.core.listing) lists what ``Path.rglob`` lists."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from critical_edition.core.listing import (
    file_key,
    files_with_suffixes,
    named_files_with_suffixes,
    stat_key,
    suffix,
)


def _rglob(root: Path, suffixes: frozenset[str]) -> list[Path]:
    """The listing the stylesheet pruning and the pages' slimming made before."""
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file())


def test_the_listing_is_rglobs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in (
        "index.html",
        "B.html",
        "a/page.html",
        "a/b/deep.html",
        "a-b/page.html",
        "_static/furo.js",
        "_static/styles/furo.css",
        "_static/fonts/font.woff2",
        "_sources/index.md.txt",
        "_sources/page.html.txt",
        "archive.tar.gz",
        "noext",
    ):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
    (out / "folder.html").mkdir()  # a folder, not a page
    (out / "linked").symlink_to(out / "a", target_is_directory=True)  # not followed
    (out / "link.html").symlink_to(out / "index.html")  # a link to a file is a file
    (out / "broken.html").symlink_to(out / "missing.html")
    for suffixes in (
        frozenset({".html"}),
        frozenset({".html", ".js", ".css"}),
        frozenset({".gz", ".txt"}),
        frozenset({""}),
    ):
        assert files_with_suffixes(out, suffixes) == _rglob(out, suffixes), suffixes
        named = named_files_with_suffixes(out, suffixes)
        assert named == [(p.relative_to(out).as_posix(), p) for p in _rglob(out, suffixes)]
    every = sorted(p for p in out.rglob("*") if p.is_file())
    assert named_files_with_suffixes(out, None) == [
        (p.relative_to(out).as_posix(), p) for p in every
    ]
    assert out / "link.html" in files_with_suffixes(out, frozenset({".html"}))
    # A file's status in one call: none for a folder, a missing file or a broken link.
    for path in (out / "index.html", out / "link.html", out / "folder.html", out / "broken.html"):
        assert file_key(path) == (stat_key(path) if path.is_file() else None), path
    assert file_key(out / "missing.html") is None
    assert files_with_suffixes(tmp_path / "missing", frozenset({".html"})) == []


@pytest.mark.parametrize(
    "name", ["a.html", "a.b.html", ".html", "a.", "noext", ".", "..", "a..b", "x.tar.gz", ""]
)
def test_the_suffix_is_paths(name: str) -> None:
    assert suffix(name) == (PurePosixPath(name).suffix if name else "")
