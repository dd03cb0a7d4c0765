"""Bibliography sort memo (builder-inited to build-finished): part of the bibliography cache.

At ``env-updated`` sphinxcontrib-bibtex sorts the entries of every bibliography and labels
them (pybtex's ``BaseStyle.sort`` and ``format_labels``) again in every build, even when no
entry changed: a sort key worked out for each of 1,900 entries at fifty times the paper, then
the labels of the whole list. The formatting cache (:mod:`.bibcache`) already keeps each
entry's text; this module keeps the rest, between builds, in the doctree directory
(:data:`FILE_NAME`):

* each entry's sort key, by the sorting style and the entry's fingerprint, when the style
  sorts as pybtex's ``BaseSortingStyle.sort`` does (Python's stable ``sorted`` on
  ``sorting_key``) and the key is plain data (strings, numbers, tuples of them): the list is
  then sorted on the kept keys, so it comes out in the same order;
* a sorted list's labels, by the label style and the fingerprints of the list's entries in
  order (a label may depend on the other entries: ``Mammadov 2020a``, ``2020b``).

An entry with a ``crossref`` (whose data is another entry's too) is never kept, nor a list
holding one. The styles are keyed by where their code lives and when it changed
(:func:`.bibcache.source_stamp`), the file by the toolkit's code stamp and the formatting
packages' versions: a change of either starts afresh. It is on and off with the bibliography
cache (``CRITICAL_EDITION_BIBCACHE=0``); ``tests/test_bibcache.py`` builds both ways and
compares the output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.style.sorting

from critical_edition.core import keptpickle
from critical_edition.core.codestamp import code_stamp

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

#: The file, in the doctree directory, holding the sort keys and labels between builds.
FILE_NAME = "critical_edition_bibsort.pickle"
#: The file's layout; a file of another layout is ignored.
FILE_FORMAT = 2
#: The types a kept sort key may be made of.
_PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether *value* is plain data (compared and pickled as itself)."""
    if isinstance(value, tuple):
        return all(_plain(part) for part in value)
    return isinstance(value, _PLAIN)


class Memo:
    """Values kept by key: those of the last build (stored) and those this build used."""

    def __init__(self, stored: dict[Any, Any] | None = None) -> None:
        self.stored: dict[Any, Any] = stored or {}
        self.used: dict[Any, Any] = {}
        self.misses = 0

    def get(self, key: Any) -> Any:
        found = self.stored.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: Any, value: Any) -> None:
        self.misses += 1
        self.stored[key] = self.used[key] = value


#: The sort keys ((style stamp, entry fingerprint): key) and the labels ((style stamp, digest
#: of the sorted entries' fingerprints): labels) of the running build.
SORT_KEYS = Memo()
LABELS = Memo()


def file_key(versions: str) -> str:
    """What the kept values depend on besides their keys: the toolkit's code and *versions*
    (the formatting packages')."""
    return f"{FILE_FORMAT}|{code_stamp()}|{versions}"


def load(path: Path | None, key: str) -> None:
    """Read the sort keys and labels of the last build from *path* (kept under *key*); none
    when *path* is None (the cache is off), or the file is missing, damaged or another's
    (:func:`.keptpickle.load`)."""
    global SORT_KEYS, LABELS
    stored = keptpickle.load(path, key) if path is not None else None
    sort_keys: dict[Any, Any] = {}
    labels: dict[Any, Any] = {}
    if isinstance(stored, dict):
        kept_keys, kept_labels = stored.get("sort_keys"), stored.get("labels")
        if isinstance(kept_keys, dict) and isinstance(kept_labels, dict):
            sort_keys, labels = kept_keys, kept_labels
    SORT_KEYS, LABELS = Memo(sort_keys), Memo(labels)


def save(path: Path, key: str) -> None:
    """Keep what this build used for the next one, when something was worked out anew (a
    memo that cannot be kept only makes builds slower)."""
    if not (SORT_KEYS.misses or LABELS.misses):
        return
    keptpickle.save(path, key, {"sort_keys": SORT_KEYS.used, "labels": LABELS.used})


def _sorted(
    sorting: Any, stamp: str, fingerprint: Callable[[Any], str], entries: Iterable[Any]
) -> list[Any]:
    """``sorted(entries, key=sorting.sorting_key)``, with the keys read from the memo."""
    listed = list(entries)
    keys: list[Any] = []
    for entry in listed:
        if "crossref" in entry.fields:
            keys.append(sorting.sorting_key(entry))
            continue
        memo_key = (stamp, fingerprint(entry))
        found = SORT_KEYS.get(memo_key)
        if found is None:
            found = sorting.sorting_key(entry)
            if _plain(found):
                SORT_KEYS.put(memo_key, found)
        keys.append(found)
    # Stable, as sorted() on the entries: equal keys keep the order they came in.
    order = sorted(range(len(listed)), key=keys.__getitem__)
    return [listed[position] for position in order]


def _labels(
    format_labels: Callable[[Any], Iterable[str]],
    stamp: str,
    fingerprint: Callable[[Any], str],
    sorted_entries: Any,
) -> Iterator[str]:
    """``format_labels(sorted_entries)``, read from the memo for a list labelled before."""
    listed = list(sorted_entries)
    if any("crossref" in entry.fields for entry in listed):
        yield from format_labels(listed)
        return
    digest = hashlib.sha256("\n".join(fingerprint(entry) for entry in listed).encode("ascii"))
    memo_key = (stamp, digest.hexdigest())
    found = LABELS.get(memo_key)
    if found is None:
        found = tuple(format_labels(listed))
        if _plain(found):
            LABELS.put(memo_key, found)
    yield from found


def remember(style: Any, stamp: Callable[[type], str], fingerprint: Callable[[Any], str]) -> None:
    """Give the formatting *style* (just made) a ``sort`` and ``format_labels`` that read the
    memo; pybtex's ``BaseStyle.__init__`` set them from its sorting and label styles.

    :param stamp: where a style class's code lives and when it changed.
    :param fingerprint: a digest of everything a style reads from an entry.
    """
    sorting = getattr(style, "sorting_style", None)
    stock_sort = pybtex.style.sorting.BaseSortingStyle.sort
    if sorting is not None and style.sort == sorting.sort and type(sorting).sort is stock_sort:
        sort_stamp = stamp(type(sorting))
        style.sort = lambda entries: _sorted(sorting, sort_stamp, fingerprint, entries)
    labelling = getattr(style, "label_style", None)
    if labelling is not None and style.format_labels == labelling.format_labels:
        label_stamp = stamp(type(labelling))
        base = labelling.format_labels
        style.format_labels = lambda entries: _labels(base, label_stamp, fingerprint, entries)
