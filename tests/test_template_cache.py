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


def static_files(outdir: Path) -> dict[str, bytes]:
    static = outdir / "_static"
    return {
        str(p.relative_to(static)): p.read_bytes() for p in sorted(static.rglob("*")) if p.is_file()
    }


def test_templates_rendered_from_their_text_are_kept_and_render_the_same(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sphinx renders the theme's static templates (documentation_options.js_t...) from their
    # text: kept too, read back by the next build, and the files they make are the stock ones.
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: Any = None, *args: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    again = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    monkeypatch.undo()
    assert compiled == [], "the second build compiles no template, from a file or a string"
    assert static_files(again.outdir) == static_files(first.outdir)
    monkeypatch.setenv(templates.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    assert static_files(first.outdir) == static_files(stock.outdir)
    assert "documentation_options.js" in static_files(first.outdir)


def test_a_string_is_compiled_once_then_read_from_the_cache(tmp_path: Path) -> None:
    def environment() -> tuple[jinja2.Environment, list[str]]:
        env = jinja2.Environment(autoescape=False)
        compiled: list[str] = []
        original = env.compile

        def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
            compiled.append(source if isinstance(source, str) else "<nodes>")
            return original(source, *args, **kwargs)

        env.compile = counting  # type: ignore[method-assign]
        templates.compile_strings_through(env, jinja2.FileSystemBytecodeCache(str(tmp_path)))
        return env, compiled

    first, compiled_first = environment()
    assert first.from_string("{{ a }}-{{ b|upper }}").render(a=1, b="x") == "1-X"
    assert first.from_string("{{ a }}+").render(a=2) == "2+"
    assert compiled_first == ["{{ a }}-{{ b|upper }}", "{{ a }}+"]
    # Another process, the same cache: nothing compiled, the same text rendered.
    second, compiled_second = environment()
    assert second.from_string("{{ a }}-{{ b|upper }}").render(a=1, b="x") == "1-X"
    assert second.from_string("{{ a }}+").render(a=3) == "3+"
    assert compiled_second == []
    # A template found by name is left to Jinja's own use of the cache.
    second.loader = jinja2.DictLoader({"page.html": "<p>{{ a }}</p>"})
    assert second.get_template("page.html").render(a=4) == "<p>4</p>"
    assert compiled_second == ["<p>{{ a }}</p>"]
