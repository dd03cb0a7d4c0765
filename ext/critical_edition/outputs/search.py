"""Output (write phase's end): the search index's entries for speakers, claims and register entries.

Sphinx stores an object's anchor as ``-`` when it is ``<type>-<name>`` (``actor-lavrov``), and
its search page rebuilds the anchor from the title it shows (``actor-Sergey Lavrov``): every
speaker and claim would link to an id that does not exist. Sphinx also stores titles
HTML-escaped, and the search page escapes them again (``Armenia&#x27;s``). When Sphinx's
indexer freezes the index for ``searchindex.js``, the entries of the edition's own domains get
their anchors in full and their titles as plain text; nothing else in the index changes, and
the file is written once, by Sphinx (it used to be read back, repaired and written again).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from critical_edition.apparatus.domain import apparatus_domain
from critical_edition.claims.domain import edition_domain
from critical_edition.outputs.searchfreeze import FrozenText

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx

#: An object entry of the index: [document, type, priority, anchor, title].
Entry = list[Any]
#: (document number, type number, title as stored) -> (anchor, title as plain text).
Wanted = dict[tuple[int, int, str], tuple[str, str]]


def _wanted(app: Sphinx, docs: dict[str, int], types: dict[str, int]) -> Wanted:
    """(document, type, title) -> (anchor, plain title) for every object the index lists."""
    wanted: Wanted = {}
    for domain in (edition_domain(app.env), apparatus_domain(app.env)):
        for _name, title, kind, docname, anchor, priority in domain.get_objects():
            typeindex = types.get(f"{domain.name}:{kind}")
            if priority < 0 or typeindex is None or docname not in docs:
                continue
            for shown in {html.escape(title), title}:
                wanted[docs[docname], typeindex, shown] = (anchor, title)
    return wanted


def repair_objects(index: dict[str, Any], wanted: Wanted) -> dict[str, Any]:
    """*index*'s objects with the entries of *wanted* given their anchor and plain title."""
    objects: dict[str, list[Entry]] = {}
    for prefix, entries in index["objects"].items():
        for entry in entries:
            doc, typeindex, priority, _anchor, name = entry
            title = f"{prefix}.{name}" if prefix else str(name)
            fix = wanted.get((doc, typeindex, title))
            if fix is None:
                objects.setdefault(prefix, []).append(entry)
                continue
            # Sphinx files an object under the part of its title before the last dot.
            new_prefix, _, new_name = fix[1].rpartition(".")
            objects.setdefault(new_prefix, []).append([doc, typeindex, priority, fix[0], new_name])
    return {**index, "objects": objects}


def repair_when_frozen(app: Sphinx, indexer: Any) -> None:
    """Have *indexer* repair the edition's entries as it freezes the index for
    ``searchindex.js``."""
    freeze = indexer.freeze

    def frozen_and_repaired() -> dict[str, Any]:
        index: dict[str, Any] = freeze()
        if isinstance(index.get("objects"), FrozenText):
            return index  # the last build's objects, repaired then (searchfreeze)
        docs = {docname: number for number, docname in enumerate(index["docnames"])}
        types = {str(kind): int(number) for number, kind in index["objtypes"].items()}
        return repair_objects(index, _wanted(app, docs, types))

    indexer.freeze = frozen_and_repaired


def watch(app: Sphinx) -> None:
    """Once the HTML builder has made its indexer (its ``prepare_writing``, in the main
    process), have it repair what it freezes (``builder-inited``)."""
    builder: Any = app.builder
    original = getattr(builder, "prepare_writing", None)
    if builder.format != "html" or original is None:
        return

    def prepare_writing(docnames: AbstractSet[str]) -> None:
        original(docnames)
        if getattr(builder, "indexer", None) is not None:
            repair_when_frozen(app, builder.indexer)

    setattr(builder, "prepare_writing", prepare_writing)  # noqa: B010


def register(app: Sphinx) -> None:
    """Register the repair of the search index."""
    app.connect("builder-inited", watch)
