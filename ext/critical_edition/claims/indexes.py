"""Indexes: post-transforms that fill in what needs the whole edition.

Write phase, per output document, before references are resolved. Each claim gets its card
(actors, verb, date, sources, status, note) built from the domain's record; the claim index
placeholder becomes a summary with counts and a table of every claim (in HTML under a status
filter that looks like sphinx-design's tabs); each actor entry of the register gets the list of
that actor's claims. Everything is built from standard docutils nodes and sphinx-design's
nodes and classes, so every builder can render it; citations in the cards are ``pending_xref``
nodes that sphinxcontrib-bibtex resolves like any other.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx_design.badges_buttons import create_bdg_classes
from sphinx_design.tabs import sd_tab_input, sd_tab_label

from critical_edition.claims.checks import bib_keys
from critical_edition.claims.domain import edition_domain
from critical_edition.claims.rowkeys import RowKeys
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.codestamp import translator_stamp
from critical_edition.core.model import Actor, Claim, ClaimStatus
from critical_edition.core.post_transforms import EditionPostTransform
from critical_edition.core.tables import table
from critical_edition.speedups import rowmemo, versions

if TYPE_CHECKING:
    from collections.abc import Mapping
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx

    from critical_edition.claims.domain import EditionDomain

#: sphinx-design badge colour of each status; the status is always written out as well,
#: so the colour is never the only cue.
STATUS_COLOURS = {
    ClaimStatus.SOURCED: "success",
    ClaimStatus.UNSOURCED: "warning",
    ClaimStatus.VERIFIED: "info",
    ClaimStatus.CONTESTED: "danger",
    ClaimStatus.CORRECTED: "primary",
}


#: The class of the claim index's status filter in HTML (an EPUB keeps only its table).
CLAIM_FILTER_CLASS = "ed-claim-filter"


def status_badge(status: ClaimStatus, text: str = "") -> ed.claim_status:
    """A label naming a claim status: a sphinx-design badge in HTML, ``\\edStatus`` in LaTeX."""
    classes = [*create_bdg_classes(STATUS_COLOURS[status], outline=False), "ed-status-badge"]
    text = text or status.label
    return ed.claim_status(text, text, classes=classes, status=status.value)


class ClaimsPostTransform(EditionPostTransform):
    """Base of the claims' post-transforms: the domain, actor links, citations, sources."""

    # Priority 5: before Sphinx's ReferencesResolver (10), so the citation references put into
    # cards and indexes are resolved by sphinxcontrib-bibtex like the ones in the text, and
    # before sphinx-design's post-transforms (200).
    default_priority = priorities.CLAIM_CARDS

    @property
    def domain(self) -> EditionDomain:
        return edition_domain(self.env)

    def actor_link(
        self, actor_id: str, lookup: Mapping[str, Actor], *, described: bool = True
    ) -> nodes.Node:
        """A link to the actor's register entry; *described*: its description as the title."""
        actor = lookup.get(actor_id.casefold())
        if actor is None:
            return nodes.inline(actor_id, actor_id, classes=["ed-actor-unknown"])
        title = actor.description if described else ""
        return self.link(actor.docname, actor.anchor, nodes.Text(actor.name), title)

    @cached_property
    def bib_keys(self) -> AbstractSet[str]:
        """The keys of the .bib files (as parsed by sphinxcontrib-bibtex)."""
        return bib_keys(self.builder)

    def cite(self, key: str) -> nodes.Node:
        """A pending citation reference, resolved by sphinxcontrib-bibtex.

        A key missing from the .bib files stays plain text: the claim checks already report
        it, and a reference would make sphinxcontrib-bibtex report it again, without a line.
        """
        if key not in self.bib_keys:
            return nodes.inline(key, key, classes=["ed-source-unknown"])
        ref = addnodes.pending_xref(
            key,
            nodes.inline(key, key),
            refdomain="cite",
            reftype="p",
            reftarget=key,
            refdoc=self.link_from,
            refwarn=False,
        )
        ref.source, ref.line = self.document.get("source"), None
        return ref

    def source_node(
        self, source: str, docname: str, footnotes: dict[str, str] | None = None
    ) -> nodes.Node:
        """A claim's source as the reader sees it: a citation, or a footnote's mark (``[1]``).

        *footnotes* (label to id) are those of the page being written, for a card beside its
        claim; without them (the claim index) the mark links to the footnote on the claim's page.
        The label written in the source is shown only for a footnote that does not exist, which
        the claim checks report.
        """
        if not source.startswith("^"):
            return self.cite(source)
        label = source[1:]
        footnote_id, mark = self.domain.footnote_marks_by_doc.get(docname, {}).get(label, ("", ""))
        text = f"[{mark}]" if mark else f"footnote {label}"
        if footnotes is not None and label in footnotes:
            return nodes.reference(text, text, refid=footnotes[label], internal=True)
        if footnotes is None and footnote_id and self.output_format == "html":
            return self.link(docname, footnote_id, nodes.Text(text))
        return nodes.inline(text, text)

    def joined(self, items: list[nodes.Node], separator: str = ", ") -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for i, item in enumerate(items):
            if i:
                result.append(nodes.Text(separator))
            result.append(item)
        return result


class BuildClaimCards(ClaimsPostTransform):
    """Give every claim of the document its card."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.claim, ed.claim_block):
            return
        claim_nodes = [
            node
            for node in self.document.findall(nodes.Element)
            if isinstance(node, ed.claim | ed.claim_block)
        ]
        if not claim_nodes:
            return
        lookup = self.domain.actor_lookup()
        relations = self.domain.relations()
        # The claim's number in the claim index (reading order), which print sets on its card.
        numbers = self.domain.claim_numbers()
        # Per document: a LaTeX tree holds every document, each with its own claims and notes.
        footnotes: dict[str, dict[str, str]] = {}
        for fn in self.document.findall(nodes.footnote):
            for name in fn["names"] if fn["ids"] else ():
                footnotes.setdefault(self.docname_of(fn), {})[str(name)] = fn["ids"][0]
        # Each document's claims by id, made once (a card finds its record without a scan).
        by_id: dict[str, dict[str, Claim]] = {}
        for node in claim_nodes:
            self.fromdocname = self.docname_of(node)
            if self.fromdocname not in by_id:
                records = by_id[self.fromdocname] = {}
                for record in self.domain.claims_by_doc.get(self.fromdocname, []):
                    records.setdefault(record.id, record)  # a duplicate id: the first, as warned
            claim = by_id[self.fromdocname].get(node.get("claim_id", ""))
            if claim is not None:
                related = relations.get(claim.id, [])
                if claim.id in numbers:
                    node["number"] = numbers[claim.id]
                node.append(self.card(claim, lookup, footnotes.get(self.fromdocname, {}), related))

    def claim_label(self, claim: Claim, lookup: Mapping[str, Actor]) -> str:
        """A short name for a claim in another claim's card: its speakers and first words."""
        names = ", ".join(
            actor.name if (actor := lookup.get(a.casefold())) is not None else a
            for a in claim.actors
        )
        words = claim.text.split()
        quote = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        return f"{names}: “{quote}”"

    def add_related(
        self, card: ed.claim_card, related: list[tuple[str, Claim]], lookup: Mapping[str, Actor]
    ) -> None:
        """One card line per relation (``Contradicted by`` ...), linking to each related claim."""
        by_label: dict[str, list[Claim]] = {}
        for label, other in related:
            if other not in by_label.setdefault(label, []):
                by_label[label].append(other)
        for label, others in by_label.items():
            links = [
                self.link(
                    other.docname,
                    f"claim-{other.id}",
                    nodes.inline("", self.claim_label(other, lookup)),
                )
                for other in others
            ]
            self.add_card_line(card, label, *self.joined(links, "; "))

    def card(
        self,
        claim: Claim,
        lookup: Mapping[str, Actor],
        footnotes: dict[str, str],
        related: list[tuple[str, Claim]] | None = None,
    ) -> ed.claim_card:
        # The card's words are not the page's text (Sphinx's indexer skips it).
        card = ed.claim_card(ids=[f"claim-{claim.id}-card"], classes=[ed.NOT_SEARCHED])
        # No description as a title in a card: a mouse-only tooltip over a tooltip, the same
        # words one click away in the register (and in the page's JSON-LD), 3 KB on a page.
        actors = self.joined([self.actor_link(a, lookup, described=False) for a in claim.actors])
        self.add_card_line(
            card, "Said by" if len(claim.actors) == 1 else "Said by (jointly)", *actors
        )
        if claim.verb:
            self.add_card_line(card, "Verb", nodes.emphasis(claim.verb, claim.verb))
        if claim.date:
            self.add_card_line(card, "Date", nodes.Text(claim.date))
        if claim.sources:
            sources = [self.source_node(s, claim.docname, footnotes) for s in claim.sources]
            self.add_card_line(card, "Source", *self.joined(sources, "; "))
        else:
            self.add_card_line(card, "Source", nodes.Text("none given by the authors"))
        self.add_card_line(card, "Status", status_badge(claim.status))
        if claim.note:
            note: list[nodes.Node] = [nodes.Text(claim.note)]
            if claim.evidence:
                note += [
                    nodes.Text(" Evidence: "),
                    *self.joined([self.cite(k) for k in claim.evidence], "; "),
                ]
            self.add_card_line(card, "Editors' note", *note)
        self.add_related(card, related or [], lookup)
        # A permalink helps on screen; in print it only crowds the margin. A web page's
        # script adds it to a card when the card is first shown (static/previews.js), not to
        # every card of the page; an EPUB's note has it (writers/epub.py).
        return card


#: Every node class the claim index is made of, in any output format (tests/test_claim_index_
#: nodes.py walks the index built for HTML, LaTeX and text and checks it against this set). The
#: index tells the toolkit's census these classes instead of having it walk the page again: at
#: 50 times the paper the index is thousands of rows, and the page is written after every edit
#: to a claim or to the .bib files.
CLAIM_INDEX_NODES: frozenset[type[nodes.Node]] = frozenset(
    {
        nodes.Text,
        nodes.paragraph,
        nodes.strong,
        nodes.emphasis,
        nodes.inline,
        nodes.reference,
        addnodes.pending_xref,
        ed.claim_status,
        nodes.container,
        sd_tab_input,
        sd_tab_label,
        nodes.table,
        nodes.tgroup,
        nodes.colspec,
        nodes.thead,
        nodes.tbody,
        nodes.row,
        rowmemo.memo_row,
        nodes.entry,
        nodes.enumerated_list,
        nodes.bullet_list,
        nodes.list_item,
        nodes.rubric,
    }
)


class FillClaimIndex(ClaimsPostTransform):
    """Replace each claim-index placeholder with counts and tables of every claim."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.claim_index):
            return
        placeholders = list(self.document.findall(ed.claim_index))
        if not placeholders:
            return
        claims = self.domain.claims()
        lookup = self.domain.actor_lookup()
        for position, placeholder in enumerate(placeholders):
            self.fromdocname = self.docname_of(placeholder)
            placeholder.replace_self(self.index(claims, lookup, f"ed-claim-filter-{position}"))
        self.tree_changed(CLAIM_INDEX_NODES)

    def rows(
        self, claims: list[Claim], lookup: Mapping[str, Actor]
    ) -> tuple[list[list[nodes.Node]], list[nodes.row | None]]:
        """One row per claim, numbered in reading order (the number its card shows in print):
        each row's cells, and its row node where the row memo keeps it (a row the last build
        rendered has no cells: its node holds their HTML)."""
        memo = rowmemo.memo_of(self.builder) if self.output_format == "html" else None
        keys = self.row_keys() if memo is not None else None
        rows: list[list[nodes.Node]] = []
        row_nodes: list[nodes.row | None] = []
        for number, claim in enumerate(claims, start=1):
            key = keys.key(number, claim, lookup) if keys is not None else None
            if memo is not None and key is not None:
                html = memo.get(key)
                if html is not None:
                    rows.append([])
                    row_nodes.append(rowmemo.kept_row(key, html))
                    continue
            row_nodes.append(None if key is None else rowmemo.new_row(key))
            text = nodes.paragraph()
            text += self.link(claim.docname, f"claim-{claim.id}", nodes.Text(claim.text))
            if claim.section:
                text += nodes.Text(" ")
                text += nodes.inline(
                    f"({claim.section})", f"({claim.section})", classes=["ed-where"]
                )
            sources: list[nodes.Node] = (
                self.joined([self.source_node(s, claim.docname) for s in claim.sources], "; ")
                if claim.sources
                else [nodes.Text("—")]
            )
            source_cell = nodes.paragraph()
            source_cell.extend(sources)
            actor_cell = nodes.paragraph()
            actor_cell.extend(self.joined([self.actor_link(a, lookup) for a in claim.actors]))
            rows.append(
                [
                    nodes.Text(str(number)),
                    text,
                    actor_cell,
                    nodes.Text(claim.verb or "—"),
                    source_cell,
                    status_badge(claim.status),
                ]
            )
        return rows, row_nodes

    def row_keys(self) -> RowKeys:
        """The keys of this page's index rows for the row memo."""
        # The application's extensions (their releases): as the builder, through the
        # environment (no public route from a transform).
        extensions = self.env._app.extensions
        writer = repr(
            (
                self.builder.name,
                translator_stamp(cast("Any", self.builder)),
                versions.extension_releases(extensions),
            )
        )
        return RowKeys(
            self.link_from,
            writer,
            self.config,
            self.domain.footnote_marks_by_doc,
            self.bib_keys,
            self.env.get_domain("cite"),
        )

    def claims_table(self, claims: list[Claim], lookup: Mapping[str, Actor]) -> nodes.table:
        rows, row_nodes = self.rows(claims, lookup)
        return table(
            ["#", "Claim", "Said by", "Verb", "Source", "Status"],
            rows,
            [4, 46, 16, 10, 12, 12],
            classes=["ed-claim-table"],
            row_classes=[[f"ed-row-{claim.status.value}"] for claim in claims],
            row_nodes=row_nodes,
        )

    def claims_filter(
        self,
        claims: list[Claim],
        lookup: Mapping[str, Actor],
        counts: Counter[ClaimStatus],
        base: str,
    ) -> nodes.container:
        """The HTML index: one table of every claim under a status filter that needs no script.

        It is sphinx-design's tab look (``sd-tab-set``: a radio input and its label per choice,
        "All" then each status present, with counts) over one table instead of one panel per
        tab: the stylesheet hides the rows of the other statuses while a status is checked
        (critical-edition.css, "claim index filter"). Without the stylesheet every row shows;
        an EPUB keeps the table alone (writers/epub.py). Each claim is in the page once.
        """
        filter_box = nodes.container(classes=["sd-tab-set", CLAIM_FILTER_CLASS])
        table_id = f"{base}-rows"
        choices = [("all", "All", len(claims))] + [
            (status.value, status.value.capitalize(), counts[status])
            for status in ClaimStatus
            if counts[status]
        ]
        for position, (value, label, count) in enumerate(choices):
            input_id = f"{base}-{value}"
            filter_box += sd_tab_input(
                "",
                id=input_id,
                set_id=base,
                type="radio",
                checked=position == 0,
                classes=[f"ed-show-{value}"],
            )
            title = f"{label} ({count})"
            filter_box += sd_tab_label(
                title, title, input_id=input_id, aria_controls=table_id, classes=["sd-tab-label"]
            )
        # The panel under the labels, as sphinx-design's tab content is (its own class: that
        # one is hidden unless its own tab is checked).
        filter_box += nodes.container(
            "",
            self.claims_table(claims, lookup),
            ids=[table_id],
            classes=["ed-claim-rows", ed.NOT_SEARCHED],
        )
        return filter_box

    def claims_list(self, claims: list[Claim], lookup: Mapping[str, Actor]) -> nodes.container:
        """The index for print: a numbered list as wide as the text block, not a six-column table.

        Each item is the claim (linked to its place), then speaker, verb, source and status on
        one run of text; the names, verbs and citations are never hyphenated (``ed-nohyphens``).
        """
        items = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
        for claim in claims:
            paragraph = nodes.paragraph()
            paragraph += self.link(
                claim.docname, f"claim-{claim.id}", nodes.inline(claim.text, claim.text)
            )
            if claim.section:
                paragraph += nodes.Text(" ")
                paragraph += nodes.inline(
                    f"({claim.section})", f"({claim.section})", classes=["ed-where"]
                )
            details = nodes.paragraph(classes=["ed-claim-details"])
            actors = self.joined([self.actor_link(a, lookup) for a in claim.actors])
            sources: list[nodes.Node] = (
                self.joined([self.source_node(s, claim.docname) for s in claim.sources], "; ")
                if claim.sources
                else [nodes.Text("none given")]
            )
            fields: list[tuple[str, list[nodes.Node]]] = [
                ("Said by", actors),
                ("verb", [nodes.emphasis(claim.verb, claim.verb)] if claim.verb else []),
                ("source", sources),
            ]
            for label, content in fields:
                if not content:
                    continue
                details += nodes.Text(f"{label} ")
                details += nodes.inline("", "", *content, classes=["ed-nohyphens"])
                details += nodes.Text(" · ")
            details += status_badge(claim.status)
            items += nodes.list_item("", paragraph, details)
        return nodes.container("", items, classes=["ed-claim-list"])

    def index(
        self, claims: list[Claim], lookup: Mapping[str, Actor], base: str
    ) -> list[nodes.Node]:
        counts = Counter(claim.status for claim in claims)
        summary = nodes.paragraph(classes=["ed-claim-summary"])
        summary += nodes.strong(f"{len(claims)} claims", f"{len(claims)} claims")
        present = [status for status in ClaimStatus if counts[status]]
        for position, status in enumerate(present):
            summary += nodes.Text(": " if position == 0 else ", ")
            badge = status_badge(status, f"{counts[status]} {status.label}")
            summary += badge
        summary += nodes.Text(".")
        result: list[nodes.Node] = [summary]
        if self.output_format == "html":
            result.append(self.claims_filter(claims, lookup, counts, base))
        elif self.output_format == "latex":
            result.append(self.claims_list(claims, lookup))
        else:
            result.append(self.claims_table(claims, lookup))
        # By register id, as the register counts them (a claim naming its actor twice, by id and
        # by alias, is one claim).
        by_actor = {actor_id: len(own) for actor_id, own in self.domain.claims_by_actor().items()}
        result.append(nodes.rubric("Claims by speaker", "Claims by speaker"))
        actors = nodes.bullet_list(classes=["ed-claims-by-actor"])
        for actor_id, count in sorted(by_actor.items(), key=lambda item: (-item[1], item[0])):
            actor_item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += self.actor_link(actor_id, lookup)
            paragraph += nodes.Text(f": {count} claim{'s' if count != 1 else ''}")
            actor_item += paragraph
            actors += actor_item
        result.append(actors)
        return result


class FillActorEntries(ClaimsPostTransform):
    """Append to each actor of the register the list of that actor's claims."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.actor_entry):
            return
        entries = list(self.document.findall(ed.actor_entry))
        if not entries:
            return
        lookup = self.domain.actor_lookup()
        by_actor = self.domain.claims_by_actor()  # once: the register lists every actor
        for entry in entries:
            self.fromdocname = self.docname_of(entry)
            actor = lookup.get(str(entry["actor_id"]).casefold())
            own = by_actor.get(actor.id if actor is not None else entry["actor_id"], [])
            heading = (
                f"Claims attributed ({len(own)})" if own else "No claims attributed in the text"
            )
            entry += nodes.paragraph(heading, heading, classes=["ed-actor-claims-heading"])
            if not own:
                continue
            items = nodes.bullet_list(classes=["ed-actor-claims", ed.NOT_SEARCHED])
            for claim in own:
                paragraph = nodes.paragraph()
                paragraph += self.link(
                    claim.docname, f"claim-{claim.id}", nodes.inline(claim.text, claim.text)
                )
                paragraph += nodes.Text(f" — {claim.verb or 'attributed'}, ")
                paragraph += status_badge(claim.status)
                items += nodes.list_item("", paragraph)
            entry += items


def register(app: Sphinx) -> None:
    """Register the post-transforms that build cards, the claim index and the register lists."""
    app.add_post_transform(BuildClaimCards)
    app.add_post_transform(FillClaimIndex)
    app.add_post_transform(FillActorEntries)
