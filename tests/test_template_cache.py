"""The template cache (critical_edition.speedups.templates): the same pages, templates compiled
once, and a switch that turns it off."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
from critical_edition.speedups import templates
from helpers import build

ROOT = "test-claims-basic"


def pages(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes() for path in sorted(outdir.rglob("*.html"))
    }


def cache_files(doctreedir: Path) -> dict[str, int]:
    root = doctreedir / templates.CACHE_DIR
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def test_cached_templates_give_the_same_pages(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    compiled = cache_files(first.doctreedir)
    assert compiled, "the first build keeps the compiled templates"
    # A fresh environment, the same doctree directory: every page is written again from the
    # compiled templates, none of which is compiled (or stored) again.
    again = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    assert cache_files(again.doctreedir) == compiled
    assert pages(again.outdir) == pages(first.outdir)

    monkeypatch.setenv(templates.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    assert not (stock.doctreedir / templates.CACHE_DIR).exists()
    assert pages(stock.outdir) == pages(first.outdir)


def test_a_changed_compiler_leaves_no_old_entries(
    make_app: Any, srcdir: Path, tmp_path: Path
) -> None:
    old = tmp_path / "build" / "doctrees" / templates.CACHE_DIR / "0123456789abcdef"
    old.mkdir(parents=True)
    (old / "__jinja2_x.cache").write_bytes(b"compiled by another Jinja")
    app = build(make_app, srcdir, tmp_path / "build", freshenv=True)
    assert not old.exists()
    assert cache_files(app.doctreedir)


def test_the_stamp_follows_the_compilation_settings() -> None:
    plain = jinja2.Environment()
    assert templates.compiler_stamp(plain) == templates.compiler_stamp(jinja2.Environment())
    assert templates.compiler_stamp(plain) != templates.compiler_stamp(
        jinja2.Environment(trim_blocks=True)
    )
    assert templates.compiler_stamp(plain) != templates.compiler_stamp(
        jinja2.Environment(extensions=["jinja2.ext.i18n"])
    )
