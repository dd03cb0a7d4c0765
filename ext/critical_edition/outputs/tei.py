"""Outputs (write phase): the ``tei`` builder, one TEI P5 document of the whole edition.

``sphinx-build -b tei`` (``make tei``) writes ``<latex file base name>.xml``: a ``teiHeader``
describing the edition, its editors, the edited paper (the witness, from ``edition_original``),
the encoding and the claim status vocabulary, and the repository's history where ``git`` gives
it; a ``standOff`` with the speakers, the registers of names and the bibliography (each entry
with the editors' verification status); and the text, one ``<div>`` per document in reading
order (:mod:`.tei_text`). Conforms to TEI P5 (checked against ``tei_all`` of P5 4.3.0).
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder

from critical_edition.apparatus.domain import Entity, EntityKind, apparatus_domain
from critical_edition.apparatus.witness import citation_keys
from critical_edition.claims.domain import edition_domain
from critical_edition.core import atomic
from critical_edition.core.config import get_config
from critical_edition.core.model import ActorType, Claim, ClaimStatus
from critical_edition.core.text import iso_date
from critical_edition.outputs.csljson import plain, prose
from critical_edition.outputs.edition import Edition, edition
from critical_edition.outputs.tei_text import (
    NAME_ELEMENTS,
    TEI_NS,
    XML_ID,
    Lookups,
    TextConverter,
    ncname,
    sub,
    tei,
)
from critical_edition.speedups.bibentries import entries_by_key

if TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx

#: What each claim status says, for the taxonomy of the encoding description.
STATUS_MEANINGS = {
    ClaimStatus.SOURCED: "The authors give a source (a citation or a footnote) for the claim.",
    ClaimStatus.UNSOURCED: "The authors give no source; the claim rests on their word.",
    ClaimStatus.VERIFIED: "The editors checked the claim against a primary source and found "
    "it accurate.",
    ClaimStatus.CONTESTED: "The editors found evidence that disputes the claim (see their note).",
    ClaimStatus.CORRECTED: "The editors found a detail of the claim wrong; their note corrects it.",
}
METHOD = (
    "The text follows the witness described in the source description. Each statement the "
    "text attributes to someone is a said element (direct='false') whose who attribute points "
    "to the speaker in the standOff, whose ana attribute points to its status in the claim "
    "status taxonomy and whose corresp attribute points to the sources in the bibliography; "
    "the reporting verb, the date and the editors' note of each claim are in a note of type "
    "'claim' at the back. Editors' notes and queries are note elements with resp='#editors'; "
    "names of persons, organisations and places point to the registers."
)
CORRECTION = (
    "Every emendation keeps the witness's reading: a choice element with the witness's words "
    "in sic and the editors' reading in corr (empty for a deletion; sic empty for an addition), "
    "followed by a note of type 'emendation' giving the editors' reason."
)


def date_attrs(value: str) -> dict[str, str]:
    """``@when`` for an ISO 8601 date of the calendar, nothing for any other text."""
    return {"when": value} if iso_date(value) else {}


def header(root: ET.Element, info: Edition, app: Sphinx) -> None:
    """The ``teiHeader``: file, encoding and revision descriptions."""
    head = sub(root, "teiHeader")
    file_desc = sub(head, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", info.title or "Untitled edition")
    resp = sub(title_stmt, "respStmt", **{XML_ID: "editors"})
    sub(resp, "resp", "edited by")
    sub(resp, "name", info.editors or "the editors")
    if info.version:
        sub(sub(file_desc, "editionStmt"), "edition", f"Version {info.version}", n=info.version)
    publication = sub(file_desc, "publicationStmt")
    sub(publication, "publisher", info.editors or "the editors")
    if info.date:
        sub(publication, "date", info.date, **date_attrs(info.date))
    if info.license or info.copyright:
        availability = sub(publication, "availability")
        if info.license:
            sub(availability, "licence", info.license)
        if info.copyright:
            sub(availability, "p", f"© {info.copyright}")
    source_desc = sub(file_desc, "sourceDesc")
    original = info.original
    bibl = sub(source_desc, "bibl", type="original", **{XML_ID: "original"})
    if original.title:
        sub(bibl, "title", original.title, level="a")
    for author in original.authors:
        sub(bibl, "author", author)
    if original.venue:
        sub(bibl, "title", original.venue, level="j")
    if original.date:
        sub(bibl, "date", original.date, **date_attrs(original.date))
    if original.doi:
        sub(bibl, "idno", original.doi, type="DOI")
    if original.issn:
        sub(bibl, "idno", original.issn, type="ISSN")
    if original.url:
        sub(bibl, "ref", original.url, target=original.url)
    witnesses = sub(source_desc, "listWit")
    witness = sub(witnesses, "witness", **{XML_ID: "wit-original"})
    witness.text = "The edited text as published: "
    sub(witness, "ptr", target="#original")
    encoding(head)
    revisions(head, Path(app.srcdir))


def encoding(head: ET.Element) -> None:
    """The editorial method and the claim status vocabulary."""
    encoding_desc = sub(head, "encodingDesc")
    sub(sub(encoding_desc, "projectDesc"), "p", METHOD)
    decl = sub(encoding_desc, "editorialDecl")
    sub(sub(decl, "correction"), "p", CORRECTION)
    taxonomy = sub(sub(encoding_desc, "classDecl"), "taxonomy", **{XML_ID: "claim-status"})
    sub(sub(taxonomy, "desc"), "term", "Editorial status of an attributed claim")
    for status in ClaimStatus:
        category = sub(taxonomy, "category", **{XML_ID: ncname("status", status.value)})
        sub(category, "catDesc", f"{status.value}: {status.label}. {STATUS_MEANINGS[status]}")


def git_history(srcdir: Path) -> list[tuple[str, str, str]]:
    """``(short hash, ISO date, subject)`` of the commits touching *srcdir*; empty without git."""
    try:
        result = subprocess.run(
            ["git", "log", "-n", "200", "--date=short", "--format=%h%x00%ad%x00%s", "--", "."],
            cwd=srcdir,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    rows = [line.split("\0") for line in result.stdout.splitlines()]
    return [(row[0], row[1], row[2]) for row in rows if len(row) == 3]


def revisions(head: ET.Element, srcdir: Path) -> None:
    """A ``revisionDesc`` from ``git log`` (left out when there is no history)."""
    history = git_history(srcdir)
    if not history:
        return
    desc = sub(head, "revisionDesc")
    for commit, date, subject in history:
        sub(desc, "change", subject, n=commit, **date_attrs(date))


def add_names(element: ET.Element, tag: str, name: str, variants: tuple[str, ...]) -> None:
    """The canonical name, then each variant with ``type="variant"``."""
    sub(element, tag, name)
    for variant in variants:
        if variant != name:
            sub(element, tag, variant, type="variant")


def prepare_lookups(app: Sphinx, lookups: Lookups) -> None:
    """The speakers' ids and the resolution of names to register entries."""
    claims_domain = edition_domain(app.env)
    apparatus = apparatus_domain(app.env)
    for actor in claims_domain.actors():
        lookups.actor_ids.setdefault(actor.id.casefold(), ncname("actor", actor.id))
    declared = {(entity.kind, entity.id) for entity in apparatus.entities()}
    resolve = apparatus.entity_resolver()

    def entity_ref(kind: EntityKind, target: str) -> str:
        found = resolve(kind, target)
        if found is None:
            return ""
        if (found.kind, found.id) in declared:
            return ncname(found.kind.value, found.id)
        return lookups.actor_ids.get(found.id.casefold(), "")

    lookups.entity_ref = entity_ref


def stand_off(app: Sphinx, keep: Callable[[str], bool]) -> ET.Element:
    """Speakers and registers of names (those *keep* accepts by xml:id), and the bibliography."""
    claims_domain = edition_domain(app.env)
    apparatus = apparatus_domain(app.env)
    stand = ET.Element(tei("standOff"))
    persons, orgs, places = (sub(stand, tag) for tag in ("listPerson", "listOrg", "listPlace"))
    seen: set[str] = set()
    for actor in claims_domain.actors():
        xml_id = ncname("actor", actor.id)
        if xml_id in seen or not keep(xml_id):
            continue
        seen.add(xml_id)
        if actor.type is ActorType.PERSON:
            element = sub(persons, "person", role="speaker", **{XML_ID: xml_id})
            add_names(element, "persName", actor.name, actor.aliases)
        else:
            element = sub(orgs, "org", role="speaker", type=actor.type.value, **{XML_ID: xml_id})
            add_names(element, "orgName", actor.name, actor.aliases)
        if actor.description:
            sub(element, "note", actor.description)
    containers = {EntityKind.PERSON: persons, EntityKind.ORG: orgs, EntityKind.PLACE: places}
    for entity in apparatus.entities():
        xml_id = ncname(entity.kind.value, entity.id)
        if xml_id in seen or not keep(xml_id):
            continue
        seen.add(xml_id)
        entity_element(containers[entity.kind], entity)
    for container in (persons, orgs, places):
        if not len(container):
            stand.remove(container)
    bibliography(stand, app)
    return stand


def entity_element(container: ET.Element, entity: Entity) -> None:
    """One entry of a register of names, with its variants."""
    tag = {EntityKind.PERSON: "person", EntityKind.ORG: "org", EntityKind.PLACE: "place"}
    element = sub(container, tag[entity.kind], **{XML_ID: ncname(entity.kind.value, entity.id)})
    add_names(element, NAME_ELEMENTS[entity.kind], entity.name, entity.variants)
    if entity.description:
        sub(element, "note", entity.description)


def bibliography(stand: ET.Element, app: Sphinx) -> None:
    """``<listBibl>``: one ``<bibl>`` per entry, with the editors' verification status."""
    entries = entries_by_key(app.env)
    if not entries:
        return
    list_bibl = sub(stand, "listBibl")
    for key, entry in entries.items():
        fields = entry.fields
        bibl = sub(list_bibl, "bibl", type=entry.type.lower(), **{XML_ID: ncname("bibl", key)})
        for role in ("author", "editor"):
            for person in entry.persons.get(role, []):
                sub(bibl, role, prose(str(person)))
        for name, level in (
            ("title", "a"),
            ("journaltitle", "j"),
            ("journal", "j"),
            ("booktitle", "m"),
        ):
            if title := prose(fields.get(name, "")):
                sub(bibl, "title", title, level=level)
        for name in ("publisher", "institution", "organization"):
            if publisher := prose(fields.get(name, "")):
                sub(bibl, "publisher", publisher)
        date = plain(fields.get("date", "")) or plain(fields.get("year", ""))
        if date:
            sub(bibl, "date", date, **date_attrs(date))
        for name, kind in (("doi", "DOI"), ("isbn", "ISBN"), ("issn", "ISSN")):
            if plain(fields.get(name, "")):
                sub(bibl, "idno", plain(fields[name]), type=kind)
        url = plain(fields.get("url", ""))
        if url:
            sub(bibl, "ref", url, target=url if re.match(r"https?://", url) else "")
        status = plain(fields.get("verification", "")) or "not recorded"
        note = sub(bibl, "note", type="verification", resp="#editors", subtype=ncname("v", status))
        note.text = f"Verification: {status}"
        confidence = plain(fields.get("confidence", ""))
        if confidence:
            note.text += f" (confidence {confidence})"
        if remark := prose(fields.get("note", "")):
            note.text += f". {remark}"


def claim_details(back: ET.Element, claims: list[Claim], lookups: Lookups) -> None:
    """One note per claim: verb, date, status, sources, evidence and the editors' note."""
    if not claims:
        return
    div = sub(back, "div", type="claims")
    sub(div, "head", "Attributed claims")
    for claim in claims:
        note = sub(
            div, "note", type="claim", resp="#editors", target=f"#{ncname('claim', claim.id)}"
        )
        if claim.verb:
            sub(note, "term", claim.verb, type="verb")
        sub(
            note,
            "term",
            claim.status.label,
            type="status",
            ref=f"#{ncname('status', claim.status.value)}",
        )
        if claim.date:
            sub(note, "date", claim.date, **date_attrs(claim.date))
        for role, keys in (("source", claim.sources), ("evidence", claim.evidence)):
            for key in keys:
                known = key in lookups.bib_keys
                sub(note, "ref", key, type=role, target=f"#{ncname('bibl', key)}" if known else "")
        if claim.note:
            sub(note, "p", claim.note)


class TEIBuilder(Builder):
    """Write the whole edition as one TEI P5 document."""

    name = "tei"
    format = "tei"
    epilog = "The TEI document is in %(outdir)s."
    allow_parallel = False

    def init(self) -> None:
        """Nothing to prepare."""

    def get_outdated_docs(self) -> str:
        """The document is always written whole."""
        return "all documents"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """A reference to a document points at its ``<div>``."""
        return f"#{ncname('d', docname)}"

    def prepare_writing(self, docnames: AbstractSet[str]) -> None:
        """Nothing to prepare."""

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        """Unused: :meth:`write_documents` writes the one document."""

    def write_documents(self, docnames: AbstractSet[str]) -> None:
        """Assemble and write the TEI document."""
        app = self._app
        ET.register_namespace("", TEI_NS)
        info = edition(app)
        root = ET.Element(
            tei("TEI"), {"{http://www.w3.org/XML/1998/namespace}lang": info.language or "en"}
        )
        header(root, info, app)
        claims_domain = edition_domain(self.env)
        apparatus = apparatus_domain(self.env)
        all_claims = claims_domain.all_claims()
        lookups = Lookups(
            claims={claim.id: claim for claim in all_claims},
            emendations={(e.docname, e.anchor): e for e in apparatus.emendations()},
            bib_keys=frozenset(entries_by_key(app.env)),
        )
        prepare_lookups(app, lookups)
        in_scope = apparatus.scope()
        documents = [name for name in claims_domain.reading_order() if in_scope(name)]
        body = sub(sub(root, "text"), "body")
        for docname in documents:
            div = sub(body, "div", type="document", n=docname, **{XML_ID: ncname("d", docname)})
            doctree = self.env.get_doctree(docname)
            mark_citations(doctree)
            self.env.apply_post_transforms(doctree, docname)
            TextConverter(docname, lookups).convert(doctree, div)
        back = sub(root[-1], "back")
        claim_details(back, [c for c in all_claims if c.docname in documents], lookups)
        if not len(back):
            root[-1].remove(back)
        # Without a scope every register entry is kept; with one (a guide's examples left
        # out), the entries the text points to.
        pointed = referenced_ids(root)
        keep_all = not get_config(app.config).apparatus_documents
        root.insert(1, stand_off(app, lambda xml_id: keep_all or xml_id in pointed))
        ET.indent(root, space=" ")
        text = ET.tostring(root, encoding="unicode", xml_declaration=False)
        atomic.write_text(
            Path(self.outdir, f"{tei_basename(app)}.xml"),
            '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n",
        )

    def finish(self) -> None:
        """Nothing left to do."""


def referenced_ids(root: ET.Element) -> set[str]:
    """The xml:ids a pointer attribute of *root*'s descendants names (``#id``)."""
    found: set[str] = set()
    for element in root.iter():
        for name in ("who", "ref", "corresp", "target", "ana"):
            found.update(t[1:] for t in element.get(name, "").split() if t.startswith("#"))
    return found


def mark_citations(doctree: nodes.document) -> None:
    """Wrap each citation (a ``cite`` cross-reference) in an inline naming its keys.

    The bibliography's post-transform replaces the cross-reference by formatted text; the
    wrapper survives it, so the TEI text can point to the ``<listBibl>`` entries.
    """
    for xref in list(doctree.findall(addnodes.pending_xref)):
        if xref.get("refdomain") != "cite" or xref.parent is None:
            continue
        keys = list(citation_keys(str(xref.get("reftarget", ""))))
        wrapper = nodes.inline(tei_cite_keys=keys)
        xref.replace_self(wrapper)
        wrapper += xref


def tei_basename(app: Sphinx) -> str:
    """The LaTeX file's base name (``latex_documents``), else ``edition``."""
    documents = getattr(app.config, "latex_documents", None) or []
    if documents and len(documents[0]) > 1:
        return Path(str(documents[0][1])).stem or "edition"
    return "edition"


def register(app: Sphinx) -> None:
    """Register the ``tei`` builder."""
    app.add_builder(TEIBuilder)
