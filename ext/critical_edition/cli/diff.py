"""Command line: ``critical-edition diff OLD NEW`` compares two ``claims.json`` exports.

It lists the claims added, removed, re-attributed (their speakers changed) and whose editorial
status changed, matching claims by id. With ``--git`` OLD and NEW are git revisions, each built
into a temporary folder for its export (:mod:`.revisions`). ``--json`` prints the same as one
JSON object, ``--markdown`` as a changelog section for a MyST page. Exit status: 0 when the
comparison ran (whether or not the files differ), 2 when a file cannot be read as a claims
export or a revision cannot be built.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critical_edition.cli.revisions import RevisionError, export_of

#: Exit statuses (as ``critical-edition check``'s).
OK, FAILED = 0, 2


class ExportError(Exception):
    """A file that is not a claims export; the message says which and why."""


@dataclass
class ClaimsDiff:
    """What changed between two exports, each list in the new (or, if removed, old) order."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    #: ``(claim in the new export, old speakers, new speakers)``.
    reattributed: list[tuple[dict[str, Any], list[str], list[str]]] = field(default_factory=list)
    #: ``(claim in the new export, old status, new status)``.
    status_changed: list[tuple[dict[str, Any], str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reattributed or self.status_changed)


def read_export(path: Path) -> dict[str, dict[str, Any]]:
    """Claim id -> claim of a ``claims.json`` file, in its order."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ExportError(f"{path}: cannot read the file ({error.strerror})") from error
    except ValueError as error:
        raise ExportError(f"{path}: not JSON ({error})") from error
    if not isinstance(data, list):
        raise ExportError(f"{path}: a claims export is a JSON array of claims")
    claims: dict[str, dict[str, Any]] = {}
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ExportError(f"{path}: item {position} is not a claim with an id")
        claims[item["id"]] = item
    return claims


def _speakers(claim: dict[str, Any]) -> list[str]:
    """The claim's speakers by their register names (an alias and its id are one speaker)."""
    return [str(name) for name in claim.get("actors") or claim.get("actor_ids") or []]


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> ClaimsDiff:
    """The changes from *old* to *new* (both as :func:`read_export` returns them)."""
    diff = ClaimsDiff()
    diff.removed = [claim for claim_id, claim in old.items() if claim_id not in new]
    for claim_id, claim in new.items():
        before = old.get(claim_id)
        if before is None:
            diff.added.append(claim)
            continue
        speakers_before, speakers_after = _speakers(before), _speakers(claim)
        if speakers_before != speakers_after:
            diff.reattributed.append((claim, speakers_before, speakers_after))
        if before.get("status") != claim.get("status"):
            diff.status_changed.append((claim, str(before.get("status")), str(claim.get("status"))))
    return diff


def _line(claim: dict[str, Any]) -> str:
    """One claim in a line: id, speakers and the start of its text."""
    words = str(claim.get("text", "")).split()
    text = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    return f"{claim['id']} ({', '.join(_speakers(claim))}): {text}"


def as_text(diff: ClaimsDiff, old_count: int, new_count: int) -> str:
    """The report printed by default."""
    summary = (
        f"claims: {old_count} -> {new_count}; {len(diff.added)} added, {len(diff.removed)} "
        f"removed, {len(diff.reattributed)} re-attributed, {len(diff.status_changed)} with "
        "a changed status"
    )
    lines = [summary]
    sections = [
        ("Added", [f"+ {_line(c)}" for c in diff.added]),
        ("Removed", [f"- {_line(c)}" for c in diff.removed]),
        (
            "Re-attributed",
            [f"~ {c['id']}: {', '.join(o)} -> {', '.join(n)}" for c, o, n in diff.reattributed],
        ),
        ("Status changed", [f"~ {c['id']}: {o} -> {n}" for c, o, n in diff.status_changed]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}:", *(f"  {item}" for item in items)]
    return "\n".join(lines)


def as_json(diff: ClaimsDiff) -> dict[str, Any]:
    """The report printed with ``--json``."""
    return {
        "added": [c["id"] for c in diff.added],
        "removed": [c["id"] for c in diff.removed],
        "reattributed": [{"id": c["id"], "old": o, "new": n} for c, o, n in diff.reattributed],
        "status_changed": [{"id": c["id"], "old": o, "new": n} for c, o, n in diff.status_changed],
    }


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^])")


def _md(text: object) -> str:
    """*text* as literal Markdown (MyST): one line, every ASCII punctuation mark escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def as_markdown(diff: ClaimsDiff, old_count: int, new_count: int) -> str:
    """The report as a changelog section: a summary line, then one list per kind of change."""
    summary = (
        f"Claims: {old_count} before, {new_count} after; {len(diff.added)} added, "
        f"{len(diff.removed)} removed, {len(diff.reattributed)} re-attributed, "
        f"{len(diff.status_changed)} with a changed status."
    )
    lines = [summary]
    sections = [
        ("Claims added", [_md(_line(c)) for c in diff.added]),
        ("Claims removed", [_md(_line(c)) for c in diff.removed]),
        (
            "Claims re-attributed",
            [
                f"{_md(c['id'])}: {_md(', '.join(o))} \u2192 {_md(', '.join(n))}"
                for c, o, n in diff.reattributed
            ],
        ),
        (
            "Statuses changed",
            [f"{_md(c['id'])}: {_md(o)} \u2192 {_md(n)}" for c, o, n in diff.status_changed],
        ),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *(f"- {item}" for item in items)]
    return "\n".join(lines)


def _read_both(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    if not args.git:
        return read_export(Path(args.old)), read_export(Path(args.new))
    repo = Path(args.repo)
    with tempfile.TemporaryDirectory(prefix="critical-edition-diff-") as workdir:
        exports = [
            export_of(repo, revision, args.docs, args.export, Path(workdir))
            for revision in (args.old, args.new)
        ]
        return read_export(exports[0]), read_export(exports[1])


def run_diff(args: argparse.Namespace) -> int:
    """Compare the two exports and print what changed; return the exit status."""
    try:
        old, new = _read_both(args)
    except (ExportError, RevisionError) as error:
        print(f"critical-edition diff: {error}", file=sys.stderr)
        return FAILED
    diff = compare(old, new)
    if args.json:
        print(json.dumps(as_json(diff), ensure_ascii=False, indent=2, sort_keys=True))
    elif args.markdown:
        print(as_markdown(diff, len(old), len(new)))
    else:
        print(as_text(diff, len(old), len(new)))
    return OK


def add_subcommand(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``diff`` to the ``critical-edition`` command line."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two claims.json exports",
        description="List the claims added, removed, re-attributed and with a changed status "
        "between two claims.json files, or two git revisions of the edition (claims are "
        "matched by id). Exit status: 0 compared, 2 a file is no claims export or a revision "
        "cannot be built.",
    )
    parser.add_argument("old", help="the earlier claims.json (with --git: revision)")
    parser.add_argument("new", help="the later claims.json (with --git: revision)")
    parser.add_argument(
        "--git",
        action="store_true",
        help="OLD and NEW are git revisions (tags, branches, commits): each is extracted into a "
        "temporary folder and its documentation built for its claims.json",
    )
    parser.add_argument("--repo", default=".", help="with --git: the repository (default: .)")
    parser.add_argument(
        "--docs", default="docs", help="with --git: the documentation folder (default: docs)"
    )
    parser.add_argument(
        "--export",
        default="claims.json",
        help="with --git: the export's name in the HTML output (default: claims.json)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the changes as JSON")
    output.add_argument(
        "--markdown", action="store_true", help="print the changes as a changelog section"
    )
    parser.set_defaults(run=run_diff)
