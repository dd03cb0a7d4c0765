"""Post-transforms' common ground: the builder, the output format, and links between documents.

Write phase. The claims' cards and indexes (:mod:`.indexes`) and the apparatus pages
(:mod:`.apparatus` and its companions) build links from one document to another; this base
class does it the same way for every builder, including LaTeX, which assembles all documents
into one tree before post-transforming it. It also lays out the lines of the cards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from critical_edition.core import nodes as ed

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.builders import Builder


#: Per document being written: the classes of the elements it held when a toolkit
#: post-transform first asked (see EditionPostTransform.may_hold).
_census: WeakKeyDictionary[nodes.document, frozenset[type]] = WeakKeyDictionary()


class EditionPostTransform(SphinxPostTransform):
    """Base of the toolkit's post-transforms."""

    def may_hold(self, *kinds: type[nodes.Element]) -> bool:
        """Whether the document may hold an element of one of *kinds*.

        The toolkit's post-transforms each look for their own nodes, and a walk of the whole
        tree per transform and page made a tenth of the toolkit's cost at 50x the paper: one
        walk per document answers them all. Only directives and roles of the read phase make
        the toolkit's nodes; a transform that puts new content in (a placeholder filled with
        copies of notes, say) calls :meth:`tree_changed`, and the next question walks again,
        unless it names the classes the new content is made of.
        """
        present = _census.get(self.document)
        if present is None:
            present = frozenset(type(node) for node in self.document.findall(nodes.Element))
            _census[self.document] = present
        return any(issubclass(kind, kinds) for kind in present)

    def tree_changed(self, added: Iterable[type[nodes.Node]] | None = None) -> None:
        """Note that content was put into the document.

        Without *added*, forget what the document held: the next question walks the tree
        again. With *added*, every class the new content may hold (a transform that builds
        it from a fixed set of node kinds, such as the claim index's table of thousands of
        rows), add them to what the document is known to hold and walk nothing; a test must
        show that the set covers what the content holds in every output format.
        """
        present = _census.get(self.document)
        if added is None or present is None:
            _census.pop(self.document, None)
        else:
            _census[self.document] = present | frozenset(added)

    #: The document the nodes being built will stand in, when it is not the one transformed:
    #: LaTeX assembles every document into one tree and post-transforms it as the root document.
    fromdocname: str | None = None

    @property
    def builder(self) -> Builder:
        """The running builder.

        ``SphinxTransform.app`` is deprecated since Sphinx 9 and there is no public route from
        a transform to the builder; Sphinx's own ReferencesResolver reaches it through the
        environment in the same way (the version range in pyproject.toml keeps this in view).
        """
        return self.env._app.builder

    @property
    def output_format(self) -> str:
        """The builder's format (``html``, ``latex``, ``text`` ...)."""
        return str(self.env._builder_cls.format)

    def docname_of(self, node: nodes.Node) -> str:
        """The document *node* comes from.

        An assembled tree marks the sections of each included document with its ``docname``
        (``sphinx.util.nodes.inline_all_toctrees``); the root document's sections are unmarked.
        """
        parent: nodes.Node | None = node
        while parent is not None:
            if isinstance(parent, nodes.section | addnodes.start_of_file) and parent.get("docname"):
                return str(parent["docname"])
            parent = parent.parent
        return self.env.docname

    @property
    def link_from(self) -> str:
        """The document links are made from.

        The LaTeX writer reads a same-document link as one into the file it stands in, so in
        its assembled tree a link names the document it stands in; HTML builders (singlehtml
        included) link from the document transformed.
        """
        if self.fromdocname and self.output_format == "latex":
            return self.fromdocname
        return self.env.docname

    @staticmethod
    def add_card_line(card: nodes.Element, label: str, *content: nodes.Node) -> None:
        """Append to *card* (a claim's or an emendation's) one line: its label, then *content*.

        Every line but the first starts with a separator, so that the lines read as one run
        of text ("Said by X; Verb ..."); the HTML card breaks its lines at the separators and
        hides them from the eye (a screen reader still reads them).
        """
        line = ed.card_line("", "", classes=["ed-card-line"])
        if card.children:
            line += nodes.inline("; ", "; ", classes=["ed-card-sep"])
        line += ed.card_label(label, label, classes=["ed-card-label"])
        line += nodes.Text(" ")
        line.extend(content)
        card += line

    def link(self, todocname: str, anchor: str, child: nodes.Node, title: str = "") -> nodes.Node:
        """A reference from this document to *anchor* in *todocname*."""
        return make_refnode(self.builder, self.link_from, todocname, anchor, child, title)
