"""The benchmark script (bench/run.py) works: its corpus is sound and its report complete.

No timing is asserted: the script's numbers are for people to read (README.md, "Performance").
This checks that the synthetic edition has the density, the unique ids and the two variants the
benchmark needs, and that a 1x run builds every variant strictly and writes every result key.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_density_is_measured_from_the_edition(bench: ModuleType) -> None:
    density = bench.measure_density()
    assert density.pages >= 1
    assert density.words_per_page > 200
    assert density.citations_per_page > 0
    assert density.footnotes_per_page > 0
    assert density.claims_per_page > 0
    assert density.actors > 0
    assert density.bib_entries > 0


def test_corpus_scales_and_keeps_ids_unique(bench: ModuleType, tmp_path: Path) -> None:
    density = bench.measure_density()
    one = bench.generate(1, tmp_path / "1x", density)
    three = bench.generate(3, tmp_path / "3x", density)
    assert three.pages == 3 * one.pages == 3 * density.pages
    assert three.bib_entries == 3 * one.bib_entries == 3 * density.bib_entries
    assert three.actors == 3 * density.actors
    assert abs(three.claims - 3 * one.claims) <= 3
    # Citations vary with the forms drawn for the claims (some carry one): roughly in step.
    assert abs(three.citations - 3 * one.citations) <= 0.35 * three.citations

    ext = {p.relative_to(three.ext): p.read_text("utf-8") for p in three.ext.rglob("*.md")}
    plain = {p.relative_to(three.plain): p.read_text("utf-8") for p in three.plain.rglob("*.md")}
    assert ext.keys() == plain.keys()
    everything = "\n".join(ext.values())
    labels = re.findall(r"^\[\^([^\]]+)\]:", everything, re.MULTILINE)
    assert len(labels) == len(set(labels)) == three.footnotes
    actor_ids = re.findall(r"^:::\{actor\} (\S+)", everything, re.MULTILINE)
    assert len(actor_ids) == len(set(actor_ids)) == three.actors
    bib = (three.ext / "refs.bib").read_text("utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)
    assert len(keys) == len(set(keys)) == three.bib_entries
    assert everything.count("{claim-index}") == 1
    # The plain variant has the same text without the toolkit's markup.
    plain_text = "\n".join(plain.values())
    for markup in ("{claim}", "{actor}", "{claim-index}"):
        assert markup not in plain_text
    assert plain_text.count("{cite:") == everything.count("{cite:")


def test_a_1x_run_builds_strictly_and_reports_every_key(bench: ModuleType, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    # Every build of the run is strict (-n -W): a warning stops the script.
    # One run of the editor's loop (its default is three, for medians): the suite's time.
    argv = [
        "--scales",
        "1",
        "--out",
        str(tmp_path),
        "--json",
        str(results),
        "--edition-repeat",
        "1",
    ]
    assert bench.main(argv) == 0
    report = json.loads(results.read_text("utf-8"))
    assert {"started", "command", "cpus", "density", "scales", "scaling"} <= report.keys()
    (scale,) = report["scales"]
    assert set(bench.RESULT_KEYS) <= scale.keys()
    assert scale["scale"] == 1
    # What the run checks besides time: same output with and without the bibliography cache,
    # and an incrementally rebuilt edition equal to a clean (-j 2) build.
    assert scale["stock_equals_cached"], scale["stock_differs"]
    assert scale["navigation_equals_stock"], scale["navigation_differs"]
    assert scale["incremental_equals_clean"], scale["clean_differs"]
    assert scale["page_edit_reread"] >= 1
    assert f"{scale['scale']}x" in bench.table(report["scales"])
    # Each edit is rebuilt three times, each a new edit, and every run's time is kept.
    assert len(scale["page_edit_runs_s"]) == len(scale["bib_edit_runs_s"]) == bench.EDIT_REPEAT
    assert scale["bib_edit_written"], "each .bib edit changes what the entry's citations show"
    assert report["edition"]["repeats"] == 1


def test_repeated_steps_report_their_median_and_range(bench: ModuleType) -> None:
    builds = [bench.Build(seconds, seconds / 2, 50.0, 0, f"log{seconds}") for seconds in (3, 1, 2)]
    assert bench._median_build(builds).log == "log2"
    loop = {"noop_runs": [0.72, 0.66, 0.7]}
    assert bench._spread(loop, "noop") == " [median of 3: 0.66–0.72 s]"
    assert bench._spread({"noop_runs": [0.7]}, "noop") == ""


def test_the_import_floor_is_measured_and_reported(bench: ModuleType) -> None:
    # The floor of a rebuild that writes nothing: Python started and the stack imported.
    stack = bench.imports_only(("json",))
    assert stack.returncode == 0 and stack.seconds > 0 and stack.cpu_seconds >= 0
    assert bench.imports_only(("no_such_module_here",)).returncode == 1
    build = {"seconds": 2.0, "cpu_seconds": 2.0}
    lines = bench.edition_lines(
        {
            "full": build,
            "noop": {"seconds": 0.5, "cpu_seconds": 0.5},
            "edit": {"seconds": 0.6, "cpu_seconds": 0.6},
            "noop_written": [],
            "edit_written": ["abstract.html"],
            "edited_page": "abstract.md",
            "imports_stack": {"seconds": 0.3, "cpu_seconds": 0.3},
            "imports_with_toolkit": {"seconds": 0.4, "cpu_seconds": 0.4},
        }
    )
    assert lines[1] == (
        "  nothing changed: 0.5 s = 25% of the full build (CPU 25%); wrote 0: no page"
    )
    assert lines[3] == (
        "  of which starting Python and importing: the stack 0.30 s (CPU 0.30 s), "
        "with the toolkit 0.40 s = 20% of the full build"
    )
