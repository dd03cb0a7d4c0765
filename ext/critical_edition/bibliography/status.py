"""Bibliography apparatus (read phase, write phase): status badges and backlinks across pages.

The edition's bibliography style (:mod:`.citation_style`) ends each entry with the verification
status in bold ("**Verified** (confidence high).") and the editors' note. Here, on the page
that holds the bibliography, after sphinxcontrib-bibtex has made its entries:

- the bold status becomes a sphinx-design badge coloured by status (verified, candidate,
  unresolved): the same words, wrapped, so nothing is printed twice; LaTeX prints
  ``\\edBibStatus``;
- each entry gets the list of every place that cites it, on every page (sphinxcontrib-bibtex
  links back only within its own page), read from the cite domain's ``citation_refs``. A
  citation in the editors' matter (an editorial note, a supplied block, a footnote labelled
  ``edition_editorial_footnote_prefix``), on a page of ``edition_editorial_documents``, or
  given as the evidence of a claim's note is listed apart from the authors' citations; the
  read-phase collector below records the first of these.

Checks (``write-started``): an unresolved or candidate entry must have a note saying what is
unknown; a verified entry a ``seen`` field saying what of the item itself was seen; a
``verification`` value must be one of the three.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from critical_edition.apparatus.base import ApparatusPostTransform
from critical_edition.apparatus.domain import apparatus_domain
from critical_edition.apparatus.supplied import CLASS as SUPPLIED_CLASS
from critical_edition.bibliography import check
from critical_edition.bibliography.style import VERIFICATION_LABELS
from critical_edition.claims import memo
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from critical_edition.claims.memo import Finding

#: The bold text the style prints for an entry without a (known) verification field.
NO_STATUS = "Verification status not recorded"


def _in_editorial_matter(node: nodes.Node, prefix: str) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, ed.editorial_note | ed.supplied) or SUPPLIED_CLASS in parent.get(
            "classes", ()
        ):
            return True
        names: list[str] = parent.get("names", []) if isinstance(parent, nodes.footnote) else []
        if prefix and any(str(name).startswith(prefix) for name in names):
            return True
        parent = parent.parent
    return False


class CollectEditorialCitations(SphinxTransform):
    """Record which citation references of the document stand in the editors' matter.

    Read phase, priority 205: after parsing, before docutils numbers footnotes (620), so a
    footnote still carries the label written in the source.
    """

    default_priority = priorities.COLLECT_EDITORIAL_CITATIONS

    def apply(self, **kwargs: object) -> None:
        prefix = get_config(self.config).editorial_footnote_prefix
        ids = {
            str(ref["ids"][0])
            for ref in self.document.findall(addnodes.pending_xref)
            if ref.get("refdomain") == "cite"
            and ref.get("ids")
            and _in_editorial_matter(ref, prefix)
        }
        if ids:
            apparatus_domain(self.env).editorial_cites[self.env.docname] = frozenset(ids)


class BibliographyApparatus(ApparatusPostTransform):
    """Badges for the verification status, and backlinks from every page, on each entry."""

    def is_supported(self) -> bool:
        return get_config(self.config).bibliography_backlinks and super().is_supported()

    def run(self, **kwargs: Any) -> None:
        # sphinxcontrib-bibtex has put the entries in by now, and the toolkit's census of the
        # page is taken after it: its transform is registered before any of the toolkit's
        # (tests/test_post_transforms.py). Most pages, the claim index among them, hold none.
        if not self.may_hold(nodes.citation):
            return
        entries = [c for c in self.document.findall(nodes.citation) if c.get("ids")]
        if not entries:
            return
        cite = cast("Any", self.env.get_domain("cite"))
        by_id = {citation.citation_id: citation for citation in cite.citations}
        refs = self.references(cite)
        for node in entries:
            citation = by_id.get(node["ids"][0])
            if citation is None:
                continue
            self.fromdocname = self.docname_of(node)
            status = str(citation.entry.fields.get("verification", "")).strip()
            self.badge(node, status)
            node += self.backlinks(refs.get(citation.key, []))

    def references(self, cite: Any) -> dict[str, list[tuple[str, str, int, bool]]]:
        """Key -> ``(docname, anchor, line, editorial)`` of each citation, in reading order.

        A citation is the editors' when it stands in their matter (see the collector) or on a
        page of ``edition_editorial_documents``, or when a claim names the key only as the
        evidence of the editors' note (the claims record their keys under the claim's anchor).
        """
        editorial = self.domain.editorial_cites
        editorial_pages = get_config(self.config).editorial_documents
        order = {d: n for n, d in enumerate(self.domain.edition.reading_order())}
        claims = {
            f"claim-{claim.id}": claim
            for records in self.domain.edition.claims_by_doc.values()
            for claim in records
        }
        in_scope = self.domain.scope()
        result: dict[str, list[tuple[str, str, int, bool]]] = {}
        for ref in cite.citation_refs:
            if not in_scope(ref.docname):
                continue
            page_is_editorial = any(fnmatch(ref.docname, p) for p in editorial_pages)
            in_matter = ref.citation_ref_id in editorial.get(ref.docname, ())
            claim = claims.get(ref.citation_ref_id)
            for target in ref.targets:
                # Implicit sources are the citation right after the claim, counted on its own.
                evidence_only = claim is not None and (
                    target.key in claim.evidence
                    and (claim.sources_implicit or target.key not in claim.sources)
                )
                place = (
                    ref.docname,
                    ref.citation_ref_id,
                    ref.line or 0,
                    page_is_editorial or in_matter or evidence_only,
                )
                places = result.setdefault(target.key, [])
                if place not in places:
                    places.append(place)
        for places in result.values():
            places.sort(key=lambda p: (order.get(p[0], len(order)), p[2]))
        return result

    def badge(self, node: nodes.citation, status: str) -> None:
        """Wrap the bold status the style printed in a badge (or add one if it printed none)."""
        labels = {*VERIFICATION_LABELS.values(), NO_STATUS}
        strong = [s for s in node.findall(nodes.strong) if s.astext() in labels]
        badge = ed.bib_status(status=status if status in VERIFICATION_LABELS else "")
        if strong:
            target = strong[-1]
            parent = target.parent
            assert parent is not None
            parent.replace(target, badge)
            badge += target
            return
        label = VERIFICATION_LABELS.get(status, NO_STATUS)
        badge += nodes.strong(label, label)
        paragraphs = [p for p in node.children if isinstance(p, nodes.paragraph)]
        if paragraphs:
            paragraphs[-1] += [nodes.Text(" "), badge]

    def backlinks(self, places: list[tuple[str, str, int, bool]]) -> nodes.paragraph:
        """``Cited in: Introduction; Historical background 1 2. Cited by the editors: …``."""
        # Links named by the pages' titles, which are searched on the pages themselves.
        paragraph = nodes.paragraph(classes=["ed-bib-backlinks", ed.NOT_SEARCHED])
        authors = [p for p in places if not p[3]]
        editors = [p for p in places if p[3]]
        if not places:
            text = "Not cited in the text; listed by the editors."
            paragraph += nodes.inline(text, text, classes=["ed-bib-uncited"])
            return paragraph
        for position, (label, group) in enumerate(
            (label, group)
            for label, group in (("Cited in", authors), ("Cited by the editors in", editors))
            if group
        ):
            if position:
                paragraph += nodes.Text(" ")
            paragraph += nodes.inline(
                label + ": ", label + ": ", classes=["ed-bib-backlinks-label"]
            )
            paragraph.extend(self.places(group))
            paragraph += nodes.Text(".")
        return paragraph

    def places(self, places: list[tuple[str, str, int, bool]]) -> list[nodes.Node]:
        """Each page once; a numbered link per citation on it (in LaTeX, a link to the page:
        inline citations have no LaTeX label, the page has)."""
        return self.page_links(
            [(docname, anchor, "") for docname, anchor, _line, _editorial in places],
            numbered=self.output_format != "latex",
        )


# --- Checks -------------------------------------------------------------------------------------


def _entry_lines(paths: list[Path]) -> dict[str, tuple[str, int]]:
    """Key (case-folded) -> ``(path, line)`` of each ``@type{key,`` in the .bib files."""
    found: dict[str, tuple[str, int]] = {}
    start = re.compile(r"^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,")
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            match = start.match(line)
            if match:
                found.setdefault(match[1].casefold(), (str(path), number))
    return found


def check_verification(app: Sphinx, builder: object = None) -> None:
    """Every status is known; verified entries say what was seen (``seen``), unresolved and
    candidate entries what is unknown (``note``).

    While the .bib files (their dates and sizes, which place each entry on its line) and their
    parse are those of the last build, its findings are given again (:func:`.memo.replay`).
    """
    cite = cast("Any", app.env.get_domain("cite"))
    bibdata = getattr(cite, "bibdata", None)
    if bibdata is None:
        return
    paths = [Path(app.confdir, name) for name in app.config.bibtex_bibfiles]
    # The .bib check's key stands for everything read here: the files' contents and paths.
    inputs = check.check_inputs(app.env) if memo.enabled() else None
    memo.replay(
        app.doctreedir, "bib_verification", inputs, lambda: _verification_findings(bibdata, paths)
    )


def _verification_findings(bibdata: Any, paths: list[Path]) -> list[Finding]:
    """What :func:`check_verification` reports of the entries of *bibdata*."""
    found: list[Finding] = []
    lines = _entry_lines(paths)
    for key, entry in bibdata.data.entries.items():
        status = str(entry.fields.get("verification", "")).strip()
        if not status:
            continue  # an edition that does not record verification: nothing to check
        path, line = lines.get(key.casefold(), (str(paths[0]) if paths else "", 0))
        location = f"{path}:{line}" if line else path
        if status not in VERIFICATION_LABELS:
            found.append(
                (
                    f"the entry {key!r} has verification = {{{status}}}; use one of: "
                    + ", ".join(VERIFICATION_LABELS),
                    Subtype.BIB_UNKNOWN_VERIFICATION,
                    location,
                )
            )
        elif status == "verified" and not str(entry.fields.get("seen", "")).strip():
            found.append(
                (
                    (
                        f"the entry {key!r} is verified but has no seen field: say what of the "
                        "item itself the editors saw, and where (or mark it candidate)"
                    ),
                    Subtype.BIB_VERIFIED_WITHOUT_SEEN,
                    location,
                )
            )
        elif status != "verified" and not str(entry.fields.get("note", "")).strip():
            found.append(
                (
                    f"the entry {key!r} is {status} but has no note: say what is known and what is not",
                    Subtype.BIB_UNRESOLVED_WITHOUT_NOTE,
                    location,
                )
            )
    return found


def register(app: Sphinx) -> None:
    """Register the collector, the bibliography post-transform and the checks."""
    # Read phase: which citations are the editors'.
    app.add_transform(CollectEditorialCitations)
    # write-started: the verification fields (every build).
    app.connect("write-started", check_verification)
    # Write phase: badges and backlinks, after sphinxcontrib-bibtex made the entries (5).
    app.add_post_transform(BibliographyApparatus)
