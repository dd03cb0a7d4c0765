"""Benchmark (outside the build pipeline): synthetic editions at 1x, 10x, 50x the paper, timed.

``make bench`` runs this script with the virtual environment's Python. It uses the standard
library only: Sphinx runs in child processes (``python -m sphinx``), timed with a wall clock,
their peak memory read from ``os.wait4``. For each scale it

1. measures the real edition in ``docs/`` (pages of the paper, words, citations, footnotes,
   editors' notes and claims per page; actors and .bib entries per copy of the paper) and
   writes a synthetic edition with that density: ``scale`` copies of the paper's pages, one
   actor register, one claim index, one bibliography, a .bib with ``scale`` times the entries,
   unique labels and ids throughout (``bench/_runs/<scale>x/ext``), and the same corpus with
   the toolkit's markup reduced to plain text for a build with plain Sphinx + MyST +
   sphinxcontrib-bibtex (``.../plain``);
2. builds it: the toolkit (serial, fresh); the same with the bibliography cache switched off
   (stock sphinxcontrib-bibtex); the plain corpus, once as it is and once with the toolkit's
   speed-ups that any Sphinx site may load (:data:`PLAIN_WITH_SPEEDUPS`: the navigation
   cache, the collector's tuning, doctrees kept on disk, the stem memo, the design scan, the
   node census, the inventory cache; output must be byte-identical; the toolkit's own cost is measured against
   this build, which shares their gain); an incremental rebuild after a prose edit to one
   page, then after an edit to one .bib entry's author (three of each, medians); and a fresh ``-j 2`` build of the edited
   sources, which must equal the incrementally rebuilt output file for file;
3. prints ratios measured within one run (the machine is shared: absolute times are noisy)
   and writes them, with the raw times, to ``bench/_runs/results.json``.

Options: ``--quick`` (1x and 10x only), ``--scales``, ``--repeat N`` (medians of N runs),
``--edition-repeat N`` (runs of the editor's loop on ``docs/``, medians; default 3),
``--profile SCALE`` (one cProfile'd build, the top functions of the toolkit and of
sphinxcontrib-bibtex), ``--generate-only``.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RUNS = ROOT / "bench" / "_runs"
#: The paper's bibliography (one copy of the paper's entries).
REFS = ROOT / "refs.bib"

#: The stock sphinxcontrib-bibtex measurement: the toolkit's bibliography cache off
#: (critical_edition.speedups.bibcache), and its memo of the installed distributions too
#: (critical_edition.core.distributions), which would serve pybtex's plugin lookups.
NO_CACHE_ENV = {"CRITICAL_EDITION_BIBCACHE": "0", "CRITICAL_EDITION_METADATACACHE": "0"}
#: The plain build with the toolkit's speed-ups that are extensions of their own (the
#: navigation cache, the collector's tuning, doctrees kept on disk, the stem memo, the scan
#: for sphinx-design's components, the node census, the inventory cache): the like-for-like
#: base for the toolkit's own cost (what its features cost, not what its speed-ups save), and a
#: byte-for-byte check of those speed-ups.
SPEEDUPS = ("navigation", "collector", "doctrees", "stemming", "design", "census", "inventory")
PLAIN_WITH_SPEEDUPS = [
    "-D",
    "extensions=myst_parser,sphinx_design,sphinxcontrib.bibtex,"
    + ",".join(f"critical_edition.speedups.{name}" for name in SPEEDUPS),
]

#: Claims per page while the paper is not yet marked up: the attribution linter found 30
#: unmarked attributions in the paper's six text pages (2026-11-28), about five per page.
ESTIMATED_CLAIMS_PER_PAGE = 5.0
#: Share of claims with an editorial status (verified, contested, corrected) and so with a
#: note and evidence, while the paper is not yet marked up (an estimate).
ESTIMATED_NOTED_CLAIMS = 0.2
#: A paper page shorter than this is folded into the others (the abstract, the title page).
MIN_PAGE_WORDS = 200

#: Rebuilds after each kind of edit at every scale, each a new edit: the median is reported
#: (a rebuild takes seconds; one alone moved by a fifth between runs of the bench).
EDIT_REPEAT = 3

#: The keys of each scale's results (tests/test_bench.py checks them); each ``*_s`` time has
#: a ``*_cpu_s`` twin, each ratio a ``*_cpu`` twin.
RESULT_KEYS = (
    "scale",
    "pages",
    "documents",
    "claims",
    "citations",
    "footnotes",
    "bib_entries",
    "actors",
    *(
        f"{build}{suffix}"
        for build in (
            "full",
            "stock_bibtex_full",
            "plain_full",
            "plain_nav_full",
            "page_edit",
            "bib_edit",
            "parallel_full",
        )
        for suffix in ("_s", "_cpu_s", "_peak_rss_mb")
    ),
    *(
        f"{ratio}{suffix}"
        for ratio in (
            "overhead",
            "own_cost",
            "navigation_speedup",
            "page_edit_ratio",
            "bib_edit_ratio",
            "bibcache_speedup",
        )
        for suffix in ("", "_cpu")
    ),
    "per_page_s",
    "per_page_cpu_s",
    "plain_per_page_s",
    "plain_per_page_cpu_s",
    "plain_nav_per_page_s",
    "plain_nav_per_page_cpu_s",
    "extension_per_page_s",
    "extension_per_page_cpu_s",
    "parallel_ratio",
    "page_edit_reread",
    "page_edit_written",
    "bib_edit_reread",
    "bib_edit_written",
    "stock_equals_cached",
    "navigation_equals_stock",
    "incremental_equals_clean",
    "index_equals_clean",
    "claims_json_equals_clean",
    "code_changed_during_run",
)


# -- the real edition's density ------------------------------------------------------------------


@dataclass
class Density:
    """What one copy of the paper holds, measured from docs/ (or estimated, and said so)."""

    pages: int
    words_per_page: float
    citations_per_page: float
    footnotes_per_page: float
    notes_per_page: float
    claims_per_page: float
    noted_claims: float
    actors: int
    bib_entries: int
    claims_measured: bool
    source: list[str] = field(default_factory=list)


def _paper_pages() -> list[str]:
    """The paper's own pages: ``edition_lint_documents`` in docs/conf.py.

    Read without running conf.py: a list of strings, or the name of one assigned earlier.
    """
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    lists: dict[str, list[str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name):
            continue
        if isinstance(value, ast.Name) and value.id in lists:
            lists[target.id] = lists[value.id]
        elif isinstance(value, ast.List | ast.Tuple) and all(
            isinstance(elt, ast.Constant) and isinstance(elt.value, str) for elt in value.elts
        ):
            lists[target.id] = [str(ast.literal_eval(elt)) for elt in value.elts]
    if "edition_lint_documents" not in lists:
        raise SystemExit("bench: cannot read edition_lint_documents in docs/conf.py")
    return lists["edition_lint_documents"]


_MARKUP_OPTIONS = re.compile(r"<[^<>\n]*>`|^:\w[\w-]*:.*$", re.MULTILINE)
_CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]]+\]:", re.MULTILINE)
_CLAIM = re.compile(r"\{claim\}`|^:{3,}\{claim\}", re.MULTILINE)
_CLAIM_NOTE = re.compile(r"\bnote=|^:note:", re.MULTILINE)


def measure_density() -> Density:
    """Count, in the paper's pages of docs/, what a synthetic page must hold."""
    names = _paper_pages()
    texts = []
    for name in names:
        path = DOCS / f"{name}.md"
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    if not texts:
        raise SystemExit("bench: no page of the paper found in docs/")
    # Words of the text: without the options of roles (``<actor=...>``) and directives.
    words = [len(_MARKUP_OPTIONS.sub(" ", t).split()) for t in texts]
    pages = sum(1 for w in words if w >= MIN_PAGE_WORDS) or 1
    everything = "\n".join(texts)
    citations = sum(len(m.split(",")) for m in _CITE.findall(everything))
    footnotes = len(_FOOTNOTE_DEF.findall(everything))
    notes = everything.count("**Editors:**")
    claims = len(_CLAIM.findall(everything))
    noted = len(_CLAIM_NOTE.findall(everything))
    actors_md = DOCS / "actors.md"
    actors = (
        len(re.findall(r"^:{3,}\{actor\}", actors_md.read_text(encoding="utf-8"), re.MULTILINE))
        if actors_md.is_file()
        else 30
    )
    bib = REFS.read_text(encoding="utf-8") if REFS.is_file() else ""
    entries = len(
        re.findall(r"^@(?!comment|string|preamble)\w+\s*\{", bib, re.MULTILINE | re.IGNORECASE)
    )
    source = [f"docs/{name}.md" for name in names]
    measured = claims > 0
    return Density(
        pages=pages,
        words_per_page=sum(words) / pages,
        citations_per_page=citations / pages,
        footnotes_per_page=footnotes / pages,
        notes_per_page=notes / pages,
        claims_per_page=claims / pages if measured else ESTIMATED_CLAIMS_PER_PAGE,
        noted_claims=(noted / claims) if measured else ESTIMATED_NOTED_CLAIMS,
        actors=actors or 30,
        bib_entries=entries or 30,
        claims_measured=measured,
        source=source,
    )


# -- the synthetic edition -----------------------------------------------------------------------

# Neutral words only: no reporting verb, no "according to", so the attribution linter finds
# nothing outside the claims, as in a fully marked-up edition.
_WORDS = (  # noqa: SIM905 (word lists read best as text)
    "the a of in on for with from by between over under after before during within across "
    "region border corridor pipeline route village town city district valley ridge river "
    "road bridge station market harbour plain plateau highland lowland coast frontier "
    "government ministry army council assembly parliament committee delegation mission "
    "agreement treaty ceasefire protocol framework process settlement dialogue talks "
    "negotiation summit meeting conference visit exercise operation offensive line contact "
    "security stability economy energy trade transport education culture history memory "
    "identity diaspora community population refugee family generation elite public media "
    "decade year month week spring summer autumn winter period phase stage episode "
    "interest concern position strategy policy doctrine posture balance order status quo "
    "new old large small recent early late regional national international bilateral "
    "military civilian political economic strategic territorial humanitarian diplomatic "
    "significant limited broad narrow close distant direct indirect formal informal "
    "gradual sudden long short open closed visible hidden stable fragile common rare "
    "and but also yet still thus however moreover then again further rather quite more "
    "less most several many few some each every both either other another such this that "
    "these those its their his her our whose which where when while since until although "
    "remained became grew moved shifted opened closed reached crossed held built shaped "
    "changed kept gave took made found saw met joined left returned followed led "
    "supported tested linked framed marked measured balanced sustained widened narrowed"
).split()
_SURNAME_PARTS = (  # noqa: SIM905
    "ba be bi bo ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so "
    "ta te ti to va ve vi vo za ze zi zo da de di do ga ge gi go"
).split()
_GIVEN = ("Ayla", "Emin", "Leyla", "Orhan", "Nadia", "Ruslan", "Selin", "Tural", "Vera", "Zaur")
_VERBS = ("stated", "declared", "claimed", "argued", "denied", "warned", "promised", "reported")
_NOTED = ("verified", "contested", "corrected")
_ACTOR_TYPES = ("person", "group", "ministry", "state", "organisation")


def _surname(n: int) -> str:
    """A distinct surname for every n (three syllables in base 40, capitalised)."""
    parts = []
    for _ in range(3):
        n, rest = divmod(n, len(_SURNAME_PARTS))
        parts.append(_SURNAME_PARTS[rest])
    return ("".join(parts) + (str(n) if n else "")).capitalize()


def _bib_text(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body},\n}}\n"


class Spread:
    """Distribute a fractional per-page count over pages so that the totals come out right."""

    def __init__(self, per_page: float) -> None:
        self.per_page = per_page
        self.carry = 0.0

    def take(self) -> int:
        self.carry += self.per_page
        whole = int(self.carry)
        self.carry -= whole
        return whole


@dataclass
class Corpus:
    """A generated edition: where it is and what it holds."""

    scale: int
    ext: Path
    plain: Path
    pages: int
    documents: int
    claims: int
    citations: int
    footnotes: int
    bib_entries: int
    actors: int
    #: The page and line edited for the incremental measurement, and the .bib key edited.
    edit_page: str
    edit_line: int
    edit_key: str


class _Writer:
    """Writes one synthetic edition in two variants (toolkit markup, and plain text)."""

    def __init__(self, density: Density, scale: int, seed: int = 2020) -> None:
        self.d = density
        self.scale = scale
        self.rng = random.Random(seed + scale)
        self.used_claim_starts: set[str] = set()
        self.claims = self.citations = self.footnotes = 0
        self.cited_keys: set[str] = set()

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(n))

    def sentence(self, n: int = 20) -> str:
        text = self.words(n)
        return text[0].upper() + text[1:]

    # -- bibliography ------------------------------------------------------------------------
    def bib_entries(self, copy: int) -> tuple[list[tuple[str, str, str]], list[str]]:
        """The copy's entries: (key, toolkit .bib text, plain .bib text), and their keys."""
        entries = []
        n = self.d.bib_entries
        for i in range(n):
            serial = (copy - 1) * n + i
            surname = _surname(serial)
            key = f"{surname.lower()}{2000 + serial % 21}c{copy}"
            year = str(2000 + serial % 21)
            note = self.sentence(45) + "."
            kind = ("misc", "online", "article")[0 if i % 10 < 5 else (1 if i % 10 < 9 else 2)]
            fields = [("author", f"{surname}, {_GIVEN[serial % len(_GIVEN)]}"), ("year", year)]
            if kind == "online":
                fields += [
                    ("title", self.sentence(8)),
                    ("journaltitle", f"{_surname(serial + 7919).capitalize()} News"),
                    ("date", f"{year}-{1 + serial % 12:02d}-{1 + serial % 28:02d}"),
                    ("url", f"https://example.org/{key}/{serial}"),
                    ("urldate", "2026-11-28"),
                    ("verification", "verified"),
                    ("seen", "The page at the address, on the day consulted."),
                    ("confidence", "high"),
                ]
            elif kind == "article":
                fields += [
                    ("title", self.sentence(9)),
                    ("journal", f"Journal of {_surname(serial + 104729)} Studies"),
                    ("volume", str(1 + serial % 40)),
                    ("number", str(1 + serial % 4)),
                    ("pages", f"{10 + serial % 90}--{30 + serial % 90}"),
                    ("doi", f"10.5555/{key}"),
                    ("verification", "candidate"),
                    ("confidence", "medium"),
                ]
            else:
                fields += [("verification", "unresolved")]
            fields.append(("note", note))

            # pybtex's stock styles cannot format @online: the plain variant calls it @misc.
            plain_kind = "misc" if kind == "online" else kind
            entries.append((key, _bib_text(kind, key, fields), _bib_text(plain_kind, key, fields)))
        return entries, [key for key, _, _ in entries]

    # -- actors ------------------------------------------------------------------------------
    def actors(self, copy: int) -> list[dict[str, str]]:
        result = []
        for i in range(self.d.actors):
            serial = (copy - 1) * self.d.actors + i
            surname = _surname(serial + 20_000)
            result.append(
                {
                    "id": f"actor-{copy}-{i + 1}",
                    "name": f"{_GIVEN[serial % len(_GIVEN)]} {surname}",
                    "alias": f"{surname} of copy {copy}",
                    "type": _ACTOR_TYPES[serial % len(_ACTOR_TYPES)],
                    "description": self.sentence(12) + ".",
                }
            )
        return result

    # -- one page ----------------------------------------------------------------------------
    def claim_text(self) -> str:
        """Words of a claim whose automatic id (its first seven words) is unique."""
        while True:
            text = self.sentence(16)
            start = " ".join(text.casefold().split()[:7])
            if start not in self.used_claim_starts:
                self.used_claim_starts.add(start)
                return text

    def page(
        self,
        copy: int,
        number: int,
        keys: list[str],
        actors: list[dict[str, str]],
        counts: dict[str, int],
        uncited: list[str],
    ) -> tuple[str, str]:
        """One chapter page in both variants; ``counts`` says how many of each to place."""
        rng = self.rng
        ext: list[str] = []
        plain: list[str] = []
        title = f"Chapter {copy}.{number}: {self.words(4)}"
        ext += [f"# {title}", ""]
        plain += [f"# {title}", ""]

        def next_key() -> str:
            key = uncited.pop() if uncited else rng.choice(keys)
            self.cited_keys.add(key)
            self.citations += 1
            return key

        footnotes: list[tuple[str, str, str]] = []

        def footnote(note: bool) -> str:
            label = f"fn-{copy}-{number}-{len(footnotes) + 1}"
            body = f"<https://example.org/source/{copy}/{number}/{len(footnotes) + 1}>"
            if note:
                cite = f" {{cite:p}}`{next_key()}`" if counts["note_cites"] > 0 else ""
                counts["note_cites"] -= 1 if cite else 0
                text = f"**Editors:** {self.sentence(30)}"
                footnotes.append((label, body, f"{text}{cite}."))
            else:
                footnotes.append((label, body, ""))
            self.footnotes += 1
            return f"[^{label}]"

        claims, cites = counts["claims"], counts["text_cites"]
        fns, notes = counts["footnotes"], counts["notes"]
        # Sentences: the page's words in sentences of about 20, one per line as in docs/.
        n_sentences = max(claims + cites + fns + 3, round(self.d.words_per_page / 20))
        slots = list(range(n_sentences))
        rng.shuffle(slots)
        claim_at = set(slots[:claims])
        cite_at = set(slots[claims : claims + cites])
        fn_at = set(slots[claims + cites : claims + cites + fns])
        paragraph_break = 5
        for s in range(n_sentences):
            if s and s % paragraph_break == 0:
                ext.append("")
                plain.append("")
            if s in claim_at:
                e, p = self.claim(copy, keys, actors, next_key, footnote, notes_left=fns)
                ext.append(e)
                plain.append(p)
                continue
            text = self.sentence()
            tail = ""
            if s in cite_at:
                role = "cite:labelpar" if rng.random() < 0.15 else "cite:p"
                tail = f" {{{role}}}`{next_key()}`"
            ext.append(f"{text}{tail}.")
            plain.append(f"{text}{tail}.")
            if s in fn_at:
                ref = footnote(note=notes > 0)
                notes -= 1
                ext[-1] += ref
                plain[-1] += ref
        if uncited and number == 6:
            # Every entry is cited somewhere in its copy (an unused entry is a warning).
            rest = ",".join(uncited)
            self.cited_keys.update(uncited)
            self.citations += len(uncited)
            uncited.clear()
            line = f"{self.sentence()} {{cite:p}}`{rest}`."
            ext += ["", line]
            plain += ["", line]
        for label, body, note in footnotes:
            for lines in (ext, plain):
                lines += ["", f"[^{label}]: {body}"]
                if note:
                    lines += ["", f"    {note}"]
        return "\n".join(ext) + "\n", "\n".join(plain) + "\n"

    def claim(
        self,
        copy: int,
        keys: list[str],
        actors: list[dict[str, str]],
        next_key: Any,
        footnote: Any,
        notes_left: int,
    ) -> tuple[str, str]:
        """One claim in one of the markup forms of tests/roots/test-claims-markup."""
        rng = self.rng
        self.claims += 1
        actor = rng.choice(actors)
        who = actor["alias"] if rng.random() < 0.1 else actor["id"]
        options = [f"actor={who}", f"verb={rng.choice(_VERBS)}"]
        if rng.random() < self.d.noted_claims:
            options += [
                f"status={rng.choice(_NOTED)}",
                f'note="{self.sentence(14)}."',
                f"evidence={next_key()}",
            ]
        text = self.claim_text()
        opts = "; ".join(options)
        form = rng.random()
        if form < 0.5:  # the claim alone
            return f"{{claim}}`{text} <{opts}>`.", f"{text}."
        if form < 0.8:
            cite = f"{{cite:p}}`{next_key()}`"
            if form < 0.7:  # a citation right after it
                return f"{{claim}}`{text} <{opts}>` {cite}.", f"{text} {cite}."
            # a citation inside it
            return f"{{claim}}``{text} {cite} <{opts}>``.", f"{text} {cite}."
        if form < 0.9:  # a footnote right after it
            ref = footnote(note=False)
            return f"{{claim}}`{text} <{opts}>`{ref}.", f"{text}{ref}."
        # a block claim with an explicit source
        key = next_key()
        block = [":::{claim}"]
        for option in [*options, f"source={key}"]:
            name, _, value = option.partition("=")
            block.append(f":{name}: {value.strip(chr(34))}")
        block += [f"{text}.", ":::", ""]
        return "\n" + "\n".join(block), f"\n{text}.\n"


def _conf(ext: bool) -> str:
    common = [
        '"""Generated by bench/run.py: a synthetic edition for the benchmark."""',
        'project = "Benchmark edition"',
        'author = "bench/run.py"',
        'root_doc = "index"',
        'source_suffix = {".md": "markdown"}',
        'exclude_patterns = ["_build"]',
        "nitpicky = True",
        'myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "substitution"]',
        "myst_heading_anchors = 3",
        "myst_footnote_transition = False",
        'bibtex_bibfiles = ["refs.bib"]',
        'bibtex_encoding = "utf-8"',
        'html_theme = "furo"',
        "html_show_sourcelink = False",
        "html_last_updated_fmt = None",
        'html_theme_options = {"navigation_with_keys": True}',
    ]
    if ext:
        return "\n".join(
            [
                *common,
                'extensions = ["critical_edition"]',
                'edition_lint_documents = ["c*/*"]',
                'bibtex_reference_style = "edition"',
                'bibtex_default_style = "edition"',
                'bibtex_tooltips_style = "edition-tooltip"',
                'bibtex_cite_id = "bib-{key}"',
                "",
            ]
        )
    return "\n".join(
        [*common, 'extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex"]', ""]
    )


def generate(scale: int, dest: Path, density: Density | None = None) -> Corpus:
    """Write the synthetic edition at *scale* into ``dest/ext`` and ``dest/plain``."""
    d = density or measure_density()
    writer = _Writer(d, scale)
    ext_dir, plain_dir = dest / "ext", dest / "plain"
    for path in (ext_dir, plain_dir):
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
    spread = {
        name: Spread(value)
        for name, value in {
            "claims": d.claims_per_page,
            "citations": d.citations_per_page,
            "footnotes": d.footnotes_per_page,
            "notes": d.notes_per_page,
        }.items()
    }
    ext_bib: list[str] = []
    plain_bib: list[str] = []
    register_ext = ["# Register of speakers", ""]
    register_plain = ["# Register of speakers", ""]
    toctrees: list[str] = []
    pages = 0
    for copy in range(1, scale + 1):
        entries, keys = writer.bib_entries(copy)
        ext_bib += [e for _, e, _ in entries]
        plain_bib += [p for _, _, p in entries]
        actors = writer.actors(copy)
        register_ext += [f"## Copy {copy}", ""]
        register_plain += [f"## Copy {copy}", ""]
        for a in actors:
            register_ext += [
                f":::{{actor}} {a['id']}",
                f":name: {a['name']}",
                f":type: {a['type']}",
                f":aliases: {a['alias']}",
                a["description"],
                ":::",
                "",
            ]
            register_plain += [
                f"**{a['name']}** ({a['type']}). Also named: {a['alias']}.",
                a["description"],
                "",
            ]
        uncited = list(reversed(keys))
        names = []
        for number in range(1, d.pages + 1):
            claims = spread["claims"].take()
            citations = spread["citations"].take()
            footnotes = spread["footnotes"].take()
            notes = min(spread["notes"].take(), footnotes)
            # Citations: some in the editors' notes, the rest in the text (claims take theirs
            # from the same budget where they have one).
            note_cites = min(notes, citations // 4)
            counts = {
                "claims": claims,
                "text_cites": max(0, citations - note_cites - claims // 2),
                "footnotes": footnotes,
                "notes": notes,
                "note_cites": note_cites,
            }
            ext_text, plain_text = writer.page(copy, number, keys, actors, counts, uncited)
            name = f"c{copy:03d}/p{number}"
            for root, text in ((ext_dir, ext_text), (plain_dir, plain_text)):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / f"{name}.md").write_text(text, encoding="utf-8")
            names.append(name)
            pages += 1
        toctrees += [
            "```{toctree}",
            f":caption: Copy {copy}",
            ":maxdepth: 1",
            "",
            *names,
            "```",
            "",
        ]
    index = [
        "# Benchmark edition",
        "",
        f"A synthetic edition at {scale}x the paper (bench/run.py).",
        "",
        *toctrees,
        "```{toctree}",
        ":caption: Apparatus",
        ":maxdepth: 1",
        "",
        "claims",
        "actors",
        "bibliography",
        "```",
        "",
    ]
    bibliography = ["# Bibliography", "", "```{bibliography}", ":all:", "```", ""]
    for root, conf, register, bib in (
        (ext_dir, _conf(True), register_ext, ext_bib),
        (plain_dir, _conf(False), register_plain, plain_bib),
    ):
        (root / "conf.py").write_text(conf, encoding="utf-8")
        (root / "index.md").write_text("\n".join(index), encoding="utf-8")
        (root / "actors.md").write_text("\n".join(register), encoding="utf-8")
        (root / "bibliography.md").write_text("\n".join(bibliography), encoding="utf-8")
        (root / "refs.bib").write_text("\n".join(bib), encoding="utf-8")
    (ext_dir / "claims.md").write_text(
        "# Claim index\n\nEvery claim, in reading order.\n\n```{claim-index}\n```\n",
        encoding="utf-8",
    )
    (plain_dir / "claims.md").write_text(
        "# Claim index\n\nEvery claim, in reading order.\n", encoding="utf-8"
    )
    # The incremental measurements: a prose line in the middle page; a cited .bib entry.
    middle = f"c{(scale + 1) // 2:03d}/p{(d.pages + 1) // 2}"
    lines = (ext_dir / f"{middle}.md").read_text(encoding="utf-8").splitlines()
    edit_line = next(
        i
        for i, line in enumerate(lines[:-1])
        if line[:1].isupper() and "{" not in line and not lines[i + 1].startswith(":::")
    )
    edit_key = min(k for k in writer.cited_keys if k.endswith(f"c{(scale + 1) // 2}"))
    corpus = Corpus(
        scale=scale,
        ext=ext_dir,
        plain=plain_dir,
        pages=pages,
        documents=pages + 4,
        claims=writer.claims,
        citations=writer.citations,
        footnotes=writer.footnotes,
        bib_entries=len(ext_bib),
        actors=scale * d.actors,
        edit_page=middle,
        edit_line=edit_line,
        edit_key=edit_key,
    )
    manifest = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(corpus).items()}
    manifest["density"] = asdict(d)
    (dest / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return corpus


def edit_page(corpus: Corpus) -> None:
    """A prose edit: one word changed on one line of one page (no line added)."""
    swap_first_word(corpus.ext / f"{corpus.edit_page}.md", corpus.edit_line)


def swap_first_word(path: Path, line: int) -> None:
    """Change the first word of one line of *path* (no line added or removed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    words = lines[line].split(" ")
    words[0] = "Meanwhile" if words[0] != "Meanwhile" else "Still"
    lines[line] = " ".join(words)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_bib(corpus: Corpus) -> None:
    """An edit to one cited entry of refs.bib: its author's given name (seen in tooltips),
    ``Revised`` or, when it is that already, ``Amended`` (so that each call changes it)."""
    path = corpus.ext / "refs.bib"
    text = path.read_text(encoding="utf-8")
    start = text.index("{" + corpus.edit_key + ",")
    end = text.index("\n}\n", start)

    def renamed(match: re.Match[str]) -> str:
        return match[1] + ("Amended" if match[2] == "Revised" else "Revised")

    entry = re.sub(r"(author\s*=\s*\{[^,}]*, )(\w+)", renamed, text[start:end], count=1)
    path.write_text(text[:start] + entry + text[end:], encoding="utf-8")


# -- building and timing -------------------------------------------------------------------------


@dataclass
class Build:
    """One sphinx-build run."""

    seconds: float
    #: User + system CPU time of the build and the processes it waited for: less sensitive
    #: than the wall clock to other work on a shared machine.
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int
    log: str


#: The builds' environment: a fixed hash seed (the same output every run), and Python's
#: bytecode cache on, as on an editor's machine, even where the shell turns it off
#: (PYTHONDONTWRITEBYTECODE): without it every build compiles the toolkit anew, a fixed cost
#: of a few points of a no-op rebuild that no editor pays twice.
_BUILD_ENV = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONHASHSEED": "0",
}


def sphinx(
    src: Path,
    out: Path,
    *,
    jobs: int = 1,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    quiet: bool = True,
    options: list[str] | None = None,
) -> Build:
    """Build *src* strictly into *out* (doctrees in ``out/.doctrees``) in a child process."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going"]
    cmd += options or []
    if quiet:
        cmd.append("-q")
    if jobs > 1:
        cmd += ["-j", str(jobs)]
    cmd += [str(src), str(out)]
    log = log or out.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    child_env = {**_BUILD_ENV, **(env or {})}
    with log.open("w", encoding="utf-8") as stream:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=stream, stderr=subprocess.STDOUT, env=child_env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux: the largest of the process and the children it waited for.
    cpu = usage.ru_utime + usage.ru_stime
    return Build(seconds, cpu, usage.ru_maxrss / 1024, process.returncode, str(log))


_UPDATING = re.compile(r"updating environment: (\[[^\]]*\] )?(\d+) added, (\d+) changed")


def reread(build: Build) -> tuple[int, str]:
    """How many documents an (unquiet) build read, and why when it was not their change."""
    text = Path(build.log).read_text(encoding="utf-8", errors="replace")
    # Sphinx colours its log when it thinks it can (CI=true among the cues): drop the codes.
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    match = _UPDATING.search(text)
    if match is None:
        return 0, ""
    return int(match[2]) + int(match[3]), (match[1] or "").strip()


def _html_files(out: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(out)): p
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.suffix in (".html", ".json", ".js")
    }


def _search_index(path: Path) -> Any:
    """Sphinx's search index without the empty entries an incremental build leaves behind.

    A word that left a page keeps an empty entry (``"earlier": []``) after an incremental
    build; a clean build has none. That is Sphinx's behaviour, with or without the toolkit.
    """
    text = path.read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for key in ("terms", "titleterms"):
        data[key] = {term: docs for term, docs in data.get(key, {}).items() if docs != []}
    return data


def differing(a: Path, b: Path) -> list[str]:
    """Output files (HTML, claims.json, searchindex.js) that differ between two builds."""
    left, right = _html_files(a), _html_files(b)
    names = sorted(left.keys() | right.keys())
    result = []
    for n in names:
        if n not in left or n not in right:
            result.append(n)
        elif filecmp.cmp(left[n], right[n], shallow=False):
            continue
        elif n == "searchindex.js":
            if _search_index(left[n]) != _search_index(right[n]):
                result.append(n)
        elif _ASSET_VERSION.sub("", _text(left[n])) != _ASSET_VERSION.sub("", _text(right[n])):
            result.append(n)
    return result


#: The checksum Sphinx appends to the address of a CSS or JS file (``previews.js?v=4f4c99be``).
#: It changes when the toolkit's static files are edited while the benchmark runs (a shared
#: working tree), and Sphinx does not rewrite a page for that; the comparison leaves it out.
_ASSET_VERSION = re.compile(r"\?v=[0-9a-f]{8}")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _mtimes(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in out.rglob("*.html")
        if ".doctrees" not in p.parts
    }


def _written(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(n for n, t in after.items() if before.get(n) != t)


def _check(build: Build, what: str) -> None:
    if build.returncode != 0:
        tail = Path(build.log).read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"bench: the {what} build failed (status {build.returncode}):\n{tail}")


#: What a build of the edition imports before it reads a page: the stack, then the toolkit.
STACK_MODULES = (
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "myst_parser.sphinx_ext.main",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "furo",
)
TOOLKIT_MODULES = ("critical_edition",)


def imports_only(modules: tuple[str, ...]) -> Build:
    """Start Python and import *modules* and Sphinx's built-in extensions (which every build
    loads: its builders, domains, transforms) in a child process: a build's floor."""
    code = (
        "import importlib, sphinx.application\n"
        "for name in sphinx.application.builtin_extensions: importlib.import_module(name)\n"
    ) + "".join(f"import {name}\n" for name in modules)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], env=_BUILD_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return Build(
        seconds,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        "",
    )


def edition_loop(runs: Path) -> dict[str, Any]:
    """The editor's loop on the edition itself (``docs/``): full build, no-op, one-page edit.

    A copy of ``docs/`` and ``refs.bib`` is built from scratch, then again with nothing
    changed, then after a one-word prose edit to the first paper page; each rebuild's cost is
    given as a share of the full build, with the HTML pages it wrote.
    """
    dest = runs / "edition"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(DOCS, dest / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REFS, dest / "refs.bib")
    src, out = dest / "docs", dest / "html"
    full = sphinx(src, out, log=dest / "full.log")
    _check(full, "edition's full")
    before = _mtimes(out)
    noop = sphinx(src, out, log=dest / "noop.log")
    _check(noop, "edition's no-change")
    after_noop = _mtimes(out)
    page = src / f"{_paper_pages()[0]}.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    swap_first_word(
        page, next(i for i, text in enumerate(lines) if text[:1].isalpha() and " " in text)
    )
    edit = sphinx(src, out, log=dest / "edit.log")
    _check(edit, "edition's one-page edit")
    after_edit = _mtimes(out)
    stack = imports_only(STACK_MODULES)
    toolkit = imports_only(STACK_MODULES + TOOLKIT_MODULES)
    return {
        "full": asdict(full),
        "noop": asdict(noop),
        "edit": asdict(edit),
        "imports_stack": asdict(stack),
        "imports_with_toolkit": asdict(toolkit),
        "noop_written": _written(before, after_noop),
        "edit_written": _written(after_noop, after_edit),
        "edited_page": page.name,
    }


#: The timed steps of the editor's loop (each a :class:`Build` as a dict).
EDITION_STEPS = ("full", "noop", "edit", "imports_stack", "imports_with_toolkit")


def edition_loops(runs: Path, repeat: int) -> dict[str, Any]:
    """:func:`edition_loop` *repeat* times (it takes seconds), each step's median kept.

    A single no-op of under a second moved by a third between two runs of the whole bench on
    this shared machine; the median of a few, with their range, says more. Every step's
    times are kept (``<step>_runs``); the pages written are those of any run (a page written
    by one run is not hidden by the others).
    """
    loops = [edition_loop(runs) for _ in range(max(1, repeat))]
    result = dict(loops[-1])
    for step in EDITION_STEPS:
        builds = [loop[step] for loop in loops]
        median = dict(builds[-1])
        for measure in ("seconds", "cpu_seconds", "peak_rss_mb"):
            median[measure] = statistics.median(build[measure] for build in builds)
        result[step] = median
        result[f"{step}_runs"] = [build["seconds"] for build in builds]
    for written in ("noop_written", "edit_written"):
        result[written] = sorted({page for loop in loops for page in loop[written]})
    result["repeats"] = len(loops)
    return result


def _spread(loop: dict[str, Any], step: str) -> str:
    """`` [median of 3: 0.66–0.72 s]`` for a repeated step; nothing for a single run."""
    times = loop.get(f"{step}_runs") or []
    if len(times) < 2:
        return ""
    return f" [median of {len(times)}: {min(times):.2f}–{max(times):.2f} s]"


def edition_lines(loop: dict[str, Any]) -> list[str]:
    """The editor's loop as lines of the printed report."""
    full = loop["full"]
    heading = (
        f"The edition itself (docs/): full build {full['seconds']:.1f} s "
        f"(CPU {full['cpu_seconds']:.1f} s)"
    )
    result = [heading + _spread(loop, "full")]
    for key, label in (("noop", "nothing changed"), ("edit", f"{loop['edited_page']} edited")):
        build, written = loop[key], loop[f"{key}_written"]
        share = build["seconds"] / full["seconds"] if full["seconds"] else 0.0
        cpu_share = build["cpu_seconds"] / full["cpu_seconds"] if full["cpu_seconds"] else 0.0
        pages = ", ".join(written) if written else "no page"
        result.append(
            f"  {label}: {build['seconds']:.1f} s = {share:.0%} of the full build "
            f"(CPU {cpu_share:.0%}){_spread(loop, key)}; wrote {len(written)}: {pages}"
        )
    stack, toolkit = loop.get("imports_stack"), loop.get("imports_with_toolkit")
    if stack and toolkit and full["seconds"]:
        result.append(
            f"  of which starting Python and importing: the stack {stack['seconds']:.2f} s "
            f"(CPU {stack['cpu_seconds']:.2f} s), with the toolkit {toolkit['seconds']:.2f} s "
            f"= {toolkit['seconds'] / full['seconds']:.0%} of the full build"
        )
    return result


def run_scale(scale: int, runs: Path, density: Density, jobs: int) -> dict[str, Any]:
    """Generate the corpus at *scale* and take every measurement once."""
    dest = runs / f"{scale}x"
    corpus = generate(scale, dest, density)
    builds = dest / "builds"
    if builds.exists():
        shutil.rmtree(builds)
    say = _progress(scale)
    code_before = _code_stamp()

    def rebuild(
        what: str, name: str, edit: Callable[[Corpus], None]
    ) -> tuple[Build, list[str], list[float]]:
        """Edit the sources and rebuild the toolkit's build in place, :data:`EDIT_REPEAT`
        times (each a new edit): the median build, the pages any run wrote, every run's time.
        """
        results: list[Build] = []
        written: set[str] = set()
        for run in range(EDIT_REPEAT):
            say(what + (f" ({run + 1} of {EDIT_REPEAT})" if EDIT_REPEAT > 1 else ""))
            edit(corpus)
            before = _mtimes(builds / "ext")
            log = builds / f"ext-{name}-{run + 1}.log"
            result = sphinx(corpus.ext, builds / "ext", log=log, quiet=False)
            _check(result, name)
            results.append(result)
            written.update(_written(before, _mtimes(builds / "ext")))
        return _median_build(results), sorted(written), [r.seconds for r in results]

    say("full build with the toolkit")
    full = sphinx(corpus.ext, builds / "ext")
    _check(full, "toolkit")
    say("full build, bibliography cache off (stock sphinxcontrib-bibtex)")
    stock = sphinx(corpus.ext, builds / "stock", env=NO_CACHE_ENV)
    _check(stock, "stock-bibtex")
    stock_diff = differing(builds / "ext", builds / "stock")
    say("full build, plain Sphinx + MyST + sphinxcontrib-bibtex")
    plain = sphinx(corpus.plain, builds / "plain")
    _check(plain, "plain")
    say("full build, plain + the toolkit's speed-ups (" + ", ".join(SPEEDUPS) + ")")
    plain_nav = sphinx(corpus.plain, builds / "plain-nav", options=PLAIN_WITH_SPEEDUPS)
    _check(plain_nav, "plain-navigation")
    navigation_diff = differing(builds / "plain", builds / "plain-nav")

    page, page_written, page_runs = rebuild("one page edited", "page-edit", edit_page)
    bib, bib_written, bib_runs = rebuild("one .bib entry edited", "bib-edit", edit_bib)

    say(f"full build -j {jobs} of the edited sources (the clean build to compare with)")
    parallel = sphinx(corpus.ext, builds / "parallel", jobs=jobs)
    _check(parallel, "parallel")
    clean_diff = differing(builds / "ext", builds / "parallel")
    code_changed = _code_stamp() != code_before
    if code_changed:
        say("the toolkit's code changed during these builds: comparisons may not hold")

    result: dict[str, Any] = {
        "scale": scale,
        "pages": corpus.pages,
        "documents": corpus.documents,
        "claims": corpus.claims,
        "citations": corpus.citations,
        "footnotes": corpus.footnotes,
        "bib_entries": corpus.bib_entries,
        "actors": corpus.actors,
    }
    builds_by_name = {
        "full": full,
        "stock_bibtex_full": stock,
        "plain_full": plain,
        "plain_nav_full": plain_nav,
        "page_edit": page,
        "bib_edit": bib,
        "parallel_full": parallel,
    }
    for name, build in builds_by_name.items():
        result[f"{name}_s"] = build.seconds
        result[f"{name}_cpu_s"] = build.cpu_seconds
        result[f"{name}_peak_rss_mb"] = build.peak_rss_mb
    # Ratios: on the wall clock, and on CPU time (less disturbed by other work on the machine;
    # not meaningful for -j 2, whose point is to spend CPU time in parallel).
    for suffix, attr in (("", "seconds"), ("_cpu", "cpu_seconds")):
        t = {name: getattr(build, attr) for name, build in builds_by_name.items()}
        result[f"overhead{suffix}"] = t["full"] / t["plain_full"] - 1
        result[f"own_cost{suffix}"] = t["full"] / t["plain_nav_full"] - 1
        result[f"navigation_speedup{suffix}"] = 1 - t["plain_nav_full"] / t["plain_full"]
        result[f"page_edit_ratio{suffix}"] = t["page_edit"] / t["full"]
        result[f"bib_edit_ratio{suffix}"] = t["bib_edit"] / t["full"]
        result[f"bibcache_speedup{suffix}"] = 1 - t["full"] / t["stock_bibtex_full"]
        result[f"per_page{suffix}_s"] = t["full"] / corpus.documents
        result[f"plain_per_page{suffix}_s"] = t["plain_full"] / corpus.documents
        result[f"plain_nav_per_page{suffix}_s"] = t["plain_nav_full"] / corpus.documents
        # The toolkit's own work per document: against the plain build that shares its
        # speed-ups (the rest of the plain build's work is the same).
        result[f"extension_per_page{suffix}_s"] = (
            t["full"] - t["plain_nav_full"]
        ) / corpus.documents
    result["parallel_ratio"] = parallel.seconds / full.seconds
    page_read, page_why = reread(page)
    bib_read, bib_why = reread(bib)
    result.update(
        {
            "page_edit_reread": page_read,
            "page_edit_reread_reason": page_why,
            "page_edit_written": page_written,
            "page_edit_runs_s": page_runs,
            "bib_edit_runs_s": bib_runs,
            "bib_edit_reread": bib_read,
            "bib_edit_reread_reason": bib_why,
            "bib_edit_written": bib_written,
            "stock_equals_cached": not stock_diff,
            "navigation_equals_stock": not navigation_diff,
            "navigation_differs": navigation_diff,
            "stock_differs": stock_diff,
            "incremental_equals_clean": not clean_diff,
            "clean_differs": clean_diff,
            "index_equals_clean": "claims.html" not in clean_diff,
            "claims_json_equals_clean": "claims.json" not in clean_diff,
            "code_changed_during_run": code_changed,
        }
    )
    return result


def _code_stamp() -> int:
    """The latest change to the toolkit's files (the working tree may be shared)."""
    package = ROOT / "ext" / "critical_edition"
    return max(
        (
            p.stat().st_mtime_ns
            for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ),
        default=0,
    )


def _progress(scale: int) -> Any:
    start = time.perf_counter()

    def say(what: str) -> None:
        print(f"  [{scale}x +{time.perf_counter() - start:6.1f}s] {what}", flush=True)

    return say


def _median_build(builds: list[Build]) -> Build:
    """The build of median wall time (its CPU time, memory and log with it)."""
    ordered = sorted(builds, key=lambda build: build.seconds)
    return ordered[(len(ordered) - 1) // 2]


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the numbers over repeated runs; a check holds if it held in every run, and
    a disturbance counts if it happened in any; everything else from the last run."""
    result = dict(runs[-1])
    for key, value in runs[-1].items():
        if isinstance(value, float):
            result[key] = statistics.median(r[key] for r in runs)
        elif isinstance(value, bool):
            combine = any if key == "code_changed_during_run" else all
            result[key] = combine(r[key] for r in runs)
    if len(runs) > 1:
        result["repeats"] = len(runs)
    return result


# -- the report ----------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:+.0f} %"


def _edit(r: dict[str, Any], name: str) -> str:
    why = r.get(f"{name}_reread_reason")
    times = r.get(f"{name}_runs_s") or []
    spread = f" [{min(times):.1f}–{max(times):.1f} s]" if len(times) > 1 else ""
    return (
        f"{r[name + '_s']:.1f} s = {100 * r[name + '_ratio']:.0f} % "
        f"(CPU {100 * r[name + '_ratio_cpu']:.0f} %){spread}; read {r[name + '_reread']}"
        + (f" {why}" if why else "")
        + f", wrote {len(r[name + '_written'])}"
    )


_ROWS: list[tuple[str, Any]] = [
    ("documents (pages of text)", lambda r: f"{r['documents']} ({r['pages']})"),
    (
        "claims / citations / footnotes",
        lambda r: f"{r['claims']} / {r['citations']} / {r['footnotes']}",
    ),
    (".bib entries / actors", lambda r: f"{r['bib_entries']} / {r['actors']}"),
    (
        "full build: toolkit / plain / plain + speed-ups / stock bibtex",
        lambda r: (
            f"{r['full_s']:.1f} / {r['plain_full_s']:.1f} / {r['plain_nav_full_s']:.1f} / "
            f"{r['stock_bibtex_full_s']:.1f} s"
        ),
    ),
    (
        "(1) toolkit overhead vs plain (CPU)",
        lambda r: f"{_pct(r['overhead'])} ({_pct(r['overhead_cpu'])})",
    ),
    (
        "(1) toolkit vs plain + speed-ups: its own cost (CPU)",
        lambda r: f"{_pct(r['own_cost'])} ({_pct(r['own_cost_cpu'])})",
    ),
    (
        "speed-ups: time saved on plain (CPU)",
        lambda r: (
            f"{100 * r['navigation_speedup']:.0f} % ({100 * r['navigation_speedup_cpu']:.0f} %)"
        ),
    ),
    (
        "bibliography cache: time saved (CPU)",
        lambda r: f"{100 * r['bibcache_speedup']:.0f} % ({100 * r['bibcache_speedup_cpu']:.0f} %)",
    ),
    ("(2) one page edited / full", lambda r: _edit(r, "page_edit")),
    ("(2) one .bib entry edited / full", lambda r: _edit(r, "bib_edit")),
    (
        "(3) -j 2 / serial",
        lambda r: f"{r['parallel_full_s']:.1f} s = {100 * r['parallel_ratio']:.0f} %",
    ),
    (
        "(4) peak RSS: toolkit / plain / -j 2",
        lambda r: (
            f"{r['full_peak_rss_mb']:.0f} / {r['plain_full_peak_rss_mb']:.0f} / "
            f"{r['parallel_full_peak_rss_mb']:.0f} MB"
        ),
    ),
    (
        "time per document: toolkit / plain / plain + speed-ups (CPU)",
        lambda r: (
            f"{1000 * r['per_page_s']:.0f} / {1000 * r['plain_per_page_s']:.0f} / "
            f"{1000 * r['plain_nav_per_page_s']:.0f} ms ({1000 * r['per_page_cpu_s']:.0f} / "
            f"{1000 * r['plain_per_page_cpu_s']:.0f} / {1000 * r['plain_nav_per_page_cpu_s']:.0f} ms)"
        ),
    ),
    (
        "incremental = clean -j 2 build",
        lambda r: "yes" if r["incremental_equals_clean"] else f"NO: {r['clean_differs'][:3]}",
    ),
    (
        "toolkit code edited during the builds",
        lambda r: "YES: comparisons unreliable" if r["code_changed_during_run"] else "no",
    ),
    (
        "bibliography cache on = off, byte for byte",
        lambda r: "yes" if r["stock_equals_cached"] else f"NO: {r['stock_differs'][:3]}",
    ),
    (
        "speed-ups on = off (plain), byte for byte",
        lambda r: "yes" if r["navigation_equals_stock"] else f"NO: {r['navigation_differs'][:3]}",
    ),
]


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table (one column per scale)."""
    header = "| | " + " | ".join(f"{r['scale']}x" for r in results) + " |"
    lines = [header, "|---|" + "---|" * len(results)]
    lines += [f"| {label} | " + " | ".join(f(r) for r in results) + " |" for label, f in _ROWS]
    return "\n".join(lines)


def scaling(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Time per document at the largest scale over the next one down (10x -> 50x)."""
    if len(results) < 2:
        return None
    small, large = results[-2], results[-1]
    result: dict[str, Any] = {"from": small["scale"], "to": large["scale"]}
    for suffix in ("", "_cpu"):
        for name, key in (
            ("toolkit", "per_page"),
            ("plain", "plain_per_page"),
            ("plain_with_speedups", "plain_nav_per_page"),
            ("extension_only", "extension_per_page"),
        ):
            before, after = small[f"{key}{suffix}_s"], large[f"{key}{suffix}_s"]
            # A cost measured as a difference (the toolkit's own, over plain + speed-ups) can
            # fall within the noise, to zero or below: no ratio can be taken of it then.
            result[f"{name}{suffix}"] = after / before if before > 0 and after > 0 else None
    return result


# -- profiling -----------------------------------------------------------------------------------


def profile(scale: int, runs: Path, density: Density) -> None:
    """One cProfile'd full build; print the costliest functions of the toolkit and of bibtex."""
    dest = runs / f"{scale}x-profile"
    corpus = generate(scale, dest, density)
    out, prof = dest / "build", dest / "build.prof"
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "sphinx", "-b", "html", "-q"]
    cmd += [str(corpus.ext), str(out)]
    subprocess.run(cmd, check=True, env=_BUILD_ENV)
    import pstats

    stats = pstats.Stats(str(prof))
    stats.sort_stats("cumulative")
    for pattern in ("critical_edition", "sphinxcontrib/bibtex", "pybtex"):
        print(f"\n== {pattern} (cumulative) ==")
        stats.print_stats(pattern, 15)
    print(f"profile: {prof}")


# -- command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,50", help="comma-separated (default 1,10,50)")
    parser.add_argument("--quick", action="store_true", help="1x and 10x only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per scale (medians)")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the parallel build")
    parser.add_argument("--out", type=Path, default=RUNS, help="where corpora and builds go")
    parser.add_argument("--json", type=Path, help="results file (default OUT/results.json)")
    parser.add_argument("--generate-only", action="store_true", help="write the corpora only")
    parser.add_argument("--profile", type=int, metavar="SCALE", help="profile one build")
    parser.add_argument(
        "--no-edition", action="store_true", help="skip the editor's loop on docs/ itself"
    )
    parser.add_argument(
        "--edition-repeat",
        type=int,
        default=3,
        help="runs of the editor's loop on docs/ (medians, default 3)",
    )
    args = parser.parse_args(argv)
    scales = [1, 10] if args.quick else [int(s) for s in args.scales.split(",") if s.strip()]
    density = measure_density()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.profile:
        profile(args.profile, args.out, density)
        return 0
    if args.generate_only:
        for scale in scales:
            corpus = generate(scale, args.out / f"{scale}x", density)
            print(f"{scale}x: {corpus.ext} ({corpus.documents} documents)")
        return 0
    print(
        f"density per page of the paper ({density.pages} pages): "
        f"{density.words_per_page:.0f} words, {density.citations_per_page:.2f} citations, "
        f"{density.footnotes_per_page:.2f} footnotes ({density.notes_per_page:.2f} with notes), "
        f"{density.claims_per_page:.2f} claims "
        f"({'measured' if density.claims_measured else 'estimated: the paper is not marked up yet'})"
    )
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    results = []
    for scale in scales:
        runs = [run_scale(scale, args.out, density, args.jobs) for _ in range(args.repeat)]
        results.append(_median(runs))
    report = {
        "started": started,
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "repeat": args.repeat,
        "density": asdict(density),
        "scales": results,
        "scaling": scaling(results),
        "edition": None if args.no_edition else edition_loops(args.out, args.edition_repeat),
    }
    path = args.json or args.out / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results))
    s = report["scaling"]
    if s:
        print(f"\nTime per document, {s['from']}x -> {s['to']}x (CPU time in brackets):")
        for name in ("toolkit", "plain", "plain_with_speedups", "extension_only"):
            wall, cpu = s[name], s[f"{name}_cpu"]
            print(
                f"  {name.replace('_', ' ')}: "
                + (f"x{wall:.2f}" if wall is not None else "- (within the noise)")
                + (f" (x{cpu:.2f})" if cpu is not None else "")
            )
    if report["edition"]:
        print()
        print("\n".join(edition_lines(report["edition"])))
    print(f"\nResults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
