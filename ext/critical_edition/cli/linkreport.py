"""Command line: ``critical-edition linkreport [OUTDIR]`` rewrites the link report of an earlier run.

With ``--urldate BIB...`` it lists the entries that lack ``urldate``. Also runnable as
``python -m critical_edition.cli.linkreport``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from critical_edition.linkcheck.biblinks import Place, read_bib_links
from critical_edition.linkcheck.report import build_report, write_reports

if TYPE_CHECKING:
    from collections.abc import Sequence


# --- command line -----------------------------------------------------------------------------


_DESCRIPTION = (
    "Rewrite the link report (linkreport.txt, linkreport.json) from a linkcheck output "
    "directory and exit with its status: 0 every link verified, 1 broken links, 3 only "
    "unverified (unreachable or timed-out) links. With --urldate, list the .bib entries that "
    "have a url but no urldate instead (exit 1 if any)."
)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir",
        nargs="?",
        type=Path,
        default=Path("docs/_build/linkcheck"),
        help="the linkcheck output directory (default: docs/_build/linkcheck)",
    )
    parser.add_argument("--urldate", nargs="+", type=Path, metavar="BIB", help=".bib files")
    parser.set_defaults(run=run)


def add_subcommand(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``linkreport`` to the ``critical-edition`` command line (cli.py)."""
    parser = subparsers.add_parser(
        "linkreport", help="rewrite the link report of make linkcheck", description=_DESCRIPTION
    )
    _add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Rewrite the report (or vet .bib files) as the parsed arguments say; return the status."""
    if args.urldate:
        missing: list[Place] = []
        for path in args.urldate:
            _, found = read_bib_links(path, shown_as=str(path), doi_resolver="https://doi.org/")
            missing.extend(found)
        for place in missing:
            print(f"{place.file}:{place.line}: entry {place.key!r} has a url but no urldate")
        return 1 if missing else 0
    try:
        report = build_report(args.outdir)
    except FileNotFoundError:
        print(f"no output.json in {args.outdir}: run `make linkcheck` first", file=sys.stderr)
        return 2
    text_path, _ = write_reports(report, args.outdir)
    for line in report.summary_lines():
        print(line)
    print(report.verdict_line())
    print(f"report: {text_path}")
    return report.exit_status


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m critical_edition.cli.linkreport [OUTDIR] [--urldate BIB...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m critical_edition.cli.linkreport", description=_DESCRIPTION
    )
    _add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
