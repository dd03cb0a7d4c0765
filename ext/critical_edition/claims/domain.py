"""Domain: the cross-document store of claims and actors, keyed by document.

Directives, roles and read-phase transforms add records here; ``clear_doc`` drops a document's
records before it is re-read and ``merge_domaindata`` copies a parallel reader's documents, so
incremental and parallel builds see exactly what a clean serial build sees. Indexes, checks and
exports read the records through the typed accessors; derived views (reading order, the alias
map, relations, the index's numbers) are computed from the records, never stored in the
environment. Once every document is read (``env-updated``) the records stay as they are until
the next build reads again, so each view is computed once for the write phase instead of once
per page that asks (:meth:`EditionDomain.settle`); every change to the records unsettles them.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from sphinx.domains import ObjType
from sphinx.util import logging

from critical_edition.claims import memo
from critical_edition.core.config import get_config
from critical_edition.core.model import Actor, Claim
from critical_edition.core.text import did_you_mean
from critical_edition.core.xrefs import LocatedXRefRole, RecordDomain
from critical_edition.speedups.bibcache import entry_fingerprint

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.domains import Domain
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

_View = TypeVar("_View")


class EditionDomain(RecordDomain):
    """Claims and actors of an edition (domain ``ed``: roles ``{ed:claim}``, ``{ed:actor}``)."""

    name = "ed"
    label = "Critical edition"
    object_types = {  # noqa: RUF012 (Sphinx's API declares these as class attributes)
        # The names search results give each kind (get_type_name): the register calls actors
        # speakers.
        "claim": ObjType("claim", "claim"),
        "actor": ObjType("speaker", "actor"),
    }
    roles = {  # noqa: RUF012
        "claim": LocatedXRefRole(warn_dangling=True),
        "actor": LocatedXRefRole(warn_dangling=True),
    }
    #: Bump when the stored layout changes.
    data_version = 3  # 3: citing_index_docs, index_fingerprints
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> claims in document order
        "claims": {},
        # docname -> actors declared in that document
        "actors": {},
        # docname -> footnote labels defined in that document
        "footnotes": {},
        # docname -> {footnote label: (its id, the mark the text shows, e.g. "1")}
        "footnote_marks": {},
        # docnames holding an index placeholder (claim index, disputes, actor entries)
        "index_docs": set(),
        # those of them holding one that cites the claims' sources (claim index, disputes)
        "citing_index_docs": set(),
        # fingerprint of the register at the last build (see fingerprint_register)
        "register_fingerprint": "",
        # fingerprints of what the index pages showed at the last build (fingerprint_indexes):
        # (the claims and the register, the cited entries and citation labels)
        "index_fingerprints": ("", ""),
        # docname -> fingerprint of the related claims its cards showed at the last build
        "relations_fingerprints": {},
        # docname -> digest of its claims, while they stay the same (see claims_digest)
        "claim_digests": {},
        # docname -> digests of its actors, while they stay the same (see actors_digest)
        "actor_digests": {},
        # digest of every claim when relations_fingerprints were last worked out
        "relations_inputs": "",
    }
    dangling_warnings = {  # noqa: RUF012
        "claim": "no claim with the id %(target)r: see the claim index for the ids",
        "actor": "no actor with the id or alias %(target)r in the actor register",
    }
    titled_types = frozenset({"actor"})
    per_document_keys = ("claims", "actors", "footnotes", "footnote_marks")

    # -- typed access to the stored records ---------------------------------------------------
    @property
    def claims_by_doc(self) -> dict[str, list[Claim]]:
        """Claims recorded per document, in document order."""
        return cast("dict[str, list[Claim]]", self.data["claims"])

    @property
    def actors_by_doc(self) -> dict[str, list[Actor]]:
        """Actors declared per document."""
        return cast("dict[str, list[Actor]]", self.data["actors"])

    @property
    def footnotes_by_doc(self) -> dict[str, frozenset[str]]:
        """Footnote labels defined per document (for ``^label`` claim sources)."""
        return cast("dict[str, frozenset[str]]", self.data["footnotes"])

    @property
    def footnote_marks_by_doc(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Per document, each footnote label's id and the mark the reader sees (``1``)."""
        return cast("dict[str, dict[str, tuple[str, str]]]", self.data["footnote_marks"])

    @property
    def index_docs(self) -> set[str]:
        """Documents that hold index placeholders and must be rewritten when claims change."""
        return cast("set[str]", self.data["index_docs"])

    #: The derived views computed since the records settled (None: not settled, compute each
    #: time). An attribute of this object, which Sphinx makes anew for each build.
    _settled: dict[str, Any] | None = None

    def settle(self) -> None:
        """The records are complete for this build: keep each derived view once computed,
        until the records change again."""
        if self._settled is None:
            self._settled = {}

    def unsettle(self) -> None:
        """The records are changing (a document is read, purged or merged)."""
        self._settled = None

    def settled_view(self, name: str, compute: Callable[[], _View]) -> _View:
        """The view *name*: kept while the records are settled, else computed afresh. Domains
        above this one (the apparatus') keep their views of these records here too, their
        *name* starting with their own domain's name."""
        settled = self._settled
        if settled is None:
            return compute()
        if name not in settled:
            settled[name] = compute()
        return cast("_View", settled[name])

    def add_claim(self, claim: Claim) -> None:
        """Record a claim of the document being read."""
        self.unsettle()
        self.claims_by_doc.setdefault(claim.docname, []).append(claim)
        self.data.setdefault("claim_digests", {}).pop(claim.docname, None)

    def add_actor(self, actor: Actor) -> None:
        """Record an actor declared in the document being read."""
        self.unsettle()
        self.actors_by_doc.setdefault(actor.docname, []).append(actor)
        self.data.setdefault("actor_digests", {}).pop(actor.docname, None)

    @property
    def citing_index_docs(self) -> set[str]:
        """Those of :attr:`index_docs` whose placeholders cite the claims' sources."""
        return cast("set[str]", self.data["citing_index_docs"])

    def note_index_doc(self, docname: str, *, cites: bool = True) -> None:
        """Remember that *docname* holds a placeholder filled from the whole corpus; *cites*:
        one that shows the claims' sources (the .bib entries' labels and tooltips)."""
        self.index_docs.add(docname)
        if cites:
            self.citing_index_docs.add(docname)

    def set_footnote_marks(self, docname: str, marks: dict[str, tuple[str, str]]) -> None:
        """Record the id and numbered mark of each footnote of *docname* (once numbered)."""
        self.unsettle()
        self.footnote_marks_by_doc[docname] = marks

    def set_footnote_labels(self, docname: str, labels: Iterable[str]) -> None:
        """Record the footnote labels defined in *docname*."""
        self.unsettle()
        self.footnotes_by_doc[docname] = frozenset(labels)

    # -- derived views ------------------------------------------------------------------------
    def reading_order(self) -> list[str]:
        """Documents in reading order: the root's toctree depth-first, then the rest sorted."""
        return list(self.settled_view("reading_order", self._reading_order))

    def _reading_order(self) -> list[str]:
        env = self.env
        order: list[str] = []
        seen: set[str] = set()

        def visit(docname: str) -> None:
            if docname in seen:
                return
            seen.add(docname)
            order.append(docname)
            for child in env.toctree_includes.get(docname, []):
                visit(child)

        visit(env.config.root_doc)
        order.extend(sorted(set(env.found_docs) - seen))
        return order

    def all_claims(self) -> list[Claim]:
        """Every claim of every document, in reading order (for checks and references)."""
        return list(self.settled_view("all_claims", self._all_claims))

    def _all_claims(self) -> list[Claim]:
        result: list[Claim] = []
        for docname in self.reading_order():
            result.extend(self.claims_by_doc.get(docname, ()))
        return result

    def claims_digest(self, docname: str) -> str:
        """A digest of every field of *docname*'s claims, worked out once and kept with them
        until the document is read again (for the digests of what shows every claim)."""
        digests: dict[str, str] = self.data.setdefault("claim_digests", {})
        found = digests.get(docname)
        if found is None:
            claims = list(self.claims_by_doc.get(docname, ()))
            found = digests[docname] = hashlib.sha256(repr(claims).encode()).hexdigest()
        return found

    def actors_digest(self, docname: str) -> tuple[str, str]:
        """Digests of *docname*'s actors: of what the register shows of them (no line
        numbers), and of every field; worked out once and kept with them until the document is
        read again."""
        digests: dict[str, tuple[str, str]] = self.data.setdefault("actor_digests", {})
        found = digests.get(docname)
        if found is None:
            shown = hashlib.sha256()
            for actor in self.actors_by_doc.get(docname, ()):
                shown.update(repr((actor.id, actor.name, actor.type, actor.aliases)).encode())
                shown.update(repr((actor.description, actor.docname, actor.anchor)).encode())
            every = hashlib.sha256(repr(self.actors_by_doc.get(docname, [])).encode())
            found = digests[docname] = (shown.hexdigest(), every.hexdigest())
        return found

    def claims_inputs(self) -> list[tuple[str, str]]:
        """Each document holding claims, in reading order, with the digest of its claims
        (:meth:`claims_digest`): what every view of all the claims is made from."""
        claims_by_doc = self.claims_by_doc
        return [
            (docname, self.claims_digest(docname))
            for docname in self.reading_order()
            if docname in claims_by_doc
        ]

    def claims_of(self, docname: str) -> list[Claim]:
        """The claims of one document that :meth:`claims` lists, in document order (no walk of
        the whole edition: for a handler that runs on every page)."""
        patterns = get_config(self.env.config).index_documents
        if patterns and not any(fnmatch.fnmatchcase(docname, p) for p in patterns):
            return []
        return list(self.claims_by_doc.get(docname, ()))

    def claims(self) -> list[Claim]:
        """The edition's claims, in reading order: those the index, register and export list.

        Documents outside ``edition_index_documents`` (a guide's examples, say) keep their
        cards but stay out of the edition's index.
        """
        return list(self.settled_view("claims", self._claims))

    def _claims(self) -> list[Claim]:
        patterns = get_config(self.env.config).index_documents
        if not patterns:
            return self.all_claims()
        return [
            claim
            for claim in self.all_claims()
            if any(fnmatch.fnmatchcase(claim.docname, pattern) for pattern in patterns)
        ]

    def claim_numbers(self) -> dict[str, int]:
        """Claim id -> its number in the claim index (reading order, from 1).

        Every page's cards ask for it: kept while the records are settled (:meth:`settled_view`), so
        a page costs its own claims, not the edition's.
        """
        return self.settled_view("claim_numbers", self._claim_numbers)

    def _claim_numbers(self) -> dict[str, int]:
        return {claim.id: n for n, claim in enumerate(self.claims(), start=1)}

    def actors(self) -> Iterator[Actor]:
        """Every actor of the register, in a stable order (document order, then docname)."""
        for docname in sorted(self.actors_by_doc):
            yield from self.actors_by_doc[docname]

    def actor_lookup(self) -> Mapping[str, Actor]:
        """Map every actor id and alias (case-insensitive) to its actor; first declaration wins.

        Kept while the records are settled (:meth:`settled_view`): every page's claim cards ask for
        it, and building it for each page costs pages x actors. Read-only.
        """
        return MappingProxyType(self.settled_view("actor_lookup", self._actor_lookup))

    def _actor_lookup(self) -> dict[str, Actor]:
        lookup: dict[str, Actor] = {}
        for actor in self.actors():
            for name in (actor.id, *actor.aliases):
                lookup.setdefault(name.casefold(), actor)
        return lookup

    def claims_by_actor(self) -> dict[str, list[Claim]]:
        """Register id (or the name as written, if unknown) -> that actor's claims, in reading order.

        One pass over the claims: the register page asks for every actor's claims, and asking
        :meth:`claims_of_actor` once per actor would cost actors x claims.
        """
        lookup = self.actor_lookup()
        result: dict[str, list[Claim]] = {}
        for claim in self.claims():
            ids = dict.fromkeys(
                actor.id if (actor := lookup.get(name.casefold())) is not None else name
                for name in claim.actors
            )
            for actor_id in ids:
                result.setdefault(actor_id, []).append(claim)
        return result

    def claims_of_actor(self, actor_id: str) -> list[Claim]:
        """The claims attributed to an actor (by its id or an alias), in reading order."""
        actor = self.actor_lookup().get(actor_id.casefold())
        return self.claims_by_actor().get(actor.id if actor is not None else actor_id, [])

    def relations(self) -> dict[str, list[tuple[str, Claim]]]:
        """Claim id -> the claims bearing on it, each with the card's label for the relation.

        A link shows on both claims' cards (``Contradicts`` on one, ``Contradicted by`` on the
        other); claims sharing a topic and not otherwise linked show as ``Other accounts``.
        Links to unknown ids are left out (the checks report them). One pass over the claims;
        kept while the records are settled (every page's cards ask).
        """
        return self.settled_view("relations", self._relations)

    def _relations(self) -> dict[str, list[tuple[str, Claim]]]:
        claims = self.all_claims()
        by_id = {claim.id: claim for claim in reversed(claims)}  # the first of a duplicate id
        result: dict[str, list[tuple[str, Claim]]] = {}
        linked: set[tuple[str, str]] = set()
        for claim in claims:
            for kind, target_id in claim.links:
                target = by_id.get(target_id)
                if target is None or target.id == claim.id:
                    continue
                result.setdefault(claim.id, []).append((kind.label, target))
                result.setdefault(target.id, []).append((kind.inverse_label, claim))
                linked.update({(claim.id, target.id), (target.id, claim.id)})
        for group in self.topics(claims).values():
            for claim in group:
                for other in group:
                    if other.id != claim.id and (claim.id, other.id) not in linked:
                        result.setdefault(claim.id, []).append(("Other accounts", other))
        return result

    @staticmethod
    def topics(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
        """Topic -> the claims of *claims* speaking to it, in the order given (topics in the
        order of their first claim)."""
        result: dict[str, list[Claim]] = {}
        for claim in claims:
            if claim.topic:
                result.setdefault(claim.topic, []).append(claim)
        return result

    def fingerprint_register(self) -> str:
        """A digest of the actor register: when it changes, every page with claims is stale.

        Made from each declaring document's :meth:`actors_digest` (in the order of
        :meth:`actors`), so only the documents read again are digested again.
        """
        digest = hashlib.sha256()
        for docname in sorted(self.actors_by_doc):
            if self.actors_by_doc[docname]:
                digest.update(f"{docname}:{self.actors_digest(docname)[0]}\n".encode())
        return digest.hexdigest()

    def fingerprint_indexes(
        self, register: str, claims: list[tuple[str, str]], claims_key: str | None
    ) -> tuple[str, str]:
        """Digests of everything the claim index, the disputes and the register's claim lists
        show: (what they all show, what only the citing ones show), from the *register*'s
        fingerprint, the *claims* (:meth:`claims_inputs`) and their memo key (or None).

        The first covers every claim (all its fields, in reading order), the register and the
        footnote marks; the second the .bib entries the claims cite (their content, not the
        files' dates: an edit to an entry no claim cites leaves these pages as they are) and
        each formatted citation's place and label (the claim index and the disputes cite the
        claims' sources; the register's claim lists do not).
        """
        digest = hashlib.sha256(register.encode())
        digest.update(repr(claims).encode())
        digest.update(repr(sorted(self.footnote_marks_by_doc.items())).encode())
        citations = hashlib.sha256()
        cite = cast("Any", self.env.get_domain("cite"))
        bibdata = getattr(cite, "bibdata", None)
        if bibdata is not None:
            entries = bibdata.data.entries
            cited = [
                (key, entry_fingerprint(entry) if (entry := entries.get(key)) else None)
                for key in self.cited_keys(claims_key)
            ]
            citations.update(repr(cited).encode())
        shown = [
            (
                (citation.key, citation.citation_id, tuple(citation.bibliography_key)),
                citation.formatted_entry.label,
            )
            for citation in getattr(cite, "citations", ())
        ]
        citations.update(repr(shown).encode())
        return digest.hexdigest(), citations.hexdigest()

    def cited_keys(self, inputs: str | None) -> list[str]:
        """The bib keys the claims cite, each once, in reading order; kept while the claims'
        memo key *inputs* (None when the memo is off) is the last one."""
        kept = self.data.get("cited_keys")
        if inputs is not None and isinstance(kept, tuple) and kept[0] == inputs:
            return cast("list[str]", kept[1])
        cited: dict[str, None] = {}
        for claim in self.all_claims():
            cited.update(dict.fromkeys(s for s in claim.sources if not s.startswith("^")))
            cited.update(dict.fromkeys(claim.evidence))
        if inputs is not None:
            self.data["cited_keys"] = (inputs, list(cited))
        return list(cited)

    # -- incremental and parallel builds -------------------------------------------------------
    def clear_doc(self, docname: str) -> None:
        """Drop everything recorded for *docname* (it is about to be re-read or was removed)."""
        self.unsettle()
        super().clear_doc(docname)
        self.index_docs.discard(docname)
        self.citing_index_docs.discard(docname)
        self.data.setdefault("claim_digests", {}).pop(docname, None)
        self.data.setdefault("actor_digests", {}).pop(docname, None)

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        """Copy the records of *docnames* read by a parallel worker."""
        self.unsettle()
        super().merge_domaindata(docnames, otherdata)
        self.index_docs.update(set(docnames) & otherdata["index_docs"])
        self.citing_index_docs.update(set(docnames) & otherdata["citing_index_docs"])

    # -- cross-references ---------------------------------------------------------------------
    def find(self, typ: str, target: str) -> tuple[str, str, str] | None:
        """``(docname, anchor, title)`` of a claim or actor, or ``None``."""
        if typ == "claim":
            for claims in self.claims_by_doc.values():
                for claim in claims:
                    if claim.id == target:
                        return claim.docname, f"claim-{claim.id}", claim.text
            return None
        if typ == "actor":
            actor = self.actor_lookup().get(target.casefold())
            if actor is not None:
                return actor.docname, actor.anchor, actor.name
        return None

    def known_ids(self, typ: str) -> list[str]:
        """Every id a reference of type *typ* may name (an actor's aliases too), as written."""
        if typ == "claim":
            return [claim.id for claim in self.all_claims()]
        if typ == "actor":
            return [name for actor in self.actors() for name in (actor.id, *actor.aliases)]
        return []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Claims and actors for the inventory (objects.inv) and the search index.

        An actor is shown by its name, a claim by its speakers and its words (:func:`claim_title`),
        never by its id. Claims have priority 2: a search lists them after the pages and
        speakers it found, as the pages hold the same words in their context.
        The inventory, the search index and its repair each ask: the list is kept while the
        records are settled (:meth:`settled_view`).
        """
        yield from self.settled_view("objects", self._objects)

    def _objects(self) -> list[tuple[str, str, str, str, str, int]]:
        names = {key: actor.name for key, actor in self.actor_lookup().items()}
        objects = [
            (actor.id, actor.name, "actor", actor.docname, actor.anchor, 1)
            for actor in self.actors()
        ]
        for claim in self.all_claims():
            title = claim_title(claim, names)
            objects.append((claim.id, title, "claim", claim.docname, f"claim-{claim.id}", 2))
        return objects


#: The longest quotation of a claim's words in its title (characters, then "…").
TITLE_WORDS = 90


def claim_title(claim: Claim, names: dict[str, str]) -> str:
    """A claim as a reader recognises it: ``Sergey Lavrov: “the reason behind …”``."""
    speakers = " and ".join(names.get(actor.casefold(), actor) for actor in claim.actors)
    words = " ".join(claim.text.split())
    if len(words) > TITLE_WORDS:
        words = words[:TITLE_WORDS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{speakers}: \u201c{words}\u201d"


def warn_dangling(app: Sphinx, domain: Domain | None, node: pending_xref) -> bool | None:
    """Sphinx's warning for an unknown ``{ed:claim}`` or ``{ed:actor}`` target, with "did you
    mean" when an id is close; ``warn-missing-reference``.

    The warning keeps Sphinx's type (``ref.claim``, ``ref.actor``), which is how it is
    suppressed; any other reference is left to Sphinx (``None``).
    """
    typ = str(node.get("reftype", ""))
    if not isinstance(domain, EditionDomain) or typ not in domain.dangling_warnings:
        return None
    target = str(node["reftarget"])
    hint = did_you_mean(target, domain.known_ids(typ))
    message = domain.dangling_warnings[typ] % {"target": target}
    logger.warning(f"{message}{hint}", location=node, type="ref", subtype=typ)
    return True


def note_changes(
    app: object, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remember whether this build reads or removes anything (``env-get-outdated``)."""
    domain = edition_domain(env)
    domain.data["corpus_changed"] = bool(added or changed or removed)
    return []


def settle(app: object, env: BuildEnvironment, *_: object) -> None:
    """Every document is read: the derived views are kept for the write phase
    (``env-updated``, after every other handler)."""
    edition_domain(env).settle()


def unsettle(app: object, env: BuildEnvironment, *_: object) -> None:
    """Documents are about to be read (``env-before-read-docs``)."""
    edition_domain(env).unsettle()


def pages_to_rewrite(app: object, env: BuildEnvironment) -> list[str]:
    """Documents whose output depends on other documents' claims (``env-updated``).

    The pages holding the claim index or register entries are rewritten when what they show
    changed (:meth:`EditionDomain.fingerprint_indexes`): a prose edit elsewhere leaves them as
    they are, and an edit to a cited .bib entry rewrites only those citing the claims' sources
    (the claim index, the disputes), not the register. A page is rewritten, too, when the claims linked to its claims changed (a link
    written on another page shows on its cards). The claim index is the edition's largest page; rewriting it and the register
    after every edit took half of a one-page rebuild at 10x the paper (bench/run.py). A build
    with no change rewrites nothing. When the register itself changed (an actor renamed, say),
    every page with claims is rewritten too, since its cards show the actors' names.
    """
    domain = edition_domain(env)
    if not domain.data.get("corpus_changed", True):
        return []
    pages: set[str] = set()
    claims = domain.claims_inputs()  # each taken once, for every use below
    claims_key = memo.digest(claims) if memo.enabled() else None
    register = domain.fingerprint_register()
    shows, cites = domain.fingerprint_indexes(register, claims, claims_key)
    shown_before, cited_before = domain.data.get("index_fingerprints", ("", ""))
    domain.data["index_fingerprints"] = (shows, cites)
    if shows != shown_before:
        pages.update(domain.index_docs)
    elif cites != cited_before:
        # A .bib entry or a citation's label changed: the register's lists show neither.
        pages.update(domain.citing_index_docs)
    # Cards show their claims' links (from other pages too), made from the claims alone.
    if claims_key is None or claims_key != domain.data.get("relations_inputs"):
        pages.update(_relations_changed(domain))
        domain.data["relations_inputs"] = claims_key or ""
    if register != domain.data["register_fingerprint"]:
        domain.data["register_fingerprint"] = register
        pages.update(docname for docname, claims in domain.claims_by_doc.items() if claims)
    return sorted(pages & set(env.found_docs))


def _relations_changed(domain: EditionDomain) -> set[str]:
    """The documents whose cards' related claims changed since they were last worked out."""
    relations = domain.relations()
    shown = domain.data.setdefault("relations_fingerprints", {})
    pages: set[str] = set()
    for docname, claims in domain.claims_by_doc.items():
        digest = repr([(c.id, relations.get(c.id, [])) for c in claims])
        digest = hashlib.sha256(digest.encode()).hexdigest()
        if shown.get(docname) != digest:
            shown[docname] = digest
            pages.add(docname)
    return pages


def edition_domain(env: BuildEnvironment) -> EditionDomain:
    """The claims' domain of *env*, typed (registered by ``setup_claims``)."""
    return EditionDomain.of(env)


def edition_claims(env: BuildEnvironment) -> list[Claim]:
    """The edition's claims in reading order (as :meth:`EditionDomain.claims`), or none when
    the edition's domain is not loaded (a module of the toolkit used on its own)."""
    domain = env.domains.get("ed")
    return domain.claims() if isinstance(domain, EditionDomain) else []
