"""Kept formatted entries (write phase): a cached entry's text unpickled only when first read.

The formatting cache (:mod:`.bibcache`) gives sphinxcontrib-bibtex every entry of the .bib
files, formatted, in every build: it sorts and labels them all to know each citation's label.
Their texts, though, are read only where a citation or the bibliography is written, and a
prose edit writes one page. The cache keeps each entry's text as the bytes of its own pickle
(:class:`KeptEntry`), so that loading the cache makes one small object per entry (at fifty
times the paper, 3,800 entries: 40 ms of a one-page rebuild were spent building every text's
objects), and a text is built when first read. The text is the same object a fresh format
would give; the output does not change.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

from pybtex.style import FormattedEntry


class KeptEntry(FormattedEntry):  # type: ignore[misc]
    """A formatted entry (key, label, text) whose text is kept pickled until first read."""

    def __init__(self, key: str, text: Any = None, label: str | None = None) -> None:
        self._blob: bytes | None = None
        super().__init__(key, text, label)

    @classmethod
    def pickled(cls, key: str, label: str | None, blob: bytes) -> KeptEntry:
        """An entry whose text is the pickle *blob*."""
        entry = cls(key, None, label)
        entry._text, entry._blob = None, blob
        return entry

    @classmethod
    def of(cls, entry: Any) -> KeptEntry:
        """*entry* (any formatted entry) as one that pickles its text apart."""
        if isinstance(entry, KeptEntry):
            return entry
        return cls(entry.key, entry.text, entry.label)

    @property
    def text(self) -> Any:
        if self._blob is not None:
            self._text, self._blob = pickle.loads(self._blob), None
        return self._text

    @text.setter
    def text(self, value: Any) -> None:
        self._text, self._blob = value, None

    def relabelled(self, label: str) -> KeptEntry:
        """The same entry under *label*, its text still unread if it was."""
        if self._blob is not None:
            return KeptEntry.pickled(self.key, label, self._blob)
        return KeptEntry(self.key, self._text, label)

    def __reduce__(self) -> tuple[Any, ...]:
        blob = self._blob
        if blob is None:
            blob = pickle.dumps(self._text, pickle.HIGHEST_PROTOCOL)
        return (KeptEntry.pickled, (self.key, self.label, blob))


def relabelled(entry: Any, label: str) -> Any:
    """*entry* (any formatted entry) under *label*; a kept entry's text still unread."""
    if isinstance(entry, KeptEntry):
        return entry.relabelled(label)
    return FormattedEntry(entry.key, entry.text, label)


def text_digest(entry: Any) -> str:
    """A digest of *entry*'s text, the same whether it is kept unread (its pickle's bytes)
    or at hand (pickled now, as the cache would keep it): what depends on the text is keyed
    on it without unpickling it."""
    blob = entry._blob if isinstance(entry, KeptEntry) else None
    if blob is None:
        blob = pickle.dumps(entry.text, pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest()
