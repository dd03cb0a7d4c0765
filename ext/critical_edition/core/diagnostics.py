"""Diagnostics: the one warning type of the toolkit, its subtypes, and a located ``warn()``.

Every message the toolkit emits goes through :func:`warn`, which makes the subtype and the
location mandatory. The subtypes are listed once, here, with what triggers them and how to fix
them; the documentation's reference table is generated from this list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docutils.utils import get_source_line
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
    CLAIM_UNKNOWN_LINK = SubtypeInfo(
        "claims",
        "A claim's ``contradicts``, ``supports``, ``repeats`` or ``corrects`` names no claim "
        "of the edition.",
        "Use the id of an existing claim (the claim index lists them), or give the target "
        "claim that ``id``.",
    )
    CLAIM_SELF_LINK = SubtypeInfo(
        "claims",
        "A claim's ``contradicts``, ``supports``, ``repeats`` or ``corrects`` names the claim "
        "itself.",
        "Name the other claim's id; a claim cannot bear on itself.",
    )
    CLAIM_EVIDENCE_NOT_IN_BIB = SubtypeInfo(
        "claims",
        "A claim marked contested or corrected names evidence, but none of it is an entry of the "
        "bibliography (only footnotes, or keys no .bib file holds).",
        "Give the source the editors rely on an entry in the .bib file (with what is known of "
        "it) and name its key in ``evidence=``.",
    )
    CLAIM_UNMARKED = SubtypeInfo(
        "claims",
        "The attribution linter found a statement that looks attributed but is not marked.",
        "Mark it as a claim, or dismiss the hit with ``{not-a-claim}`` around the phrase.",
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

    # --- integrity: bibliography files (bibcheck.py) ---------------------------------------------
    BIB_FILE_MISSING = SubtypeInfo(
        "citations",
        "A file named in ``bibtex_bibfiles`` does not exist.",
        "Correct the path in conf.py (it is relative to the directory of conf.py).",
    )
    BIB_ENCODING = SubtypeInfo(
        "citations",
        "A .bib file holds bytes that are not valid in ``bibtex_encoding``.",
        "Save the file in that encoding (UTF-8); the bad bytes are read as U+FFFD meanwhile.",
    )
    BIB_CONTROL_CHARACTER = SubtypeInfo(
        "citations",
        "A .bib file holds an invisible control character (a NUL byte, say).",
        "Delete it from the file; it is left out meanwhile.",
    )
    BIB_SYNTAX = SubtypeInfo(
        "citations",
        "A .bib entry cannot be read completely: a missing comma, ``=``, quote or key, an "
        "undefined ``@string``, or an ``@`` that starts no entry.",
        "Correct the entry; the other entries are read, and fields after the error are ignored.",
    )
    BIB_UNBALANCED_BRACES = SubtypeInfo(
        "citations",
        "A .bib entry's braces do not balance: a ``}`` is missing, so the entry would swallow "
        "the entries after it, or there is one ``}`` too many.",
        "Add or remove the brace. An unclosed entry is left out until it is fixed; an extra "
        "brace is ignored.",
    )
    BIB_DUPLICATE_KEY = SubtypeInfo(
        "citations",
        "Two .bib entries, in one file or in two, have the same key (keys ignore case).",
        "Delete or rename one; the first is kept and the later one is left out, as BibTeX does.",
    )
    BIB_DUPLICATE_FIELD = SubtypeInfo(
        "citations",
        "A .bib entry gives the same field twice.",
        "Keep one of the two; the first is used.",
    )
    BIB_UNKNOWN_TYPE = SubtypeInfo(
        "citations",
        "A .bib entry has a type the bibliography style cannot format (e.g. ``@weblink``).",
        "Use a type the style knows (article, book, incollection, misc, online, ...); the "
        "entry is formatted as ``@misc`` meanwhile.",
    )
    BIB_MISSING_FIELD = SubtypeInfo(
        "citations",
        "A .bib entry lacks a field its type needs in the bibliography style (e.g. an "
        "``@article`` with no ``journal``).",
        "Add the field; until then the bibliography prints 'missing <field>' for the entry.",
    )
    CITE_MISSING_FIELD = SubtypeInfo(
        "citations",
        "A citation whose text is made of the entry's author, editor or title (``{cite:t}``) "
        "names an entry that has none of them.",
        "Add an author, editor or title to the entry, or cite it in parentheses; until then "
        "the citation prints 'missing title in <key>'.",
    )
    BIB_BAD_NAME = SubtypeInfo(
        "citations",
        "A name in an ``author`` or ``editor`` field cannot be split into its parts (too many "
        "commas).",
        "Write each name as ``Last, First`` or ``First Last`` and separate names with ``and``.",
    )
    BIB_BAD_URL = SubtypeInfo(
        "citations",
        "A .bib ``url``, ``archiveurl`` or other ``...url`` field is not an absolute http(s) "
        "address (or contains spaces or quotes).",
        "Give the full ``https://`` address; the field is left out of the output until then.",
    )
    BIB_BAD_DOI = SubtypeInfo(
        "citations",
        "A .bib ``doi`` field is not a bare DOI of the form ``10.NNNN/suffix``.",
        "Write the DOI alone, without ``https://doi.org/`` or ``doi:``; the field is left out "
        "of the output until then.",
    )
    BIB_UNFORMATTABLE = SubtypeInfo(
        "citations",
        "The bibliography style fails on a .bib entry for a reason other than a missing field.",
        "Correct the entry as the message says; it is left out of the bibliography meanwhile.",
    )
    # --- integrity: citations (bibcheck.py, citelint.py) -----------------------------------------
    CITATION_UNUSED = SubtypeInfo(
        "citations",
        "A .bib entry is never cited, listed in a bibliography directive, or named as a "
        "claim's source or evidence (checkcites' 'unused').",
        "Cite it where the text relies on it, or delete it from the .bib file.",
    )
    CITATION_UNMARKED = SubtypeInfo(
        "citations",
        "An author-year citation such as ``(Garibov 2020)`` stands in the prose as plain text.",
        "Mark it up as a citation, e.g. ``{cite:p}`garibov_2020``` (several keys: separate them "
        "with commas).",
    )
    # --- integrity: footnotes (footnotes.py) -----------------------------------------------------
    FOOTNOTE_UNDEFINED = SubtypeInfo(
        "footnotes",
        "A footnote reference ``[^label]`` has no definition on its page.",
        "Add the definition ``[^label]: text`` to the page, or remove the reference.",
    )
    FOOTNOTE_UNREFERENCED = SubtypeInfo(
        "footnotes",
        "A footnote definition ``[^label]: ...`` is never referenced on its page.",
        "Put ``[^label]`` where the note belongs, or delete the definition.",
    )
    FOOTNOTE_DUPLICATE = SubtypeInfo(
        "footnotes",
        "Two footnote definitions on one page share a label.",
        "Merge them, or give one a new label and update its references; the second "
        "definition is left out meanwhile.",
    )
    # --- integrity: markup (rawhtml.py) and the report (report.py) ------------------------------
    RAW_HTML = SubtypeInfo(
        "markup",
        "The sources contain raw HTML (a MyST HTML block, inline HTML or a ``raw`` directive), "
        "which reaches the reader's browser unchecked.",
        "Use MyST markup or a directive instead; the HTML is shown as escaped text meanwhile. "
        "``edition_allow_raw_html = True`` accepts it.",
    )
    NESTING_TOO_DEEP = SubtypeInfo(
        "markup",
        "Lists or block quotes in a Markdown page are nested deeper than the Markdown parser "
        "reads (ten list levels, say): it stops there, and the rest of the page is lost.",
        "Nest less deeply (at most nine list levels); the lines named are left out meanwhile.",
    )
    INCLUDE_CYCLE = SubtypeInfo(
        "structure",
        "A page includes itself, directly or through the files it includes (an ``include`` cycle).",
        "Remove the include that leads back; the repeated inclusion is left out meanwhile.",
    )
    OUTSIDE_SOURCE = SubtypeInfo(
        "structure",
        "An ``include``, ``literalinclude``, image, figure, ``{download}``, or the ``:file:`` of "
        "a ``raw`` or ``csv-table`` directive names a file outside the source folder (``../``, "
        "an absolute path, a symbolic link), such a directive names a ``:url:`` (text fetched "
        "at each build), or a page is a symbolic link to a file outside it.",
        "Move the file into the source folder, or list its folder in "
        "``edition_allowed_outside`` (a ``:url:``'s text: save it as a file in the source "
        "folder and name it with ``:file:``); it is left out of the edition meanwhile.",
    )
    LINK_SCHEME = SubtypeInfo(
        "markup",
        "A Markdown link points to a ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` "
        "address, which the Markdown parser refuses: the link is shown as text, brackets and "
        "address included.",
        "Link to an http(s) address (or a page or file of the edition), or write the words "
        "without a link.",
    )
    IMAGE_DATA_URI = SubtypeInfo(
        "structure",
        "An image or figure is given as a ``data:`` address, its bytes written into the page "
        "(no file of the project holds it; an SVG so given can carry script).",
        "Save the image as a file in the source folder and name that file; the image is left "
        "out of the edition meanwhile.",
    )
    TOCTREE_CYCLE = SubtypeInfo(
        "structure",
        "A toctree lists a page that contains this toctree's page already (a toctree cycle).",
        "Remove the entry that leads back up; it is left out of the navigation meanwhile.",
    )
    SOURCE_UNREADABLE = SubtypeInfo(
        "structure",
        "A source file or ``conf.py`` cannot be read: a byte that is not in the source "
        "encoding, or a Python syntax error in ``conf.py``.",
        "Save the file in the source encoding (UTF-8) or correct the syntax at the line given.",
    )
    BIDI_CONTROL = SubtypeInfo(
        "markup",
        "A source line contains an invisible bidirectional control (U+202A-U+202E, "
        "U+2066-U+2069), which can make text display in another order than it is stored.",
        "Delete the control character; it is left out of every output meanwhile.",
    )
    CONF_ERROR = SubtypeInfo(
        "config",
        "``conf.py`` raises an error when it runs: a name never defined, a module that is not "
        "installed, a call of ``sys.exit()`` (reported by ``critical-edition check``).",
        "Correct the line named, or install the module in the edition's environment; nothing "
        "is built until then.",
    )
    REPORT_UNWRITABLE = SubtypeInfo(
        "config",
        "The integrity report cannot be written to ``edition_report_dir``.",
        "Make the directory writable, or point ``edition_report_dir`` elsewhere.",
    )
    # --- link check (linkreport.py) -------------------------------------------------------------
    LINK_NO_URLDATE = SubtypeInfo(
        "links",
        "A .bib entry has a ``url`` but no ``urldate`` (reported by the linkcheck builder).",
        "Add ``urldate = {YYYY-MM-DD}``, the day the page was consulted; or ``urlsource = "
        "{authors}`` when the address is the edited text's and the editors have not seen it.",
    )
    # --- the apparatus: emendations, editorial notes (apparatus.py) ------------------------------
    EMENDATION_MALFORMED = SubtypeInfo(
        "apparatus",
        "An emendation cannot be read: an unknown option or kind, no ``reason``, no ``orig`` "
        "for a correction, an ``orig`` for an addition, or a reading for a deletion.",
        "Write ``{emend}`READING <orig=WITNESS; reason=WHY>``` (``kind=add`` for an addition, "
        "``kind=del`` with an empty reading for a deletion); the witness's reading is kept.",
    )
    NOTE_MALFORMED = SubtypeInfo(
        "apparatus",
        "An editorial note has a bad id or kind, or no text; or a lemma names no note.",
        "Give the note an id (letters, digits, ``-``, ``_``, ``.``), ``:kind: note`` or "
        "``query``, and a text; write a lemma as ``{lemma}`PASSAGE <NOTE-ID>```.",
    )
    NOTE_DUPLICATE_ID = SubtypeInfo(
        "apparatus",
        "Two editorial notes have the same id.",
        "Give one of them another id; note ids must be unique across the edition.",
    )
    NOTE_UNKNOWN = SubtypeInfo(
        "apparatus",
        "A lemma refers to an editorial note id that no note declares.",
        "Correct the id, or add the note with the ``ednote`` directive.",
    )
    NOTE_CONFIDENCE_UNSOURCED = SubtypeInfo(
        "apparatus",
        'An editorial note, or a claim\'s ``note=``, states a confidence ("high confidence", '
        '"(low confidence)", "confidence: medium") but cites no entry of the bibliography (a '
        "claim's note: its ``evidence=`` names none).",
        "Cite the source the confidence rests on inside the note, e.g. ``{cite:p}`key``` (for a "
        "claim, name its key in ``evidence=``), giving it a .bib entry first if it has none; or "
        "take the confidence out.",
    )
    # --- the apparatus: registers of persons, organisations, places (registers.py) ---------------
    REGISTER_MALFORMED = SubtypeInfo(
        "registers",
        "A register entry lacks its ``:name:``, or a mention's ``<id>`` cannot be read.",
        "Declare entries as ``:::{place} ID`` with ``:name:`` (and ``:variants:``); mention them "
        "as ``{place}`TEXT <ID>``` or ``{place}`NAME```.",
    )
    REGISTER_DUPLICATE = SubtypeInfo(
        "registers",
        "Two register entries of one kind share an id, a name or a variant.",
        "Make every id, name and variant unique within its register.",
    )
    REGISTER_UNKNOWN = SubtypeInfo(
        "registers",
        "A mention names a person, organisation or place that no register entry declares "
        "(persons and organisations may also be speakers of the actor register).",
        "Correct the id, or declare the entry on the register page.",
    )
    # --- the apparatus: chronology (chronology.py) -------------------------------------------
    DATE_MALFORMED = SubtypeInfo(
        "chronology",
        "A dated event's date is not ISO 8601 (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, or a "
        "period ``START/END``), or a period ends before it starts.",
        "Write ``{date}`TEXT <1991-09-02>``` or ``{date}`TEXT <2020-07-29/2020-08-06>```.",
    )
    # --- the apparatus: citable passages (passages.py) ----------------------------------------
    PASSAGE_ANCHOR_TAKEN = SubtypeInfo(
        "apparatus",
        "A paragraph's citable anchor (``p-<page>-<n>``) is already the id of something else "
        "on the page, a label written by hand, say; the paragraph keeps its number only.",
        "Rename the label: ids of the form ``p-<page>-<n>`` are the passages' anchors.",
    )
    # --- the apparatus: bibliography status (bibstatus.py) ------------------------------------
    BIB_UNRESOLVED_WITHOUT_NOTE = SubtypeInfo(
        "citations",
        "A .bib entry marked ``verification = {unresolved}`` (or candidate) has no ``note`` "
        "saying what is known and what is not.",
        "Add a ``note`` field: what the citation gives, what was searched, what is unknown.",
    )
    BIB_VERIFIED_WITHOUT_SEEN = SubtypeInfo(
        "citations",
        "A .bib entry marked ``verification = {verified}`` has no ``seen`` field (or an empty "
        "one) saying what the editors saw of the item.",
        "Add ``seen = {…}``: what of the item itself was seen, and where (a copy, a page, an "
        "archive); if the item itself was not seen, mark it candidate instead.",
    )
    BIB_UNKNOWN_VERIFICATION = SubtypeInfo(
        "citations",
        "A .bib entry's ``verification`` field is missing or not one of verified, candidate, "
        "unresolved.",
        "Set ``verification`` to verified, candidate or unresolved.",
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
    raised = Raised(message, *_place(location))
    logger.warning(
        message,
        type=WARNING_TYPE,
        subtype=subtype.code,
        location=location,
        once=once,
        extra={RAISED: raised},
    )


#: The log record attribute that carries a :class:`Raised` to the findings collector.
RAISED = "edition_raised"


@dataclass(frozen=True)
class Raised:
    """What :func:`warn` was given, as plain values (log records cross process boundaries)."""

    message: str
    #: The document the warning is about, when it was given as ``(docname, line)``.
    docname: str | None
    #: The file the warning is about, when it was given as a node or ``"path:line"``.
    path: str
    line: int | None


def _place(
    location: nodes.Node | tuple[str, int | None] | str | None,
) -> tuple[str | None, str, int | None]:
    """``(docname, path, line)`` of a location as :func:`warn` accepts it."""
    if location is None:
        return None, "", None
    if isinstance(location, tuple):
        docname, line = location
        return docname, "", line
    if isinstance(location, str):
        return None, *split_location(location)
    source, line = get_source_line(location)
    return None, source or "", line


def split_location(location: str) -> tuple[str, int | None]:
    """``(path, line)`` of a location written ``path:line`` (or ``path:``, or ``path``)."""
    head, sep, tail = location.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    if sep and not tail:
        return head, None
    return location, None
