"""Kept formatted entries (speedups/keptentry.py): the formatting cache's texts read when needed.

Loading the cache makes one small object per entry; an entry's text is unpickled the first
time it is read, and is then the same text a fresh format gives.
"""

from __future__ import annotations

import pickle

from critical_edition.speedups import keptentry
from critical_edition.speedups.keptentry import KeptEntry
from pybtex.richtext import Tag, Text
from pybtex.style import FormattedEntry


def test_the_text_is_unpickled_when_first_read() -> None:
    text = Text("Smith, A. ", Tag("em", "A Title"), ". 2020.")
    kept = pickle.loads(pickle.dumps(KeptEntry.of(FormattedEntry("smith2020", text, "Smi20"))))
    assert isinstance(kept, KeptEntry)
    assert (kept.key, kept.label) == ("smith2020", "Smi20")
    assert kept._blob is not None
    relabelled = kept.relabelled("1")
    assert relabelled._blob is kept._blob
    assert kept.text == text
    assert kept._blob is None
    assert relabelled.text == text and relabelled.label == "1"
    # Pickled again, read or not, it is the same entry.
    again = pickle.loads(pickle.dumps(kept))
    assert (again.key, again.label, again.text) == ("smith2020", "Smi20", text)


def test_a_text_set_replaces_the_pickled_one() -> None:
    kept = KeptEntry.pickled("k", "L", pickle.dumps(Text("old")))
    kept.text = Text("new")
    assert kept.text == Text("new")
    assert KeptEntry.of(kept) is kept
    assert keptentry.FormattedEntry is FormattedEntry
