"""Per-entry memo of the .bib check (builder-inited): an entry whose text is unchanged is not read again.

The check (:mod:`.bibfile`) parses and validates every entry of every .bib file with pybtex;
at fifty times the paper that is 1,900 entries after a one-entry edit. What one entry gives
(its problems, the entry as validation left it, sphinxcontrib-bibtex's "missing field"
messages it foresees) depends only on its text, on the ``@string`` macros defined before it,
and on what is the same for the whole file: the settings, the style, the toolkit's code and
pybtex's release (the trial formatting is given no other entry: a ``crossref`` is not
followed). The memo keeps each entry's result under a digest of its text and of the
macros, under a stamp of the rest: an entry whose text is unchanged is taken from it, the
others are read. The memo is kept in the environment with the last check
(:class:`.check.CachedCheck`, whose parsed entries are the memo's own: pickling them there
costs little, and no other file is read or written); its file in the doctree directory
(:data:`MEMO_NAME`) serves a new environment, and is written by the check that read it (so it
may lack the entries edited since: they are read again). Line numbers in the problems are
kept relative to the entry's first line (:class:`Note`), so that lines added above an
entry move its problems with it. What looks at more than one entry (duplicate keys, the
order of the problems) runs over every entry on every check, as without the memo.

A file written by other code, or damaged, is ignored (:func:`load`); set the environment
variable ``CRITICAL_EDITION_BIBENTRIES=0`` to check every entry afresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critical_edition.core import keptpickle
from critical_edition.core.codestamp import code_stamp
from critical_edition.core.diagnostics import Subtype
from critical_edition.speedups import bibcache, versions

#: Set to ``0`` to check every entry afresh on every check.
SWITCH = "CRITICAL_EDITION_BIBENTRIES"
#: The memo's file, in the doctree directory.
MEMO_NAME = "critical_edition_bibentries.pickle"
#: Bump when the layout of the memo or the meaning of its results changes.
MEMO_VERSION = 1


def enabled() -> bool:
    """Whether the memo is used (unless ``CRITICAL_EDITION_BIBENTRIES=0``)."""
    return versions.switched_on(SWITCH)


@dataclass(frozen=True)
class Note:
    """A problem of one entry, its line numbers counted from the entry's first line."""

    subtype: Subtype
    #: The message: text, and (as integers) lines counted from the entry's first line.
    parts: tuple[str | int, ...]

    def message(self, first_line: int) -> str:
        """The message for the entry starting at *first_line*."""
        return "".join(
            part if isinstance(part, str) else str(first_line + part) for part in self.parts
        )


@dataclass(frozen=True)
class EntryResult:
    """What parsing and validating one entry gave, wherever the entry stands in the file."""

    notes: tuple[Note, ...]
    #: Whether pybtex read an entry under the entry's key (its line is then remembered).
    found: bool
    #: The entry as validation left it, when it is kept (None: left out, or not read).
    entry: Any
    #: sphinxcontrib-bibtex's "missing <field> in <key>" messages this entry will cause.
    missing_field_messages: tuple[str, ...]
    #: The formatted entries its trial formatting used in bibcache's cache.
    formatted: frozenset[bibcache.CacheKey]


class EntryMemo:
    """The results of the last check, by digest; what this check used and added."""

    def __init__(self, stored: dict[str, EntryResult] | None = None) -> None:
        self.stored = stored or {}
        self.used: dict[str, EntryResult] = {}
        #: Entries read by pybtex in this check (not found in the memo).
        self.misses = 0

    def get(self, key: str) -> EntryResult | None:
        """The result stored under *key*, counted as used."""
        found = self.stored.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, result: EntryResult) -> None:
        """Keep *result*, just worked out, for the next check."""
        self.misses += 1
        self.used[key] = result


def macro_state(macros: Any) -> str:
    """A digest of the ``@string`` macros an entry can use (pybtex's parser's ``macros``)."""
    return hashlib.sha256(repr(sorted(macros.items())).encode("utf-8")).hexdigest()


def entry_key(text: str, macros: str) -> str:
    """The memo's key for an entry's exact text, read with the macros digested in *macros*."""
    return hashlib.sha256(repr((text, macros)).encode("utf-8")).hexdigest()


def stamp(encoding: str, style_name: str, code: object) -> str:
    """What every entry's result depends on besides its text: the settings, the style, the
    checking code (*code*: its modules' states), the toolkit's code and pybtex's release."""
    pybtex = versions.installed_version("pybtex") or "?"
    parts = (MEMO_VERSION, encoding, style_name, code, code_stamp(), pybtex)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def load(path: Path, memo_stamp: str) -> EntryMemo:
    """The memo kept at *path* under *memo_stamp*; an empty one when there is none, it was
    made by other code or settings, or the file is damaged (:func:`.keptpickle.load`)."""
    stored = keptpickle.load(path, memo_stamp)
    if not (
        isinstance(stored, dict)
        and all(
            isinstance(key, str) and isinstance(value, EntryResult) for key, value in stored.items()
        )
    ):
        return EntryMemo()
    return EntryMemo(stored)


def save(path: Path, memo_stamp: str, memo: EntryMemo) -> None:
    """Keep the results this check used, when they differ from those stored (a memo that
    cannot be kept only makes the next check slower: the build goes on)."""
    if not memo.misses and len(memo.used) == len(memo.stored):
        return
    keptpickle.save(path, memo_stamp, memo.used)
