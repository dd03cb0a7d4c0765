"""The bibliography cache (critical_edition.speedups.bibcache) changes speed, never output.

- The pybtex and sphinxcontrib-bibtex code it relies on (or rewrites: the bibliography filter,
  the citation lookup) is still what it was written against:
  these tests fail when an upgrade moves it, so that the cache is checked again.
- The plugin memo answers what pybtex answers, and sees plugins registered after it.
- ``test-bench-bibcache`` builds byte-identically with the cache on and off, after an edit to a
  .bib entry (the cache then formats that entry only), and with ``-j 2``.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import pickle
import shutil
from importlib.metadata import version
from pathlib import Path
from types import MethodType, SimpleNamespace
from typing import TYPE_CHECKING, Any

import pybtex.plugin
import pybtex.richtext
import pybtex.style.formatting
import pybtex.style.sorting
import pytest
from critical_edition.bibliography import check as bibcheck
from critical_edition.core import keptpickle
from critical_edition.speedups import bibcache, bibsort, bibtransform
from helpers import build, edit, warnings_of
from sphinxcontrib.bibtex import domain as bibtex_domain
from sphinxcontrib.bibtex.bibfile import parse_bibdata
from sphinxcontrib.bibtex.citation_target import CitationTarget
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.roles import CitationRef
from sphinxcontrib.bibtex.transforms import BibliographyTransform

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOT = "test-bench-bibcache"
ROOTS = Path(__file__).parent / "roots"


# -- what the cache relies on ------------------------------------------------------------------


def test_the_versions_it_was_checked_against() -> None:
    # A new minor version may change what is wrapped: check this module again, then widen.
    assert version("pybtex").startswith("0.26."), version("pybtex")
    assert version("sphinxcontrib-bibtex").startswith("2.7."), version("sphinxcontrib-bibtex")


def test_pybtex_find_plugin_is_still_the_function_we_replace() -> None:
    original = bibcache._original_find_plugin
    assert original.__module__ == "pybtex.plugin"
    assert list(inspect.signature(original).parameters) == ["plugin_group", "name", "filename"]
    # The memo keys on the plugins registered at run time, kept in this dictionary.
    assert isinstance(pybtex.plugin._RUNTIME_PLUGINS, dict)
    assert "_RUNTIME_PLUGINS" in inspect.getsource(pybtex.plugin._load_entry_point)
    # Both places the memo is put are module attributes looked up at call time.
    for module in bibcache.PATCHED_MODULES:
        assert module.find_plugin in (original, bibcache.find_plugin), module.__name__


def test_the_callers_still_look_the_plugin_up_at_call_time() -> None:
    # sphinxcontrib-bibtex, per citation: through the module, so the memo answers.
    # (upstream's resolve_xref: a build may already have put the narrowing wrapper in place)
    resolve = inspect.getsource(bibcache._original_resolve_xref)
    assert 'pybtex.plugin.find_plugin("pybtex.backends", "plaintext")' in resolve
    formatted = inspect.getsource(BibtexDomain.get_formatted_entries)
    assert 'pybtex.plugin.find_plugin("pybtex.style.formatting"' in formatted
    assert "style.format_entry(bibliography.labelprefix + label, entry)" in formatted
    # pybtex's Text.render_as imports find_plugin when called.
    assert "from pybtex.plugin import find_plugin" in inspect.getsource(
        pybtex.richtext.BaseText.render_as
    )


def test_get_filtered_entries_is_still_the_code_that_was_rewritten() -> None:
    # bibcache.get_filtered_entries is this function with one loop hoisted: if upstream
    # changes it, compare again and copy the change, then record the new digest.
    source = inspect.getsource(bibcache._original_get_filtered_entries)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == "3ec52cc65a607579bb3e9022250cbe327475f4e0ce2eb026ce46c71640639dad"
    assert hasattr(bibtex_domain, "_FilterVisitor")
    assert hasattr(bibtex_domain, "logger")


@pytest.mark.parametrize(
    "expression",
    [
        "cited",
        "True",
        "not cited",
        'docname in docnames and type == "misc"',
        'key % "^a"',
        '"one" in docnames or author % "Kubicek"',
        "cited and len(docnames)",  # no calls in a filter: warns, falls back to "cited"
    ],
)
def test_the_linear_filter_yields_what_upstream_yields(expression: str) -> None:
    bibdata = parse_bibdata([ROOTS / ROOT / "refs.bib"], "utf-8")
    refs = [
        CitationRef("r1", "one", 3, [CitationTarget("garibov2020", "", "")]),
        CitationRef("r2", "two", 4, [CitationTarget("aydin2019", "", "")]),
        CitationRef(
            "r3",
            "one",
            5,
            [CitationTarget("aydin2019", "", ""), CitationTarget("celikpala2020", "", "")],
        ),
    ]
    key = BibliographyKey("bib", "bibliography-id1")
    value = BibliographyValue(
        line=3,
        bibfiles=list(bibdata.bibfiles),
        style="edition",
        list_="citation",
        enumtype="arabic",
        start=1,
        labelprefix="",
        keyprefix="",
        filter_=ast.parse(expression),
        citation_nodes={},
        keys=["kubicek2009"],
    )
    fake = SimpleNamespace(bibliographies={key: value}, citation_refs=refs, bibdata=bibdata)
    fake.get_entries = MethodType(BibtexDomain.get_entries, fake)
    upstream = [(k, e.key) for k, e in bibcache._original_get_filtered_entries(fake, key)]
    linear = [(k, e.key) for k, e in bibcache.get_filtered_entries(fake, key)]
    assert linear == upstream


def test_resolve_xref_is_still_the_code_that_is_narrowed() -> None:
    # bibcache.resolve_xref hands upstream's resolve_xref the cited keys' citations only, in
    # their order: upstream must still read them once, through the citations property, and
    # nowhere else. If upstream changes, check the narrowing again and record the new digest.
    source = inspect.getsource(bibcache._original_resolve_xref)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == "53e1f8c0f8f6a1376e5305aff58d753aa1062bf04e33af331b850554608918be"
    assert source.count("self.citations") == 1
    assert "self.data" not in source
    assert (
        inspect.getsource(BibtexDomain.__dict__["citations"].fget)
        .strip()
        .endswith('return self.data["citations"]')
    )


def test_the_bibliography_transform_is_still_the_code_that_is_narrowed() -> None:
    # bibcache.bibliography_run hands upstream's run the references made on the pages of the
    # document's bibliographies only: upstream must still read them once, through the
    # citation_refs property, keeping only those on the bibliography's own page. If upstream
    # changes, check the narrowing again and record the new digest.
    from sphinxcontrib.bibtex import transforms

    source = inspect.getsource(bibtransform._original_bibliography_run)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == "e5b6a10dbac7aaeaf61d413e4ed5858ee99ad034389a079d7dfb7559b06d22be"
    assert source.count("citation_refs") == 1
    assert "for citation_ref in domain.citation_refs" in source
    assert "if bib_key.docname == citation_ref.docname" in source
    assert "getattr(self.document, meth)(bibliography_node)" in source
    assert vars(transforms)["bibliography_node"] is bibliography_node
    assert (
        inspect.getsource(BibtexDomain.__dict__["citation_refs"].fget)
        .strip()
        .endswith('return self.data["citation_refs"]')
    )


def test_format_entry_has_the_signature_the_cache_wraps() -> None:
    base = pybtex.style.formatting.BaseStyle
    assert list(inspect.signature(base.format_entry).parameters) == [
        "self",
        "label",
        "entry",
        "bib_data",
    ]
    assert list(inspect.signature(base.__init__).parameters)[:2] == ["self", "label_style"]


# -- the memo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "name"),
    [
        ("pybtex.backends", "plaintext"),
        ("pybtex.backends", "text"),
        ("pybtex.backends", "docutils"),
        ("pybtex.style.names", "plain"),
        ("pybtex.style.labels", "alpha"),
        ("pybtex.style.sorting", "none"),
        ("pybtex.style.formatting", "unsrt"),
        ("pybtex.style.formatting", "edition"),
    ],
)
def test_the_memo_answers_what_pybtex_answers(group: str, name: str) -> None:
    import critical_edition.bibliography.style

    critical_edition.bibliography.style.register_styles()
    expected = bibcache._original_find_plugin(group, name)
    found = bibcache.find_plugin(group, name)
    assert bibcache.find_plugin(group, name) is found
    if group == "pybtex.style.formatting":
        # A subclass that only adds the cache, under the same name.
        assert found.bibcache_base is expected
        assert found.__name__ == expected.__name__
        assert found.__module__ == expected.__module__
    else:
        assert found is expected


def test_the_upstream_lookups_still_call_entry_points_by_their_modules_name() -> None:
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    assert "entry_points(group=search_group, name=name)" in inspect.getsource(
        pybtex.plugin._load_entry_point
    )
    assert "entry_points(group=plugin_group, name=name)" in inspect.getsource(
        pybtex.plugin.register_plugin
    )
    assert "entry_points(group=group, name=name)" in inspect.getsource(bibtex_plugin._entry_points)
    bibcache.install()
    assert pybtex.plugin.entry_points is bibtex_plugin.entry_points is bibcache.entry_points


def test_the_memo_sees_plugins_registered_later() -> None:
    class First(pybtex.style.formatting.BaseStyle):  # type: ignore[misc]
        pass

    class Second(pybtex.style.formatting.BaseStyle):  # type: ignore[misc]
        pass

    group = "pybtex.style.formatting"
    try:
        pybtex.plugin.register_plugin(group, "bibcache-test", First, force=True)
        assert bibcache.find_plugin(group, "bibcache-test").bibcache_base is First
        pybtex.plugin.register_plugin(group, "bibcache-test", Second, force=True)
        assert bibcache.find_plugin(group, "bibcache-test").bibcache_base is Second
    finally:
        pybtex.plugin._RUNTIME_PLUGINS[group].pop("bibcache-test", None)
    with pytest.raises(pybtex.plugin.PluginNotFound):
        bibcache.find_plugin(group, "bibcache-test")


# -- builds: same output with and without the cache --------------------------------------------


def outputs(app: SphinxTestApp, *, search_index: bool = True) -> dict[str, bytes]:
    """Every page, claims.json and (unless told not to) the search index, by path."""
    return {
        str(path.relative_to(app.outdir)): path.read_bytes()
        for path in sorted(app.outdir.rglob("*"))
        if path.suffix in {".html", ".json", ".js"}
        and "_static" not in path.parts
        and (search_index or path.name != "searchindex.js")
    }


def filled_citation_nodes(app: Any) -> int:
    """How many of the citation nodes the environment keeps for its bibliographies have
    content (upstream's transform fills in the environment's own nodes)."""
    domain = app.env.get_domain("cite")
    return sum(
        1
        for value in domain.bibliographies.values()
        for node in value.citation_nodes.values()
        if node.children
    )


def pickled_citations(app: Any) -> int:
    """How many of sphinxcontrib-bibtex's citations the build's pickled environment holds."""
    with (Path(app.doctreedir) / "environment.pickle").open("rb") as stream:
        env = pickle.load(stream)
    return len(env.domaindata["cite"]["citations"])


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def test_cached_output_equals_stock_output(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    assert warnings_of(cached) == []
    assert bibcache.CACHE.misses > 0
    assert (cached.doctreedir / bibcache.CACHE_NAME).is_file()

    # A page edited: every entry comes from the cache.
    edit(srcdir / "two.md", "An earlier study", "An older study")
    again = build(make_app, srcdir, tmp_path / "cached")
    assert warnings_of(again) == []
    assert bibcache.CACHE.misses == 0
    assert bibcache.CACHE.hits > 0

    # An entry edited: that entry alone is formatted again, once per style (the entry and
    # the tooltip styles; the bibliography check's unlabelled trial serves the entry style,
    # whose text does not depend on the label).
    edit(srcdir / "refs.bib", "{Kubicek, Paul}", "{Kubicek, Paul J.}")
    edited = build(make_app, srcdir, tmp_path / "cached")
    assert warnings_of(edited) == []
    assert bibcache.CACHE.misses == 2
    assert "Kubicek, Paul J." in (edited.outdir / "bib.html").read_text(encoding="utf-8")

    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    monkeypatch.setenv(bibcache.SWITCH, "0")
    try:
        stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    finally:
        monkeypatch.delenv(bibcache.SWITCH)
    assert pybtex.plugin.find_plugin is bibcache._original_find_plugin
    assert pybtex.plugin.entry_points is bibcache._original_entry_points
    assert BibliographyTransform.run is bibtransform._original_bibliography_run
    assert not (stock.doctreedir / bibcache.CACHE_NAME).exists()
    assert warnings_of(clean) == warnings_of(stock) == []
    assert outputs(clean) == outputs(stock)
    # The bibliography's page cites two entries: their backreferences are there.
    assert 'role="doc-backlink"' in (clean.outdir / "bib.html").read_text(encoding="utf-8")
    # Upstream fills in the environment's own citation nodes and places them in the page (the
    # environment then holds the written page); the cache lends it copies.
    assert filled_citation_nodes(stock) > 0
    assert filled_citation_nodes(clean) == filled_citation_nodes(edited) == 0
    # sphinxcontrib-bibtex works its citations out in every build: they are not pickled
    # (stock pickles them), and the rebuilds above, which read none back, wrote the same pages.
    assert pickled_citations(stock) > 0
    assert pickled_citations(clean) == pickled_citations(edited) == 0
    assert len(clean.env.get_domain("cite").citations) == pickled_citations(stock)
    # After incremental builds Sphinx's search index keeps an empty entry for each word that
    # left the text ("earlier": []), with or without the cache; the pages are the same.
    assert outputs(edited, search_index=False) == outputs(stock, search_index=False)


def test_an_entry_edited_writes_only_the_entries_formatted_anew(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "cached", freshenv=True)
    kept = first.doctreedir / bibcache.CACHE_NAME
    new = first.doctreedir / bibcache.NEW_ENTRIES_NAME
    written = kept.read_bytes()
    assert not new.exists()
    stamp = bibcache._CACHE_STAMP

    def entries(path: Path) -> set[tuple[str, tuple[str, str]]]:
        stored = bibcache._read(path)
        return {(style, key) for style, keys in stored.items() for key in keys}

    in_file = entries(kept)
    # Edits of one entry: the file stays as it is, the new file holds what was formatted
    # since it was written (the last edit's two styles, not the one before).
    monkeypatch.setattr(bibcache, "REWRITE_RATIO", 1)
    for old, name in (("Paul}", "Paul J.}"), ("Paul J.", "Paul K.")):
        edit(srcdir / "refs.bib", "{Kubicek, " + old, "{Kubicek, " + name)
        edited = build(make_app, srcdir, tmp_path / "cached")
        assert bibcache.CACHE.misses == 2
        assert kept.read_bytes() == written
        assert len(entries(new)) == 2 and not entries(new) & in_file
    # Read back: every entry comes from the two files.
    edit(srcdir / "two.md", "An earlier study", "An older study")
    again = build(make_app, srcdir, tmp_path / "cached")
    assert bibcache.CACHE.misses == 0
    # Past the ratio: the file is written afresh with the entries in use, the new one goes.
    monkeypatch.setattr(bibcache, "REWRITE_RATIO", 10_000)
    edit(srcdir / "refs.bib", "Paul K.", "Paul L.")
    rewritten = build(make_app, srcdir, tmp_path / "cached")
    assert not new.exists()
    assert len(entries(kept)) == len(in_file)
    # A damaged new file is ignored.
    monkeypatch.setattr(bibcache, "REWRITE_RATIO", 1)
    edit(srcdir / "refs.bib", "Paul L.", "Paul M.")
    build(make_app, srcdir, tmp_path / "cached")
    new.write_bytes(new.read_bytes()[:-10])
    assert bibcache._read(new) == {}
    edit(srcdir / "two.md", "An older study", "An old study")
    damaged = build(make_app, srcdir, tmp_path / "cached")
    assert bibcache.CACHE.misses == 2
    assert keptpickle.load(new, stamp) is not None
    monkeypatch.setenv(bibcache.SWITCH, "0")
    stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    for app in (edited, again, rewritten, damaged):
        assert warnings_of(app) == []
    assert outputs(damaged, search_index=False) == outputs(stock, search_index=False)


def test_parallel_build_equals_serial_build(make_app: Any, srcdir: Path, tmp_path: Path) -> None:
    serial = build(make_app, srcdir, tmp_path / "serial", freshenv=True)
    parallel = build(make_app, srcdir, tmp_path / "parallel", freshenv=True, parallel=2)
    assert warnings_of(serial) == warnings_of(parallel) == []
    assert outputs(parallel) == outputs(serial)


def test_entry_fingerprints_are_worked_out_once_per_parse_of_the_bib_files(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    compute = bibcache.compute_fingerprint

    def counted(entry: Any) -> str:
        calls.append(str(entry.key))
        return compute(entry)

    monkeypatch.setattr(bibcache, "compute_fingerprint", counted)
    rendered: list[str] = []
    render = bibcheck._fingerprint

    def rendered_citation(citation: Any) -> str:
        rendered.append(citation.key)
        return render(citation)

    monkeypatch.setattr(bibcheck, "_fingerprint", rendered_citation)
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    entries = first.env.domains["cite"].data["bibdata"].data.entries
    # Each entry when the files are parsed (and the .bib check's own reading of them).
    assert set(calls) == set(entries)
    for entry in entries.values():
        assert bibcache.entry_fingerprint(entry) == compute(entry)
    # A page edited, then nothing: the parsed data and its fingerprints are the last build's.
    calls.clear()
    edit(srcdir / "two.md", "An earlier study", "An older study")
    rendered.clear()
    build(make_app, srcdir, tmp_path / "out")
    build(make_app, srcdir, tmp_path / "out")
    assert calls == []
    # ... and the citations are formatted from the same entries: not compared one by one.
    assert rendered == []
    # An entry edited: the files are parsed again, and that entry fingerprinted again; the
    # others are the last parse's objects (the .bib check's memo), their fingerprints kept.
    edit(srcdir / "refs.bib", "{Kubicek, Paul}", "{Kubicek, Paul J.}")
    reparsed = build(make_app, srcdir, tmp_path / "out")
    assert set(calls) == {"kubicek2009"}
    assert rendered != []
    for entry in reparsed.env.domains["cite"].data["bibdata"].data.entries.values():
        assert bibcache.entry_fingerprint(entry) == compute(entry)
    # A style's code changed (the editor's own style, say; not in the configuration's hash):
    # the citations are formatted and compared again.
    rendered.clear()
    stamp = bibcache.source_stamp
    monkeypatch.setattr(bibcache, "source_stamp", lambda cls: stamp(cls) + ":edited")
    build(make_app, srcdir, tmp_path / "out")
    assert rendered != []
    # The module's code or the formatting packages changed: fingerprinted again.
    calls.clear()
    monkeypatch.setattr(bibcache, "_fingerprint_stamp", lambda: "another release")
    edited = build(make_app, srcdir, tmp_path / "out")
    assert set(calls) == set(entries)
    clean = build(make_app, srcdir, tmp_path / "clean", freshenv=True)
    assert outputs(edited, search_index=False) == outputs(clean, search_index=False)
    # Switched off: worked out at each use.
    calls.clear()
    monkeypatch.setenv(bibcache.SWITCH, "0")
    try:
        stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    finally:
        monkeypatch.delenv(bibcache.SWITCH)
    assert len(calls) > len(entries)
    assert outputs(stock) == outputs(clean)


def test_a_style_overriding_format_entry_does_not_inherit_the_word_on_the_label() -> None:
    # The edition's style makes its text without the label, and says so; a subclass that puts
    # the label in the text must not be cached under one entry for every label.
    from critical_edition.bibliography.style import EditionStyle

    class LabelledStyle(EditionStyle):
        def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
            return super().format_entry(label, entry, bib_data)

    assert bibcache._defining(EditionStyle, "format_entry") is EditionStyle
    assert bibcache._defining(LabelledStyle, "format_entry") is LabelledStyle
    assert bibcache.TEXT_WITHOUT_LABEL in vars(EditionStyle)
    assert bibcache.TEXT_WITHOUT_LABEL not in vars(LabelledStyle)


# -- the sort memo (critical_edition.speedups.bibsort) -----------------------------------------


def test_the_sort_memo_sorts_as_sorted_does() -> None:
    class Sorting(pybtex.style.sorting.BaseSortingStyle):
        def sorting_key(self, entry: Any) -> tuple[str, int]:
            return (entry.fields["group"], 0)

    def entry(key: str, group: str) -> Any:
        return SimpleNamespace(key=key, fields={"group": group})

    # Equal keys keep the order they came in; an entry with a crossref is never kept.
    entries = [entry("c", "b"), entry("a", "a"), entry("b", "b"), entry("d", "a")]
    entries.append(SimpleNamespace(key="x", fields={"group": "a", "crossref": "a"}))
    bibsort.load(None, "test")
    sorting = Sorting()
    memoised = bibsort._sorted(sorting, "stamp", lambda e: e.key, entries)
    assert memoised == sorted(entries, key=sorting.sorting_key)
    assert bibsort.SORT_KEYS.misses == 4
    backwards = entries[::-1]
    again = bibsort._sorted(sorting, "stamp", lambda e: e.key, backwards)
    assert again == sorted(backwards, key=sorting.sorting_key)
    assert bibsort.SORT_KEYS.misses == 4
    # A key that is not plain data is worked out every time.
    assert not bibsort._plain(("a", object()))


def test_a_damaged_or_foreign_sort_memo_is_read_as_nothing_kept(tmp_path: Path) -> None:
    path = tmp_path / bibsort.FILE_NAME
    bibsort.load(None, "key")
    bibsort.SORT_KEYS.put(("stamp", "entry"), ("a", 1))
    bibsort.save(path, "key")
    bibsort.load(path, "key")
    assert bibsort.SORT_KEYS.get(("stamp", "entry")) == ("a", 1)
    bibsort.load(path, "another key")  # other code or packages: not read
    assert bibsort.SORT_KEYS.stored == {}
    path.write_bytes(path.read_bytes()[:-7])  # cut short
    bibsort.load(path, "key")
    assert bibsort.SORT_KEYS.stored == {} and bibsort.LABELS.stored == {}
    # A folder where the file should be: nothing kept, and saving does not stop the build.
    path.unlink()
    path.mkdir()
    bibsort.SORT_KEYS.put(("stamp", "entry"), ("a", 1))
    bibsort.save(path, "key")


def test_the_sort_memo_leaves_a_style_with_its_own_sort_alone() -> None:
    from critical_edition.bibliography.style import EditionStyle

    style = EditionStyle()
    bibsort.remember(style, bibcache.source_stamp, bibcache.entry_fingerprint)
    assert style.sort != style.sorting_style.sort
    assert style.format_labels != style.label_style.format_labels

    class OwnSort(pybtex.style.sorting.BaseSortingStyle):
        def sort(self, entries: Any) -> list[Any]:
            return list(entries)

    other = EditionStyle()
    other.sorting_style = OwnSort()
    other.sort = other.sorting_style.sort
    bibsort.remember(other, bibcache.source_stamp, bibcache.entry_fingerprint)
    assert other.sort == other.sorting_style.sort


def test_sort_keys_and_labels_are_kept_between_builds(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    kept = first.doctreedir / bibsort.FILE_NAME
    assert kept.is_file()
    assert bibsort.SORT_KEYS.misses > 0
    assert bibsort.LABELS.misses > 0
    # A page edited: every key and label comes from the file, which is not written again.
    written = kept.stat().st_mtime_ns
    edit(srcdir / "two.md", "An earlier study", "An older study")
    build(make_app, srcdir, tmp_path / "out")
    assert bibsort.SORT_KEYS.misses == bibsort.LABELS.misses == 0
    assert bibsort.SORT_KEYS.used
    assert bibsort.LABELS.used
    assert kept.stat().st_mtime_ns == written
    # An entry edited: its key alone is worked out again, and the labels of its list.
    edit(srcdir / "refs.bib", "{Kubicek, Paul}", "{Kubicek, Paul J.}")
    edited = build(make_app, srcdir, tmp_path / "out")
    assert bibsort.SORT_KEYS.misses == 1
    assert bibsort.LABELS.misses >= 1
    # Another code stamp (the toolkit's code, or the packages, changed): nothing is read.
    monkeypatch.setattr(bibsort, "file_key", lambda versions: "another release")
    restamped = build(make_app, srcdir, tmp_path / "out")
    assert bibsort.SORT_KEYS.misses > 1
    monkeypatch.undo()
    monkeypatch.setenv(bibcache.SWITCH, "0")
    try:
        stock = build(make_app, srcdir, tmp_path / "stock", freshenv=True)
    finally:
        monkeypatch.delenv(bibcache.SWITCH)
    assert not (stock.doctreedir / bibsort.FILE_NAME).exists()
    assert warnings_of(edited) == warnings_of(restamped) == warnings_of(stock) == []
    assert outputs(edited, search_index=False) == outputs(stock, search_index=False)
    assert outputs(restamped, search_index=False) == outputs(stock, search_index=False)
