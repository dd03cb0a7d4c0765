"""Attribution linter: finds statements that look attributed to someone but are not marked.

Reading phase, after the claims are collected. It scans the running text outside claims,
footnotes, literals and dismissed phrases for reporting verbs and for impersonal attributions
("according to", "it was reported", "it is believed") and warns with file and line. An editor
dismisses one hit by wrapping the phrase in ``{not-a-claim}``. :func:`find_attributions` is the
pure function the transform and the precision/recall test share.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node

from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Verbs that report what someone said, in the forms the linter matches.
REPORTING_VERBS = (
    "accuse",
    "accused",
    "accuses",
    "acknowledged",
    "acknowledges",
    "admits",
    "admitted",
    "affirmed",
    "affirms",
    "alleged",
    "alleges",
    "announced",
    "announces",
    "argue",
    "argued",
    "argues",
    "arguing",
    "asked",
    "asking",
    "asserted",
    "asserts",
    "assure",
    "assured",
    "assures",
    "blamed",
    "blames",
    "blaming",
    "claim",
    "claimed",
    "claims",
    "complained",
    "condemned",
    "condemns",
    "confirmed",
    "confirms",
    "contended",
    "declarations",
    "declared",
    "declares",
    "demanded",
    "demanding",
    "demands",
    "denied",
    "denies",
    "denounced",
    "emphasised",
    "emphasises",
    "emphasized",
    "emphasizes",
    "echoed",
    "echoes",
    "envisaged",
    "envisioned",
    "explained",
    "explains",
    "insisted",
    "insists",
    "noted",
    "offered",
    "promised",
    "promises",
    "questioned",
    "recognising",
    "recognizing",
    "reiterated",
    "reiterates",
    "reported",
    "reports",
    "said",
    "saying",
    "says",
    "speculated",
    "speculates",
    "stated",
    "states",
    "stating",
    "stressed",
    "stresses",
    "suspected",
    "tells",
    "told",
    "urge",
    "urged",
    "urges",
    "urging",
    "voiced",
    "warned",
    "warns",
)
#: Verbs that report a statement only when a ``that`` clause follows ("added that", not
#: "added a clause"; "maintained that", not "maintains a base").
THAT_VERBS = (
    "added",
    "adds",
    "believe",
    "believed",
    "believes",
    "indicated",
    "maintained",
    "maintains",
    "observed",
    "pointed out",
    "reasoning",
    "recalled",
    "suggested",
    "suggests",
    "underlined",
    "underscored",
)
#: Impersonal, second-hand or quoting attributions.
IMPERSONAL = (
    r"according to",
    r"it (?:is|was|has been) (?:reported|believed|claimed|said|alleged|argued|stated|estimated)",
    r"(?:is|are|was|were) said to",
    r"reportedly",
    r"allegedly",
    r"purportedly",
    r"in the words of",
    r"as (?:[\w-]+ ){1,5}put it",
    r"described (?:[\w-]+ ){1,6}?as",
    r"rejected (?:the |these |those |all |such )?(?:accusations?|allegations?|claims?|charges?)",
    # "wrote in his memoirs that", "has written that": a gap of a few words before "that".
    r"(?:wrote|writes|(?:has|have|had) written)(?: [\w,’'-]+){0,6}? that",
    r"in (?:the|his|her|their|its) view(?: of)?",
    r"call(?:s|ed|ing)? on",
    r"(?:[’']s|their|its) calls? for",
    r"raised (?:\w+ )?concerns?",
    r"published (?:[\w-]+ ){0,3}?that",
    r"considers? (?:[\w-]+ ){1,5}?as",
    r"considered (?:as )?(?:[\w“”\"’'-]+ ){0,4}?by",
    r"(?:suspicions?|beliefs?|speculations?) (?:was|were|is|are) that",
    r"there (?:was|were|have been|has been) (?:\w+ )?(?:speculations?|rumou?rs|allegations)",
    r"in an? (?:recent |later |earlier |official |joint )?statement",
    r"[’']s (?:\w+ )?statement",
)


@dataclass(frozen=True)
class Hit:
    """A phrase that looks like an attribution."""

    start: int
    end: int
    phrase: str


@functools.cache
def _pattern(extra_verbs: tuple[str, ...]) -> re.Pattern[str]:
    """The linter's pattern with *extra_verbs*; built once per set (asked for per text node)."""
    verbs = sorted({*REPORTING_VERBS, *(v.lower() for v in extra_verbs)}, key=len, reverse=True)
    that_verbs = "|".join(re.escape(v) for v in sorted(THAT_VERBS, key=len, reverse=True))
    alternatives = [
        *IMPERSONAL,
        r"(?:" + "|".join(map(re.escape, verbs)) + r")",
        r"(?:" + that_verbs + r")(?= that\b)",
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


#: Words that take "states", "claims" or "reports" as a noun when they come before it.
_NOUN_CONTEXT = re.compile(
    r"(?:the|two|both|these|those|member|caucasian|baltic|other|its|their|territorial|several|"
    r"irredentist|this|that|united|many|some|all|such|our|his|her)\s+$",
    re.IGNORECASE,
)
#: ... and words that make them a noun when they come after it ("reports from the front").
_NOUN_FOLLOWS = re.compile(
    r"^\s+(?:of|from|on|about|over|by|in|for|and|or|were|are|is|was|have|had|remain)\b|^\s*,",
    re.IGNORECASE,
)
#: A participle after a determiner is an adjective ("the reported casualties", "a declared
#: aim"), and one after a hyphen part of a compound ("self-declared").
_ADJECTIVE_CONTEXT = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|these|those|this|our|such)\s+|-)$", re.IGNORECASE
)
#: The authors' own voice: "it should be noted that", "must be stressed", and their reading
#: of someone's mind: "Russia appears to believe that".
_AUTHORS_VOICE = re.compile(
    r"\b(?:(?:should|must|can|may|could|will|to)\s+(?:\w+\s+)?be|"
    r"(?:appears?|appeared|seems?|seemed)\s+to|"
    # "one can argue", "we would argue", "one cannot refer": the authors' own reasoning
    r"(?:one|we|i)(?:\s+(?:can|cannot|could|may|might|must|should|would|will)(?:\s+not)?)?|"
    # "it would be wrong to argue", "it is fair to say"
    r"(?:wrong|right|fair|safe|possible|impossible|difficult|hard|easy|reasonable|tempting|"
    r"important|misleading)\s+to)\s+$",
    re.IGNORECASE,
)
#: "admitted" in the passive means let in ("was admitted to the United Nations").
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+$", re.IGNORECASE)
_NOUN_FORMS = {"states", "claims", "claim", "reports", "demands"}
#: Participles that attribute even as adjectives ("its suspected support", "alleged support").
_ATTRIBUTING_ADJECTIVES = {"alleged", "suspected", "purported"}


def find_attributions(text: str, extra_verbs: Iterable[str] = ()) -> list[Hit]:
    """The phrases of *text* that look like attributions of a statement to someone."""
    pattern = _pattern(tuple(extra_verbs))
    hits = []
    for match in pattern.finditer(text):
        word = match.group(0).lower()
        before, after = text[: match.start()], text[match.end() :]
        if word in _NOUN_FORMS and (_NOUN_CONTEXT.search(before) or _NOUN_FOLLOWS.match(after)):
            continue
        if (
            (word.endswith("ed") or word == "said")
            and word not in _ATTRIBUTING_ADJECTIVES
            and _ADJECTIVE_CONTEXT.search(before)
        ):
            continue
        if _AUTHORS_VOICE.search(before) or (word == "admitted" and _PASSIVE.search(before)):
            continue
        hits.append(Hit(match.start(), match.end(), match.group(0)))
    return hits


_SKIPPED = (
    ed.claim,
    ed.claim_block,
    ed.not_a_claim,
    nodes.footnote,
    nodes.citation,
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.comment,
    nodes.title,
    nodes.rubric,
    nodes.pending,
    nodes.footnote_reference,
)


def _outside_marked_text(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIPPED) or "ed-no-lint" in parent.get("classes", ()):
            return False
        parent = parent.parent
    return True


def _hit_line(node: nodes.Text, offset: int) -> int | None:
    """The source line of a hit at *offset* in *node*.

    The paragraph knows only its first line; the line breaks of its text before the hit say
    how many lines further down the hit stands.
    """
    paragraph: nodes.Node | None = node.parent
    while isinstance(paragraph, nodes.TextElement) and isinstance(
        paragraph.parent, nodes.TextElement
    ):
        paragraph = paragraph.parent
    if isinstance(paragraph, nodes.TextElement) and paragraph.line:
        breaks = node.astext()[:offset].count("\n")
        for text in paragraph.findall(nodes.Text):
            if text is node:
                return paragraph.line + breaks
            breaks += text.astext().count("\n")
    parent: nodes.Node | None = node.parent
    while parent is not None:
        if parent.line:
            return parent.line
        parent = parent.parent
    return None


#: What makes a page one of the toolkit's listing pages (claim index, actor and name registers,
#: apparatus, chronology, bibliography): the linter leaves these out unless
#: ``edition_lint_documents`` names them, since their prose describes the text, not quotes it.
LISTING_NODES: tuple[type[nodes.Element], ...] = (
    ed.claim_index,
    ed.disputes_index,
    ed.actor_entry,
    ed.apparatus_index,
    ed.register_entry,
    ed.register_index,
    ed.chronology_index,
    ed.timeline,
    bibliography_node,
)


def is_listing_page(document: nodes.document) -> bool:
    """Whether *document* holds one of the toolkit's listings or register entries."""
    return any(isinstance(node, LISTING_NODES) for node in document.findall(nodes.Element))


def lints(
    docname: str, document: nodes.document, include: Iterable[str], exclude: Iterable[str]
) -> bool:
    """Whether the linter reads *docname*.

    *include* is ``edition_lint_documents``: when given, the pages it names; when empty, every
    page but the listing pages (:func:`is_listing_page`). *exclude*
    (``edition_lint_exclude_documents``) leaves pages out in both cases.
    """
    if any(fnmatch.fnmatch(docname, pattern) for pattern in exclude):
        return False
    patterns = tuple(include)
    if patterns:
        return any(fnmatch.fnmatch(docname, pattern) for pattern in patterns)
    return not is_listing_page(document)


class LintAttributions(SphinxTransform):
    """Warn about unmarked attributions in the documents the linter covers."""

    # After CollectClaims (200): claims are marked; the text is otherwise as parsed.
    default_priority = priorities.LINT_ATTRIBUTIONS

    def apply(self, **kwargs: object) -> None:
        settings = get_config(self.config)
        if not settings.lint_attributions:
            return
        if not lints(
            self.env.docname,
            self.document,
            settings.lint_documents,
            settings.lint_exclude_documents,
        ):
            return
        for text in list(self.document.findall(nodes.Text)):
            if not _outside_marked_text(text):
                continue
            for hit in find_attributions(text.astext(), settings.reporting_verbs):
                context = text.astext()[max(0, hit.start - 40) : hit.end + 40].replace("\n", " ")
                warn(
                    f"possible attributed statement not marked as a claim: {hit.phrase!r} in "
                    f"“…{context.strip()}…”; mark it with {{claim}} or dismiss it with "
                    "{not-a-claim}",
                    Subtype.CLAIM_UNMARKED,
                    (self.env.docname, _hit_line(text, hit.start)),
                )


def register(app: Sphinx) -> None:
    """Register the linter."""
    app.add_transform(LintAttributions)
