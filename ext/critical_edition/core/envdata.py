"""Per-document data (read phase): kept in the environment, dropped and merged in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sphinx.environment.collectors import EnvironmentCollector

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

T = TypeVar("T")


def env_dict(env: BuildEnvironment, name: str) -> dict[str, Any]:
    """The dictionary kept as the environment's attribute ``name`` (made empty when missing)."""
    data: dict[str, Any] | None = getattr(env, name, None)
    if data is None:
        data = {}
        setattr(env, name, data)
    return data


def swap(env: BuildEnvironment, name: str, value: Any) -> Any:
    """Keep ``value`` as the environment's attribute ``name``; return what the last build kept.

    For the checks that compare a digest of this build with the last build's (None: no record).
    """
    previous = getattr(env, name, None)
    setattr(env, name, value)
    return previous


class PerDocument(EnvironmentCollector, Generic[T]):
    """One value per document, kept in the environment as ``docname -> value``.

    A subclass names the environment attribute (:attr:`attribute`) and records the values in
    :meth:`process_doc` (``doctree-read``) or through :meth:`of` while the document is read.
    A document's value is dropped when the document is re-read or removed (``env-purge-doc``)
    and taken from the parallel reader that read it (``env-merge-info``), so incremental and
    parallel builds keep exactly the values of the documents as they are now. Register the
    subclass with ``app.add_env_collector``.
    """

    #: Name of the environment attribute holding ``docname -> value``.
    attribute: ClassVar[str]

    @classmethod
    def of(cls, env: BuildEnvironment) -> dict[str, T]:
        """The values of every document, by document name."""
        return env_dict(env, cls.attribute)

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        """Drop the value of ``docname`` (re-read or removed)."""
        self.of(env).pop(docname, None)

    def merge_other(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        docnames: AbstractSet[str],
        other: BuildEnvironment,
    ) -> None:
        """Take the values of ``docnames`` from a parallel reader's environment."""
        mine, theirs = self.of(env), self.of(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Record the document's value; by default nothing (values are set through :meth:`of`)."""
