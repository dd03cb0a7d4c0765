"""``critical-edition diff OLD NEW``: two small claims.json fixtures (tests/data/claims-diff).

Between them: one claim added, one removed, one re-attributed whose status also changed, one
whose status alone changed, and one whose actor is written by an alias in the new file (the
same speaker: not re-attributed).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from critical_edition.cli import main as cli
from helpers import REPO

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

DATA = REPO / "tests" / "data" / "claims-diff"
OLD, NEW = str(DATA / "old.json"), str(DATA / "new.json")


def test_diff_lists_added_removed_reattributed_and_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["diff", OLD, NEW]) == cli.OK
    assert capsys.readouterr().out.splitlines() == [
        "claims: 4 -> 4; 1 added, 1 removed, 1 re-attributed, 2 with a changed status",
        "",
        "Added:",
        (
            "  + new-one (Example Ministry): The ministry denied that the bridge had been delayed "
            "by more than …"
        ),
        "",
        "Removed:",
        "  - gone (Example Daily): A claim the editors unmarked.",
        "",
        "Re-attributed:",
        "  ~ moved: Example Daily -> Example Ministry",
        "",
        "Status changed:",
        "  ~ kept: unsourced -> verified",
        "  ~ moved: unsourced -> contested",
    ]


def test_diff_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", OLD, NEW, "--json"]) == cli.OK
    assert json.loads(capsys.readouterr().out) == {
        "added": ["new-one"],
        "removed": ["gone"],
        "reattributed": [{"id": "moved", "old": ["Example Daily"], "new": ["Example Ministry"]}],
        "status_changed": [
            {"id": "kept", "old": "unsourced", "new": "verified"},
            {"id": "moved", "old": "unsourced", "new": "contested"},
        ],
    }


def test_same_file_has_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", OLD, OLD]) == cli.OK
    assert capsys.readouterr().out.splitlines() == [
        "claims: 4 -> 4; 0 added, 0 removed, 0 re-attributed, 0 with a changed status"
    ]


def test_unreadable_exports_fail_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert cli.main(["diff", str(broken), NEW]) == cli.FAILED
    assert f"critical-edition diff: {broken}: not JSON" in capsys.readouterr().err
    other = tmp_path / "object.json"
    other.write_text('{"id": "x"}', encoding="utf-8")
    assert cli.main(["diff", OLD, str(other)]) == cli.FAILED
    assert "a claims export is a JSON array of claims" in capsys.readouterr().err
    assert cli.main(["diff", OLD, str(tmp_path / "missing.json")]) == cli.FAILED
    assert "missing.json: cannot read the file" in capsys.readouterr().err
    items = tmp_path / "items.json"
    items.write_text('[{"text": "no id"}]', encoding="utf-8")
    assert cli.main(["diff", str(items), NEW]) == cli.FAILED
    assert "item 1 is not a claim with an id" in capsys.readouterr().err


def test_citation_file_matches_the_edition() -> None:
    """CITATION.cff names the edition's version and the essay as docs/conf.py gives them."""
    import yaml
    from helpers import edition_conf

    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    conf = edition_conf()
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == conf["release"]
    assert citation["title"] == conf["project"]
    essay = citation["references"][0]
    paper = conf["paper"]
    assert essay["title"] == paper["title"]
    assert essay["doi"] == paper["doi"]
    assert str(essay["date-published"]) == paper["date"]
    assert [f"{a['given-names']} {a['family-names']}" for a in essay["authors"]] == paper["authors"]
