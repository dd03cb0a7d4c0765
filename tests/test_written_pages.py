"""Written pages (writers/written_pages.py): the pages a build wrote, told by their file status.

The rewrites at the build's end (the pages' slimming, their asset links) read only these.
The record of the last build's pages replaces a test of file dates, which took a page written
in the last second of the build before for one of this build's (a no-op run straight after a
build read and slimmed again every page it had just written).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core import atomic
from critical_edition.integrity import stale
from critical_edition.writers import page_markup, written_pages
from helpers import build, warnings_of


class _App:
    """What the record reads of an application: its output and doctree folders."""

    def __init__(self, root: Path) -> None:
        self.outdir = root / "html"
        self.doctreedir = root / "doctrees"


def _site(root: Path) -> _App:
    for name in ("index.html", "sub/page.html", "_static/skip.html", "_sources/skip.html"):
        path = root / "html" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{name}</p>", encoding="utf-8")
    return _App(root)


def _names(app: _App, pages: list[Path]) -> list[str]:
    return [page.relative_to(app.outdir).as_posix() for page in pages]


def _next_build(app: _App, exception: BaseException | None = None) -> _App:
    """Ends *app*'s build (the record kept unless it failed); the next build's application.

    The pages' rewrites ask which pages the build wrote before the record is kept."""
    written_pages.written(app)  # type: ignore[arg-type]
    written_pages.record(app, exception)  # type: ignore[arg-type]
    return _App(app.outdir.parent)


def test_a_build_wrote_what_the_last_one_did_not_leave(tmp_path: Path) -> None:
    app = _site(tmp_path)
    # Nothing recorded: every page (not the files of the asset folders).
    assert _names(app, written_pages.written(app)) == ["index.html", "sub/page.html"]  # type: ignore[arg-type]
    app = _next_build(app)
    assert written_pages.written(app) == []  # type: ignore[arg-type]
    # Written again with the same bytes, in place or replaced: written all the same.
    app = _next_build(app)
    (app.outdir / "index.html").write_text("<p>index.html</p>", encoding="utf-8")
    assert _names(app, written_pages.written(app)) == ["index.html"]  # type: ignore[arg-type]
    app = _next_build(app)
    atomic.write_text(app.outdir / "sub/page.html", "<p>sub/page.html</p>")
    assert _names(app, written_pages.written(app)) == ["sub/page.html"]  # type: ignore[arg-type]


def test_after_a_failed_build_every_page_changed_since_the_last_good_one_counts(
    tmp_path: Path,
) -> None:
    app = _next_build(_site(tmp_path))
    assert written_pages.written(app) == []  # type: ignore[arg-type]
    (app.outdir / "index.html").write_text("<p>half</p>", encoding="utf-8")
    app = _next_build(app, RuntimeError("interrupted"))
    assert _names(app, written_pages.written(app)) == ["index.html"]  # type: ignore[arg-type]


@pytest.mark.parametrize("damage", ["not json", '{"code": "x", "pages": {}}', '{"pages": 3}'])
def test_a_record_of_other_code_or_unreadable_counts_every_page(
    tmp_path: Path, damage: str
) -> None:
    app = _next_build(_site(tmp_path))
    record = Path(app.doctreedir) / written_pages.RECORD_FILE
    assert record.is_file()
    record.write_text(damage, encoding="utf-8")
    assert len(written_pages.written(app)) == 2  # type: ignore[arg-type]


def test_a_change_of_the_toolkits_code_counts_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _next_build(_site(tmp_path))
    monkeypatch.setattr(stale, "code_stamp", lambda: "another version")
    assert len(written_pages.written(app)) == 2  # type: ignore[arg-type]


def test_a_no_op_straight_after_a_build_reads_no_page(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-passages", srcdir)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    slimmed: list[int] = []
    slim_bytes = page_markup.slim_bytes

    def spy(html: bytes) -> bytes:
        slimmed.append(len(html))
        return slim_bytes(html)

    monkeypatch.setattr(page_markup, "slim_bytes", spy)
    # No pause: every page of the first build is younger than a second.
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert slimmed == []
    # An edit: its page is slimmed (the general index and search page are left as they were).
    text = srcdir / "text.md"
    text.write_text(text.read_text("utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(edited) == []
    assert len(slimmed) >= 1


def test_the_output_is_listed_once_per_build(tmp_path: Path) -> None:
    app: Any = _site(tmp_path)
    (app.outdir / "_static" / "furo.css").write_text("a{}", encoding="utf-8")
    files = written_pages.output_files(app)
    assert [name for name, _path in files] == [
        "_sources/skip.html",
        "_static/furo.css",
        "_static/skip.html",
        "index.html",
        "sub/page.html",
    ]
    assert all(path == app.outdir / name for name, path in files)
    assert _names(app, written_pages.every_page(app)) == ["index.html", "sub/page.html"]
    assert written_pages.every_page(app) == written_pages.pages_of(app.outdir)
    # Listed once: a page written since is not in this build's list ...
    (app.outdir / "new.html").write_text("<p>new</p>", encoding="utf-8")
    assert written_pages.output_files(app) is files
    assert _names(app, written_pages.written(app)) == ["index.html", "sub/page.html"]
    # ... and the next build (Sphinx's env-before-read-docs) lists the output again.
    written_pages.forget(app)
    assert "new.html" in _names(app, written_pages.every_page(app))
