"""Outputs written a piece at a time: claims.json's records, the atomic chunked update, and the
page rewrites on bytes (outputs/claims_json.py, core/atomic.py, writers/page_markup.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core import atomic
from critical_edition.outputs.claims_json import json_array
from critical_edition.writers.page_markup import slim, slim_bytes

RECORDS: list[list[dict[str, Any]]] = [
    [],
    [{}],
    [{"text": "Armenia’s “word” — here", "links": {"a": [], "b": ["x"]}, "note": None}],
    [{"z": 1, "a": [1, {"n": {}}]}, {"b": "two\nlines in one string"}, {}],
]


@pytest.mark.parametrize("records", RECORDS)
def test_the_streamed_array_is_the_dumped_one(records: list[dict[str, Any]]) -> None:
    whole = json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert b"".join(json_array(iter(records))) == whole.encode("utf-8")


def test_a_chunked_update_writes_only_different_bytes(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert atomic.update_chunks(target, [b"ab", b"c"])  # no file yet
    assert target.read_bytes() == b"abc"
    mtime = target.stat().st_mtime_ns
    assert not atomic.update_chunks(target, [b"a", b"bc"])  # same bytes, other cuts
    assert target.stat().st_mtime_ns == mtime
    assert atomic.update_chunks(target, [b"ab"])  # shorter
    assert target.read_bytes() == b"ab"
    assert atomic.update_chunks(target, [b"ab", b"cd"])  # longer
    assert target.read_bytes() == b"abcd"
    assert atomic.update_chunks(target, [b"xbcd"])  # same length, other bytes
    assert target.read_bytes() == b"xbcd"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary left


def test_a_failed_chunked_update_leaves_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def chunks() -> Any:
        yield b"new"
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        atomic.update_chunks(target, chunks())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_the_rewrites_on_bytes_match_those_on_text() -> None:
    page = (
        "<html>\n  <head><style>body { --color-code-background: #fff; }</style>\n"
        "  </head>\n  <body>\n    <p>“Quoted” — with\u00a0a non-breaking space</p>\n"
        '    <svg style="display: none;">\n'
        '      <symbol id="svg-x" viewBox="0 0 1 1"><path d="M0 0"/></symbol>\n'
        "    </svg>\n  </body>\n</html>\n"
    )
    slimmer = slim_bytes(page.encode("utf-8"))
    assert slimmer == slim(page).encode("utf-8")
    assert "svg-x" not in slimmer.decode("utf-8") and "\n  <" not in slimmer.decode("utf-8")
    assert "“Quoted” — with\u00a0a" in slimmer.decode("utf-8")
