"""Interrupted and unwritable builds: a killed build's next build equals a clean build.

Builds run as ``sphinx-build`` subprocesses of tests/roots/test-interrupted, whose conf.py
sends the build SIGKILL at the event named by ``EDITION_TEST_KILL_AT`` (deterministic kill
points, not timing). The doctree folder is kept apart (``-d``) and not compared: it holds
Sphinx's caches (the pickled environment, with reading times, and the doctrees), not output.
Everything in the output folder is compared byte for byte, ``.buildinfo`` included.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Self

import pytest
from critical_edition.core import atomic
from critical_edition.core.unfinished import MARKER_NAME

ROOT = Path(__file__).parent / "roots" / "test-interrupted"

#: The repair's one line in the build's output.
REPAIR_LINE = "did not finish; every document is read and written again"


def sphinx_build(
    src: Path, out: Path, doctrees: Path, kill_at: str = ""
) -> subprocess.CompletedProcess[str]:
    """A strict ``sphinx-build`` (as ``make html``) with a fixed date; killed at *kill_at*."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1600000000", "EDITION_TEST_KILL_AT": kill_at}
    command = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-b", "html"]
    return subprocess.run(
        [*command, "-d", str(doctrees), str(src), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def output_files(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def clean_build(src: Path, base: Path) -> dict[str, bytes]:
    """Every file of a clean build of *src* (the report names the source folder: same one)."""
    result = sphinx_build(src, base / "clean", base / "clean-doctrees")
    assert result.returncode == 0, result.stderr
    files = output_files(base / "clean")
    assert MARKER_NAME not in files
    assert {"searchindex.js", "claims.json", "_report/integrity.json"} <= files.keys()
    return files


def edit_then_restore(src: Path, doctrees: Path, out: Path) -> None:
    """A complete build of other text in chapter2, then the root's text back (newer mtime)."""
    chapter = src / "chapter2.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original.replace("pomegranate", "apricot"), encoding="utf-8")
    assert sphinx_build(src, out, doctrees).returncode == 0
    chapter.write_text(original, encoding="utf-8")
    later = time.time() + 2
    os.utime(chapter, (later, later))


@pytest.mark.parametrize(
    ("kill_at", "earlier_build"),
    [
        pytest.param("source-read:chapter2", False, id="reading"),
        pytest.param("env-updated", False, id="reading-done-environment-unsaved"),
        pytest.param("html-page-context:chapter2", False, id="writing"),
        pytest.param("html-page-context:chapter2", True, id="writing-after-earlier-build"),
        pytest.param("html-collect-pages", False, id="finishing-sphinx"),
        pytest.param("build-finished", False, id="finishing-toolkit"),
    ],
)
def test_killed_build_then_one_rebuild_equals_clean_build(
    tmp_path: Path, kill_at: str, earlier_build: bool
) -> None:
    src, out, doctrees = tmp_path / "src", tmp_path / "out", tmp_path / "doctrees"
    shutil.copytree(ROOT, src)
    if earlier_build:
        edit_then_restore(src, doctrees, out)
    clean_output = clean_build(src, tmp_path)
    killed = sphinx_build(src, out, doctrees, kill_at)
    assert killed.returncode == -signal.SIGKILL
    assert (out / MARKER_NAME).is_file()
    assert output_files(out) != clean_output

    rebuilt = sphinx_build(src, out, doctrees)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stderr == ""  # no warning (e.g. an incomplete search index)
    assert rebuilt.stdout.count(REPAIR_LINE) == 1
    assert output_files(out) == clean_output

    # The build after that is an ordinary one: no repair, same output.
    again = sphinx_build(src, out, doctrees)
    assert again.returncode == 0, again.stderr
    assert REPAIR_LINE not in again.stdout
    assert output_files(out) == clean_output


def test_finished_build_leaves_no_marker_and_no_repair(tmp_path: Path) -> None:
    out, doctrees = tmp_path / "out", tmp_path / "doctrees"
    first = sphinx_build(ROOT, out, doctrees)
    second = sphinx_build(ROOT, out, doctrees)
    assert first.returncode == second.returncode == 0
    assert not (out / MARKER_NAME).exists()
    assert REPAIR_LINE not in first.stdout + second.stdout


def test_marker_stays_out_of_an_epub_book(tmp_path: Path) -> None:
    """The EPUB builder packs its output folder while the marker is there, and warns about it."""
    metadata = ["-D", "version=1", "-D", "release=1", "-D", "copyright=2020, the editors"]
    folders = ["-d", str(tmp_path / "doctrees"), str(ROOT), str(tmp_path / "epub")]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-n",
            "-W",
            "--keep-going",
            "-b",
            "epub",
            *metadata,
            *folders,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    with zipfile.ZipFile(tmp_path / "epub" / "Interrupted.epub") as book:
        assert MARKER_NAME not in book.namelist()


# -- an output folder that cannot be written ---------------------------------------------------
# Tests run as root, where chmod does not stop writes. A regular file where a folder should be
# cannot be written into by anyone, so these tests never depend on the user; the last test
# makes an existing folder truly read-only where the system allows it (chattr +i as root).


def assert_one_clear_message(result: subprocess.CompletedProcess[str], folder: Path) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{folder}: ERROR: the ")
    assert lines[0].endswith("[edition.output_unwritable]")
    assert "Traceback" not in result.stderr + result.stdout


def test_file_where_the_output_folder_should_be(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = sphinx_build(ROOT, blocker / "html", tmp_path / "doctrees")
    assert_one_clear_message(result, blocker / "html")
    assert "the output folder cannot be written (Not a directory)" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_unwritable_doctree_folder_leaves_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sphinx_build(ROOT, out, tmp_path / "doctrees").returncode == 0
    previous = output_files(out)
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    result = sphinx_build(ROOT, out, blocker / "doctrees")
    assert_one_clear_message(result, blocker / "doctrees")
    assert "the doctree folder cannot be written" in result.stderr
    assert output_files(out) == previous


def _make_read_only(folder: Path) -> bool:
    """Make *folder* unwritable: chmod for users, the immutable attribute for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif (
        shutil.which("chattr") is None
        or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True, check=False
        ).returncode
    ):
        return False
    try:
        (folder / "probe").write_bytes(b"")
    except OSError:
        return True
    (folder / "probe").unlink()
    return False


def _make_writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    else:
        folder.chmod(0o755)


def test_read_only_output_folder_leaves_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sphinx_build(ROOT, out, tmp_path / "doctrees").returncode == 0
    previous = output_files(out)
    try:
        if not _make_read_only(out):
            pytest.skip("this file system cannot make a folder read-only for this user")
        result = sphinx_build(ROOT, out, tmp_path / "doctrees")
    finally:
        _make_writable(out)
    assert_one_clear_message(result, out)
    assert "the output folder cannot be written" in result.stderr
    assert output_files(out) == previous


# -- atomic writes -------------------------------------------------------------------------------


def test_atomic_write_keeps_the_previous_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "claims.json"
    atomic.write_text(target, "[1]\n")

    opened = os.fdopen

    class Full:
        """A file on a full disk: its bytes cannot be written out."""

        def __init__(self, fd: int, mode: str) -> None:
            self.stream = opened(fd, mode)

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(OSError, match="No space left"):
        atomic.write_text(target, "[1, 2]\n")
    assert target.read_text(encoding="utf-8") == "[1]\n"
    assert [path.name for path in tmp_path.iterdir()] == ["claims.json"]


def test_atomic_write_gives_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o644
