"""The page-wide transforms run only on pages holding the nodes they act on (speedups/census.py)."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sphinx_design.extension as design_extension
from critical_edition.speedups import census, refcensus, versions
from docutils import nodes
from furo import WrapTableAndMathInAContainerTransform  # type: ignore[import-untyped]
from helpers import warnings_of
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.testing.util import SphinxTestApp
from sphinx.transforms.post_transforms import (
    OnlyNodeTransform,
    PropagateDescDomain,
    SigElementFallbackTransform,
    SphinxPostTransform,
)
from sphinx.transforms.post_transforms.code import (
    HighlightLanguageTransform,
    HighlightLanguageVisitor,
    TrimDoctestFlagsTransform,
)
from sphinx.transforms.post_transforms.images import (
    BaseImageConverter,
    DataURIExtractor,
    ImageDownloader,
)
from sphinx.util.docutils import new_document
from sphinx.util.nodes import process_only_nodes

ROOT = "test-node-census"
DOCS = ("index", "code", "tables", "api", "design", "figures", "plain", "aliases", "links")
NEW_TAB = "new-tab"


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(page, transform) for every run of a gated transform's own code, and of sphinx-design's
    new-tab handler; the gates stay as installed."""
    seen: list[tuple[str, str]] = []
    for transform, method, kinds, names in census._gated_transforms():
        original = inspect.unwrap(getattr(transform, method))

        def counted(
            self: Any, *, _original: Any = original, _name: str = transform.__name__, **kw: Any
        ) -> None:
            seen.append((self.env.docname, _name))
            _original(self, **kw)

        monkeypatch.setattr(
            transform, method, census._only_on_pages_with(transform, kinds, names, counted)
        )
    for transform, method, needed, skipped in refcensus.gated_transforms():
        original = inspect.unwrap(getattr(transform, method))
        name = f"{transform.__module__.rpartition('.')[2]}.{transform.__name__}"

        def counted_early(
            self: Any, *, _original: Any = original, _name: str = name, **kw: Any
        ) -> None:
            seen.append((self.env.docname, _name))
            _original(self, **kw)

        monkeypatch.setattr(
            transform,
            method,
            refcensus._only_where_needed(transform, needed, counted_early, skipped),
        )
    handler = inspect.unwrap(design_extension._resolve_new_tab_refs)

    def counted_handler(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        seen.append((docname, NEW_TAB))
        handler(app, doctree, docname)

    # sphinx-design connects the module's function when it is set up (each build).
    monkeypatch.setattr(design_extension, "_resolve_new_tab_refs", counted_handler)
    return seen


def build_site(make_app: Any, srcdir: Path, outdir: Path, *extra: Any) -> SphinxTestApp:
    app: SphinxTestApp = make_app("html", srcdir=srcdir, builddir=outdir, freshenv=True)
    for add in extra:
        add(app)
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    return app


def outputs(app: SphinxTestApp) -> dict[str, bytes]:
    """Every file the build wrote, by its path in the output folder."""
    out = Path(app.outdir)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


#: The transforms the reference census gates (before the references are resolved).
C_ALIAS, CPP_ALIAS = "c.AliasTransform", "cpp.AliasTransform"
MYST_REFS, BUTTON_STASH = "myst_refs.MystReferenceResolver", "badges_buttons.ButtonRefContentStash"

GATED_ON = {
    ("aliases", C_ALIAS),
    ("aliases", CPP_ALIAS),
    ("links", MYST_REFS),
    ("design", BUTTON_STASH),
    ("aliases", "SigElementFallbackTransform"),
    ("aliases", "PropagateDescDomain"),
    ("code", "HighlightLanguageTransform"),
    ("code", "TrimDoctestFlagsTransform"),
    ("api", "SigElementFallbackTransform"),
    ("api", "PropagateDescDomain"),
    ("tables", "WrapTableAndMathInAContainerTransform"),
    ("design", NEW_TAB),
    ("figures", "OnlyNodeTransform"),
    ("figures", "ImageDownloader"),
    ("figures", "DataURIExtractor"),
}


def test_the_same_output_with_and_without_the_census(
    make_app: Any,
    srcdir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runs: list[tuple[str, str]],
) -> None:
    counted = build_site(make_app, srcdir, tmp_path / "counted")
    # Each transform ran on the pages holding what it acts on, and on no other.
    assert set(runs) == GATED_ON and len(runs) == len(GATED_ON)
    runs.clear()
    monkeypatch.setenv(census.SWITCH, "0")
    stock = build_site(make_app, srcdir, tmp_path / "stock")
    # Switched off, each runs on every page, as it does without the toolkit.
    assert sorted(runs) == sorted((doc, name) for doc in DOCS for name in {n for _, n in GATED_ON})
    assert outputs(counted) == outputs(stock)
    pages = outputs(counted)
    code = pages["code.html"].decode()
    assert "doctest:" not in code and "linenos" in code
    tables = pages["tables.html"].decode()
    assert tables.count('class="table-wrapper') == 2 and 'class="math-wrapper' in tables
    assert 'class="sig sig-object py' in pages["api.html"].decode()
    design = pages["design.html"].decode()
    assert design.count('target="_blank"') == 2
    # The button's rich content, restored by sphinx-design's stash and graft.
    assert "<em>code</em> page" in design and 'href="code.html"' in design
    # Each alias rendered as a signature linking to the declaration it names.
    aliases = pages["aliases.html"].decode()
    assert 'href="#c.twice" title="twice"' in aliases
    assert 'href="#_CPPv45halvei" title="halve"' in aliases
    links = pages["links.html"].decode()
    assert 'href="#links-target"' in links and 'href="code.html"' in links
    figures = pages["figures.html"].decode()
    assert "figure.svg" in figures and "Shown in HTML only." in figures
    assert "Shown in LaTeX only." not in figures


class AddConsoleBlock(SphinxPostTransform):
    """Not audited: adds a console session (flag and all) to the plain page after the census."""

    default_priority = 300

    def run(self, **kwargs: Any) -> None:
        if self.env.docname == "plain":
            text = ">>> 2  # doctest: +SKIP\n2"
            self.document[0] += nodes.literal_block(text, text)


class AddMystLink(SphinxPostTransform):
    """Not audited: adds a MyST link to the code page to the plain page, after the reference
    census and before myst-parser resolves such links."""

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        if self.env.docname == "plain":
            text = "the code page"
            link = addnodes.pending_xref(
                "",
                nodes.inline(text, text),
                refdomain="doc",
                reftarget="code",
                reftargetid=None,
                refdoc="plain",
                reftype="myst",
                refexplicit=True,
            )
            self.document[0] += nodes.paragraph("", "", link)


def mark_plain_paragraph(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Not audited: a handler asking for the plain page's link to open in a new tab."""
    if docname == "plain":
        for paragraph in doctree.findall(nodes.paragraph):
            paragraph["sd_new_tab"] = True


def add_console_block(app: SphinxTestApp) -> None:
    app.add_post_transform(AddConsoleBlock)


def add_marking_handler(app: SphinxTestApp) -> None:
    app.connect("doctree-resolved", mark_plain_paragraph, priority=400)


def add_myst_link(app: SphinxTestApp) -> None:
    app.add_post_transform(AddMystLink)


@pytest.mark.parametrize("add", [add_console_block, add_marking_handler, add_myst_link])
def test_a_gate_stands_aside_behind_an_unaudited_step(
    make_app: Any,
    srcdir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runs: list[tuple[str, str]],
    add: Any,
) -> None:
    counted = build_site(make_app, srcdir, tmp_path / "counted", add)
    first = list(runs)
    monkeypatch.setenv(census.SWITCH, "0")
    stock = build_site(make_app, srcdir, tmp_path / "stock", add)
    assert outputs(counted) == outputs(stock)
    plain = outputs(counted)["plain.html"].decode()
    on_every_page = {NEW_TAB}
    if add is add_console_block:
        # Everything from the new block's priority on runs as stock: the highlight setting,
        # the flag trimming (the flag is gone from the new block), furo's wrapping, and
        # sphinx-design's handler (after every post-transform); the ``only`` and image
        # transforms and the signature transforms (priorities 50 to 200) come before it and
        # keep their census.
        on_every_page |= {
            "HighlightLanguageTransform",
            "TrimDoctestFlagsTransform",
            "WrapTableAndMathInAContainerTransform",
        }
        assert "&gt;&gt;&gt;" in plain and "doctest:" not in plain
    elif add is add_myst_link:
        # The transforms from priority 8 to 9 run as stock; the later ones keep their census.
        on_every_page = {C_ALIAS, CPP_ALIAS, MYST_REFS, BUTTON_STASH}
        assert 'href="code.html"' in plain
    else:
        assert 'target="_blank"' in plain
    expected = {(doc, name) for doc in DOCS for name in on_every_page}
    expected |= {(doc, name) for doc, name in GATED_ON if name not in on_every_page}
    assert set(first) == expected and len(first) == len(expected)


def test_a_census_serves_its_own_document_and_pass_only() -> None:
    document = new_document("page.rst")
    pass_state = object()
    document.settings.env = SimpleNamespace(current_document=pass_state)
    taken = census.Census(
        classes=frozenset({nodes.document, nodes.paragraph, nodes.Text}),
        components=frozenset(),
        new_tab=False,
        token=pass_state,
        after=(),
    )
    census._taken[document] = taken
    transform = HighlightLanguageTransform(document)
    assert census.usable(transform) is taken
    assert not taken.holds((nodes.literal_block,), frozenset({"literal_block"}))
    # A later pass (Sphinx makes a new state for each) does not use it.
    document.settings.env = SimpleNamespace(current_document=object())
    assert census.usable(transform) is None
    # Nor does another document.
    other = new_document("other.rst")
    other.settings.env = SimpleNamespace(current_document=pass_state)
    assert census.usable(HighlightLanguageTransform(other)) is None


def test_an_unaudited_transform_in_the_window_is_not_trusted() -> None:
    document = new_document("page.rst")
    pass_state = object()
    document.settings.env = SimpleNamespace(current_document=pass_state)
    census._taken[document] = census.Census(
        classes=frozenset({nodes.document}),
        components=frozenset(),
        new_tab=False,
        token=pass_state,
        after=(
            (200, PropagateDescDomain),
            (300, AddConsoleBlock),
            (400, HighlightLanguageTransform),
        ),
    )
    assert census.usable(PropagateDescDomain(document)) is not None
    assert census.usable(HighlightLanguageTransform(document)) is None


def test_each_gated_transform_still_looks_only_for_its_nodes() -> None:
    # Skipping a page is the same only while each transform acts on nothing but these nodes.
    def source(function: Any) -> str:
        return inspect.getsource(inspect.unwrap(function))

    highlight = source(HighlightLanguageTransform.apply)
    assert "walkabout(visitor)" in highlight
    assert "findall(addnodes.highlightlang)" in highlight
    visits = {name for name in vars(HighlightLanguageVisitor) if name.startswith("visit_")}
    assert visits == {
        "visit_document",
        "visit_start_of_file",
        "visit_highlightlang",
        "visit_literal_block",
    }
    trim = source(TrimDoctestFlagsTransform.apply)
    assert trim.count("findall(") == 2
    assert "findall(nodes.literal_block)" in trim and "findall(nodes.doctest_block)" in trim
    fallback = source(SigElementFallbackTransform.run)
    assert fallback.count("self.fallback(") == 2
    assert "self.fallback(addnodes.desc_sig_element)" in fallback
    assert "self.fallback(addnodes.desc_inline)" in fallback
    assert "findall(node_type)" in source(SigElementFallbackTransform.fallback)
    propagate = source(PropagateDescDomain.run)
    assert propagate.count("findall(") == 1 and "findall(addnodes.desc_signature)" in propagate
    wrap = source(WrapTableAndMathInAContainerTransform.run)
    assert wrap.count("get_nodes(") == 2
    assert "get_nodes(nodes.table)" in wrap and "get_nodes(nodes.math_block)" in wrap
    only = source(OnlyNodeTransform.run)
    assert "process_only_nodes(self.document" in only
    assert "document.findall(addnodes.only)" in source(process_only_nodes)
    images = source(BaseImageConverter.apply)
    assert images.count("findall(") == 1 and "findall(nodes.image)" in images
    for converter in (ImageDownloader, DataURIExtractor):
        # Their own code is only ``match`` (the gate sits on the inherited ``apply``).
        assert inspect.unwrap(converter.apply) is BaseImageConverter.apply
    handler = source(design_extension._resolve_new_tab_refs)
    assert "doctree.findall(_has_new_tab_marker)" in handler
    assert 'node.get("sd_new_tab")' in source(design_extension._has_new_tab_marker)
    for transform, _method, _kinds, _names in census._gated_transforms():
        assert (transform.default_priority or 0) > census.PRIORITY


def test_each_transform_before_the_resolvers_still_looks_only_for_its_nodes() -> None:
    from myst_parser.sphinx_ext import myst_refs
    from sphinx.domains import c, cpp
    from sphinx_design import badges_buttons

    def source(function: Any) -> str:
        return inspect.getsource(inspect.unwrap(function))

    for domain in (c, cpp):
        alias = source(domain.AliasTransform.apply)
        assert alias.count("findall(") == 1 and "self.document.findall(AliasNode)" in alias
        assert domain.AliasTransform.default_priority > refcensus.PRIORITY
    resolver = source(myst_refs.MystReferenceResolver.run)
    assert resolver.count("findall(") == 1
    assert 'if node["reftype"] != "myst":\n                continue' in resolver
    stash = source(badges_buttons.ButtonRefContentStash.run)
    assert stash.count("self.document.findall(") == 1
    assert 'if "sd-btn" not in node.get("classes", ()):\n                continue' in stash
    # Skipped, the stash leaves what it leaves on a page without a button: an empty one.
    assert "setattr(self.document, _BUTTON_REF_STASH_ATTR, stash)" in stash
    graft = source(badges_buttons.ButtonRefContentGraft.run)
    assert "if not stash:\n            return" in graft
    for transform, *_rest in refcensus.gated_transforms():
        assert refcensus.dotted(transform) in refcensus.AUDITED
        assert (transform.default_priority or 0) > refcensus.PRIORITY


def test_an_untested_furo_release_leaves_its_transform_ungated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = versions.version
    monkeypatch.setattr(
        versions, "version", lambda name: "2099.1" if name == "furo" else real(name)
    )
    versions.installed_version.cache_clear()  # looked up once per process: forget the real one
    monkeypatch.setattr(versions, "_said", set())
    gated = {transform for transform, _method, _kinds, _names in census._gated_transforms()}
    assert WrapTableAndMathInAContainerTransform not in gated
    assert HighlightLanguageTransform in gated and PropagateDescDomain in gated


@pytest.mark.parametrize("package", ["myst-parser", "sphinx-design"])
def test_an_untested_release_leaves_its_resolver_step_ungated(
    monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    real = versions.version
    monkeypatch.setattr(
        versions, "version", lambda name: "2099.1" if name == package else real(name)
    )
    versions.installed_version.cache_clear()  # looked up once per process: forget the real one
    monkeypatch.setattr(versions, "_said", set())
    gated = {refcensus.dotted(t) for t, *_rest in refcensus.gated_transforms()}
    assert len(gated) == len(refcensus.GATED) - 1
    assert "sphinx.domains.cpp.AliasTransform" in gated


@pytest.mark.parametrize("builder", ["latex", "text"])
def test_the_same_output_in_other_formats(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    built = {}
    for switch in ("1", "0"):
        monkeypatch.setenv(census.SWITCH, switch)
        app = make_app(builder, srcdir=srcdir, builddir=tmp_path / switch, freshenv=True)
        app.build()
        app.cleanup()
        assert warnings_of(app) == []
        built[switch] = outputs(app)
    assert built["1"] == built["0"]


def test_the_toolkit_leaves_every_gate_trusted_in_html(tmp_path: Path) -> None:
    # A post-transform the toolkit adds after the census, unaudited, would silently put every
    # later gate back to stock (slower, never wrong): the edition's own HTML pipeline, with
    # every extension it loads, must have nothing unaudited in the census's window.
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'project = "Census window"\nextensions = ["critical_edition"]\nhtml_theme = "furo"\n'
        'bibtex_bibfiles = ["refs.bib"]\n',
        encoding="utf-8",
    )
    (srcdir / "index.md").write_text("# Window\n\nText.\n", encoding="utf-8")
    (srcdir / "refs.bib").write_text("", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=srcdir, builddir=tmp_path / "out", freshenv=True)
    try:
        window = census._applied_after(app.env)
        unaudited = [t for _priority, t in window if t not in census.audited()]
        assert unaudited == []
        # The same for the reference census, up to the last transform it gates.
        early = refcensus.applied_from(app.env, refcensus.PRIORITY, refcensus.ReferenceCensus)
        last = max(t.default_priority for t, *_rest in refcensus.gated_transforms())
        unaudited = [
            t
            for priority, t in early
            if priority <= last and refcensus.dotted(t) not in refcensus.AUDITED
        ]
        assert unaudited == []
        assert any(refcensus.dotted(t).endswith("WitnessReading") for _p, t in early)
        listeners = app.events.listeners["doctree-resolved"]
        handlers = [listener.handler for listener in listeners]
        # sphinx-design's handler, gated, and the handlers read and known to change no node.
        others = [h for h in handlers if getattr(h, "__module__", "") != census.__name__]
        assert len(others) < len(handlers)
        assert all(h in census.AUDITED_HANDLERS for h in others), others
    finally:
        app.cleanup()
