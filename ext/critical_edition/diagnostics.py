"""Diagnostics: the one warning type of the toolkit, its subtypes, and a located ``warn()``.

Every message the toolkit emits goes through :func:`warn`, which makes the subtype and the
location mandatory. The subtypes are listed once, here, with what triggers them and how to fix
them; the documentation's reference table is generated from this list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes

#: The ``type`` of every warning the toolkit emits (``suppress_warnings = ["edition.<subtype>"]``).
WARNING_TYPE = "edition"

logger = logging.getLogger("critical_edition")


@dataclass(frozen=True)
class SubtypeInfo:
    """What a warning subtype means for the person who sees it."""

    #: Which check the subtype belongs to, for the integrity report.
    category: str
    #: What triggers the warning.
    trigger: str
    #: How to fix it.
    fix: str


class Subtype(enum.Enum):
    """Every warning subtype, with its category, trigger and fix."""

    # --- configuration -------------------------------------------------------------------------
    CONFIG_INVALID = SubtypeInfo(
        "config",
        "A configuration value has the wrong type or an unknown value.",
        "Correct the value in conf.py; the message names the setting and the accepted values.",
    )
    # --- claims --------------------------------------------------------------------------------
    CLAIM_MALFORMED = SubtypeInfo(
        "claims",
        "A claim's options cannot be read: an unknown key, an empty value, a bad date or status.",
        "Write the options as ``key=value`` pairs separated by ``;`` (inline) or as directive "
        "options; the message names the option.",
    )
    CLAIM_NO_ACTOR = SubtypeInfo(
        "claims",
        "A claim names no actor.",
        "Add ``actor=<id>`` (inline) or ``:actor:`` (block) with an actor from the register.",
    )
    CLAIM_UNKNOWN_ACTOR = SubtypeInfo(
        "claims",
        "A claim names an actor that is not in the actor register.",
        "Use the id or an alias of an actor declared with the ``actor`` directive, or declare it.",
    )
    CLAIM_UNKNOWN_SOURCE = SubtypeInfo(
        "claims",
        "A claim's source is neither a key of the bibliography nor a footnote of its page.",
        "Use a key from the .bib files, or ``^label`` for a footnote defined on the same page.",
    )
    CLAIM_DUPLICATE_ID = SubtypeInfo(
        "claims",
        "Two claims have the same id.",
        "Give one of them another ``id``; ids must be unique across the edition.",
    )
    CLAIM_STATUS_NEEDS_NOTE = SubtypeInfo(
        "claims",
        "A claim marked contested or corrected has no editor's note or no evidence.",
        "Add ``note=`` with the editors' finding and ``evidence=`` with the bib key(s) behind it.",
    )
    CLAIM_UNMARKED = SubtypeInfo(
        "claims",
        "The attribution linter found a statement that looks attributed but is not marked.",
        "Mark it as a claim, or dismiss the hit with ``{not-a-claim}`` around the phrase.",
    )
    CLAIM_REF_MISSING = SubtypeInfo(
        "xref",
        "A reference names a claim id or an actor that does not exist.",
        "Correct the id; the claim index lists every claim id and the register every actor.",
    )
    # --- actors --------------------------------------------------------------------------------
    ACTOR_MALFORMED = SubtypeInfo(
        "claims",
        "An actor declaration lacks a name or type, or has an unknown type.",
        "Give ``:name:`` and ``:type:`` (one of the documented actor types).",
    )
    ACTOR_DUPLICATE = SubtypeInfo(
        "claims",
        "Two actors share an id or an alias.",
        "Make every id and alias unique across the register.",
    )
    # --- link check (linkreport.py) -------------------------------------------------------------
    LINK_NO_URLDATE = SubtypeInfo(
        "links",
        "A .bib entry has a ``url`` but no ``urldate`` (reported by the linkcheck builder).",
        "Add ``urldate = {YYYY-MM-DD}``, the day the page was consulted.",
    )

    @property
    def info(self) -> SubtypeInfo:
        """The subtype's description."""
        value: SubtypeInfo = self.value
        return value

    @property
    def code(self) -> str:
        """The subtype as Sphinx shows and suppresses it (lower case)."""
        return self.name.lower()


def warn(
    message: str,
    subtype: Subtype,
    location: nodes.Node | tuple[str, int | None] | str | None,
    *,
    once: bool = False,
) -> None:
    """Emit a warning of the toolkit's type with its subtype at a location.

    :param message: what is wrong and how to fix it, in a sentence or two.
    :param subtype: the stable subtype a user can suppress.
    :param location: a node, ``(docname, line)``, or ``"path:line"``; ``None`` only for
        configuration problems that have no place in a source file.
    :param once: report an identical message only once per build.
    """
    logger.warning(message, type=WARNING_TYPE, subtype=subtype.code, location=location, once=once)
