"""Model: the plain, frozen, picklable records the domain stores (no docutils nodes).

Directives and roles create these records during reading; the domain keeps them keyed by
document; indexes, checks and exports read them. Keeping them free of docutils objects keeps
the pickled environment small and parallel merges cheap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ClaimStatus(enum.Enum):
    """The editorial status of a claim: a small, fixed vocabulary."""

    #: The authors give a source (a citation or a footnote) for the claim.
    SOURCED = "sourced"
    #: The authors give no source; the claim rests on their word.
    UNSOURCED = "unsourced"
    #: The editors checked the claim against a primary source and found it accurate.
    VERIFIED = "verified"
    #: The editors found evidence that disputes the claim (see the note and its evidence).
    CONTESTED = "contested"
    #: The editors found a detail wrong (a date, a figure, who said it); the note corrects it.
    CORRECTED = "corrected"

    @property
    def label(self) -> str:
        """A short label for badges and tables."""
        return _STATUS_LABELS[self]

    @property
    def needs_note(self) -> bool:
        """Whether the status must carry an editor's note and evidence."""
        return self in (ClaimStatus.CONTESTED, ClaimStatus.CORRECTED)


_STATUS_LABELS = {
    ClaimStatus.SOURCED: "sourced by the authors",
    ClaimStatus.UNSOURCED: "not sourced by the authors",
    ClaimStatus.VERIFIED: "verified by the editors",
    ClaimStatus.CONTESTED: "contested by the editors",
    ClaimStatus.CORRECTED: "corrected by the editors",
}


class LinkKind(enum.Enum):
    """How one claim bears on another: the typed links of the claim markup."""

    #: The claim says the opposite of the target (a rival account of the same event).
    CONTRADICTS = "contradicts"
    #: The claim backs the target up.
    SUPPORTS = "supports"
    #: The claim says again what the target said (the same speaker or another).
    REPEATS = "repeats"
    #: The claim corrects the target (an editors' correction, or a speaker correcting a figure).
    CORRECTS = "corrects"

    @property
    def label(self) -> str:
        """The card's label for a link from the claim (``Contradicts``)."""
        return self.value.capitalize()

    @property
    def inverse_label(self) -> str:
        """The card's label for a link to the claim (``Contradicted by``)."""
        return _INVERSE_LABELS[self]


_INVERSE_LABELS = {
    LinkKind.CONTRADICTS: "Contradicted by",
    LinkKind.SUPPORTS: "Supported by",
    LinkKind.REPEATS: "Repeated by",
    LinkKind.CORRECTS: "Corrected by",
}


class ActorType(enum.Enum):
    """What kind of speaker an actor is."""

    PERSON = "person"
    OFFICE = "office"
    MINISTRY = "ministry"
    STATE = "state"
    ORGANISATION = "organisation"
    MEDIA = "media"
    GROUP = "group"

    @property
    def label(self) -> str:
        """A plural heading for the register."""
        return {
            ActorType.PERSON: "Persons",
            ActorType.OFFICE: "Offices",
            ActorType.MINISTRY: "Ministries",
            ActorType.STATE: "States and governments",
            ActorType.ORGANISATION: "Organisations",
            ActorType.MEDIA: "Media",
            ActorType.GROUP: "Unnamed and collective speakers",
        }[self]


@dataclass(frozen=True)
class Actor:
    """Someone to whom the text attributes a statement."""

    #: The register id, used in claim markup (``lavrov``).
    id: str
    #: The canonical name (``Sergey Lavrov``).
    name: str
    type: ActorType
    #: Other names the text or sources use (``Sergei Lavrov``, ``Moscow`` ...).
    aliases: tuple[str, ...]
    #: One line saying who this is.
    description: str
    docname: str
    line: int | None
    #: The HTML anchor of the actor's entry in the register.
    anchor: str


@dataclass(frozen=True)
class Claim:
    """A statement the text attributes to someone."""

    #: Stable id, unique across the edition; also the permalink anchor.
    id: str
    #: The claim's plain text as it stands in the edition.
    text: str
    #: Register ids of the actors (at least one).
    actors: tuple[str, ...]
    #: The reporting verb as the text gives it (``claimed``, ``stated``...).
    verb: str
    #: Bib keys, and footnote labels written ``^label``.
    sources: tuple[str, ...]
    #: Date of the utterance (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD), or empty when unknown.
    date: str
    status: ClaimStatus
    #: The editors' note (required for contested and corrected claims).
    note: str
    #: Bib keys of the evidence behind the editors' note.
    evidence: tuple[str, ...]
    docname: str
    line: int | None
    #: Position in the document, to keep reading order across documents.
    serial: int
    #: The title of the section the claim stands in (for the index).
    section: str = ""
    #: Whether the sources were taken from a citation next to the claim.
    sources_implicit: bool = field(default=False)
    #: Typed links to other claims, ``(kind, target claim id)``, in the order written.
    links: tuple[tuple[LinkKind, str], ...] = ()
    #: The event or topic the claim speaks to, shared by rival accounts; empty when none.
    topic: str = ""
