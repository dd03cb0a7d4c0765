"""Row keys (write phase): what each row of the claim index is made of, digested for the row memo.

:mod:`.indexes` builds a row of the claim index from the claim, its speakers' register
entries, its footnote marks and its citations; the row memo (:mod:`..speedups.rowmemo`) gives
back the HTML the last build rendered for the same key. A key must therefore change whenever
anything the row shows could: each part below names what :meth:`.FillClaimIndex.rows` reads,
and a row citing the bibliography is keyed on every citation sphinxcontrib-bibtex could link
it to (each one's entry digested, its label, text and tooltip as formatted, its page and id,
and the referencing style's code), since it resolves the citation after this step. A row whose citation has no entry in a
bibliography gets no key: rendered every time, so that sphinxcontrib-bibtex's warning stays.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from critical_edition.core.codestamp import mro_stamp
from critical_edition.core.confdigest import config_digest
from critical_edition.speedups.bibcache import entry_fingerprint
from critical_edition.speedups.keptentry import text_digest

if TYPE_CHECKING:
    from collections.abc import Mapping
    from collections.abc import Set as AbstractSet

    from sphinx.config import Config

    from critical_edition.core.model import Actor, Claim

#: An object's address in its default repr (`` at 0x7f…``).
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class RowKeys:
    """The keys of one claim index's rows (one per page and build).

    :param page: the page the index is written into (its links are relative to it);
    :param writer: the builder's name, its HTML translator (class and the node handlers
        extensions add) and the extensions' releases; :param config: the configuration;
    :param footnote_marks: the footnote marks of each page (label to id and mark);
    :param bib_keys: the keys of the .bib files; :param cite: sphinxcontrib-bibtex's domain.
    """

    def __init__(
        self,
        page: str,
        writer: str,
        config: Config,
        footnote_marks: Mapping[str, Mapping[str, tuple[str, str]]],
        bib_keys: AbstractSet[str],
        cite: Any,
    ) -> None:
        self.footnote_marks = footnote_marks
        self.bib_keys = bib_keys
        style = getattr(cite, "reference_style", None)
        # The style's code and its settings: a style defined in conf.py (a dataclass, as
        # sphinxcontrib-bibtex's guide has it) has no file of its own, its fields say it.
        # An object inside it without a repr of its own is named by its class, not its address.
        styled = mro_stamp(type(style)), _ADDRESS.sub("", repr(style))
        # Digested once: each row's key repeats it.
        context = repr((page, writer, config_digest(config), styled))
        self.context = hashlib.sha256(context.encode("utf-8")).hexdigest()
        #: Each cited key's citations, among which sphinxcontrib-bibtex's resolver chooses.
        self._citations: dict[str, list[Any]] = {}
        bibliographies = getattr(cite, "bibliographies", {})
        for citation in getattr(cite, "citations", ()):
            bibliography = bibliographies.get(citation.bibliography_key)
            if bibliography is not None and bibliography.list_ == "citation":
                self._citations.setdefault(citation.key, []).append(citation)
        self._cited: dict[str, list[tuple[str, ...]]] = {}

    def cited(self, key: str) -> list[tuple[str, ...]] | None:
        """What a citation of *key* may be rendered from: each of its citations' page, id,
        entry, label, text and tooltip (worked out once per key); None if it has none."""
        found = self._cited.get(key)
        if found is None:
            citations = self._citations.get(key)
            if not citations:
                return None
            found = self._cited[key] = [
                (
                    citation.bibliography_key.docname,
                    citation.citation_id,
                    entry_fingerprint(citation.entry),
                    str(citation.formatted_entry.label),
                    # Digests of the kept pickles: the texts are not unpickled for a key.
                    text_digest(citation.formatted_entry),
                    text_digest(citation.tooltip_entry) if citation.tooltip_entry else "",
                )
                for citation in citations
            ]
        return found

    def key(self, number: int, claim: Claim, lookup: Mapping[str, Actor]) -> str | None:
        """The key of the index's row *number*, showing *claim*; None when it gets none."""
        marks = self.footnote_marks.get(claim.docname, {})
        sources: list[object] = []
        for source in claim.sources:
            if source.startswith("^"):
                sources.append((source, marks.get(source[1:])))
            elif source not in self.bib_keys:
                sources.append((source, None))
            else:
                cited = self.cited(source)
                if cited is None:
                    return None
                sources.append((source, cited))
        parts = (
            self.context,
            number,
            (claim.id, claim.docname, claim.text, claim.section, claim.verb, claim.status.value),
            [(actor, repr(lookup.get(actor.casefold()))) for actor in claim.actors],
            sources,
        )
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
