"""Outputs (write phase, html-page-context): schema.org JSON-LD in the head of every HTML page.

Each page carries one ``<script type="application/ld+json">`` block with an ``@graph``:

- the edition as a ``ScholarlyArticle``, ``isBasedOn`` the edited text (its DOI), with the
  editors, the date, the licence and the copyright notice the configuration gives;
- each of the edition's claims on the page (those ``claims.json`` lists) as a ``Claim``: the
  speakers as ``author`` (by ``@id``), the claim's date as ``datePublished``, its sources as
  ``appearance``;
- each speaker of those claims once, as a ``Person`` or ``Organization`` whose ``@id`` is its
  entry in the actor register (a speaker the register lacks stays inline, a ``Thing``);
- each claim the editors contest or correct as a ``ClaimReview`` by the editors, the status as
  the rating's ``alternateName`` and the editors' note as ``reviewBody``.

Nothing is stated that the sources do not give: a property without a value is left out. The
JSON is escaped so that no value can close the script element (:func:`.edition.script_json`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from critical_edition.claims.domain import EditionDomain
from critical_edition.core import priorities
from critical_edition.core.model import ActorType, ClaimStatus
from critical_edition.outputs.csljson import plain, prose
from critical_edition.outputs.edition import (
    HTML_BUILDERS,
    Edition,
    edition,
    page_address,
    script_json,
)
from critical_edition.speedups.bibentries import entries_by_key

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from docutils import nodes
    from sphinx.application import Sphinx

    from critical_edition.core.model import Actor, Claim

#: The statuses whose claims get a ClaimReview: the editors' own verdict against the claim.
REVIEWED = frozenset({ClaimStatus.CONTESTED, ClaimStatus.CORRECTED})
SCHEMA = "https://schema.org"


def _agent(name: str, kind: str = "Organization", **extra: str) -> dict[str, Any]:
    return {"@type": kind, "name": name, **{k: v for k, v in extra.items() if v}}


def edition_node(app: Sphinx, info: Edition, pagename: str) -> dict[str, Any]:
    """The edition as a ScholarlyArticle: in full on the landing page, named on the others
    (the same node, by ``@id``, on every page)."""
    root = page_address(app, info, pagename, app.config.root_doc)
    node: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "@id": f"{root}#edition",
        "url": root,
        "name": info.title,
        "version": info.version,
        "inLanguage": info.language,
        "copyrightNotice": info.copyright,
        "datePublished": info.date,
        "license": info.license,
    }
    node = {key: value for key, value in node.items() if value}
    if info.editors:
        node["editor"] = _agent(info.editors)
    original = info.original
    if original.authors:
        node["author"] = [_agent(name, "Person") for name in original.authors]
    based: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "@id": original.doi_url,
        "name": original.title,
        "datePublished": original.date,
        "url": original.url,
        "sameAs": original.doi_url,
    }
    based = {key: value for key, value in based.items() if value}
    if original.doi:
        based["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": original.doi}
    if original.authors:
        based["author"] = [_agent(name, "Person") for name in original.authors]
    if original.venue:
        based["isPartOf"] = _agent(original.venue, "Periodical", issn=original.issn)
    if len(based) > 1:
        node["isBasedOn"] = based
    if pagename != app.config.root_doc:
        return _reference_to(node)
    return node


#: What a page other than the landing page says of the edition (and of the paper it is based
#: on): enough to name both; the full nodes, under the same ``@id``, are on the landing page.
_REFERENCE_KEYS = ("@type", "@id", "url", "name", "author", "isBasedOn")


def _reference_to(node: dict[str, Any]) -> dict[str, Any]:
    short = {key: node[key] for key in _REFERENCE_KEYS if key in node}
    if "isBasedOn" in short:
        based = short["isBasedOn"]
        short["isBasedOn"] = {key: based[key] for key in ("@type", "@id", "name") if key in based}
    return short


class Speakers:
    """The speakers of one page's claims: each registered actor becomes one node of the graph
    (``@id`` its register entry) that claims point to; an unregistered name stays inline."""

    def __init__(self, actors: Mapping[str, Actor], address: Callable[[Actor], str]) -> None:
        self.actors = actors
        self.address = address
        self.nodes: dict[str, dict[str, Any]] = {}

    def reference(self, actor_id: str) -> dict[str, Any]:
        """The claim's ``author`` entry for *actor_id*: a reference, or an inline ``Thing``."""
        actor = self.actors.get(actor_id.casefold())
        if actor is None:
            return _agent(actor_id, "Thing")
        node_id = self.address(actor)
        if node_id not in self.nodes:
            kind = "Person" if actor.type is ActorType.PERSON else "Organization"
            node = _agent(actor.name, kind, identifier=actor.id, description=actor.description)
            self.nodes[node_id] = {"@id": node_id, **node}
        return {"@id": node_id}


def _appearance(source: str, entries: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's source as a CreativeWork: a bib entry's title and address, or a footnote."""
    node: dict[str, Any] = {"@type": "CreativeWork", "identifier": source}
    entry = entries.get(source)
    if entry is not None:
        fields = entry.fields
        doi = plain(fields.get("doi", ""))
        extra = {
            "name": prose(fields.get("title", "")),
            "url": plain(fields.get("url", "")),
            "sameAs": f"https://doi.org/{doi}" if doi else "",
        }
        node.update({key: value for key, value in extra.items() if value})
    return node


def claim_nodes(
    claim: Claim,
    page: str,
    info: Edition,
    speakers: Speakers,
    entries: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """A claim as a Claim, and a ClaimReview when the editors contest or correct it.

    The claim's ``@id`` is its address on the page, ``<page>#claim-<id>``, so it carries no
    ``url`` and no ``identifier`` repeating it: the claim's id is what follows ``#claim-``.
    """
    claim_id = f"{page}#claim-{claim.id}"
    node: dict[str, Any] = {
        "@type": "Claim",
        "@id": claim_id,
        "text": claim.text,
        "author": [speakers.reference(actor) for actor in claim.actors],
    }
    if claim.date:
        node["datePublished"] = claim.date
    if claim.sources:
        node["appearance"] = [_appearance(source, entries) for source in claim.sources]
    result = [node]
    if claim.status in REVIEWED:
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "@id": f"{claim_id}-review",
            "url": claim_id,
            "claimReviewed": claim.text,
            "itemReviewed": {"@id": claim_id},
            "reviewRating": {"@type": "Rating", "alternateName": claim.status.value},
            "reviewBody": claim.note,
        }
        if info.editors:
            review["author"] = _agent(info.editors)
        if info.date:
            review["datePublished"] = info.date
        result.append(review)
    return result


def page_graph(app: Sphinx, pagename: str) -> dict[str, Any]:
    """The JSON-LD of one page: the edition, the page's claims in reading order, then their
    speakers (each once)."""
    info = edition(app)
    graph = [edition_node(app, info, pagename)]
    domain = app.env.domains.get("ed")
    claims = domain.claims_of(pagename) if isinstance(domain, EditionDomain) else []
    if claims and isinstance(domain, EditionDomain):

        def register_entry(actor: Actor) -> str:
            return f"{page_address(app, info, pagename, actor.docname)}#{actor.anchor}"

        speakers = Speakers(domain.actor_lookup(), register_entry)
        entries = entries_by_key(app.env)
        page = page_address(app, info, pagename, pagename)
        for claim in claims:
            graph.extend(claim_nodes(claim, page, info, speakers, entries))
        graph.extend(speakers.nodes.values())
    return {"@context": SCHEMA, "@graph": graph}


def add_jsonld(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Append the page's JSON-LD block to the head (``metatags``) of every HTML page.

    Generated pages (the index, the search page) carry the edition alone.
    """
    if app.builder.name not in HTML_BUILDERS:
        return
    block = script_json(page_graph(app, pagename))
    script = f'<script type="application/ld+json">{block}</script>\n'
    context["metatags"] = context.get("metatags", "") + script


def register(app: Sphinx) -> None:
    """Connect the JSON-LD to every HTML page."""
    app.connect("html-page-context", add_jsonld, priority=priorities.PAGE_METADATA)
