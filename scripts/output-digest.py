#!/usr/bin/env python3
"""Build the edition's HTML and LaTeX from scratch and print a digest of every output file.

Used to show that a change of the toolkit's code that should not change its output (a move of
modules, a refactoring) leaves the edition byte-identical:

    python scripts/output-digest.py > before.txt
    ... change the code ...
    python scripts/output-digest.py > after.txt
    diff before.txt after.txt        # empty: HTML, LaTeX and claims.json are byte-identical

Each line is ``<sha256>  <builder>/<path>``. Files that record the build itself rather than the
edition (Sphinx's ``.buildinfo``, the pickled environment and doctrees) are left out.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_NAMES = {".buildinfo", ".buildinfo.bak"}
SKIPPED_SUFFIXES = {".pickle", ".doctree"}
ENV_VERSIONS = re.compile(rb'"envversion":\{[^}]*\}')


def build(builder: str, docs: Path, out: Path) -> None:
    """Run one strict, fresh build of *docs* into *out*."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="0")
    command = [sys.executable, "-m", "sphinx", "-E", "-q", "-n", "-W", "-b", builder]
    command += ["-d", str(out / ".doctrees"), str(docs), str(out / builder)]
    subprocess.run(command, check=True, env=env)


def digests(out: Path) -> list[str]:
    """``<sha256>  <relative path>`` for every output file under *out*, sorted."""
    lines = []
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name in SKIPPED_NAMES or path.suffix in SKIPPED_SUFFIXES:
            continue
        if ".doctrees" in path.relative_to(out).parts:
            continue
        data = path.read_bytes()
        if path.name == "searchindex.js":
            # The extensions' environment versions are recorded there; they change on purpose.
            data = ENV_VERSIONS.sub(b'"envversion":{}', data)
        digest = hashlib.sha256(data).hexdigest()
        lines.append(f"{digest}  {path.relative_to(out).as_posix()}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--builders", default="html,latex")
    parser.add_argument("--keep", type=Path, help="build here and keep the output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        for builder in args.builders.split(","):
            build(builder, args.docs, out)
        print("\n".join(digests(out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
