"""sphinx-design's HTML transforms run only on pages holding their component (speedups/design.py)."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any

import pytest
from critical_edition.speedups import design
from helpers import build, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx_design.aside import AsideHtmlTransform
from sphinx_design.dropdown import DropdownHtmlTransform
from sphinx_design.tabs import TabSetHtmlTransform

ROOT = "test-design-scan"


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def build_site(make_app: Any, srcdir: Path, outdir: Path) -> SphinxTestApp:
    app = build(make_app, srcdir, outdir, freshenv=True)
    assert warnings_of(app) == []
    return app


def pages(app: SphinxTestApp) -> dict[str, bytes]:
    out = Path(app.outdir)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.glob("*.html")}


@pytest.mark.parametrize(
    ("transform", "component"),
    [
        (TabSetHtmlTransform, "tab-set"),
        (DropdownHtmlTransform, "dropdown"),
        (AsideHtmlTransform, "aside"),
    ],
)
def test_each_transform_still_only_looks_for_its_component(transform: Any, component: str) -> None:
    # Skipping a page without the component is the same only while the transform does
    # nothing but rewrite the nodes it finds by that test (and runs after the scan).
    source = inspect.getsource(inspect.unwrap(transform.run))
    assert f'is_component(node, "{component}")' in source or (
        f'is_component(n, "{component}")' in source
    )
    assert source.count("findall(") == 1
    assert transform.default_priority > design.SCAN_PRIORITY


def test_the_same_pages_with_and_without_the_scan(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[tuple[str, str]] = []
    for transform, component in design._transforms():
        wrapped = inspect.unwrap(transform.run)

        def counted(self: Any, *, _wrapped: Any = wrapped, _c: str = component, **kw: Any) -> None:
            runs.append((self.env.docname, _c))
            _wrapped(self, **kw)

        monkeypatch.setattr(transform, "run", design._only_with(component, counted))
    scanned = build_site(make_app, srcdir, tmp_path / "scanned")
    # Each transform ran on the page holding its component, and on no other.
    assert sorted(runs) == [
        ("components", "aside"),
        ("components", "dropdown"),
        ("components", "tab-set"),
    ]
    runs.clear()
    monkeypatch.setenv(design.SWITCH, "0")
    stock = build_site(make_app, srcdir, tmp_path / "stock")
    assert len(runs) == 3 * len(stock.env.found_docs)
    assert pages(scanned) == pages(stock)
    components = pages(scanned)["components.html"].decode()
    assert 'class="sd-tab-set' in components and "sd-dropdown" in components
    assert "Nested." in components and "Beside the text." in components
