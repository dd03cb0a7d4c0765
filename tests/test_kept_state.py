"""The keyed JSON state the caches keep between builds (core/keptmaps.py): a round trip with
nested values, a damaged, foreign or wrongly shaped file read as nothing kept, and a file that
cannot be written leaving the build going; the same for the kept pickles (core/keptpickle.py).
No Sphinx build."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core import keptmaps, keptpickle

NESTED: dict[str, Any] = {
    "digest": "abc",
    "pages": {"index.html": [[1, 2, 3, 4], [["a", "b"], ["div"], [], ["x"]]]},
    "deep": {"one": {"two": {"three": None, "four": 4.5, "five": True}}},
    "text": "Qarabağ \ud800 \u00e9",
}


def test_a_nested_state_round_trips_in_ascii(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "state.json"
    assert keptmaps.write_state(path, NESTED)
    assert path.read_bytes().isascii()  # an unpaired surrogate is written escaped
    assert keptmaps.read_state(path) == NESTED
    assert keptmaps.read_state(path, stamp={"digest": "abc"}, fields={"pages": dict}) == NESTED
    assert not list(path.parent.glob(".*.tmp")), "no temporary file is left behind"


def test_an_unchanged_state_is_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert keptmaps.write_state(path, {"b": 1, "a": 2}, sort_keys=True)
    assert path.read_text(encoding="ascii") == '{"a":2,"b":1}'
    inode = path.stat().st_ino
    assert keptmaps.write_state(path, {"a": 2, "b": 1}, sort_keys=True)
    assert path.stat().st_ino == inode, "the same bytes: the file is left as it was"
    assert keptmaps.write_state(path, {"a": 3})
    assert path.stat().st_ino != inode and keptmaps.read_state(path) == {"a": 3}


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\xff\xfe{ not json",
        b'{"digest": "abc", "pages": {',
        b"[" * 100_000,
        b"[1, 2]",
        b'"a string"',
        b"null",
    ],
)
def test_a_damaged_or_foreign_file_reads_as_nothing_kept(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(damage)
    assert keptmaps.read_state(path) == {}
    assert keptmaps.read_shaped(path, dict) is None
    assert keptmaps.read_map(path, file_format=1, key="KEY", name="trees", limit=8) == {}


def test_a_missing_file_or_a_folder_reads_as_nothing_kept(tmp_path: Path) -> None:
    assert keptmaps.read_state(tmp_path / "missing.json") == {}
    assert keptmaps.read_state(tmp_path) == {}


def test_another_stamp_or_shape_reads_as_nothing_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(NESTED), encoding="utf-8")
    assert keptmaps.read_state(path, stamp={"digest": "other"}) == {}
    assert keptmaps.read_state(path, stamp={"format": 1}) == {}, "a stamp field missing"
    assert keptmaps.read_state(path, fields={"pages": list}) == {}
    assert keptmaps.read_state(path, fields={"missing": str}) == {}
    assert keptmaps.read_state(path, fields={"digest": str, "text": str}) == NESTED

    def pairs(state: dict[str, Any]) -> dict[str, tuple[int, int]]:
        return {name: (a, b) for name, (a, b) in state["deep"].items()}

    assert keptmaps.read_shaped(path, pairs) is None, "a shape error is not a traceback"
    assert keptmaps.read_shaped(path, lambda state: state["text"][:7]) == "Qarabağ"


def test_a_map_of_another_shape_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "trees.json"
    kept = {"a": "1", "b": "2"}
    assert keptmaps.write_map(path, kept, file_format=1, key="KEY", name="trees")
    assert keptmaps.read_map(path, file_format=1, key="KEY", name="trees", limit=2) == kept
    assert keptmaps.read_map(path, file_format=1, key="KEY", name="trees", limit=1) == {}
    assert keptmaps.read_map(path, file_format=2, key="KEY", name="trees", limit=2) == {}
    assert keptmaps.read_map(path, file_format=1, key="OTHER", name="trees", limit=2) == {}
    assert keptmaps.read_map(path, file_format=1, key="KEY", name="stems", limit=2) == {}
    for other in ({"a": 1}, ["a"], {"a": {"nested": "x"}}):
        keptmaps.write_state(path, {"format": 1, "key": "KEY", "trees": other})
        assert keptmaps.read_map(path, file_format=1, key="KEY", name="trees", limit=2) == {}


def test_an_unwritable_file_leaves_the_build_going(tmp_path: Path) -> None:
    # A regular file where the folder should be: no one can write there, root included.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n", encoding="utf-8")
    assert not keptmaps.write_state(blocker / "state.json", NESTED)
    assert not keptmaps.write_state(blocker / "deeper" / "state.json", NESTED)
    assert not keptmaps.write_map(blocker / "m.json", {}, file_format=1, key="K", name="m")
    # A folder where the file should be: it cannot be replaced by a file.
    taken = tmp_path / "taken.json"
    taken.mkdir()
    assert not keptmaps.write_state(taken, NESTED)
    assert taken.is_dir() and not list(tmp_path.glob(".*.tmp"))
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_a_state_json_cannot_hold_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert not keptmaps.write_state(path, {"path": Path("x")})
    assert not keptmaps.write_state(path, {"a": 1, 1: "mixed keys"}, sort_keys=True)
    assert not path.exists()


# -- kept pickles (core/keptpickle.py) ------------------------------------------------------------


def test_a_pickled_value_round_trips_under_its_stamp(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "kept.pickle"
    value = {"style": {("key", "label"): ["formatted", 1, None]}, "set": frozenset({2, 3})}
    assert keptpickle.save(path, "stamp 1", value)
    assert keptpickle.load(path, "stamp 1") == value
    assert keptpickle.load(path, "stamp 2") is None, "another stamp: nothing kept"
    assert not list(path.parent.glob(".*.tmp")), "no temporary file is left behind"


def test_a_damaged_or_foreign_pickle_reads_as_nothing_kept(tmp_path: Path) -> None:
    path = tmp_path / "kept.pickle"
    assert keptpickle.load(path, "stamp") is None, "no file"
    keptpickle.save(path, "stamp", list(range(1000)))
    data = path.read_bytes()
    foreign = [
        pickle.dumps({"stamp": "stamp"}),  # no value
        pickle.dumps({"stamp": "stamp", "value": b"x", "digest": "0"}),  # digest differs
        pickle.dumps(["stamp", data]),
        pickle.dumps({"version": 2, "entries": {}}),  # the formatting cache's old layout
    ]
    for damaged in [b"", b"not a pickle", data[: len(data) // 2], data[:-40] + b"x" * 40, *foreign]:
        path.write_bytes(damaged)
        assert keptpickle.load(path, "stamp") is None, damaged[:40]
    assert keptpickle.load(tmp_path, "stamp") is None, "a folder"


class Tripwire:
    """A class whose unpickling the outer layer of a kept pickle must never reach."""

    made = 0

    def __setstate__(self, state: object) -> None:
        Tripwire.made += 1


def test_the_outer_layer_of_a_foreign_file_makes_no_object(tmp_path: Path) -> None:
    # A file written by other code (an older layout holding its objects directly) is not
    # unpickled into those objects: the outer layer is read as plain data only.
    path = tmp_path / "kept.pickle"
    path.write_bytes(pickle.dumps({"stamp": "stamp", "entries": Tripwire()}))
    assert keptpickle.load(path, "stamp") is None
    assert Tripwire.made == 0


def test_an_unwritable_pickle_leaves_the_build_going(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n", encoding="utf-8")
    assert not keptpickle.save(blocker / "kept.pickle", "stamp", {"a": 1})
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"
