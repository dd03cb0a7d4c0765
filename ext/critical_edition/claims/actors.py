"""Actor register markup: the ``{actor}`` directive (reading phase).

Each directive declares one speaker the text attributes statements to: an id (its argument),
a canonical name, a type, aliases and a one-line description (its content). It produces an
:class:`~.nodes.actor_entry` node, the anchor that claims and ``{ed:actor}`` references link
to, and records an :class:`~.model.Actor` in the domain. The list of the actor's claims is
appended after all documents are read (see :mod:`.indexes`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from critical_edition.claims.domain import edition_domain
from critical_edition.core import nodes as ed
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.markup import split_list
from critical_edition.core.model import Actor, ActorType

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx


class ActorDirective(SphinxDirective):
    """Declare an actor::

    :::{actor} lavrov
    :name: Sergey Lavrov
    :type: person
    :aliases: Sergei Lavrov, Lavrov
    Minister of Foreign Affairs of the Russian Federation since 2004.
    :::
    """

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "name": directives.unchanged_required,
        "type": directives.unchanged_required,
        "aliases": directives.unchanged,
    }

    def run(self) -> list[Node]:
        actor_id = self.arguments[0].strip()
        location = self.get_location()
        name = str(self.options.get("name", "")).strip()
        type_value = str(self.options.get("type", "")).strip().lower()
        types = ", ".join(t.value for t in ActorType)
        if not name or not type_value:
            missing = "name" if not name else "type"
            warn(
                f"the actor {actor_id!r} has no :{missing}: option; give :name: and :type: "
                f"(one of: {types})",
                Subtype.ACTOR_MALFORMED,
                location,
            )
            return []
        if type_value not in {t.value for t in ActorType}:
            warn(
                f"the actor {actor_id!r} has the unknown type {type_value!r}; use one of: {types}",
                Subtype.ACTOR_MALFORMED,
                location,
            )
            return []
        description = " ".join(" ".join(self.content).split())
        anchor = nodes.make_id(f"actor-{actor_id}")
        actor = Actor(
            id=actor_id,
            name=name,
            type=ActorType(type_value),
            aliases=split_list(str(self.options.get("aliases", ""))),
            description=description,
            docname=self.env.docname,
            line=self.lineno,
            anchor=anchor,
        )
        domain = edition_domain(self.env)
        domain.add_actor(actor)
        domain.note_index_doc(self.env.docname, cites=False)

        entry = ed.actor_entry(actor_id=actor_id, ids=[anchor])
        self.set_source_info(entry)
        title = nodes.paragraph("", "", classes=["ed-actor-name"])
        title += nodes.strong(name, name)
        title += nodes.Text(" ")
        title += nodes.inline(actor.type.value, actor.type.value, classes=["ed-actor-type"])
        entry += title
        if actor.aliases:
            entry += nodes.paragraph(
                "", "Also named: " + ", ".join(actor.aliases), classes=["ed-actor-aliases"]
            )
        if self.content:
            body = nodes.container(classes=["ed-actor-description"])
            self.state.nested_parse(self.content, self.content_offset, body)
            entry += body.children
        return [entry]


def register(app: Sphinx) -> None:
    """Register the actor directive."""
    app.add_directive("actor", ActorDirective)
