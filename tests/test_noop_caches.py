"""The caches of a rebuild with nothing changed (issue 20): furo's pruned sheets
(writers/theme_css.py), the CSL-JSON (outputs/csljson.py), Sphinx's general index and search
page (writers/index_pages.py).

Each is used only while a digest of everything its work reads holds, gives the output of the
work itself byte for byte, is redone after a change of its inputs or of the toolkit's code, and
has a switch that turns it off. Last, the garbage collector's pause (speedups/collector.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from critical_edition.core.listing import stat_key
from critical_edition.integrity import stale
from critical_edition.outputs import claims_json, csljson
from critical_edition.speedups import collector
from critical_edition.writers import index_pages, theme_css
from helpers import copy_edition, edit
from pybtex.database import Entry, Person
from sphinx.testing.util import SphinxTestApp
from test_integrity_incremental import output_files


def build(srcdir: Path, builddir: Path) -> set[str]:
    """Build; the pages rendered (given to ``html-page-context``)."""
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir)
    rendered: set[str] = set()
    app.connect("html-page-context", lambda _app, name, *_: rendered.add(name))
    try:
        app.build()
    finally:
        app.cleanup()
    return rendered


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each cached work ran (the real work runs each time)."""
    runs = {"css": 0, "csl": 0}
    pruned_sheets, csl_items = theme_css.pruned_sheets, csljson.csl_items

    def counted_css(*args: Any) -> Any:
        runs["css"] += 1
        return pruned_sheets(*args)

    def counted_csl(*args: Any) -> Any:
        runs["csl"] += 1
        return csl_items(*args)

    monkeypatch.setattr(theme_css, "pruned_sheets", counted_css)
    monkeypatch.setattr(csljson, "csl_items", counted_csl)
    return runs


def test_a_rebuild_uses_the_caches_and_writes_the_same_bytes_as_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, work: dict[str, int]
) -> None:
    srcdir = copy_edition(tmp_path)
    cached = tmp_path / "cached"
    build(srcdir, cached)
    assert work == {"css": 1, "csl": 1}
    assert (cached / "doctrees" / theme_css.CACHE_FILE).is_file()
    assert (cached / "doctrees" / csljson.CACHE_FILE).is_file()
    first = output_files(cached / "html")
    assert build(srcdir, cached) == set(), "nothing changed: no page is rendered"
    assert work == {"css": 1, "csl": 1}, "nothing changed: neither is worked out again"
    assert output_files(cached / "html") == first

    for switch in (theme_css.SWITCH, csljson.SWITCH, index_pages.SWITCH, claims_json.SWITCH):
        monkeypatch.setenv(switch, "0")
    stock = tmp_path / "stock"
    build(srcdir, stock)
    assert build(srcdir, stock) == {"genindex", "search"}, "Sphinx renders them in every build"
    assert work == {"css": 3, "csl": 3}, "switched off: worked out in every build"
    for name in (
        theme_css.CACHE_FILE,
        csljson.CACHE_FILE,
        index_pages.STATE_FILE,
        claims_json.CACHE_FILE,
    ):
        assert not (stock / "doctrees" / name).exists()
    assert output_files(stock / "html") == first


def test_the_index_pages_are_rendered_again_when_what_they_show_changed(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    build(srcdir, builddir)
    genindex = builddir / "html" / "genindex.html"
    written = genindex.read_bytes()
    # A file changed since the last build is written again.
    genindex.write_bytes(b"changed by hand")
    assert build(srcdir, builddir) == {"genindex"}
    assert genindex.read_bytes() == written
    # A static file changed, then gone again: the pages name its checksum.
    extra = builddir / "html" / "_static" / "extra.txt"
    extra.write_text("new", encoding="utf-8")
    assert build(srcdir, builddir) == {"genindex", "search"}
    extra.unlink()
    assert build(srcdir, builddir) == {"genindex", "search"}
    # A prose edit: no title, table of contents or index entry changed; both are kept.
    edit(srcdir / "abstract.md", "been one of the major challenges", "been one of the main")
    assert build(srcdir, builddir) == {"abstract"}
    clean = tmp_path / "clean"
    build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")
    # A title edit: the navigation of every page shows it, these two pages' too.
    edit(srcdir / "abstract.md", "# Abstract", "# Summary")
    assert {"genindex", "search"} <= build(srcdir, builddir)
    # An index entry: the general index lists it; the search page stays as it is.
    edit(srcdir / "abstract.md", "# Summary\n", "# Summary\n\n```{index} Caucasus\n```\n")
    assert {"genindex"} <= build(srcdir, builddir)
    (tmp_path / "clean").rename(tmp_path / "clean-before")
    build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")
    assert "Caucasus" in genindex.read_text(encoding="utf-8")
    assert "Summary" in (builddir / "html" / "search.html").read_text(encoding="utf-8")


def test_the_index_pages_follow_a_template_edit(tmp_path: Path) -> None:
    srcdir = copy_edition(tmp_path)
    brand = srcdir / "_templates" / "sidebar" / "brand.html"
    brand.parent.mkdir(parents=True)
    brand.write_text('<a class="sidebar-brand" href="#">Brand one</a>\n', encoding="utf-8")
    conf = srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + '\ntemplates_path = ["_templates"]\n', encoding="utf-8"
    )
    builddir = tmp_path / "_build"
    build(srcdir, builddir)
    assert build(srcdir, builddir) == set()
    # Only the template changes (no configuration value, no document): every page shows it.
    edit(brand, "Brand one", "Brand two")
    assert {"genindex", "search", "abstract"} <= build(srcdir, builddir)
    for page in ("genindex.html", "search.html", "abstract.html"):
        assert "Brand two" in (builddir / "html" / page).read_text(encoding="utf-8"), page


def test_claims_json_is_written_again_only_when_its_claims_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = []
    claims_as_json = claims_json.claims_as_json

    def counted(app: Any) -> Any:
        runs.append(1)
        return claims_as_json(app)

    monkeypatch.setattr(claims_json, "claims_as_json", counted)
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    build(srcdir, builddir)
    export = builddir / "html" / "claims.json"
    assert (len(runs), (builddir / "doctrees" / claims_json.CACHE_FILE).is_file()) == (1, True)
    # Nothing changed, then a prose edit outside any claim: the file is left as it is.
    stamp = export.stat().st_mtime_ns
    build(srcdir, builddir)
    edit(srcdir / "abstract.md", "been one of the major challenges", "been one of the main")
    build(srcdir, builddir)
    assert (len(runs), export.stat().st_mtime_ns) == (1, stamp)
    # A claim's words, then the toolkit's code: written again.
    page = srcdir / "historical-background.md"
    edit(page, "demanding unification (miatsum", "demanding union (miatsum")
    build(srcdir, builddir)
    assert len(runs) == 2
    assert "demanding union (miatsum" in export.read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    build(srcdir, clean)
    assert export.read_bytes() == (clean / "html" / "claims.json").read_bytes()
    monkeypatch.setattr(stale, "code_stamp", lambda: "edited")
    build(srcdir, builddir)
    assert len(runs) == 4
    # Changed by hand: written again. Switched off: written in every build, no cache kept.
    export.write_text("[]\n", encoding="utf-8")
    build(srcdir, builddir)
    assert export.read_bytes() == (clean / "html" / "claims.json").read_bytes()
    monkeypatch.setenv(claims_json.SWITCH, "0")
    stock = tmp_path / "stock"
    build(srcdir, stock)
    build(srcdir, stock)
    assert len(runs) == 7
    assert not (stock / "doctrees" / claims_json.CACHE_FILE).exists()
    assert export.read_bytes() == (stock / "html" / "claims.json").read_bytes()


def test_a_changed_input_or_toolkit_redoes_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, work: dict[str, int]
) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    build(srcdir, builddir)
    # A prose edit changes a page, but no class or element the pruning takes from it, and
    # not the bibliography.
    edit(srcdir / "abstract.md", "been one of the major challenges", "been one of the main")
    build(srcdir, builddir)
    assert work == {"css": 1, "csl": 1}
    # An element no page had: the sheets keep its rules now.
    edit(srcdir / "abstract.md", "been one of the main", "been one of the {kbd}`main`")
    build(srcdir, builddir)
    assert work == {"css": 2, "csl": 1}
    assert "kbd" in (builddir / "html" / "_static" / "styles" / "furo.css").read_text()
    # An edited .bib entry changes the CSL-JSON.
    edit(tmp_path / "refs.bib", "confidence   = {low}", "confidence   = {medium}")
    build(srcdir, builddir)
    assert work["csl"] == 2
    # As if a module of the toolkit had been edited between the builds.
    css = work["css"]
    monkeypatch.setattr(stale, "code_stamp", lambda: "edited")
    build(srcdir, builddir)
    assert work == {"css": css + 1, "csl": 3}
    clean = tmp_path / "clean"
    build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")


def test_the_item_key_follows_what_the_conversion_reads() -> None:
    entry = Entry("book", fields={"title": "An Account", "year": "2020"})
    entry.add_person(Person("Ergun, Ayça"), "author")
    base = csljson.memo_key("ergun2020", entry)
    assert csljson.memo_key("ergun2020", entry) == base
    assert csljson.memo_key("ergun2021", entry) != base
    changed = Entry("book", fields={"title": "An Account", "year": "2021"})
    changed.add_person(Person("Ergun, Ayça"), "author")
    assert csljson.memo_key("ergun2020", changed) != base
    renamed = Entry("book", fields={"title": "An Account", "year": "2020"})
    renamed.add_person(Person("Ergun, Ayse"), "author")
    assert csljson.memo_key("ergun2020", renamed) != base
    retyped = Entry("article", fields={"title": "An Account", "year": "2020"})
    retyped.add_person(Person("Ergun, Ayça"), "author")
    assert csljson.memo_key("ergun2020", retyped) != base


def test_the_items_joined_are_the_list_written_at_once() -> None:
    entries = {}
    for n, title in enumerate(("An Account", "Why {N}ow \\& then?", 'Ü\u00e7 "quoted"\nline')):
        entry = Entry("article", fields={"title": title, "year": f"20{n:02}", "note": "a\nb"})
        entry.add_person(Person(f"Ergun, Ay{n}"), "author")
        entries[f"key{n}"] = entry
    for chosen in ({}, dict(list(entries.items())[:1]), entries):
        items = [csljson.csl_item(key, entry) for key, entry in chosen.items()]
        whole = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
        assert csljson.csl_text(chosen) == whole


def test_a_bib_edit_converts_only_the_entry_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    converted: list[str] = []
    csl_item = csljson.csl_item

    def counted(key: str, entry: Any) -> Any:
        converted.append(key)
        return csl_item(key, entry)

    monkeypatch.setattr(csljson, "csl_item", counted)
    build(srcdir, builddir)
    entries = len(converted)
    assert entries > 10
    converted.clear()
    bib = tmp_path / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    edit(bib, "confidence   = {low}", "confidence   = {medium}")
    build(srcdir, builddir)
    # Only the entries edited (every "low" confidence became "medium").
    assert 0 < len(converted) == text.count("confidence   = {low}") < entries
    changed = list(converted)
    # Entries added above, removed, reordered: the file is the list converted at once.
    bib.write_text("@misc{added2024,\n  title = {Added},\n  year = {2024}\n}\n\n" + text)
    converted.clear()
    build(srcdir, builddir)
    assert converted == ["added2024", *changed]
    export = builddir / "html" / "bibliography.csl.json"
    monkeypatch.setenv(csljson.SWITCH, "0")
    stock = tmp_path / "stock"
    build(srcdir, stock)
    assert export.read_bytes() == (stock / "html" / "bibliography.csl.json").read_bytes()
    assert len(json.loads(export.read_text(encoding="utf-8"))) == entries + 1


def test_the_collector_is_tuned_once_per_process_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[bool] = []
    thresholds: list[tuple[int, ...]] = []
    at_exit: list[object] = []
    monkeypatch.setattr(collector.atexit, "register", at_exit.append)
    monkeypatch.setattr(collector.gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(collector.gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(collector.gc, "set_threshold", lambda *t: thresholds.append(t))
    monkeypatch.setattr(collector, "_done", [])
    monkeypatch.setattr(collector, "_environment_done", [])
    monkeypatch.setenv(collector.SWITCH, "0")
    collector.freeze(Any, Any)
    collector.freeze_loaded_environment(Any)
    assert frozen == [] and thresholds == [] and at_exit == []
    monkeypatch.delenv(collector.SWITCH)
    collector.freeze(Any, Any)
    collector.freeze(Any, Any)
    assert frozen == [True]
    # The environment loaded next is set aside once too.
    collector.freeze_loaded_environment(Any)
    collector.freeze_loaded_environment(Any)
    assert frozen == [True, True]
    # Fewer passes over the young generation; the older generations' thresholds unchanged.
    assert thresholds == [(collector.YOUNG_THRESHOLD, 10, 10)]
    # One exit handler, which freezes whatever is left.
    assert at_exit == [collector.freeze_at_exit]


@pytest.mark.parametrize("switch", ["1", "0"])
def test_the_collector_walks_nothing_at_exit_unless_switched_off(switch: str) -> None:
    # A reference cycle left when the program ends: Python's last collection finalises it,
    # unless the exit handler has set it aside (the system takes the memory back anyway).
    script = (
        "from critical_edition.speedups import collector\n"
        "collector.freeze(None, None)\n"
        "class Cycle:\n"
        "    def __del__(self): print('finalised')\n"
        "node = Cycle(); node.me = node; del node\n"
    )
    environment = {**os.environ, collector.SWITCH: switch}
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout == ("" if switch == "1" else "finalised\n")


def test_after_a_prose_edit_the_pruning_reads_only_the_pages_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = copy_edition(tmp_path)
    builddir = tmp_path / "_build"
    build(srcdir, builddir)
    features = builddir / "doctrees" / theme_css.FEATURES_FILE
    assert features.is_file()
    read: list[str] = []
    page_read = theme_css._PageFeatures.read

    def counted(page: Path) -> theme_css._PageFeatures:
        read.append(page.name)
        return page_read(page)

    monkeypatch.setattr(theme_css._PageFeatures, "read", staticmethod(counted))
    edit(srcdir / "abstract.md", "been one of the major challenges", "been one of the main")
    build(srcdir, builddir)
    pages = list((builddir / "html").rglob("*.html"))
    assert "abstract.html" in read
    assert len(read) < len(pages) / 2, (sorted(read), len(pages))
    clean = tmp_path / "clean"
    build(srcdir, clean)
    assert output_files(builddir / "html") == output_files(clean / "html")


def test_the_index_pages_config_digest_is_the_same_in_every_process() -> None:
    # A set's order changes with each process's string hashing: its plain repr made the
    # general index and the search page render again in every `make html` (Sphinx's own
    # c_extra_keywords is a frozenset), though every build in one process kept them.
    code = (
        "from types import SimpleNamespace as N\n"
        "from critical_edition.writers import index_pages\n"
        "looped = []\n"
        "looped.append(looped)\n"
        "items = [N(name='c_extra_keywords', value=frozenset({'alignas', 'bool', 'complex',"
        " 'imaginary', 'noreturn', 'static_assert', 'thread_local', 'alignof'})),"
        " N(name='nested', value={'a': [{'x', 'y', 'z'}, ('p', 'q')]}), N(name='loop', value=looped)]\n"
        "print(index_pages._config_digest(N(config=items)))\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(digests) == 1 and len(next(iter(digests)).strip()) == 64, digests


def _kept_features_hold(builddir: Path) -> int:
    """How many pages the features file keeps; each under its page's current status holds
    what the page gives now (the memo is never stale)."""
    state = json.loads((builddir / "doctrees" / theme_css.FEATURES_FILE).read_bytes())
    records, held = state["records"], 0
    for name, (key, number) in state["pages"].items():
        page = builddir / "html" / name
        if page.is_file() and key == stat_key(page):
            now = theme_css._PageFeatures.read(page)
            assert theme_css._PageFeatures.from_json(records[number]) == now, name
            held += 1
    return held


def test_the_features_memo_is_read_and_saved_once_and_the_output_is_the_same_as_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srcdir = copy_edition(tmp_path)
    loads: list[int] = []
    load = theme_css._Site._load_features

    def counted(site: Any) -> Any:
        loads.append(1)
        return load(site)

    monkeypatch.setattr(theme_css._Site, "_load_features", counted)

    def steps(builddir: Path, check: bool) -> list[dict[str, bytes]]:
        text = (srcdir / "abstract.md").read_text(encoding="utf-8")
        outputs = []
        for step in ("first", "prose", "new class", "no-op"):
            if step == "prose":
                edit(srcdir / "abstract.md", "been one of the major", "been one of the main")
            elif step == "new class":
                edit(
                    srcdir / "abstract.md",
                    "three decades.",
                    "three decades.\n\n:::{seealso}\nA hint.\n:::\n",
                )
            loads.clear()
            build(srcdir, builddir)
            outputs.append(output_files(builddir / "html"))
            if check:
                assert len(loads) <= 1, step
                pages = list((builddir / "html").rglob("*.html"))
                assert _kept_features_hold(builddir) == len(pages), step
            if check and step in ("prose", "new class"):
                sheet = builddir / "html" / "_static" / "styles" / "furo.css"
                assert (".seealso" in sheet.read_text(encoding="utf-8")) == (step == "new class")
        (srcdir / "abstract.md").write_text(text, encoding="utf-8")
        return outputs

    cached = steps(tmp_path / "cached", check=True)
    monkeypatch.setenv(theme_css.SWITCH, "0")
    assert steps(tmp_path / "stock", check=False) == cached
    assert not (tmp_path / "stock" / "doctrees" / theme_css.FEATURES_FILE).exists()


def test_one_application_built_twice_renders_the_index_pages_for_its_second_build(
    tmp_path: Path,
) -> None:
    # The digests of the site and of _static are taken once a build, not once an application.
    srcdir = copy_edition(tmp_path)
    app = SphinxTestApp("html", srcdir=srcdir, builddir=tmp_path / "_build")
    try:
        app.build()
        edit(srcdir / "abstract.md", "# Abstract", "# Summary")
        app.build()
    finally:
        app.cleanup()
    search = (tmp_path / "_build" / "html" / "search.html").read_text(encoding="utf-8")
    assert "Summary" in search
