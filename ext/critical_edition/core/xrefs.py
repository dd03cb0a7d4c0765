"""Cross-references: the located reference role and the resolution both domains share.

Reading phase: :class:`LocatedXRefRole` records a reference on its own source line (MyST gives
a role its paragraph's first line). Writing phase: :class:`RecordDomain` resolves a reference
by asking the concrete domain's ``find`` for ``(docname, anchor, title)``; the claims domain
(:mod:`.domain`) and the apparatus domain (:mod:`.apparatus_domain`) only say how to find a
record, and which of their data they keep per document (dropped and merged by the base).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from docutils import nodes
from sphinx.domains import Domain
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from critical_edition.core.markup import role_line

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.domains import ObjType
    from sphinx.environment import BuildEnvironment


class LocatedXRefRole(XRefRole):
    """Sphinx's cross-reference role, located on its own line rather than its paragraph's."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.lineno = role_line(self)
        return super().run()


class RecordDomain(Domain):
    """A domain whose references resolve to records found by :meth:`find`."""

    def get_type_name(self, type: ObjType, primary: bool = False) -> str:
        """A kind of object as search results name it: "Claim", "Speaker", "Register entry"
        (not Sphinx's "Critical edition claim", which prefixes the domain's label)."""
        return str(type.lname).capitalize()

    #: Object types whose references, written with a bare id, show the record's title
    #: (an actor's or a place's name) instead of the id.
    titled_types: ClassVar[frozenset[str]] = frozenset()
    #: The entries of ``data`` that map a docname to what was recorded in that document:
    #: dropped by :meth:`clear_doc`, copied by :meth:`merge_domaindata`, document by document.
    per_document_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def of(cls, env: BuildEnvironment) -> Self:
        """This domain of *env*, typed (an error if another extension took its name)."""
        domain = env.get_domain(cls.name)
        if not isinstance(domain, cls):
            raise TypeError(f"the domain {cls.name!r} is not the toolkit's: {domain!r}")
        return domain

    def clear_doc(self, docname: str) -> None:
        """Drop everything recorded for *docname* (about to be re-read, or removed)."""
        for key in self.per_document_keys:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        """Copy the records of *docnames* read by a parallel worker."""
        for key in self.per_document_keys:
            for docname, records in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = records

    def find(self, typ: str, target: str) -> tuple[str, str, str] | None:
        """``(docname, anchor, title)`` of the record *target* of type *typ*, or ``None``."""
        raise NotImplementedError

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        """Resolve a reference of one of the domain's object types."""
        found = self.find(typ, target)
        if found is None:
            return None
        docname, anchor, title = found
        if typ in self.titled_types and not node.get("refexplicit"):
            contnode = nodes.inline(title, title, classes=[f"{self.name}-{typ}-ref"])
        return make_refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        """Resolve ``{any}`` references against every object type of the domain."""
        results = []
        for typ in self.object_types:
            ref = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if ref is not None:
                results.append((f"{self.name}:{typ}", ref))
        return results
