"""Quick-start (command line, before any build): ``critical-edition new DIR`` writes a new edition.

The skeleton is a complete, strictly building edition: ``conf.py`` with the toolkit enabled, an
index page, a text page with one example of each mark (claim, citation, footnote, emendation,
editorial note, person, place, date), the apparatus, the actor register, the registers of
persons and places, the chronology, a claim index, a bibliography page with its ``refs.bib``,
a Makefile and a short README. The files are rendered from the package's templates in
``templates/quickstart/`` (``NAME.tmpl`` becomes ``NAME``), whose only placeholders are
``{{ name }}`` fields filled from :func:`fields`. A non-empty directory is refused unless
``--force`` is given.

The Makefile needs nothing activated: its ``PYTHON`` is the interpreter that ran ``new``
(:func:`interpreter`); when that one is gone or cannot import the toolkit, the Makefile makes
its own ``.venv`` and installs the toolkit there, as :func:`toolkit_requirement` names it.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from critical_edition.core import atomic

#: Where the skeleton's templates live (package data).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "quickstart"

#: Exit statuses (as in cli.py).
OK, FAILED = 0, 2

_PLACEHOLDER = re.compile(r"\{\{ ([a-z_]+) \}\}")

#: The toolkit's distribution, as pip knows it.
DISTRIBUTION = "sphinx-critical-edition"

#: Characters a Makefile value cannot hold when the recipes put it between double quotes: make
#: reads ``$`` and ``#``, the shell ``"``, ``$``, ``\``, and the backquote.
_UNSAFE_IN_MAKEFILE = frozenset('"$`\\#\n\r')


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
    SkeletonFile("text.md.tmpl", "text.md", "the text: one example of each mark"),
    SkeletonFile("apparatus.md.tmpl", "apparatus.md", "emendations and editorial notes"),
    SkeletonFile("claims.md.tmpl", "claims.md", "claim index"),
    SkeletonFile("actors.md.tmpl", "actors.md", "actor register"),
    SkeletonFile("persons.md.tmpl", "persons.md", "register of persons and organisations"),
    SkeletonFile("places.md.tmpl", "places.md", "register of places"),
    SkeletonFile("chronology.md.tmpl", "chronology.md", "chronology of the dated events"),
    SkeletonFile("bibliography.md.tmpl", "bibliography.md", "bibliography page"),
    SkeletonFile("refs.bib.tmpl", "refs.bib", "the bibliography's entries"),
    SkeletonFile("Makefile.tmpl", "Makefile", "make html, check, pdf, epub, tei, linkcheck, serve"),
    SkeletonFile("README.md.tmpl", "README.md", "how to build (not part of the edition)"),
    SkeletonFile("gitignore.tmpl", ".gitignore", "keeps _build/ and .venv/ out of version control"),
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
        "python_make": interpreter(),
        "toolkit_make": toolkit_requirement(),
    }


def _makefile_safe(value: str) -> bool:
    return bool(value) and not _UNSAFE_IN_MAKEFILE.intersection(value)


def interpreter() -> str:
    """The Makefile's default ``PYTHON``: the interpreter running this command, by its path.

    The path is kept as it is, not resolved, so that a virtual environment's ``python`` stays
    the environment's. A path the Makefile cannot quote (see ``_UNSAFE_IN_MAKEFILE``) gives
    ``python3``, found on the ``PATH``.
    """
    return sys.executable if _makefile_safe(sys.executable) else "python3"


def toolkit_requirement() -> str:
    """What the Makefile's own ``.venv`` installs: this toolkit, from where it was installed.

    The installed distribution's ``direct_url.json`` (PEP 610) gives its origin: a folder or
    an archive (``name[serve] @ URL``) or a version-control checkout
    (``name[serve] @ VCS+URL@COMMIT``). Without one (installed from an index), the same version
    from the index. The ``serve`` extra brings sphinx-autobuild for ``make serve``.
    """
    wanted = f"{DISTRIBUTION}[serve]"
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return wanted
    requirement = f"{wanted}=={distribution.version}"
    try:
        origin = json.loads(distribution.read_text("direct_url.json") or "null")
    except json.JSONDecodeError:
        origin = None
    if isinstance(origin, dict) and isinstance(origin.get("url"), str):
        url = origin["url"]
        vcs = origin.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
            url = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
        requirement = f"{wanted} @ {url}"
    return requirement if _makefile_safe(requirement) else wanted


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
        "page, a text page with one example of each mark, the apparatus, the actor register, "
        "the registers of persons and places, the chronology, a claim index, a bibliography "
        "with its refs.bib, a Makefile (using this Python, or a .venv of its own when this "
        "one is gone) and a README. Exit status: 0 written, 2 refused or failed.",
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
    print("  make help     # every command, and which Python runs them")
    print(f"(The Makefile runs {values['python_make']}; make html PYTHON=... uses another.)")
    return OK
