"""Disputed points: the ``{disputes}`` directive and the post-transform that fills it (write phase).

Reading records the page as one built from the whole edition; writing replaces the placeholder
with one entry per topic that more than one claim of the edition speaks to (``topic=``): the
claims side by side, each with its speakers, verb, date, sources, the editors' status and a
link into the text. HTML lays them out as a sphinx-design grid of cards; other builders
(LaTeX) as a table per topic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx_design.shared import create_component

from critical_edition.claims.domain import edition_domain
from critical_edition.claims.indexes import ClaimsPostTransform, status_badge
from critical_edition.core import nodes as ed
from critical_edition.core.tables import table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from docutils.nodes import Node
    from sphinx.application import Sphinx

    from critical_edition.core.model import Actor, Claim


class DisputesDirective(SphinxDirective):
    """``{disputes}``: the disputed points of the edition, filled after reading."""

    def run(self) -> list[Node]:
        domain = edition_domain(self.env)
        domain.note_index_doc(self.env.docname)
        node = ed.disputes_index()
        self.set_source_info(node)
        return [node]


def topic_title(topic: str) -> str:
    """The heading of a topic: its id with spaces for the separators, first letter raised."""
    words = topic.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


class FillDisputes(ClaimsPostTransform):
    """Replace each ``{disputes}`` placeholder with the edition's disputed points."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.disputes_index):
            return
        placeholders = list(self.document.findall(ed.disputes_index))
        if not placeholders:
            return
        topics = {
            topic: claims
            for topic, claims in self.domain.topics(self.domain.claims()).items()
            if len(claims) > 1
        }
        lookup = self.domain.actor_lookup()
        for placeholder in placeholders:
            self.fromdocname = self.docname_of(placeholder)
            if not topics:
                text = "No topic has more than one claim yet."
                placeholder.replace_self(nodes.paragraph(text, text, classes=["ed-disputes"]))
                continue
            result: list[Node] = []
            for topic, claims in topics.items():
                result.extend(self.topic_entry(topic, claims, lookup))
            placeholder.replace_self(result)
        self.tree_changed()

    def speakers(self, claim: Claim, lookup: Mapping[str, Actor]) -> nodes.paragraph:
        paragraph = nodes.paragraph(classes=["ed-dispute-speaker"])
        paragraph.extend(self.joined([self.actor_link(a, lookup) for a in claim.actors]))
        return paragraph

    def claim_text(self, claim: Claim) -> nodes.paragraph:
        paragraph = nodes.paragraph(classes=["ed-dispute-text"])
        paragraph += self.link(
            claim.docname, f"claim-{claim.id}", nodes.inline(claim.text, claim.text)
        )
        if claim.section:
            where = f" ({claim.section})"
            paragraph += nodes.inline(where, where, classes=["ed-where"])
        return paragraph

    def sources(self, claim: Claim) -> list[nodes.Node]:
        if not claim.sources:
            return [nodes.Text("none given by the authors")]
        return self.joined([self.source_node(s, claim.docname) for s in claim.sources], "; ")

    def topic_entry(
        self, topic: str, claims: list[Claim], lookup: Mapping[str, Actor]
    ) -> list[nodes.Node]:
        title = topic_title(topic)
        heading = nodes.rubric(title, title, ids=[nodes.make_id(f"topic-{topic}")])
        heading["classes"].append("ed-dispute-topic")
        count = f"{len(claims)} accounts (topic {topic})"
        result: list[nodes.Node] = [heading, nodes.paragraph(count, count, classes=["ed-where"])]
        if self.output_format == "html":
            result.append(self.grid(claims, lookup))
        else:
            result.append(self.side_by_side_table(claims, lookup))
        return result

    def grid(self, claims: list[Claim], lookup: Mapping[str, Actor]) -> nodes.container:
        """A sphinx-design grid: one card per claim, two to a row on wide screens."""
        container = create_component(
            "grid-container", ["sd-container-fluid", "sd-sphinx-override", "sd-mb-4"]
        )
        columns = ["sd-row-cols-1", "sd-row-cols-xs-1", "sd-row-cols-sm-1", "sd-row-cols-md-2"]
        row = create_component(
            "grid-row", ["sd-row", *columns, "sd-row-cols-lg-2", "sd-g-3", "ed-disputes"]
        )
        container += row
        for claim in claims:
            item = create_component("grid-item", ["sd-col", "sd-d-flex-row"])
            card = create_component(
                "card", ["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm"]
            )
            header = create_component("card-header", ["sd-card-header"])
            header += self.speakers(claim, lookup)
            body = create_component("card-body", ["sd-card-body"])
            body += self.claim_text(claim)
            details = nodes.paragraph(classes=["ed-dispute-details"])
            details += nodes.Text(
                ", ".join(part for part in (claim.verb, claim.date) if part) or "—"
            )
            body += details
            sources = nodes.paragraph(classes=["ed-dispute-sources"])
            sources += nodes.inline("Source: ", "Source: ", classes=["ed-dispute-label"])
            sources.extend(self.sources(claim))
            body += sources
            body += nodes.paragraph("", "", status_badge(claim.status))
            card += header
            card += body
            item += card
            row += item
        return container

    def side_by_side_table(self, claims: list[Claim], lookup: Mapping[str, Actor]) -> nodes.table:
        """A table with one row per claim (LaTeX and the other builders)."""
        rows: list[list[nodes.Node]] = []
        for claim in claims:
            source_cell = nodes.paragraph()
            source_cell.extend(self.sources(claim))
            rows.append(
                [
                    self.speakers(claim, lookup),
                    self.claim_text(claim),
                    nodes.Text(claim.verb or "—"),
                    nodes.Text(claim.date or "—"),
                    source_cell,
                    status_badge(claim.status),
                ]
            )
        return table(
            ["Said by", "Claim", "Verb", "Date", "Source", "Status"],
            rows,
            [14, 40, 10, 10, 12, 14],
            classes=["ed-dispute-table"],
        )


def register(app: Sphinx) -> None:
    """Register the ``{disputes}`` directive and the post-transform that fills it."""
    app.add_directive("disputes", DisputesDirective)
    app.add_post_transform(FillDisputes)
