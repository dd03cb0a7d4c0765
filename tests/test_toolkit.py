"""The toolkit for other editions: quick-start, generated reference, guide and package data.

The quick-start edition is written once per session by the real command line
(``python -m critical_edition new``) and built strictly by ``sphinx-build`` in a subprocess,
as an editor would; its HTML, its ``claims.json`` and its ``check`` report are then examined.
The reference root renders the three reference directives, which must list every setting,
warning subtype and schema property of the code. The wheel test builds the distribution
without network access and looks for every package data file in it.
"""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, fields
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag
from critical_edition.claims.markup import CLAIM_OPTIONS
from critical_edition.cli import main as cli
from critical_edition.cli import new as quickstart
from critical_edition.core.config import PREFIX, EditionConfig, default_of
from critical_edition.core.diagnostics import WARNING_TYPE, Subtype
from critical_edition.core.model import ActorType, ClaimStatus
from critical_edition.outputs.claims_json import SCHEMA_PATH
from critical_edition.outputs.reference import REBUILD_KINDS, default_text, type_name
from helpers import built, check_page_graph, edition_conf, jsonld_blocks
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ext" / "critical_edition"
DOCS = ROOT / "docs"
GUIDE = DOCS / "guide"
PYTHON = sys.executable


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


# -- The quick-start edition -----------------------------------------------------------------


@dataclass(frozen=True)
class QuickStart:
    srcdir: Path
    outdir: Path
    #: What ``critical-edition new`` printed.
    new_output: str
    #: sphinx-build's exit status and its warnings (stderr).
    status: int
    warnings: str

    def soup(self, page: str) -> BeautifulSoup:
        html = (self.outdir / f"{page}.html").read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="session")
def edition(tmp_path_factory: pytest.TempPathFactory) -> QuickStart:
    """A new edition written by the command line and built strictly, once."""
    base = tmp_path_factory.mktemp("quickstart")
    srcdir = base / "my-edition"
    new = _run(PYTHON, "-m", "critical_edition", "new", str(srcdir), "--title", "River Bridge")
    assert new.returncode == 0, new.stderr
    outdir = base / "html"
    build = _run(
        PYTHON,
        "-m",
        "sphinx",
        "-n",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(base / "doctrees"),
        str(srcdir),
        str(outdir),
    )
    return QuickStart(
        srcdir, outdir, new.stdout, build.returncode, strip_escape_sequences(build.stderr)
    )


def test_new_writes_the_skeleton_and_says_what_next(edition: QuickStart) -> None:
    for item in quickstart.SKELETON:
        assert (edition.srcdir / item.target).is_file(), item.target
        assert item.target in edition.new_output
    assert "make html" in edition.new_output
    assert "make check" in edition.new_output
    assert 'project = "River Bridge"' in (edition.srcdir / "conf.py").read_text(encoding="utf-8")
    makefile = (edition.srcdir / "Makefile").read_text(encoding="utf-8")
    for target in ("html", "check", "pdf"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_every_template_is_written() -> None:
    templates = {p.name for p in quickstart.TEMPLATES.iterdir()}
    assert templates == {item.template for item in quickstart.SKELETON}


def test_new_edition_builds_strictly_without_warnings(edition: QuickStart) -> None:
    assert edition.warnings == ""
    assert edition.status == 0


def _claim(soup: BeautifulSoup) -> Tag:
    claims = soup.select("span.ed-claim")
    assert len(claims) == 1
    return claims[0]


def test_new_edition_html_has_claim_card_citation_and_footnote(edition: QuickStart) -> None:
    soup = edition.soup("text")
    claim = _claim(soup)
    assert claim["data-actors"] == "minister"
    assert "ed-status-sourced" in claim["class"]
    card = claim.select_one('[role="tooltip"]')
    assert card is not None
    assert "The Minister of Transport" in card.get_text()
    assert card.select_one('a[href="actors.html#actor-minister"]') is not None
    # The citation after the claim, linked to its bibliography entry.
    citations = [
        a
        for a in soup.select(".bibtex-citation a")
        if a.find_parent(class_="ed-claim-card") is None
    ]
    assert [a["href"] for a in citations] == ["bibliography.html#bib-doe-2020"]
    assert citations[0].get_text() == "Doe 2020"
    bibliography = edition.soup("bibliography")
    assert bibliography.find(id="bib-doe-2020") is not None
    # The footnote: marker and note, linked both ways.
    marker = soup.select_one("a.footnote-reference")
    assert marker is not None
    note_id = str(marker["href"]).lstrip("#")
    note = soup.find(id=note_id)
    assert note is not None
    assert "later opening date" in note.get_text()


def test_new_edition_claims_json_matches_the_schema(edition: QuickStart) -> None:
    claims = json.loads((edition.outdir / "claims.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(claims, schema)
    assert len(claims) == 1
    claim = claims[0]
    assert claim["actor_ids"] == ["minister"]
    assert claim["sources"] == ["doe_2020"]
    assert claim["status"] == "sourced"
    assert claim["docname"] == "text"


def test_new_edition_carries_jsonld_and_dublin_core(edition: QuickStart) -> None:
    claims = json.loads((edition.outdir / "claims.json").read_text(encoding="utf-8"))
    for name in ("index", "text"):
        blocks = jsonld_blocks((edition.outdir / f"{name}.html").read_text(encoding="utf-8"))
        assert len(blocks) == 1
        check_page_graph(blocks[0], [c for c in claims if c["docname"] == name])
        # The skeleton leaves the edited text's description to the editor: no isBasedOn yet.
        assert "isBasedOn" not in blocks[0]["@graph"][0]
    soup = edition.soup("index")
    assert soup.find("meta", attrs={"name": "DC.title", "content": "River Bridge"})
    assert not soup.find_all("meta", attrs={"name": re.compile("^citation_")})
    assert soup.find(id="cite-this-edition") is not None
    items = json.loads((edition.outdir / "bibliography.csl.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == ["doe_2020"]


def test_new_edition_passes_check(edition: QuickStart) -> None:
    result = _run(PYTHON, "-m", "critical_edition", "check", str(edition.srcdir))
    assert result.returncode == cli.OK, result.stdout + result.stderr
    assert re.search(r"^integrity: citations 1 linked .*; 0 problems$", result.stdout, re.MULTILINE)
    assert "check passed" in result.stdout


def test_the_console_script_runs_new(tmp_path: Path) -> None:
    script = Path(PYTHON).with_name("critical-edition")
    if not script.exists():
        pytest.skip("the critical-edition script is not installed beside this Python")
    result = _run(str(script), "new", str(tmp_path / "edition"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "edition" / "conf.py").is_file()


def test_new_refuses_a_non_empty_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "index.md").write_text("# Mine\n", encoding="utf-8")
    assert cli.main(["new", str(tmp_path)]) == cli.FAILED
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == "# Mine\n"
    assert not (tmp_path / "conf.py").exists()
    # --force writes the skeleton, replacing its own files only.
    assert cli.main(["new", str(tmp_path), "--force"]) == cli.OK
    out = capsys.readouterr().out
    assert re.search(r"index\.md .*\(replaced\)", out)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "conf.py").is_file()


def test_new_writes_titles_safely_into_conf_py(tmp_path: Path) -> None:
    title = 'The "Bridge" \\ Edition'
    quickstart.write_skeleton(tmp_path, quickstart.fields(title, "A. N. Editor", 2026))
    conf = runpy.run_path(str(tmp_path / "conf.py"))
    assert conf["project"] == title
    assert conf["copyright"] == "2026, A. N. Editor"


def test_a_missing_bibliography_stops_the_build_with_what_to_set(tmp_path: Path) -> None:
    srcdir = tmp_path / "edition"
    quickstart.write_skeleton(srcdir, quickstart.fields("Edition", "Editors", 2026))
    conf = srcdir / "conf.py"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(
        re.sub(r"^bibtex_bibfiles = .*$", "", text, flags=re.MULTILINE), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r'set bibtex_bibfiles in conf\.py .*\["refs\.bib"\]'):
        SphinxTestApp("html", srcdir=srcdir, builddir=tmp_path / "_build")


# -- The generated reference -----------------------------------------------------------------


def _toolkit_markup(app: SphinxTestApp) -> set[str]:
    """The names of every role and directive the toolkit registers (``ed:claim`` for a domain's).

    Read from docutils' registries while the application is alive (its cleanup restores them).
    """
    from docutils.parsers.rst import directives, roles

    def ours(obj: object) -> bool:
        return str(getattr(obj, "__module__", "")).startswith("critical_edition")

    registered = {**directives._directives, **roles._roles}  # type: ignore[attr-defined]
    names = {name for name, obj in registered.items() if ours(obj)}
    for name, domain in app.registry.domains.items():
        if ours(domain):
            names.update(f"{name}:{role}" for role in domain.roles)
    return names


@dataclass(frozen=True)
class Reference:
    soup: BeautifulSoup
    #: Every role and directive of the toolkit.
    markup: set[str]


@pytest.fixture(scope="module")
def reference(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The reference root built once: its HTML page, and the toolkit's markup names."""
    builddir = tmp_path_factory.mktemp("toolkit-reference") / "_build"
    with built(rootdir / "test-toolkit-reference", builddir) as app:
        assert strip_escape_sequences(app.warning.getvalue()) == ""
        html = (app.outdir / "index.html").read_text(encoding="utf-8")
        markup = _toolkit_markup(app)  # before leaving: it reads docutils' registries
    return Reference(BeautifulSoup(html, "html.parser"), markup)


def _row(soup: BeautifulSoup, anchor: str) -> str:
    row = soup.find("tr", id=anchor)
    assert row is not None, f"no row {anchor!r} in the generated reference"
    return " ".join(row.get_text().split())


def _words(text: str) -> str:
    """*text* as the reference shows it: ``literal`` markers dropped, spaces collapsed."""
    return " ".join(text.replace("``", "").split())


def test_reference_lists_every_setting(reference: Reference) -> None:
    soup = reference.soup
    rows = soup.select("table.ed-config-reference tbody tr")
    assert len(rows) == len(fields(EditionConfig))
    for f in fields(EditionConfig):
        name = PREFIX + f.name
        text = _row(soup, "config-" + name.replace("_", "-"))
        default = default_of(f)
        assert name in text
        assert f"Type: {type_name(f.type)}" in text
        assert f"Default: {default_text(default)}" in text
        rebuild = str(f.metadata["rebuild"])
        assert REBUILD_KINDS.get(rebuild, rebuild) in text
        assert _words(f.metadata["help"]) in text


def test_reference_lists_every_warning_subtype(reference: Reference) -> None:
    soup = reference.soup
    rows = soup.select("table.ed-warning-reference tbody tr")
    assert len(rows) == len(Subtype)
    for subtype in Subtype:
        code = f"{WARNING_TYPE}.{subtype.code}"
        text = _row(soup, "warning-" + code.replace(".", "-").replace("_", "-"))
        assert code in text
        assert subtype.info.category in text
        assert _words(subtype.info.trigger) in text
        assert _words(subtype.info.fix) in text
        assert f'suppress_warnings = ["{code}"]' in text


def test_reference_lists_every_claims_json_property(reference: Reference) -> None:
    soup = reference.soup
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    properties: dict[str, Any] = schema["items"]["properties"]
    rows = soup.select("table.ed-schema-reference tbody tr")
    assert len(rows) == len(properties)
    for name, spec in properties.items():
        text = _row(soup, "schema-" + name.replace("_", "-"))
        assert name in text
        assert _words(spec["description"]) in text
        required = name in schema["items"]["required"]
        assert f"Required: {'yes' if required else 'no'}" in text
    assert "Type: array of string" in _row(soup, "schema-actors")
    assert 'one of "sourced"' in _row(soup, "schema-status")


# -- The guide -------------------------------------------------------------------------------


def test_guide_reference_page_uses_the_generated_tables() -> None:
    text = (GUIDE / "reference.md").read_text(encoding="utf-8")
    for directive in (
        "edition-config-reference",
        "edition-warning-reference",
        "edition-schema-reference",
    ):
        assert f"```{{{directive}}}" in text


def test_guide_is_in_its_own_toctree_and_linked_from_about() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    block = re.search(r"```\{toctree\}\n:caption: Toolkit guide\n(.*?)```", index, re.DOTALL)
    assert block is not None
    listed = {line.strip() for line in block.group(1).splitlines() if line.startswith("guide/")}
    assert listed == {f"guide/{p.stem}" for p in GUIDE.glob("*.md")}
    assert "guide/index" in (DOCS / "about.md").read_text(encoding="utf-8")


def test_guide_is_out_of_the_attribution_linter() -> None:
    patterns = edition_conf().get("edition_lint_documents", [])
    assert patterns, "docs/conf.py should limit the linter to the paper's pages"
    guide_docs = [f"guide/{p.stem}" for p in GUIDE.glob("*.md")]
    assert not [d for d in guide_docs if any(fnmatch(d, p) for p in patterns)]


def test_guide_documents_every_status_option_and_actor_type() -> None:
    claims = (GUIDE / "claims.md").read_text(encoding="utf-8")
    for status in ClaimStatus:
        assert f"| `{status.value}` | {status.label} |" in claims
    for option in CLAIM_OPTIONS:
        assert f"| `{option}` |" in claims
    actors = (GUIDE / "actors.md").read_text(encoding="utf-8")
    for kind in ActorType:
        assert f"| `{kind.value}` |" in actors
        assert kind.label in actors


def test_guide_documents_every_role_and_directive(reference: Reference) -> None:
    """Each role and directive of the toolkit is shown in the guide as ``{name}``."""
    assert {"claim", "actor", "ed:claim"} <= reference.markup
    guide = "\n".join(p.read_text(encoding="utf-8") for p in GUIDE.glob("*.md"))
    missing = sorted(name for name in reference.markup if f"{{{name}}}" not in guide)
    assert not missing, f"not in the guide: {missing}"
    assert "Not yet available" not in guide


def test_guide_shows_every_markup_twice() -> None:
    """Each tab-set has a Source tab and a Rendered tab."""
    checked = list(GUIDE.glob("*.md"))
    assert checked, "nothing to check: the loop below would pass vacuously"
    for page in checked:
        text = page.read_text(encoding="utf-8")
        sources = len(re.findall(r"^:+\{tab-item\} Source$", text, re.MULTILINE))
        rendered = len(re.findall(r"^:+\{tab-item\} Rendered$", text, re.MULTILINE))
        assert sources == rendered, page.name


# -- Packaging -------------------------------------------------------------------------------


def _package_data() -> list[str]:
    """Every data file the wheel must carry, as a path inside it."""
    found = [
        path.relative_to(PACKAGE.parent).as_posix()
        for folder in ("static", "texinputs", "schema", "templates")
        for path in sorted((PACKAGE / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    return [*found, "critical_edition/py.typed"]


def test_wheel_contains_the_package_data(tmp_path: Path) -> None:
    import setuptools

    if tuple(int(p) for p in setuptools.__version__.split(".")[:2]) < (77, 0):
        pytest.skip(f"setuptools {setuptools.__version__} < 77 cannot read pyproject.toml")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "ext",
        source / "ext",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    # No build isolation, no index: the wheel is built offline with the installed setuptools.
    result = _run(
        PYTHON,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        str(tmp_path / "dist"),
        str(source),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("sphinx_critical_edition-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    missing = [name for name in _package_data() if name not in names]
    assert not missing, f"package data missing from the wheel: {missing}"
    assert "critical_edition/cli/new.py" in names
    assert "critical_edition/outputs/reference.py" in names
    assert "critical-edition = critical_edition.cli.main:main" in scripts
