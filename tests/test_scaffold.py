"""The quick-start's Makefile in a fresh shell, and the attribution linter's default reach.

``critical-edition new`` writes a Makefile that must work for an editor who activates nothing:
the tests run ``make`` with an environment stripped of ``VIRTUAL_ENV`` and with ``PATH`` holding
the system's folders only, in a folder whose name has a space. ``make html`` is run for real;
the other targets are checked with ``make -n`` (what would run), which needs no network, no
TeX and no server. Without ``make`` the tests skip locally and fail in CI (``CI`` set).

The linter's default, tried on the same skeleton built in process: every page of the text is
read, the toolkit's listing pages are not, and ``edition_lint_exclude_documents`` leaves a page
out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from critical_edition.cli import new as quickstart
from helpers import warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

PYTHON = sys.executable
#: The PATH of a fresh shell: the system's folders, no virtual environment's bin.
FRESH_PATH = "/usr/bin:/bin"
#: Variables a fresh shell would not have: an activated environment's, and those of a make that
#: runs the tests (MAKEFLAGS would pass its own flags, -n say, down to the edition's make).
NOT_IN_A_FRESH_SHELL = {
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "CONDA_PREFIX",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
}
#: The pages the skeleton's index lists, each of which the HTML build must write.
PAGES = (
    "index",
    "text",
    "apparatus",
    "claims",
    "actors",
    "persons",
    "places",
    "chronology",
    "bibliography",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def fresh_environment() -> dict[str, str]:
    """This process's environment as a new shell would have it: nothing activated."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_A_FRESH_SHELL}
    env["PATH"] = FRESH_PATH
    return env


@dataclass(frozen=True)
class Scaffold:
    srcdir: Path
    make: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``make ARGS`` in the edition's folder, in a fresh shell's environment."""
        return subprocess.run(
            [self.make, *args],
            cwd=self.srcdir,
            env=fresh_environment(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Scaffold:
    """A new edition written by the command line into a folder whose name has a space."""
    make = shutil.which("make", path=FRESH_PATH)
    if make is None:
        message = f"the scaffold's Makefile tests need make on {FRESH_PATH}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    srcdir = tmp_path_factory.mktemp("scaffold") / "my edition"
    result = subprocess.run(
        [PYTHON, "-m", "critical_edition", "new", str(srcdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return Scaffold(srcdir, make)


def test_the_makefile_names_the_python_that_wrote_it(scaffold: Scaffold) -> None:
    makefile = (scaffold.srcdir / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^PYTHON +\?= {re.escape(PYTHON)}$", makefile, re.MULTILINE)
    # The test's own Python must not be reachable through the fresh PATH.
    assert str(Path(PYTHON).parent) not in FRESH_PATH.split(os.pathsep)
    result = scaffold.run("help")
    assert result.returncode == 0, result.stderr
    assert f"Python: {PYTHON}" in result.stdout


def test_make_html_builds_in_a_fresh_shell(scaffold: Scaffold) -> None:
    result = scaffold.run("html")
    output = strip_escape_sequences(result.stdout + result.stderr)
    assert result.returncode == 0, output
    assert f'"{PYTHON}" -m sphinx -n -W --keep-going -b html . "_build/html"' in result.stdout
    # "build succeeded, 1 warning." when there is one (without -W).
    assert re.search(r"^build succeeded\.$", output, re.MULTILINE), output
    assert "WARNING" not in output
    for page in PAGES:
        assert (scaffold.srcdir / "_build" / "html" / f"{page}.html").is_file(), page
    # The Python that wrote the edition has the toolkit: no environment of its own was made.
    assert not (scaffold.srcdir / ".venv").exists()


def test_make_serve_and_linkcheck_run_the_right_commands(scaffold: Scaffold) -> None:
    result = scaffold.run(
        "-n", "serve", "linkcheck", "LINKCHECKOPTS=-D edition_linkcheck_unverified_fails=0"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f'"{PYTHON}" -m sphinx_autobuild --host 127.0.0.1 --port 8000 . "_build/serve"' in lines
    assert (
        f'"{PYTHON}" -m sphinx -b linkcheck -D edition_linkcheck_unverified_fails=0 . '
        '"_build/linkcheck"'
    ) in lines


def test_every_target_is_there(scaffold: Scaffold) -> None:
    for target in ("html", "check", "epub", "tei", "linkcheck", "serve", "clean", "help"):
        result = scaffold.run("-n", target)
        assert result.returncode == 0, (target, result.stderr)
    # make -n still runs the recursive $(MAKE) in _build/latex, which a dry run has not made:
    # the first command is what counts.
    pdf = scaffold.run("-n", "pdf").stdout.splitlines()
    assert pdf[0] == f'"{PYTHON}" -m sphinx -n -W --keep-going -b latex . "_build/latex"'


def test_without_its_python_the_makefile_makes_its_own_environment(scaffold: Scaffold) -> None:
    gone = scaffold.srcdir / "no such folder" / "python"
    result = scaffold.run("-n", "html", f"PYTHON={gone}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 'test -x ".venv/bin/python" || "python3" -m venv ".venv"' in lines
    install = [line for line in lines if "-m pip install" in line]
    assert install == [
        f'".venv/bin/python" -m pip install --quiet "{quickstart.toolkit_requirement()}"'
    ]
    assert '".venv/bin/python" -m sphinx -n -W --keep-going -b html . "_build/html"' in lines
    assert scaffold.run("help", f"PYTHON={gone}").stdout.endswith("Python: .venv/bin/python\n")


def test_a_python_in_a_folder_with_a_space_is_used(scaffold: Scaffold, tmp_path: Path) -> None:
    folder = tmp_path / "my tools"
    folder.mkdir()
    wrapper = folder / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{PYTHON}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    result = scaffold.run("-n", "html", f"PYTHON={wrapper}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f'"{wrapper}" -m sphinx -n -W --keep-going -b html . "_build/html"'
    ]


def test_unsafe_paths_fall_back_to_python3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", '/opt/a "quoted" $dir/python')
    assert quickstart.interpreter() == "python3"
    monkeypatch.setattr(sys, "executable", "/opt/with space/bin/python")
    assert quickstart.interpreter() == "/opt/with space/bin/python"


# -- The attribution linter's default ---------------------------------------------------------

UNMARKED = "The mayor said that the bridge was safe.\n"


@pytest.fixture
def skeleton(tmp_path: Path) -> Path:
    """The skeleton with a second text page holding one unmarked attribution."""
    srcdir = tmp_path / "edition"
    quickstart.write_skeleton(srcdir, quickstart.fields("Edition", "Editors", 2026))
    (srcdir / "more.md").write_text(f"# More of the text\n\n{UNMARKED}", encoding="utf-8")
    index = srcdir / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("\ntext\n", "\ntext\nmore\n", 1),
        encoding="utf-8",
    )
    # The same sentence on every listing page: none of them is read.
    for page in ("apparatus", "claims", "actors", "persons", "places", "chronology"):
        path = srcdir / f"{page}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{UNMARKED}", encoding="utf-8")
    return srcdir


def _warnings(srcdir: Path, builddir: Path, **overrides: object) -> list[str]:
    app = SphinxTestApp(
        "html", srcdir=srcdir, builddir=builddir, freshenv=True, confoverrides=overrides
    )
    try:
        app.build()
        return warnings_of(app)
    finally:
        app.cleanup()


def test_the_linter_reads_every_text_page_by_default(skeleton: Path, tmp_path: Path) -> None:
    expected = (
        "<srcdir>/more.md:3: WARNING: possible attributed statement not marked as a claim: "
        "'said' in “…The mayor said that the bridge was safe.…”; mark it with {claim} or "
        "dismiss it with {not-a-claim} [edition.claim_unmarked]"
    )
    assert _warnings(skeleton, tmp_path / "_build") == [expected]


def test_a_page_can_be_left_out_of_the_linter(skeleton: Path, tmp_path: Path) -> None:
    warnings = _warnings(skeleton, tmp_path / "_build", edition_lint_exclude_documents=["more"])
    assert warnings == []


def test_a_listing_page_named_in_lint_documents_is_read(skeleton: Path, tmp_path: Path) -> None:
    warnings = _warnings(skeleton, tmp_path / "_build", edition_lint_documents=["places"])
    assert len(warnings) == 1
    assert warnings[0].startswith("<srcdir>/places.md:")
