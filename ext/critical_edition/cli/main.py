"""Command line: ``critical-edition check`` runs a strict build and prints the integrity report.

``python -m critical_edition check [SRCDIR]`` builds the edition from scratch with every
reference checked and every warning an error (``-n -W --keep-going -E``), into a temporary
directory unless ``--out-dir`` is given, then prints the report's summary line. The exit status
is 0 when the build found nothing, 1 when it found problems, 2 when it could not run. Other
subcommands join ``main``'s parser through ``_SUBCOMMANDS``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from critical_edition.cli.diff import add_subcommand as _add_diff
from critical_edition.cli.linkreport import add_subcommand as _add_linkreport
from critical_edition.cli.new import add_subcommand as _add_new
from critical_edition.core.diagnostics import WARNING_TYPE, Subtype
from critical_edition.core.findings import Finding
from critical_edition.integrity.report import (
    JSON_NAME,
    SARIF_NAME,
    summarise,
    summary_line,
    write_files,
)

#: Exit statuses.
OK, PROBLEMS, FAILED = 0, 1, 2


def _add_check(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="strict build plus the integrity report",
        description="Build the edition strictly (nitpicky, warnings are errors, fresh "
        "environment) and print the integrity report. Exit status: 0 no problems, 1 problems, "
        "2 the build could not run.",
    )
    parser.add_argument(
        "srcdir", nargs="?", default="docs", help="the directory holding conf.py (default: docs)"
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        help="where to build (default: a temporary directory, removed afterwards)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        help="where to write integrity.json and integrity.sarif (default: OUT_DIR/report; "
        "with no --out-dir the report files are removed with the build)",
    )
    parser.add_argument("-b", "--builder", default="html", help="the Sphinx builder (html)")
    parser.add_argument(
        "-j", "--jobs", default="1", help="parallel jobs, as sphinx-build -j (default: 1)"
    )
    parser.set_defaults(run=run_check)


def _conf_problem(conf: Path) -> Finding | None:
    """Why ``conf.py`` cannot be read or run; ``None`` if it runs.

    A syntax error or a byte UTF-8 lacks, and an error raised while it runs (a name never
    defined, a module not installed), stop Sphinx with a crash report or a traceback; the
    check gives one located diagnostic instead.
    """
    data = conf.read_bytes()
    try:
        compile(data, str(conf), "exec", dont_inherit=True)
    except SyntaxError as error:
        line = error.lineno or 1
        detail = error.msg
    except ValueError as error:  # a NUL byte
        line = data.count(b"\n", 0, max(data.find(b"\0"), 0)) + 1
        detail = str(error)
    else:
        return _conf_run_problem(conf)
    return Finding(
        file=str(conf),
        line=line,
        type=WARNING_TYPE,
        subtype=Subtype.SOURCE_UNREADABLE.code,
        message=f"conf.py cannot be read: {detail}; correct the Python syntax at this line "
        "(nothing is built until then)",
        level="error",
    )


def _conf_run_problem(conf: Path) -> Finding | None:
    """The error ``conf.py`` raises when Sphinx runs it, located at its line; ``None`` if none.

    conf.py is run as Sphinx runs it (its folder current, ``tags`` defined); what it adds to
    ``sys.path`` is taken back afterwards, and Sphinx runs it again for the build.
    """
    from sphinx.config import eval_config_file
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    saved_path = list(sys.path)
    try:
        eval_config_file(conf, Tags())
    except ConfigError as wrapped:
        error: BaseException = wrapped.__cause__ or wrapped
    else:
        return None
    finally:
        sys.path[:] = saved_path
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve() == conf.resolve()
    ]
    line = frames[-1].lineno if frames and frames[-1].lineno else 1
    if isinstance(error, SystemExit):
        message = "conf.py calls sys.exit(), so Sphinx cannot read the settings: remove the call"
    elif isinstance(error, ModuleNotFoundError):
        message = (
            f"conf.py imports the module {error.name!r}, which is not installed: install it in "
            "the edition's environment, or remove the import"
        )
    else:
        message = (
            f"conf.py stops with {type(error).__name__}: {error}; correct the Python at this line"
        )
    return Finding(
        file=str(conf),
        line=line,
        type=WARNING_TYPE,
        subtype=Subtype.CONF_ERROR.code,
        message=f"{message} (nothing is built until then)",
        level="error",
    )


def _report_conf_problem(finding: Finding, srcdir: Path, report_dir: Path) -> int:
    """Print the diagnostic and the report of a check that could not start the build."""
    print(
        f"{finding.file}:{finding.line}: ERROR: {finding.message} [{finding.rule}]", file=sys.stderr
    )
    sections = summarise({}, [finding])
    print(f"integrity: {summary_line(sections)}")
    try:
        write_files(report_dir, srcdir, [finding], sections)
    except OSError as exc:
        print(f"critical-edition check: cannot write the report: {exc}", file=sys.stderr)
    print("check failed: 1 problem(s); see the messages above")
    return PROBLEMS


def run_check(args: argparse.Namespace) -> int:
    """Build strictly, print the summary; return the exit status."""
    from sphinx.cmd.build import build_main

    srcdir = Path(args.srcdir).resolve()
    if not (srcdir / "conf.py").is_file():
        print(f"critical-edition check: no conf.py in {srcdir}", file=sys.stderr)
        return FAILED
    with ExitStack() as stack:
        if args.out_dir is not None:
            out = Path(args.out_dir).resolve()
        else:
            out = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edition-check-")))
        report_dir = (
            Path(args.report_dir).resolve() if args.report_dir is not None else out / "report"
        )
        for name in (JSON_NAME, SARIF_NAME):  # never read a report of an earlier run
            (report_dir / name).unlink(missing_ok=True)
        conf_problem = _conf_problem(srcdir / "conf.py")
        if conf_problem is not None:
            return _report_conf_problem(conf_problem, srcdir, report_dir)
        argv = [
            "-b",
            args.builder,
            "-n",
            "-W",
            "--keep-going",
            "-E",
            "-q",
            "-j",
            str(args.jobs),
            "-d",
            str(out / "doctrees"),
            "-D",
            f"edition_report_dir={report_dir}",
            str(srcdir),
            str(out / args.builder),
        ]
        status = build_main(argv)
        if status not in (OK, PROBLEMS):
            print(
                f"critical-edition check: the build stopped (status {status}); see the "
                "messages above",
                file=sys.stderr,
            )
            return FAILED
        report_file = report_dir / JSON_NAME
        try:
            report = json.loads(report_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print(
                "critical-edition check: the build wrote no integrity report (is "
                "critical_edition in the extensions of conf.py?)",
                file=sys.stderr,
            )
            return FAILED
        problems = len(report.get("findings", []))
        print(f"integrity: {report.get('summary', '')}")
        if args.out_dir is not None or args.report_dir is not None:
            print(f"report: {report_file} and {report_dir / SARIF_NAME}")
        if status == OK and problems == 0:
            print("check passed: no problems found")
            return OK
        print(f"check failed: {max(problems, 1)} problem(s); see the messages above")
        return PROBLEMS


#: Subcommands: each adds its parser and sets ``run`` (a function of the parsed arguments).
_SUBCOMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _add_check,
    _add_linkreport,
    _add_new,
    _add_diff,
]


def build_parser() -> argparse.ArgumentParser:
    """The ``critical-edition`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="critical-edition", description="Tools for the critical edition."
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in _SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return FAILED
    return run(args)
