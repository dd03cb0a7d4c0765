"""Quick-start (command line, before any build): ``critical-edition new DIR`` writes a new edition.

The skeleton is a complete, strictly building edition: ``conf.py`` with the toolkit enabled, an
index page, a text page with one claim, one citation and one footnote, an actor register, a
claim index, a bibliography page with its ``refs.bib``, a Makefile (``html``, ``check``,
``pdf``, ``epub``) and a short README. The files are rendered from the package's templates in
``templates/quickstart/`` (``NAME.tmpl`` becomes ``NAME``), whose only placeholders are
``{{ name }}`` fields filled from :func:`fields`. A non-empty directory is refused unless
``--force`` is given.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from critical_edition.core import atomic

#: Where the skeleton's templates live (package data).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "quickstart"

#: Exit statuses (as in cli.py).
OK, FAILED = 0, 2

_PLACEHOLDER = re.compile(r"\{\{ ([a-z_]+) \}\}")


@dataclass(frozen=True)
class SkeletonFile:
    """One file of the skeleton: its template, where it goes, and what it is for."""

    template: str
    target: str
    purpose: str


#: The skeleton, in the order it is listed to the user.
SKELETON = (
    SkeletonFile("conf.py.tmpl", "conf.py", 'configuration: extensions = ["critical_edition"]'),
    SkeletonFile("index.md.tmpl", "index.md", "front page and tables of contents"),
    SkeletonFile("text.md.tmpl", "text.md", "the text: one claim, one citation, one footnote"),
    SkeletonFile("actors.md.tmpl", "actors.md", "actor register"),
    SkeletonFile("claims.md.tmpl", "claims.md", "claim index"),
    SkeletonFile("bibliography.md.tmpl", "bibliography.md", "bibliography page"),
    SkeletonFile("refs.bib.tmpl", "refs.bib", "the bibliography's entries"),
    SkeletonFile("Makefile.tmpl", "Makefile", "make html, make check, make pdf, make epub"),
    SkeletonFile("README.md.tmpl", "README.md", "how to build (not part of the edition)"),
    SkeletonFile("gitignore.tmpl", ".gitignore", "keeps _build/ out of version control"),
)


def fields(title: str, author: str, year: int) -> dict[str, str]:
    """The values of the templates' placeholders.

    ``*_py`` fields are Python string literals (for ``conf.py``); the others are plain text.
    """
    copyright_text = f"{year}, {author}"
    return {
        "title": title,
        "title_py": _py_string(title),
        "author": author,
        "author_py": _py_string(author),
        "copyright_py": _py_string(copyright_text),
        "year": str(year),
    }


def _py_string(text: str) -> str:
    """A Python string literal for *text*, with double quotes where possible (ruff's style)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return repr(text)


def render(template: str, values: dict[str, str]) -> str:
    """Fill the ``{{ name }}`` placeholders of *template*.

    :raises KeyError: when the template names a field that *values* lacks.
    """
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def write_skeleton(
    directory: Path, values: dict[str, str], *, force: bool = False
) -> list[tuple[SkeletonFile, bool]]:
    """Write the skeleton into *directory* (created if missing).

    :param force: write into a non-empty directory, replacing the skeleton's files there.
    :returns: each file written, with whether it replaced an existing file.
    :raises FileExistsError: when *directory* is not empty and *force* is false, or is a file.
    """
    if directory.exists() and not directory.is_dir():
        raise FileExistsError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise FileExistsError(
            f"{directory} is not empty; choose a new directory, or pass --force to write the "
            "skeleton's files into it (replacing files of the same names)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    written: list[tuple[SkeletonFile, bool]] = []
    for item in SKELETON:
        text = render((TEMPLATES / item.template).read_text(encoding="utf-8"), values)
        target = directory / item.target
        replaced = target.exists()
        atomic.write_text(target, text)
        written.append((item, replaced))
    return written


def add_subcommand(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``new`` to the ``critical-edition`` command line (cli.py)."""
    parser = subparsers.add_parser(
        "new",
        help="write a new edition that builds strictly at once",
        description="Write the skeleton of a new critical edition into DIR: conf.py, an index "
        "page, a text page with one claim, one citation and one footnote, an actor register, "
        "a claim index, a bibliography with its refs.bib, a Makefile and a README. Exit "
        "status: 0 written, 2 refused or failed.",
    )
    parser.add_argument("directory", metavar="DIR", type=Path, help="where to write the edition")
    parser.add_argument(
        "--title", default="A critical edition", help="the edition's title (project in conf.py)"
    )
    parser.add_argument(
        "--author", default="The editors", help="the edition's editors (author in conf.py)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty directory, replacing files of the same names",
    )
    parser.set_defaults(run=run_new)


def run_new(args: argparse.Namespace) -> int:
    """Write the skeleton, list what was written and the next commands; return the status."""
    directory = Path(args.directory)
    values = fields(args.title, args.author, datetime.now(UTC).year)
    try:
        written = write_skeleton(directory, values, force=args.force)
    except (FileExistsError, OSError) as error:
        print(f"critical-edition new: {error}", file=sys.stderr)
        return FAILED
    print(f"Wrote a new edition in {directory}:")
    width = max(len(item.target) for item, _ in written)
    for item, replaced in written:
        note = " (replaced)" if replaced else ""
        print(f"  {item.target:<{width}}  {item.purpose}{note}")
    print()
    print("Next:")
    print(f"  cd {shlex.quote(str(directory))}")
    print("  make html     # build strictly; open _build/html/index.html")
    print("  make check    # strict build plus the integrity report")
    print("  make pdf      # the PDF, with XeLaTeX")
    print("(Outside the toolkit's environment: make html PYTHON=path/to/its/python)")
    return OK
