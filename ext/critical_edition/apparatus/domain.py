"""Apparatus store (all phases): the records of emendations, notes, registers and chronology.

Reading phase: the roles and directives of :mod:`.apparatus`, :mod:`.registers` and
:mod:`.chronology` add frozen, picklable records here, keyed by document, so that
``clear_doc`` is a filter and ``merge_domaindata`` a copy (incremental and parallel builds see
what a clean serial build sees). ``env-updated`` names the pages built from other pages'
records; post-transforms and checks read the records through the typed accessors. The domain
is ``apparatus``: ``{apparatus:note}`id``` and ``{apparatus:entry}`id``` link to a note and to
a register entry.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from sphinx.domains import ObjType

from critical_edition.claims.domain import edition_domain
from critical_edition.core.config import get_config
from critical_edition.core.xrefs import LocatedXRefRole, RecordDomain
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from critical_edition.claims.domain import EditionDomain
    from critical_edition.core.model import Actor


# --- Records ------------------------------------------------------------------------------------


class EmendationKind(enum.Enum):
    """What an emendation does to the witness's words."""

    #: The witness's reading is replaced by another (``orig=`` is the witness's reading).
    SUBSTITUTION = "sub"
    #: Words the witness lacks are added (the witness has nothing there).
    ADDITION = "add"
    #: Words of the witness are left out (the edition has nothing there).
    DELETION = "del"

    @property
    def label(self) -> str:
        """How the apparatus names the kind."""
        return {"sub": "correction", "add": "addition", "del": "deletion"}[self.value]


class NoteKind(enum.Enum):
    """An editorial note explains; a query raises a doubt about the text's facts."""

    NOTE = "note"
    QUERY = "query"

    @property
    def label(self) -> str:
        """The heading word of the note."""
        return {"note": "Editors' note", "query": "Editors' query"}[self.value]


class EntityKind(enum.Enum):
    """The registers of names."""

    PERSON = "person"
    ORG = "org"
    PLACE = "place"

    @property
    def label(self) -> str:
        """The register's name for one entry."""
        return {"person": "person", "org": "organisation", "place": "place"}[self.value]


@dataclass(frozen=True)
class Emendation:
    """A change the editors made to the witness's words, the original kept."""

    kind: EmendationKind
    #: The edition's reading (empty for a deletion).
    reading: str
    #: The witness's reading (empty for an addition).
    original: str
    reason: str
    docname: str
    line: int | None
    #: The anchor of the emendation in its page (``emendation-3``).
    anchor: str
    #: The title of the section it stands in.
    section: str = ""


@dataclass(frozen=True)
class EditorialNote:
    """An editors' note or query, placed beside a passage."""

    id: str
    kind: NoteKind
    #: The note's words (citations as their keys), for the apparatus list and exports.
    text: str
    docname: str
    line: int | None
    anchor: str
    section: str = ""
    #: The bib keys the note cites (``{cite:p}`` and friends inside it), in order.
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lemma:
    """A passage of the text an editorial note comments on."""

    note_id: str
    text: str
    docname: str
    line: int | None
    anchor: str


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place of the registers."""

    id: str
    kind: EntityKind
    #: The canonical name (``Ganja``).
    name: str
    #: Other names and spellings (``Gəncə``, ``Gence``).
    variants: tuple[str, ...]
    #: The form of the general index (``Lavrov, Sergey``).
    index_name: str
    description: str
    docname: str
    line: int | None
    anchor: str


@dataclass(frozen=True)
class Mention:
    """A person, organisation or place named in the text."""

    kind: EntityKind
    #: The id, name or variant as written in the markup.
    target: str
    #: The words of the text.
    text: str
    docname: str
    line: int | None
    anchor: str


@dataclass(frozen=True)
class Event:
    """A dated event of the text: a day, a month, a year or a period."""

    #: ISO 8601 start and end (equal for a single date).
    start: str
    end: str
    #: The date as the text words it (``On 2 September 1991``).
    text: str
    #: What happened: the ``event=`` option, else the sentence the date stands in.
    label: str
    docname: str
    line: int | None
    anchor: str
    section: str = ""


def date_key(value: str) -> tuple[int, int, int]:
    """A sort key of an ISO date of any precision: ``1988-02`` sorts before ``1988-02-20``."""
    year, month, day = [*(int(p) for p in value.split("-")), 0, 0][:3]
    return year, month, day


# --- The domain ---------------------------------------------------------------------------------


_R = TypeVar("_R")

#: The per-document record lists of the domain.
RECORD_KEYS = ("emendations", "notes", "lemmas", "entities", "mentions", "events")


class ApparatusDomain(RecordDomain):
    """Emendations, editorial notes, registers and chronology (domain ``apparatus``)."""

    name = "apparatus"
    label = "Critical apparatus"
    object_types = {  # noqa: RUF012 (Sphinx's API declares these as class attributes)
        "note": ObjType("note", "note"),
        "entry": ObjType("register entry", "entry"),
    }
    roles = {  # noqa: RUF012
        "note": LocatedXRefRole(warn_dangling=True),
        "entry": LocatedXRefRole(warn_dangling=True),
    }
    #: Bump when the stored layout changes.
    data_version = 3  # 2: EditorialNote.cites; 3: record_digests for citing_docs
    initial_data: ClassVar[dict[str, Any]] = {
        **{key: {} for key in RECORD_KEYS},
        # docname -> ids of the citation references that stand in editorial matter
        "editorial_cites": {},
        # docname -> kinds of the placeholders it holds (apparatus, chronology, register-place...)
        "placeholders": {},
        # digest of what other pages show of each document's records (see fingerprint)
        "fingerprint": "",
        # docname -> digest of what the pages built from every page show of it (see
        # pages_to_rewrite), at the last build
        "record_digests": {},
    }
    dangling_warnings = {  # noqa: RUF012
        "note": "no editorial note with the id %(target)r",
        "entry": "no register entry with the id or name %(target)r",
    }
    titled_types = frozenset({"entry"})
    per_document_keys = (*RECORD_KEYS, "editorial_cites", "placeholders")

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: Documents this build re-read or removed that held apparatus records before.
        self.touched_with_records: set[str] = set()
        #: Every document this build re-read or removed.
        self.touched: set[str] = set()

    def clear_doc(self, docname: str) -> None:
        """Drop the document's records, and remember that this build re-reads or removes it."""
        self.touched.add(docname)
        if self.has_records(docname):
            self.touched_with_records.add(docname)
        super().clear_doc(docname)

    def has_records(self, docname: str) -> bool:
        """Whether *docname* holds apparatus records or placeholders (after this build's read)."""
        return any(self.data[key].get(docname) for key in self.per_document_keys)

    # -- typed access ----------------------------------------------------------------------
    def _by_doc(self, key: str, _type: type[_R]) -> dict[str, list[_R]]:
        return cast("dict[str, list[_R]]", self.data[key])

    @property
    def emendations_by_doc(self) -> dict[str, list[Emendation]]:
        """Emendations per document, in document order."""
        return self._by_doc("emendations", Emendation)

    @property
    def notes_by_doc(self) -> dict[str, list[EditorialNote]]:
        """Editorial notes per document, in document order."""
        return self._by_doc("notes", EditorialNote)

    @property
    def lemmas_by_doc(self) -> dict[str, list[Lemma]]:
        """Lemmas per document, in document order."""
        return self._by_doc("lemmas", Lemma)

    @property
    def entities_by_doc(self) -> dict[str, list[Entity]]:
        """Register entries declared per document."""
        return self._by_doc("entities", Entity)

    @property
    def mentions_by_doc(self) -> dict[str, list[Mention]]:
        """Mentions per document, in document order."""
        return self._by_doc("mentions", Mention)

    @property
    def events_by_doc(self) -> dict[str, list[Event]]:
        """Dated events per document, in document order."""
        return self._by_doc("events", Event)

    @property
    def editorial_cites(self) -> dict[str, frozenset[str]]:
        """Ids of the citation references in editorial matter, per document."""
        return cast("dict[str, frozenset[str]]", self.data["editorial_cites"])

    @property
    def placeholders(self) -> dict[str, frozenset[str]]:
        """The kinds of placeholders (apparatus, chronology, register-…) each document holds."""
        return cast("dict[str, frozenset[str]]", self.data["placeholders"])

    def add(self, key: str, record: Any) -> None:
        """Record *record* (one of the record classes) of the document being read."""
        cast("dict[str, list[Any]]", self.data[key]).setdefault(record.docname, []).append(record)

    def note_placeholder(self, docname: str, kind: str) -> None:
        """Remember that *docname* holds a placeholder (of *kind*) filled from the edition."""
        self.placeholders[docname] = self.placeholders.get(docname, frozenset()) | {kind}

    def page_of(self, kind: str) -> str | None:
        """The first document, in reading order, holding a placeholder of *kind*."""
        return next(
            (d for d in self.edition.reading_order() if kind in self.placeholders.get(d, ())),
            None,
        )

    # -- derived views -----------------------------------------------------------------------
    @property
    def edition(self) -> EditionDomain:
        """The claims domain, for the actor register and the reading order."""
        return edition_domain(self.env)

    def in_scope(self, docname: str) -> bool:
        """Whether the apparatus pages list the records of *docname*.

        ``edition_apparatus_documents`` names the documents of the edition proper (glob
        patterns); the markup of other documents (a guide's examples) renders where it stands
        but is not listed. Empty: every document.
        """
        return self.scope()(docname)

    def scope(self) -> Callable[[str], bool]:
        """:meth:`in_scope` for many documents: the setting is read once, not per document."""
        patterns = get_config(self.env.config).apparatus_documents

        def in_scope(docname: str) -> bool:
            return not patterns or any(fnmatch(docname, pattern) for pattern in patterns)

        return in_scope

    def in_reading_order(self, by_doc: dict[str, list[_R]], *, scoped: bool = False) -> list[_R]:
        """The records of every document (of the scope, if *scoped*), in reading order."""
        in_scope = self.scope()
        result: list[_R] = []
        for docname in self.edition.reading_order():
            if not scoped or in_scope(docname):
                result.extend(by_doc.get(docname, ()))
        return result

    def emendations(self, *, scoped: bool = False) -> list[Emendation]:
        """Every emendation (of the scope, if *scoped*), in reading order."""
        return self.in_reading_order(self.emendations_by_doc, scoped=scoped)

    def notes(self, *, scoped: bool = False) -> list[EditorialNote]:
        """Every editorial note (of the scope, if *scoped*), in reading order."""
        return self.in_reading_order(self.notes_by_doc, scoped=scoped)

    def note_numbers(self) -> dict[str, int]:
        """The number of each note id: the scope's notes first, in reading order, then the rest.

        The first of a duplicated id wins.
        """
        in_scope = self.scope()
        ordered = sorted(self.notes(), key=lambda note: not in_scope(note.docname))
        numbers: dict[str, int] = {}
        for note in ordered:
            numbers.setdefault(note.id, len(numbers) + 1)
        return numbers

    def find_note(self, note_id: str) -> EditorialNote | None:
        """The note with *note_id*, the first in reading order."""
        return next((n for n in self.notes() if n.id == note_id), None)

    def notes_by_id(self) -> dict[str, EditorialNote]:
        """:meth:`find_note` for many ids: each id's first note in reading order."""
        found: dict[str, EditorialNote] = {}
        for note in self.notes():
            found.setdefault(note.id, note)
        return found

    def lemmas_of(self, note_id: str) -> list[Lemma]:
        """The lemmas of a note, in reading order."""
        return self.lemmas_by_note().get(note_id, [])

    def lemmas_by_note(self) -> dict[str, list[Lemma]]:
        """:meth:`lemmas_of` for many notes: the lemmas of each note id, in reading order."""
        grouped: dict[str, list[Lemma]] = {}
        for lemma in self.in_reading_order(self.lemmas_by_doc):
            grouped.setdefault(lemma.note_id, []).append(lemma)
        return grouped

    def entities(self, kind: EntityKind | None = None) -> Iterator[Entity]:
        """Declared register entries, by document name, then document order."""
        for docname in sorted(self.entities_by_doc):
            for entity in self.entities_by_doc[docname]:
                if kind is None or entity.kind is kind:
                    yield entity

    def entity_lookup(self, kind: EntityKind) -> dict[str, Entity]:
        """Ids, names and variants (case-folded) of one register; first declaration wins.

        A person or organisation that no entry declares may be a speaker of the actor register
        (its id or an alias): it is looked up there, as an entry whose anchor is the actor's.
        """
        lookup: dict[str, Entity] = {}
        for entity in self.entities(kind):
            for name in (entity.id, entity.name, *entity.variants):
                lookup.setdefault(name.casefold(), entity)
        return lookup

    def resolve_entity(self, kind: EntityKind, target: str) -> Entity | None:
        """The entry a mention names: a register entry, else (persons, organisations) a speaker
        of the actor register, by its id, name or an alias (see :meth:`entity_resolver`)."""
        return self.entity_resolver()(kind, target)

    def entity_resolver(self) -> Callable[[EntityKind, str], Entity | None]:
        """:meth:`resolve_entity` for many mentions: the registers and the speakers are read
        once, not once per mention (mentions x entries). Every document is read by the time
        the claims' records settle (``env-updated``), so from then on one resolver serves the
        index update, the checks and every page (:meth:`.EditionDomain.settled_view`)."""
        return self.edition.settled_view("apparatus.entity_resolver", self._entity_resolver)

    def _entity_resolver(self) -> Callable[[EntityKind, str], Entity | None]:
        lookups = {kind: self.entity_lookup(kind) for kind in EntityKind}
        speakers: dict[tuple[EntityKind, str], Entity] = {}
        for actor in self.edition.actors():
            for kind in _ACTOR_TYPES:
                if _actor_fits(actor, kind):
                    entity = entity_of_actor(actor, kind)
                    for name in (actor.id, actor.name, *actor.aliases):
                        speakers.setdefault((kind, name.casefold()), entity)

        def resolve(kind: EntityKind, target: str) -> Entity | None:
            wanted = target.casefold()
            entity = lookups[kind].get(wanted)
            return entity if entity is not None else speakers.get((kind, wanted))

        return resolve

    def mentions(self, *, scoped: bool = False) -> list[Mention]:
        """Every mention (of the scope, if *scoped*), in reading order."""
        return self.in_reading_order(self.mentions_by_doc, scoped=scoped)

    def events(self, *, scoped: bool = False) -> list[Event]:
        """Every dated event (of the scope, if *scoped*) in date order, then reading order."""
        ordered = self.in_reading_order(self.events_by_doc, scoped=scoped)
        return sorted(ordered, key=lambda e: (date_key(e.start), date_key(e.end)))

    def fingerprint(self) -> str:
        """A digest of what pages show of other pages' records: notes, names, apparatus pages."""
        digest = hashlib.sha256()
        for emendation in self.emendations():
            digest.update(repr((emendation.docname, emendation.anchor)).encode())
        for note in self.notes():
            digest.update(repr((note.id, note.kind.value, note.docname, note.anchor)).encode())
        for entity in self.entities():
            digest.update(repr((entity.id, entity.kind.value, entity.name)).encode())
            digest.update(repr((entity.variants, entity.docname, entity.anchor)).encode())
        digest.update(repr(sorted((d, sorted(k)) for d, k in self.placeholders.items())).encode())
        return digest.hexdigest()

    # -- cross-references --------------------------------------------------------------------
    def find(self, typ: str, target: str) -> tuple[str, str, str] | None:
        if typ == "note":
            note = self.find_note(target)
            if note is not None:
                return note.docname, note.anchor, note.kind.label
            return None
        for kind in EntityKind:
            entity = self.entity_lookup(kind).get(target.casefold())
            if entity is not None:
                return entity.docname, entity.anchor, entity.name
        return None

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Notes and register entries for the inventory (objects.inv) and the search index.

        Notes have priority -1: in the inventory, not in the search results, where Sphinx would
        title each with its bare id; their words are found on their pages.
        """
        for note in self.notes():
            yield note.id, note.id, "note", note.docname, note.anchor, -1
        for entity in self.entities():
            yield entity.id, entity.name, "entry", entity.docname, entity.anchor, 1


#: Actor types that may stand for an entry of each register of names.
_ACTOR_TYPES = {
    EntityKind.PERSON: {"person"},
    EntityKind.ORG: {"organisation", "ministry", "office"},
}


def _actor_fits(actor: Actor, kind: EntityKind) -> bool:
    return actor.type.value in _ACTOR_TYPES.get(kind, set())


def entity_of_actor(actor: Actor, kind: EntityKind) -> Entity:
    """A speaker of the actor register seen as an entry of a register of names."""
    return Entity(
        id=actor.id,
        kind=kind,
        name=actor.name,
        variants=actor.aliases,
        index_name=index_form(actor.name, kind),
        description=actor.description,
        docname=actor.docname,
        line=actor.line,
        anchor=actor.anchor,
    )


def index_form(name: str, kind: EntityKind) -> str:
    """The general index's form of a name: persons by surname (``Lavrov, Sergey``)."""
    if kind is not EntityKind.PERSON or " " not in name.strip() or "," in name:
        return name
    given, _, surname = name.strip().rpartition(" ")
    return f"{surname}, {given}"


def pages_to_rewrite(app: object, env: BuildEnvironment) -> list[str]:
    """Pages whose output depends on other pages' apparatus records (``env-updated``).

    Placeholder pages (apparatus, registers, chronology) and bibliography pages are rewritten
    when what they show of a document re-read or removed by this build changed: its records
    (notes, emendations, lemmas, mentions, events, entries, placeholders, editorial citations),
    its claims (the backlinks tell the editors' citations from the authors') or its citations
    (:func:`shown_of`). A build that read nothing, or a prose edit outside all of these,
    rewrites none of them. With ``CRITICAL_EDITION_PRECISE_REWRITES=0`` they are rewritten
    whenever a document that holds (or held) records or citations is re-read or removed.
    When note numbers or register names changed, so are the pages with lemmas or mentions,
    which show them.
    """
    domain = apparatus_domain(env)
    if not domain.touched:
        return []
    bibtex = cast("Any", env.get_domain("cite"))
    refs_by_doc: dict[str, list[Any]] = {}  # one pass over the references, not one a page
    for ref in getattr(bibtex, "citation_refs", []):
        refs_by_doc.setdefault(ref.docname, []).append(ref)
    digests: dict[str, str] = domain.data.setdefault("record_digests", {})
    shown_elsewhere: set[str] = set()
    for docname in sorted(domain.touched):
        digest = shown_of(domain, docname, refs_by_doc.get(docname, []))
        if digests.get(docname, _NOTHING_SHOWN) != digest:
            shown_elsewhere.add(docname)
        if digest == _NOTHING_SHOWN:
            digests.pop(docname, None)
        else:
            digests[docname] = digest
    if not switched_on(PRECISE_REWRITES):
        citing = refs_by_doc.keys()
        shown_elsewhere |= domain.touched_with_records | {
            doc for doc in domain.touched if domain.has_records(doc) or doc in citing
        }
    pages: set[str] = set()
    if shown_elsewhere:
        pages.update(domain.placeholders)
        pages.update(key.docname for key in getattr(bibtex, "bibliographies", {}))
    fingerprint = domain.fingerprint()
    if fingerprint != domain.data["fingerprint"]:
        domain.data["fingerprint"] = fingerprint
        for key in ("emendations", "lemmas", "mentions", "events"):
            pages.update(docname for docname, records in domain.data[key].items() if records)
    return sorted(pages & set(env.found_docs))


#: Set to ``0`` to rewrite the pages built from every page's records after any edit to a page
#: with records or citations, and every toctree parent of a rewritten page (Sphinx's rule),
#: instead of only the pages whose output changes.
PRECISE_REWRITES = "CRITICAL_EDITION_PRECISE_REWRITES"


def _stable(value: Any) -> Any:
    """*value* with its sets sorted, so that its ``repr`` is the same in every process."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def shown_of(domain: ApparatusDomain, docname: str, refs: list[Any]) -> str:
    """A digest of what the pages built from every page show of *docname*.

    Its apparatus records (each a frozen record of plain values, line numbers included so
    that the warnings written with the pages stay right), its claims and its citation
    references (*refs*, those made on *docname*); the digest of a document without any is
    :data:`_NOTHING_SHOWN`.
    """
    parts = [_stable(domain.data[key].get(docname)) for key in domain.per_document_keys]
    parts.append(domain.edition.claims_by_doc.get(docname))
    parts.append(refs)
    if not any(parts):
        return _NOTHING_SHOWN
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


#: The digest of a document that no page built from every page shows anything of.
_NOTHING_SHOWN = ""


def apparatus_domain(env: BuildEnvironment) -> ApparatusDomain:
    """The apparatus domain of *env*, typed (registered by ``setup_apparatus``)."""
    return ApparatusDomain.of(env)
