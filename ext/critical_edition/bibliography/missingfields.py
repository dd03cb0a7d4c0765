"""Citations (read and write phases): an entry missing a field its text needs, printed, not a crash.

sphinxcontrib-bibtex's ``{bibliography}`` prints an entry that lacks a field its style needs
(an ``@article`` without ``journal``) as the bold text "missing journal in key", with a
warning. Its ``{footcite}`` role formats the entry for the footnote without that care, and
pybtex's ``FieldIsMissing`` stopped the whole build with a traceback. Here the role's style
prints such an entry as the bibliography does; the edition's ``.bib`` check has already said
which entry, at which line of which file, lacks which field (``edition.bib_missing_field``).
Likewise a citation whose text is the entry's author, editor or title (``{cite:t}``) of an
entry with none of them: pybtex's ``FieldIsMissing`` stopped the build from sphinxcontrib-bibtex's
reference resolution. The citation prints the same bold text, with a warning at the citation
(``edition.cite_missing_field``: the entry is sound for the bibliography, so the ``.bib`` check
has nothing to say). The patches stand aside on a sphinxcontrib-bibtex release the tests do not
cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pybtex.plugin
from docutils import nodes
from pybtex.richtext import Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex import domain as bibtex_domain
from sphinxcontrib.bibtex import foot_roles
from sphinxcontrib.bibtex.style.template import FootReferenceText

from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

#: The plugin group of the formatting styles.
FORMATTING = "pybtex.style.formatting"

_original_find_plugin = getattr(foot_roles, "find_plugin")  # noqa: B009 (not re-exported)
_original_format_references = getattr(foot_roles, "format_references")  # noqa: B009
_original_footcite_run = foot_roles.FootCiteRole.run
_tolerant_classes: dict[type, type] = {}


def tolerant(style_class: type) -> type:
    """*style_class*, printing an entry that lacks a needed field as the bibliography does."""
    made = _tolerant_classes.get(style_class)
    if made is None:
        base: Any = style_class

        def format_entry(self: Any, label: str, entry: Any, bib_data: Any = None) -> Any:
            try:
                return base.format_entry(self, label, entry, bib_data=bib_data)
            except FieldIsMissing as exc:
                return FormattedEntry(entry.key, Tag("b", str(exc)), label)

        made = type(style_class.__name__, (style_class,), {"format_entry": format_entry})
        _tolerant_classes[style_class] = made
    return made


def find_plugin(plugin_group: str, name: Any = None, filename: Any = None) -> Any:
    """pybtex's ``find_plugin`` (through the toolkit's memo when it is on), with the
    formatting styles made :func:`tolerant`."""
    found = pybtex.plugin.find_plugin(plugin_group, name, filename)
    if plugin_group == FORMATTING and isinstance(found, type):
        return tolerant(found)
    return found


def tolerant_resolve_xref(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """*resolve* (the cite domain's ``resolve_xref``), printing a citation whose text needs a
    field the entry lacks as the bibliography prints such an entry, with a located warning."""

    def resolve_xref(
        self: Any,
        env: Any,
        fromdocname: str,
        builder: Any,
        typ: str,
        target: str,
        node: Any,
        contnode: Any,
    ) -> Any:
        try:
            return resolve(self, env, fromdocname, builder, typ, target, node, contnode)
        except FieldIsMissing as exc:
            role = "cite:" + typ.removeprefix("cite:")
            warn(_missing_field_warning(role, target, exc), Subtype.CITE_MISSING_FIELD, node)
            result = nodes.inline(rawsource=target, classes=["bibtex-citation"])
            result += nodes.strong(str(exc), str(exc))
            return result

    resolve_xref.__wrapped__ = resolve  # type: ignore[attr-defined]
    return resolve_xref


def _missing_field_warning(typ: str, target: str, exc: FieldIsMissing) -> str:
    return (
        f"the citation {{{typ}}}`{target}` needs a field the entry lacks ({exc}): give the "
        "entry an author, editor or title in the bibliography file, or cite it in parentheses"
    )


def footcite_run(self: Any) -> Any:
    """``FootCiteRole.run``, its references' text printed as the bibliography prints an entry
    lacking a needed field, with a located warning, when the entry lacks what it needs."""

    def format_references(style: Any, role_name: str, references: Any) -> Any:
        try:
            return _original_format_references(style, role_name, references)
        except FieldIsMissing as exc:
            warn(
                _missing_field_warning(self.name, self.text, exc),
                Subtype.CITE_MISSING_FIELD,
                (self.env.docname, self.lineno),
            )
            marks = [FootReferenceText(info, "#") for _entry, _formatted, info in references]
            return Text(Tag("b", str(exc)), *marks)

    setattr(foot_roles, "format_references", format_references)  # noqa: B010
    try:
        return _original_footcite_run(self)
    finally:
        setattr(foot_roles, "format_references", _original_format_references)  # noqa: B010


def register(app: Sphinx) -> None:
    """Give the ``{footcite}`` role the tolerant styles, and the cite domain's reference
    resolution its tolerance (over whichever resolution is in place: the toolkit's cache
    installs its own as it is set up, before this)."""
    if not versions.covered("citations' missing-field printing", "sphinxcontrib-bibtex"):
        return
    if getattr(foot_roles, "find_plugin") is _original_find_plugin:  # noqa: B009
        setattr(foot_roles, "find_plugin", find_plugin)  # noqa: B010
    if foot_roles.FootCiteRole.run is _original_footcite_run:
        setattr(foot_roles.FootCiteRole, "run", footcite_run)  # noqa: B010
    current = bibtex_domain.BibtexDomain.resolve_xref
    if not hasattr(current, "__wrapped__"):
        setattr(bibtex_domain.BibtexDomain, "resolve_xref", tolerant_resolve_xref(current))  # noqa: B010
