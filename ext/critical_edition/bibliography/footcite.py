"""Footnote citations (read phase): an entry missing a field its style needs, printed, not a crash.

sphinxcontrib-bibtex's ``{bibliography}`` prints an entry that lacks a field its style needs
(an ``@article`` without ``journal``) as the bold text "missing journal in key", with a
warning. Its ``{footcite}`` role formats the entry for the footnote without that care, and
pybtex's ``FieldIsMissing`` stopped the whole build with a traceback. Here the role's style
prints such an entry as the bibliography does; the edition's ``.bib`` check has already said
which entry, at which line of which file, lacks which field (``edition.bib_missing_field``).
The patch stands aside on a sphinxcontrib-bibtex release the tests do not cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pybtex.plugin
from pybtex.richtext import Tag
from pybtex.style import FormattedEntry
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex import foot_roles

from critical_edition.speedups import versions

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The plugin group of the formatting styles.
FORMATTING = "pybtex.style.formatting"

_original_find_plugin = getattr(foot_roles, "find_plugin")  # noqa: B009 (not re-exported)
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


def register(app: Sphinx) -> None:
    """Give the ``{footcite}`` role the tolerant styles (once per process)."""
    if not versions.covered("footnote citations' missing-field printing", "sphinxcontrib-bibtex"):
        return
    if getattr(foot_roles, "find_plugin") is _original_find_plugin:  # noqa: B009
        setattr(foot_roles, "find_plugin", find_plugin)  # noqa: B010
