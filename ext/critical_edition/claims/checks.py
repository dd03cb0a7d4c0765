"""Checks: corpus-wide checks of claims and actors, run at the start of every write phase.

They need every document (an actor may be declared on another page than its claims), so they
cannot run while reading; and ``env-check-consistency`` is skipped when nothing was re-read, so
they run at ``write-started``, which every build emits — a no-change rebuild reports the same
problems as a clean one.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from critical_edition.claims import memo
from critical_edition.claims.domain import edition_domain
from critical_edition.core.diagnostics import Subtype
from critical_edition.core.text import did_you_mean
from critical_edition.speedups.bibentries import entries_by_key

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from sphinx.builders import Builder

    from critical_edition.claims.domain import EditionDomain
    from critical_edition.claims.memo import Finding, Location


def finding(message: str, subtype: Subtype, location: Location) -> list[Finding]:
    """One finding, to add to a check's list."""
    return [(message, subtype, location)]


#: A confidence a note states: "high confidence", "(medium-high confidence)", "confidence: low"
#: ("no confidence rating" states none).
CONFIDENCE = re.compile(
    r"\b(?:(?:very\s+)?(?:high|medium|moderate|low)(?:[-–](?:high|medium|low))?\s+confidence"
    r"|confidence(?:\s+(?:is|was))?\s*[:=]?\s*(?:very\s+)?(?:high|medium|moderate|low))\b",
    re.IGNORECASE,
)


def bib_keys(builder: Builder) -> AbstractSet[str]:
    """The keys of every entry of the edition's .bib files (sphinxcontrib-bibtex's parse)."""
    return entries_by_key(builder.env).keys()


def check_actors(domain: EditionDomain) -> list[Finding]:
    """Every actor id and alias is unique across the register."""
    found: list[Finding] = []
    seen: dict[str, str] = {}
    for actor in domain.actors():
        for name in (actor.id, *actor.aliases):
            key = name.casefold()
            if key in seen and seen[key] != actor.id:
                found += finding(
                    f"the name {name!r} of the actor {actor.id!r} is already used by the actor "
                    f"{seen[key]!r}: ids and aliases must be unique",
                    Subtype.ACTOR_DUPLICATE,
                    (actor.docname, actor.line),
                )
            elif key in seen and name == actor.id:
                found += finding(
                    f"the actor {actor.id!r} is declared twice",
                    Subtype.ACTOR_DUPLICATE,
                    (actor.docname, actor.line),
                )
            seen.setdefault(key, actor.id)
    return found


def check_claims(domain: EditionDomain, keys: AbstractSet[str]) -> list[Finding]:
    """Every claim names known actors and sources, and no two claims share an id; a contested or
    corrected claim's evidence, and that of a note stating a confidence, includes an entry of
    the bibliography.

    Typed links between claims are checked by :func:`check_links`.
    """
    found: list[Finding] = []
    lookup = domain.actor_lookup()
    known_actors = sorted({actor.id for actor in lookup.values()})
    first_seen: dict[str, tuple[str, int | None]] = {}
    for claim in domain.all_claims():
        location = (claim.docname, claim.line)
        for actor in claim.actors:
            if actor.casefold() not in lookup:
                hint = did_you_mean(actor, known_actors)
                found += finding(
                    f"the claim {claim.id!r} names the unknown actor {actor!r}{hint}: declare it "
                    "with the actor directive in the register, or use an existing id or alias",
                    Subtype.CLAIM_UNKNOWN_ACTOR,
                    location,
                )
        footnotes = domain.footnotes_by_doc.get(claim.docname, frozenset())
        # A contested or corrected claim's evidence must include an entry of the bibliography;
        # when none of it is one, that single warning says so (not one per unknown key).
        unbacked = (
            claim.status.needs_note
            and bool(claim.evidence)
            and not any(key in keys for key in claim.evidence)
        )
        if unbacked:
            found += finding(
                f"the claim {claim.id!r} is {claim.status.value}, but its evidence "
                f"({', '.join(claim.evidence)}) names no entry of the bibliography: give the "
                "source an entry in the .bib file and name its key in evidence=",
                Subtype.CLAIM_EVIDENCE_NOT_IN_BIB,
                location,
            )
        stated = CONFIDENCE.search(claim.note)
        if stated and not unbacked and not any(key in keys for key in claim.evidence):
            found += finding(
                f"the note of the claim {claim.id!r} states {stated[0]!r} but its evidence names "
                "no entry of the bibliography: name the source the confidence rests on in "
                "evidence=<bib key>, or take the confidence out",
                Subtype.NOTE_CONFIDENCE_UNSOURCED,
                location,
            )
        for source in (*claim.sources, *(() if unbacked else claim.evidence)):
            known = source[1:] in footnotes if source.startswith("^") else source in keys
            if not known and not (claim.sources_implicit and source in claim.sources):
                what = (
                    "footnote on this page" if source.startswith("^") else "key in the .bib files"
                )
                hint = "" if source.startswith("^") else did_you_mean(source, keys)
                found += finding(
                    f"the claim {claim.id!r} cites {source!r}, which is no {what}{hint}",
                    Subtype.CLAIM_UNKNOWN_SOURCE,
                    location,
                )
        if claim.id in first_seen:
            other_doc, other_line = first_seen[claim.id]
            found += finding(
                f"the claim id {claim.id!r} is already used at {other_doc}:{other_line}; "
                "give this claim another id=",
                Subtype.CLAIM_DUPLICATE_ID,
                location,
            )
        else:
            first_seen[claim.id] = location
    return found


def check_links(domain: EditionDomain) -> list[Finding]:
    """Every typed link of a claim names another claim of the edition."""
    found: list[Finding] = []
    known = {claim.id for claim in domain.all_claims()}
    for claim in domain.all_claims():
        for kind, target in claim.links:
            if target == claim.id:
                found += finding(
                    f"the claim {claim.id!r} {kind.value} itself: name another claim's id in "
                    f"{kind.value}=",
                    Subtype.CLAIM_SELF_LINK,
                    (claim.docname, claim.line),
                )
            elif target not in known:
                found += finding(
                    f"the claim {claim.id!r} {kind.value} {target!r}, which is no claim of the "
                    "edition: use an id from the claim index, or give the target claim that id=",
                    Subtype.CLAIM_UNKNOWN_LINK,
                    (claim.docname, claim.line),
                )
    return found


def actors_inputs(domain: EditionDomain) -> list[tuple[str, str]]:
    """Each document declaring actors, sorted, with the digest of every field of its actors."""
    return [
        (docname, domain.actors_digest(docname)[1])
        for docname in sorted(domain.actors_by_doc)
        if domain.actors_by_doc[docname]
    ]


def checks_inputs(domain: EditionDomain, keys: AbstractSet[str]) -> str:
    """A digest of everything the checks read: every claim in reading order, every actor, the
    footnote labels of the pages with claims and the .bib keys, in their order."""
    claims = domain.claims_inputs()
    footnotes = domain.footnotes_by_doc
    labels = [sorted(footnotes.get(docname, ())) for docname, _ in claims]
    bib = hashlib.sha256("\n".join(keys).encode("utf-8", "surrogatepass")).hexdigest()
    return memo.digest(claims, actors_inputs(domain), labels, bib)


def run_checks(app: object, builder: Builder | None = None) -> None:
    """Run every corpus-wide claim check (connected to ``write-started``); while nothing they
    read changed, their findings are those of the last build (:func:`.memo.replay`)."""
    if builder is None:
        builder = app.builder  # type: ignore[attr-defined]
    domain = edition_domain(builder.env)
    keys = bib_keys(builder)

    def check() -> list[Finding]:
        return [*check_actors(domain), *check_claims(domain, keys), *check_links(domain)]

    inputs = checks_inputs(domain, keys) if memo.enabled() else None
    memo.replay(builder.env.doctreedir, "claims_checks", inputs, check)
