"""Registers of names (read phase, env-updated, write phase): persons, organisations, places.

Markup:

- ``:::{place} ganja`` (also ``{person}``, ``{org}``) declares a register entry: ``:name:`` the
  canonical name, ``:variants:`` other names and spellings (``Gəncə, Gence``), ``:index:`` the
  form of the general index (persons default to ``Surname, Given names``), content a line on
  who or what it is;
- ``{place}`Gence <ganja>``` (also ``{person}``, ``{org}``) marks a mention; ``{place}`Gence```
  alone looks the words up among ids, names and variants. A person or organisation that is a
  speaker needs no second declaration: the actor register (``{actor}``) is looked up too.
- ``{register} place`` lists one register alphabetically, every mention linked.

Every mention is a link to its entry and an entry of Sphinx's general index (a variant also
gets a "see" entry): at ``env-updated`` the index domain's entries of each document are
completed with the mentions' canonical names, which only the whole edition knows; LaTeX gets
the same entries as index nodes, inserted by a post-transform. Unknown names and duplicate
entries are reported at ``write-started``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from critical_edition.apparatus.base import (
    ApparatusPostTransform,
    CollectMarks,
    TargetRole,
    plain_words,
    witness_mode,
)
from critical_edition.apparatus.domain import (
    ApparatusDomain,
    Entity,
    EntityKind,
    Mention,
    apparatus_domain,
    index_form,
)
from critical_edition.claims import checks, memo
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.markup import id_problem, split_list
from critical_edition.core.text import sort_fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    #: A mention's kind and target -> its entry (:meth:`.ApparatusDomain.entity_resolver`).
    Resolver = Callable[[EntityKind, str], Entity | None]

    from critical_edition.claims.memo import Finding

#: Anchors of mentions start with this; it also marks the index entries made from them.
MENTION_PREFIX = "mention-"


class EntityDirective(SphinxDirective):
    """Declare a register entry::

    :::{place} ganja
    :name: Ganja
    :variants: Gəncə, Gence
    Azerbaijan's second city.
    :::
    """

    required_arguments = 1
    # The whole argument is read, so that an id with a space gets the toolkit's message.
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "name": directives.unchanged_required,
        "variants": directives.unchanged,
        "index": directives.unchanged,
    }
    kind: ClassVar[EntityKind]

    def run(self) -> list[Node]:
        entity_id = self.arguments[0].strip()
        location = self.get_location()
        name = str(self.options.get("name", "")).strip()
        problem = id_problem(self.kind.label, entity_id)
        if problem is not None:
            warn(problem, Subtype.REGISTER_MALFORMED, location)
            return []
        if not name:
            warn(
                f"the {self.kind.label} {entity_id!r} has no :name: option",
                Subtype.REGISTER_MALFORMED,
                location,
            )
            return []
        anchor = nodes.make_id(f"{self.kind.value}-{entity_id}")
        index_name = str(self.options.get("index", "")).strip() or index_form(name, self.kind)
        entity = Entity(
            id=entity_id,
            kind=self.kind,
            name=name,
            variants=split_list(str(self.options.get("variants", ""))),
            index_name=index_name,
            description=" ".join(" ".join(self.content).split()),
            docname=self.env.docname,
            line=self.lineno,
            anchor=anchor,
        )
        domain = apparatus_domain(self.env)
        domain.add("entities", entity)
        domain.note_placeholder(self.env.docname, "register-entry")
        node = ed.register_entry(entity_kind=self.kind.value, entity_id=entity_id, ids=[anchor])
        self.set_source_info(node)
        title = nodes.paragraph("", "", classes=["ed-register-name"])
        title += nodes.strong(name, name)
        title += nodes.Text(" ")
        title += nodes.inline(self.kind.label, self.kind.label, classes=["ed-register-kind"])
        node += title
        if entity.variants:
            text = "Also written: " + ", ".join(entity.variants)
            node += nodes.paragraph(text, text, classes=["ed-register-variants"])
        if self.content:
            body = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, body)
            node.extend(body.children)
        return [node]


class PersonDirective(EntityDirective):
    """``{person}``: a person of the register of persons."""

    kind = EntityKind.PERSON


class OrgDirective(EntityDirective):
    """``{org}``: an organisation of the register of organisations."""

    kind = EntityKind.ORG


class PlaceDirective(EntityDirective):
    """``{place}``: a place of the register of places, with its name variants."""

    kind = EntityKind.PLACE


class MentionRole(TargetRole):
    """``{place}`TEXT <ID>``` or ``{place}`NAME```: a mention of a register entry."""

    subtype = Subtype.REGISTER_MALFORMED

    def __init__(self, kind: EntityKind) -> None:
        self.kind = kind
        self.noun = kind.label

    def make_node(
        self, children: list[Node], text: str, target: str, options: dict[str, str]
    ) -> nodes.Element | str:
        if options or not text:
            return (
                f"a {self.kind.label} is written {{{self.kind.value}}}`TEXT <ID>` or "
                f"{{{self.kind.value}}}`NAME`, without options"
            )
        return ed.mention(
            self.rawtext, "", *children, entity_kind=self.kind.value, target=target or text
        )


class RegisterDirective(SphinxDirective):
    """``{register} place``: every entry of one register, alphabetically, mentions linked."""

    required_arguments = 1

    def run(self) -> list[Node]:
        value = self.arguments[0].strip().lower()
        kinds = [k.value for k in EntityKind]
        if value not in kinds:
            warn(
                f"unknown register {value!r}; use one of: {', '.join(kinds)}",
                Subtype.REGISTER_MALFORMED,
                self.get_location(),
            )
            return []
        apparatus_domain(self.env).note_placeholder(self.env.docname, f"register-{value}")
        node = ed.register_index(entity_kind=value)
        self.set_source_info(node)
        return [node]


class CollectMentions(CollectMarks):
    """Give every mention its anchor and record it (read phase, after parsing)."""

    default_priority = priorities.COLLECT_MENTIONS
    node_class = ed.mention
    anchor_prefix = MENTION_PREFIX
    record_key = "mentions"

    def record(self, node: nodes.Element, anchor: str) -> Mention:
        return Mention(
            kind=EntityKind(node["entity_kind"]),
            target=node["target"],
            text=plain_words(node),
            docname=self.env.docname,
            line=node.line,
            anchor=anchor,
        )


# --- The general index ------------------------------------------------------------------------


def index_entries(
    env: BuildEnvironment, docname: str, resolve: Resolver
) -> list[tuple[str, str, str, str, None]]:
    """The general index's entries of the mentions of *docname* (canonical names, variants)."""
    domain = apparatus_domain(env)
    entries: list[tuple[str, str, str, str, None]] = []
    if not domain.in_scope(docname):
        return entries
    for mention in domain.mentions_by_doc.get(docname, ()):
        entity = resolve(mention.kind, mention.target)
        if entity is None:
            continue
        entries.append(("single", entity.index_name, mention.anchor, "", None))
        # A declared variant the text uses leads the reader to the canonical name.
        variants = {
            v.casefold(): v for v in entity.variants if v.casefold() != entity.name.casefold()
        }
        variant = variants.get(mention.text.casefold())
        if variant is not None:
            entries.append(("see", f"{variant}; {entity.index_name}", mention.anchor, "", None))
    return entries


#: The apparatus domain's record of what the index entries were last made from (see
#: :func:`_documents_to_index`): the digest of the settings, and each document's names.
_INDEX_INPUTS = "index_inputs"


def _names_of(domain: ApparatusDomain, docname: str) -> str | None:
    """A digest of the names *docname* declares (register entries, actors), or None."""
    entities = domain.entities_by_doc.get(docname)
    actors = domain.edition.actors_by_doc.get(docname)
    if not (entities or actors):
        return None
    return hashlib.sha256(repr((entities, actors)).encode("utf-8")).hexdigest()


def _documents_to_index(env: BuildEnvironment, domain: ApparatusDomain) -> set[str]:
    """The documents whose index entries made from mentions must be made again.

    Every document when the names they are resolved against changed (an entry or an actor
    declared, removed or edited), or the settings, or when no record was kept; else only the
    documents this build read (the index domain dropped their entries), since the others'
    mentions and names are what they were. Every document with ``CRITICAL_EDITION_CORPUSMEMO=0``.
    """
    if not memo.enabled():
        domain.data.pop(_INDEX_INPUTS, None)
        return set(env.found_docs)
    key = memo.digest(get_config(env.config).apparatus_documents)
    kept = domain.data.get(_INDEX_INPUTS)
    if not (isinstance(kept, tuple) and kept[0] == key):
        named = {*domain.entities_by_doc, *domain.edition.actors_by_doc}
        names = {d: n for d in named if (n := _names_of(domain, d)) is not None}
        domain.data[_INDEX_INPUTS] = (key, names)
        return set(env.found_docs)
    names = kept[1]
    changed = False
    for docname in domain.touched:
        digest = _names_of(domain, docname)
        if names.get(docname) != digest:
            changed = True
            if digest is None:
                del names[docname]
            else:
                names[docname] = digest
    return set(env.found_docs) if changed else domain.touched & env.found_docs


def update_index(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Complete every document's general-index entries with its mentions (``env-updated``).

    The index domain records a document's entries when it is read, but a mention's canonical
    name is known only once every register page is read. So, after reading, each document's
    entries made from mentions (their targets start with ``mention-``) are replaced by fresh
    ones: correct after an incremental or parallel read alike. While no name changed, only
    the documents read again get fresh ones (:func:`_documents_to_index`). The general index
    page is written by every HTML build.
    """
    entries = env.domains.index_domain.entries
    domain = apparatus_domain(env)
    docnames = _documents_to_index(env, domain)
    if not docnames:
        return []
    resolver: Resolver | None = None

    def resolve(kind: EntityKind, target: str) -> Entity | None:
        # Made when a mention asks: none of the documents read may hold one.
        nonlocal resolver
        if resolver is None:
            resolver = domain.entity_resolver()
        return resolver(kind, target)

    for docname in docnames:
        kept = [e for e in entries.get(docname, []) if not e[2].startswith(MENTION_PREFIX)]
        fresh = index_entries(env, docname, resolve)
        if fresh or docname in entries:
            entries[docname] = [*kept, *fresh]
    return []


# --- Write phase --------------------------------------------------------------------------------


def _entity_title(entity: Entity) -> str:
    title = f"{entity.name} ({entity.kind.label})"
    if entity.variants:
        title += "; also " + ", ".join(entity.variants)
    return title


class LinkMentions(ApparatusPostTransform):
    """Make each mention a link to its register entry; in LaTeX, give it its index entries."""

    def run(self, **kwargs: Any) -> None:
        if witness_mode(self.config) or not self.may_hold(ed.mention):
            return
        mentions = list(self.document.findall(ed.mention))
        if not mentions:
            return
        resolve = self.domain.entity_resolver()
        # LaTeX: each document's index entries by mention anchor, made once per document.
        entries_of: dict[str, dict[str, list[tuple[str, str, str, str, None]]]] = {}
        for node in mentions:
            self.fromdocname = self.docname_of(node)
            entity = resolve(EntityKind(node["entity_kind"]), node["target"])
            if entity is None:
                continue  # reported by the checks
            if self.output_format == "latex" and node.parent is not None and node["ids"]:
                if self.fromdocname not in entries_of:
                    by_anchor: dict[str, list[tuple[str, str, str, str, None]]] = {}
                    for entry in index_entries(self.env, self.fromdocname, resolve):
                        by_anchor.setdefault(entry[2], []).append(entry)
                    entries_of[self.fromdocname] = by_anchor
                entries = entries_of[self.fromdocname].get(node["ids"][0], [])
                index = addnodes.index(entries=entries, inline=True)
                node.parent.insert(node.parent.index(node), index)
            content = list(node.children)
            node.clear()
            inline = nodes.inline("", "", *content)
            node += self.link(entity.docname, entity.anchor, inline, _entity_title(entity))


class FillRegisters(ApparatusPostTransform):
    """Append its mentions to every entry (and speaker); fill the ``{register}`` lists."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.register_entry, ed.actor_entry, ed.register_index):
            return
        entries = list(self.document.findall(ed.register_entry))
        actors = list(self.document.findall(ed.actor_entry))
        placeholders = list(self.document.findall(ed.register_index))
        if not (entries or actors or placeholders):
            return
        resolve = self.domain.entity_resolver()
        mentions = self.mentions_by_entity(resolve)
        for entry in entries:
            self.fromdocname = self.docname_of(entry)
            key = (entry["entity_kind"], entry["entity_id"])
            entry += self.mention_list(mentions.get(key, []), empty=True)
        for actor in actors:
            self.fromdocname = self.docname_of(actor)
            found = [
                m
                for kind in (EntityKind.PERSON, EntityKind.ORG)
                for m in mentions.get((kind.value, actor["actor_id"]), [])
            ]
            if found:
                actor += self.mention_list(found, empty=False)
        for placeholder in placeholders:
            self.fromdocname = self.docname_of(placeholder)
            placeholder.replace_self(
                self.register(EntityKind(placeholder["entity_kind"]), mentions, resolve)
            )
        if placeholders:
            self.tree_changed()

    def mentions_by_entity(self, resolve: Resolver) -> dict[tuple[str, str], list[Mention]]:
        """Mentions grouped by the entry they resolve to, in reading order."""
        grouped: dict[tuple[str, str], list[Mention]] = {}
        for mention in self.domain.mentions(scoped=True):
            entity = resolve(mention.kind, mention.target)
            if entity is not None:
                grouped.setdefault((entity.kind.value, entity.id), []).append(mention)
        return grouped

    def places_list(self, mentions: list[Mention]) -> list[nodes.Node]:
        """``Page 1 2; Other page``: each page once, a numbered link per mention on it."""
        return self.page_links([(m.docname, m.anchor, m.text) for m in mentions])

    def mention_list(self, mentions: list[Mention], *, empty: bool) -> nodes.paragraph:
        paragraph = nodes.paragraph(classes=["ed-register-mentions"])
        if not mentions:
            paragraph += nodes.Text("Not mentioned in the text." if empty else "")
            return paragraph
        label = f"Mentioned in the text ({len(mentions)}): "
        paragraph += nodes.inline(label, label, classes=["ed-register-mentions-label"])
        paragraph.extend(self.places_list(mentions))
        return paragraph

    def register(
        self, kind: EntityKind, mentions: dict[tuple[str, str], list[Mention]], resolve: Resolver
    ) -> list[nodes.Node]:
        """One register, alphabetically: the entries declared on register pages (pages holding
        a register list) and every entry or speaker the text mentions."""
        registers = {
            d for d, kinds in self.domain.placeholders.items() if f"register-{kind.value}" in kinds
        }
        entities: dict[str, Entity] = {
            e.id: e for e in self.domain.entities(kind) if e.docname in registers
        }
        for (kind_value, entity_id), found in mentions.items():
            if kind_value == kind.value and entity_id not in entities:
                entity = resolve(kind, found[0].target)
                if entity is not None:
                    entities[entity_id] = entity
        if not entities:
            return [nodes.paragraph("", "No entries.")]
        items = nodes.bullet_list(classes=["ed-register-index", f"ed-register-{kind.value}"])
        for entity in sorted(entities.values(), key=lambda e: sort_fold(e.index_name)):
            paragraph = nodes.paragraph()
            name = self.link(
                entity.docname, entity.anchor, nodes.strong(entity.index_name, entity.index_name)
            )
            paragraph += name
            if entity.variants:
                text = " (" + ", ".join(entity.variants) + ")"
                paragraph += nodes.inline(text, text, classes=["ed-register-variants"])
            found = mentions.get((kind.value, entity.id), [])
            if found:
                paragraph += nodes.Text(" — ")
                paragraph.extend(self.places_list(found))
            items += nodes.list_item("", paragraph)
        return [items]


# --- Checks -------------------------------------------------------------------------------------


def check_registers(app: Sphinx, builder: object = None) -> None:
    """Unknown mentions and duplicate entries (``write-started``: every build).

    While no document's records (:func:`.domain.shown_of`, kept for each document read) nor
    the actors changed, the findings are those of the last build (:func:`.memo.replay`).
    """
    domain = apparatus_domain(app.env)
    inputs = None
    if memo.enabled():
        edition = domain.edition
        records = domain.data.get("record_digests", {})
        actors = checks.actors_inputs(edition)
        ordered = [(d, records[d]) for d in edition.reading_order() if d in records]
        inputs = memo.digest(ordered, actors)
    memo.replay(app.doctreedir, "registers", inputs, lambda: _register_findings(domain))


def _register_findings(domain: ApparatusDomain) -> list[Finding]:
    """What :func:`check_registers` reports."""
    found: list[Finding] = []
    for kind in EntityKind:
        seen: dict[str, Entity] = {}
        for entity in domain.entities(kind):
            for name in dict.fromkeys((entity.id, entity.name, *entity.variants)):
                other = seen.get(name.casefold())
                if other is not None and other is not entity:
                    message = (
                        f"the {kind.label} {entity.id!r} has the name {name!r}, already used by "
                        f"the {kind.label} {other.id!r}"
                    )
                    found.append(
                        (message, Subtype.REGISTER_DUPLICATE, (entity.docname, entity.line))
                    )
                seen.setdefault(name.casefold(), entity)
    resolve = domain.entity_resolver()
    for mention in domain.mentions():
        if resolve(mention.kind, mention.target) is None:
            where = "register" if mention.kind is EntityKind.PLACE else "register or actor register"
            message = (
                f"no {mention.kind.label} {mention.target!r} in the {where}: declare it with "
                f"the {mention.kind.value} directive, or use an id, name or variant"
            )
            found.append((message, Subtype.REGISTER_UNKNOWN, (mention.docname, mention.line)))
    return found


def register(app: Sphinx) -> None:
    """Register the directives and roles, the collector, the index update and the lists."""
    app.add_directive("person", PersonDirective)
    app.add_directive("org", OrgDirective)
    app.add_directive("place", PlaceDirective)
    app.add_directive("register", RegisterDirective)
    for kind in EntityKind:
        app.add_role(kind.value, MentionRole(kind))
    # Read phase: anchors and records of the mentions.
    app.add_transform(CollectMentions)
    # env-updated: the general index learns the mentions' canonical names.
    app.connect("env-updated", update_index, priority=priorities.INDEX_MENTIONS)
    # write-started: unknown names, duplicate entries (every build).
    app.connect("write-started", check_registers)
    # Write phase: links, LaTeX index entries, mention lists and register tables.
    app.add_post_transform(LinkMentions)
    app.add_post_transform(FillRegisters)
