"""The apparatus's shared bases (read and write phase): target roles, mark collectors, pages.

The lemma, mention and date roles are :class:`TargetRole`; the collectors of register mentions
and dated events are :class:`CollectMarks`; every post-transform that fills an apparatus page
(notes, registers, chronology, bibliography) is an :class:`ApparatusPostTransform`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole

from critical_edition.apparatus.domain import (
    ApparatusDomain,
    Lemma,
    apparatus_domain,
)
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.markup import (
    OptionError,
    parse_inline,
    parse_options,
    role_line,
)
from critical_edition.core.post_transforms import EditionPostTransform

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message


_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<inner>[^<>]*)>\s*$", re.DOTALL)


# --- Shared helpers ---------------------------------------------------------------------------


def split_target(raw: str) -> tuple[str, str, dict[str, str]]:
    """Split ``TEXT <TARGET; key=value; ...>`` into text, target and options.

    The target is the first item when it holds no ``=``; without angle brackets the target is
    empty and the text is everything. Used by roles that name something (a note, a register
    entry, a date), where a bare value reads better than ``id=…``.

    :raises OptionError: when the options after the target cannot be read.
    """
    match = _TARGET.match(raw)
    if match is None:
        return raw.strip(), "", {}
    inner = match["inner"].strip()
    head, sep, rest = inner.partition(";")
    if "=" in head:
        return match["text"].strip(), "", parse_options(inner)
    return match["text"].strip(), head.strip(), parse_options(rest) if sep else {}


def plain_words(node: nodes.Element) -> str:
    """The words of *node*, citations shown by their keys, whitespace collapsed."""
    return " ".join(node.astext().split())


def witness_mode(config: Any) -> bool:
    """Whether the build renders the witness's reading (see :mod:`.witness`)."""
    return get_config(config).witness_mode


class TargetRole(SphinxRole):
    """Base of the roles written ``TEXT <TARGET; key=value>`` (a lemma, a mention, a date).

    Reads the markup, parses the text as inline markup and asks :meth:`make_node` for the
    node; markup it cannot use is reported under :attr:`subtype` and the text kept as written.
    """

    #: What the role marks, for the messages (``lemma``, ``date``, ``place``).
    noun: str
    subtype: Subtype

    def run(self) -> tuple[list[Node], list[system_message]]:
        self.lineno = role_line(self)
        location = self.get_location()
        try:
            text, target, options = split_target(self.text)
        except OptionError as error:
            warn(f"cannot read the {self.noun}: {error}", self.subtype, location)
            return [nodes.Text(self.text)], []
        children, messages = parse_inline(self, text)
        node = self.make_node(children, text, target, options)
        if isinstance(node, str):
            warn(node, self.subtype, location)
            return children, messages
        self.set_source_info(node)
        return [node], messages

    def make_node(
        self, children: list[Node], text: str, target: str, options: dict[str, str]
    ) -> nodes.Element | str:
        """The node of the marked *children*, or why the markup cannot be used."""
        raise NotImplementedError


class CollectMarks(SphinxTransform):
    """Base of the read-phase collectors that number one kind of node and record each.

    Every node of :attr:`node_class` in the document gets the anchor ``{anchor_prefix}N``
    (N counting from 1 in document order) and its record, from :meth:`record`, is added to
    the apparatus domain under :attr:`record_key`.
    """

    node_class: ClassVar[type[nodes.Element]]
    anchor_prefix: ClassVar[str]
    record_key: ClassVar[str]

    def apply(self, **kwargs: object) -> None:
        domain = apparatus_domain(self.env)
        for number, node in enumerate(self.document.findall(self.node_class), start=1):
            anchor = f"{self.anchor_prefix}{number}"
            node["ids"] = [anchor]
            domain.add(self.record_key, self.record(node, anchor))

    def record(self, node: nodes.Element, anchor: str) -> object:
        """The record of *node*, anchored at *anchor* in the document being read."""
        raise NotImplementedError


class ApparatusPostTransform(EditionPostTransform):
    """Base of the apparatus's post-transforms: links and document lookup.

    Priority 6: after sphinxcontrib-bibtex turned bibliographies into citations and the claims'
    cards were built (5), so both can be extended; before Sphinx's ReferencesResolver (10), so
    that citations copied into the apparatus are resolved like the ones in the text; before
    the witness transform (8), which must see the finished emendations.
    """

    default_priority = priorities.APPARATUS_PAGES

    @property
    def domain(self) -> ApparatusDomain:
        return apparatus_domain(self.env)

    def page_title(self, docname: str) -> str:
        """The title of a document, or its name when it has none."""
        title = self.env.titles.get(docname)
        return title.astext() if title is not None else docname

    def place(self, docname: str, anchor: str, section: str) -> nodes.Node:
        """A link to a place in the edition, named by its section (or page) title."""
        text = section or self.page_title(docname)
        return self.link(docname, anchor, nodes.inline(text, text))

    def page_links(
        self, places: list[tuple[str, str, str]], *, numbered: bool = True
    ) -> list[nodes.Node]:
        """``Page 1 2; Other page``: each page once, a numbered link per place on it.

        *places*: ``(docname, anchor, title)``, the title shown on hovering a numbered link.
        A page with one place is linked by its title. Without *numbered*, each page's title
        links to the page itself, with the number of places when more than one.
        """
        by_doc: dict[str, list[tuple[str, str]]] = {}
        for docname, anchor, title in places:
            by_doc.setdefault(docname, []).append((anchor, title))
        result: list[nodes.Node] = []
        for position, (docname, found) in enumerate(by_doc.items()):
            if position:
                result.append(nodes.Text("; "))
            page = self.page_title(docname)
            if not numbered:
                result.append(self.link(docname, "", nodes.inline(page, page)))
                if len(found) > 1:
                    result.append(nodes.Text(f" ({len(found)})"))
                continue
            if len(found) == 1:
                result.append(self.link(docname, found[0][0], nodes.inline(page, page)))
                continue
            result.append(nodes.Text(page + " "))
            for number, (anchor, title) in enumerate(found, start=1):
                if number > 1:
                    result.append(nodes.Text(" "))
                text = str(number)
                result.append(self.link(docname, anchor, nodes.inline(text, text), title))
        return result

    def lemma_links(self, lemmas: list[Lemma]) -> list[nodes.Node]:
        """`` on “passage”, “passage”``: links to the lemmas of a note, in reading order."""
        links: list[nodes.Node] = []
        for position, lemma in enumerate(lemmas):
            links.append(nodes.Text(" on " if position == 0 else ", "))
            quoted = f"“{lemma.text}”"
            links.append(self.link(lemma.docname, lemma.anchor, nodes.inline(quoted, quoted)))
        return links
