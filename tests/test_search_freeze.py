"""The search index's objects kept between builds, and its pruning by set
(outputs/searchfreeze.py): ``searchindex.js`` is the same to the byte with and without them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.outputs import searchfreeze
from helpers import build, edit, warnings_of
from sphinx.search import IndexBuilder, js_index

INDEX = "searchindex.js"


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item for each time an indexer walks the domains' objects from now on."""
    walked: list[int] = []
    original = IndexBuilder.get_objects

    def counting(self: IndexBuilder, fn2index: dict[str, int]) -> Any:
        walked.append(1)
        return original(self, fn2index)

    monkeypatch.setattr(IndexBuilder, "get_objects", counting)
    return walked


def _state(app: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (Path(app.doctreedir) / searchfreeze.FILE_NAME).read_text(encoding="utf-8")
    )
    return data


def _both(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, bool]:
    """*srcdir* built incrementally with the shortcuts and without; the index the first wrote
    (asserted equal to the second's), and whether it walked the objects."""
    walked = _walks(monkeypatch)
    kept = build(make_app, srcdir, tmp_path / "kept")
    walks = bool(walked)
    monkeypatch.setenv(searchfreeze.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock")
    monkeypatch.delenv(searchfreeze.SWITCH)
    assert warnings_of(kept) == warnings_of(stock) == []
    assert not (Path(stock.doctreedir) / searchfreeze.FILE_NAME).exists()
    index = (kept.outdir / INDEX).read_bytes()
    assert index == (stock.outdir / INDEX).read_bytes()
    return index, walks


def test_kept_objects_give_the_same_index(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    build(make_app, srcdir, tmp_path / "kept", freshenv=True)
    monkeypatch.setenv(searchfreeze.SWITCH, "0")
    build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    monkeypatch.delenv(searchfreeze.SWITCH)
    # The first incremental build settles the object types the environment knows.
    _both(make_app, srcdir, tmp_path, monkeypatch)

    # No edit, then a prose edit: the objects are the last build's.
    first, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert not walks
    edit(srcdir / "index.md", "Later,", "Some weeks later,")
    index, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert not walks and index != first

    # A page's title is not an object: the objects are kept, the title is new.
    edit(srcdir / "index.md", "# Claims", "# Claims and counterclaims")
    index, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert not walks and b"Claims and counterclaims" in index

    # A new claim, a speaker's new name: the objects are walked again.
    page = srcdir / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n{claim}`the mediators were late <actor=lavrov; verb=said; id=late>`.\n",
        encoding="utf-8",
    )
    index, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert walks and b"claim-late" in index
    edit(srcdir / "register.md", ":name: Sergey Lavrov", ":name: Sergej Lavrov")
    index, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert walks and b"Sergej Lavrov" in index and b"Sergey Lavrov" not in index
    # ... and kept at the next build.
    _index, walks = _both(make_app, srcdir, tmp_path, monkeypatch)
    assert not walks


def test_an_index_changed_since_is_not_taken_from(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    path = first.outdir / INDEX
    written = path.read_bytes()
    path.write_bytes(written.replace(b"Sergey Lavrov", b"Someone Else"))
    walked = _walks(monkeypatch)
    second = build(make_app, srcdir, tmp_path / "out")
    assert walked and warnings_of(second) == []
    assert path.read_bytes() == written

    # Another Sphinx release: the objects are walked again.
    walked.clear()
    installed = searchfreeze.versions.installed_version

    def released(name: str) -> str | None:
        return "9.0.99" if name == "sphinx" else installed(name)

    key = _state(second)["key"]
    monkeypatch.setattr(searchfreeze.versions, "installed_version", released)
    third = build(make_app, srcdir, tmp_path / "out")
    assert walked and _state(third)["key"] != key
    assert path.read_bytes() == written


def test_objects_that_cannot_be_digested_are_walked(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    written = (first.outdir / INDEX).read_bytes()
    state = Path(first.doctreedir) / searchfreeze.FILE_NAME
    state.unlink()

    def unpicklable(objects: list[Any]) -> bytes:
        raise TypeError(objects)

    monkeypatch.setattr(searchfreeze, "_objects_bytes", unpicklable)
    walked = _walks(monkeypatch)
    second = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert walked and warnings_of(second) == []
    assert (second.outdir / INDEX).read_bytes() == written
    assert not state.exists()


def test_the_parallel_build_writes_the_serial_index(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    for fresh in (True, False, False):
        parallel = build(make_app, srcdir, tmp_path / "parallel", freshenv=fresh, parallel=2)
        monkeypatch.setenv(searchfreeze.SWITCH, "0")
        serial = build(make_app, srcdir, tmp_path / "serial", freshenv=fresh)
        monkeypatch.delenv(searchfreeze.SWITCH)
        assert warnings_of(parallel) == warnings_of(serial) == []
        assert (parallel.outdir / INDEX).read_bytes() == (serial.outdir / INDEX).read_bytes()
        if fresh:
            edit(srcdir / "index.md", "Later,", "Then,")


def test_the_format_writes_what_sphinx_writes(tmp_path: Path) -> None:
    data = {
        "titles": ["Ä & <b>", None],
        "objects": {"": [[0, 1, 2, "-", "x"]], "a.b": [[1, 0, 1, "", "é"]]},
        "objnames": {10: ["ed", "claim", "Claim"], 2: ["ed", "actor", "Actor"]},
        "objtypes": {10: "ed:claim", 2: "ed:actor"},
        "alltitles": {},
        "docnames": ("a", "b"),
        "terms": {"z": 1, "y": [0, 1]},
    }
    index_format = searchfreeze.KeptObjectsIndex(tmp_path / "state.json", {})
    index_format.key = "key"
    text = index_format.dumps(data)
    assert text == js_index.dumps(data)
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert state["file"] == searchfreeze.file_digest(text)
    objects = text[state["start"] : state["end"]]
    assert json.loads(objects) == data["objects"]
    # The same text again, from the part set aside.
    again = searchfreeze.KeptObjectsIndex(tmp_path / "state.json", {"sphinx": 0})
    assert again.loads(text)["objects"] == {}
    assert again.previous is None  # another environment's version
    data["envversion"] = {"sphinx": 1}
    text = index_format.dumps(data)
    again = searchfreeze.KeptObjectsIndex(tmp_path / "state.json", {"sphinx": 1})
    frozen = again.loads(text)
    assert again.previous is not None and again.previous.text == objects
    assert again.previous.objnames == {10: ("ed", "claim", "Claim"), 2: ("ed", "actor", "Actor")}
    assert frozen["terms"] == data["terms"]
    assert again.dumps({**data, "objects": searchfreeze.FrozenText(objects)}) == text


def test_documents_prune_as_the_dict_did() -> None:
    docs = searchfreeze.Documents({"b": None, "a": None, "c": None})
    assert list(docs) == ["b", "a", "c"] and docs == {"a", "b", "c"}
    words = {"x", "a", "c"}
    words.intersection_update(docs)
    assert words == {"a", "c"}
