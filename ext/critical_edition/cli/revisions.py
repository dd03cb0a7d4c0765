"""Command line: the claims export of a git revision, built from that revision's own sources.

``critical-edition diff --git OLD NEW`` compares two revisions of an edition kept in git: each
is extracted with ``git archive`` into a temporary folder (the working tree and the repository
are not touched) and built with the HTML builder, using the toolkit of that revision when it
has one in ``ext/`` (else the installed one); the build's ``claims.json`` is the export.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class RevisionError(Exception):
    """A revision whose claims cannot be exported; the message says which and why."""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def resolve(repo: Path, revision: str) -> str:
    """The commit *revision* names in *repo* (``v1.0``, ``HEAD~2``, a hash).

    :raises RevisionError: when git is missing, *repo* is no repository, or nothing matches.
    """
    if not revision or revision.startswith("-"):
        raise RevisionError(f"{revision!r} is not a git revision (a tag, branch or commit)")
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise RevisionError(f"cannot run git ({error.strerror})") from error
    if result.returncode != 0:
        raise RevisionError(
            f"{revision!r} is not a commit of the git repository at {repo} "
            "(name a tag, a branch or a commit; --repo names another repository)"
        )
    return result.stdout.strip()


def extract(repo: Path, commit: str, dest: Path) -> None:
    """Write the files of *commit* into *dest* (``git archive``; symbolic links are refused)."""
    result = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = _last_line(result.stderr.decode("utf-8", "replace"))
        raise RevisionError(f"{commit[:12]}: git archive failed ({message})")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(dest, filter="data")


def build_export(tree: Path, docs: str, export: str, label: str) -> Path:
    """Build the documentation folder *docs* of an extracted *tree*; return its claims export."""
    srcdir = tree / docs
    if not (srcdir / "conf.py").is_file():
        raise RevisionError(
            f"{label}: no {docs}/conf.py in that revision; name the documentation folder "
            "with --docs"
        )
    environment = dict(os.environ)
    if (tree / "ext").is_dir():
        # The revision's own toolkit, so that its markup is read as it was meant.
        paths = [str(tree / "ext"), environment.get("PYTHONPATH", "")]
        environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    outdir = tree / "_build" / "html"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q"]
    command += ["-d", str(tree / "_build" / "doctrees"), str(srcdir), str(outdir)]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise RevisionError(
            f"{label}: the build of {docs}/ failed (exit status {result.returncode}): "
            f"{_last_line(result.stderr)}"
        )
    path = outdir / export
    if not path.is_file():
        raise RevisionError(
            f"{label}: the build wrote no {export} (is edition_claims_json empty in that "
            "revision? name the file with --export)"
        )
    return path


def export_of(repo: Path, revision: str, docs: str, export: str, workdir: Path) -> Path:
    """The claims export of *revision*, built in a folder of *workdir*."""
    commit = resolve(repo, revision)
    tree = workdir / commit
    if not tree.exists():
        extract(repo, commit, tree)
    built = tree / "_build" / "html" / export
    if built.is_file():  # OLD and NEW are the same commit: built once
        return built
    return build_export(tree, docs, export, revision)
