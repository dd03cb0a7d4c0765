"""Footnote check: a read-phase transform reporting dangling, unreferenced and duplicate footnotes.

MyST reads ``[^label]`` as an auto-numbered footnote reference (rST ``[#label]_``) and
``[^label]: text`` as its definition. Left to docutils and MyST, one problem gives unclear or
doubled messages: an undefined reference produces both "Too many autonumbered footnote
references" and "Unknown target name", an unused definition "Footnote [#] is not referenced"
(the label lost), a duplicate "Duplicate footnote definition found for label". This module
reports each problem once, naming the label as the source writes it and saying what to do:

* the transform runs before docutils numbers footnotes, reports a reference without a
  definition and turns it into plain text (so docutils has nothing left to complain about),
  and reports definitions that nothing references (replacing MyST's detector, which is
  removed from the registry);
* MyST's duplicate-definition warning, emitted while parsing, is taken over through the
  report's interceptor and re-emitted with our subtype at the same place.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.transforms.references import Footnotes
from sphinx.transforms import SphinxTransform

from critical_edition.core import findings
from critical_edition.core.config import is_markdown
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_MYST_DUPLICATE = re.compile(r"^Duplicate footnote definition found for label: '(.*)'$", re.DOTALL)


def _written(label: str, markdown: bool) -> str:
    """The footnote label as the source writes it."""
    return f"[^{label}]" if markdown else f"[#{label}]_"


class CheckFootnotes(SphinxTransform):
    """Report footnote references without a definition and definitions never referenced."""

    # Before docutils' Footnotes transform (620), which numbers the references and reports
    # unmatched ones with messages that lose the label.
    default_priority = Footnotes.default_priority - 5

    def apply(self, **kwargs: object) -> None:
        """Check the document's footnotes and count them for the report."""
        document = self.document
        markdown = is_markdown(self.config, str(document.get("source", "")))
        definitions = [*document.footnotes, *document.autofootnotes]
        defined = {name for footnote in definitions for name in footnote["names"]}
        referenced: set[str] = set()
        for ref in list(document.findall(nodes.footnote_reference)):
            refname = ref.get("refname")
            if not refname:
                continue  # anonymous [#]_ and symbol [*]_ references: docutils pairs them
            if refname in defined:
                referenced.add(refname)
                continue
            label = ref.rawsource or _written(refname, markdown)
            warn(
                f"the footnote {label} is referenced here but never defined: add a line "
                f"'{label}: ...' with the note to this page, or remove the reference",
                Subtype.FOOTNOTE_UNDEFINED,
                ref,
            )
            self._unregister(ref, refname)
            marker = nodes.inline(label, label, classes=["footnote-undefined"])
            marker.source, marker.line = ref.source, ref.line
            ref.replace_self(marker)
        for footnote in definitions:
            names = footnote["names"]
            if names and not referenced.intersection(names):
                label = _written(names[0], markdown)
                warn(
                    f"the footnote {label} is defined but never referenced: put {label} where "
                    "the note belongs, or delete the definition",
                    Subtype.FOOTNOTE_UNREFERENCED,
                    footnote,
                )
        findings.count(self.env, "footnotes", "total", len(definitions), docname=self.env.docname)

    def _unregister(self, ref: nodes.footnote_reference, refname: str) -> None:
        """Forget a dangling reference in the document's bookkeeping lists."""
        document = self.document
        for registry in (
            document.autofootnote_refs,
            document.footnote_refs.get(refname, []),
            document.refnames.get(refname, []),
        ):
            if ref in registry:
                registry.remove(ref)


def _take_over_duplicates(record: logging.LogRecord) -> bool:
    """Replace MyST's duplicate-footnote warning by ours, at the same place."""
    if getattr(record, "type", None) != "ref" or getattr(record, "subtype", None) != "footnote":
        return False
    match = _MYST_DUPLICATE.match(str(record.msg))
    if match is None:
        return False
    label = f"[^{match.group(1)}]"
    location = getattr(record, "location", None)
    warn(
        f"the footnote {label} is defined twice on this page (or its label is taken by another "
        f"target); this definition is left out: merge the two, or give one a new label and "
        "update its references",
        Subtype.FOOTNOTE_DUPLICATE,
        location if isinstance(location, (str, tuple, nodes.Node)) else None,
    )
    return True


def register(app: Sphinx) -> None:
    """Register the footnote check in place of MyST's and Sphinx's unreferenced-footnote ones."""
    from myst_parser.mdit_to_docutils.transforms import UnreferencedFootnotesDetector
    from sphinx.transforms import UnreferencedFootnotesDetector as SphinxDetector

    # Each reports "Footnote [#] is not referenced." for the problem CheckFootnotes reports
    # with the label; MyST already replaces Sphinx's detector by its own the same way.
    for detector in (UnreferencedFootnotesDetector, SphinxDetector):
        if detector in app.registry.transforms:
            app.registry.transforms.remove(detector)
    app.add_transform(CheckFootnotes)
    findings.intercept(app, _take_over_duplicates)
