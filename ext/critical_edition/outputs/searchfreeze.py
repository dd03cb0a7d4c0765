"""Output (write phase's end, the search index): objects kept from the last build, pruning by set.

When Sphinx's HTML builder freezes ``searchindex.js`` it walks every object of every domain
(``IndexBuilder.get_objects``: each domain's objects sorted, escaped, filed by title), the
toolkit repairs its own domains' entries (:mod:`.search`), and the result is written as JSON.
The edition's claims and speakers are two thirds of the file, and a prose edit changes none.

Here the objects of the last build's file are kept: at the next build, while its indexer loads
the file, the text of the ``objects`` part is set aside unparsed; when the index is frozen a
digest of what the objects are made from (:func:`objects_key`: every domain's objects as they
give them, the documents' numbering, the object types known before, the releases of Sphinx and
the toolkit's code) is compared with the last build's, and when it is the same, that text is
written again in place of a new walk, repair and JSON dump. The digest and the place of the
part in the file are kept in the doctree directory (:data:`FILE_NAME`) with a digest of the
whole file: a file written by anyone else, or changed since, is never taken from.

Before it writes the index, Sphinx prunes every word's pages to the documents of the build,
given as a dict: each word then walks every document. The indexer here is given them as a set
(:class:`Documents`, in the dict's order), which prunes the same.

The file is byte-identical with and without these shortcuts (``tests/test_search_freeze.py``
builds both ways after a prose edit, a new claim, a changed title and no edit). Set the
environment variable ``CRITICAL_EDITION_SEARCHFREEZE=0`` to have every build walk the objects
and prune as Sphinx does; they stand aside on a Sphinx release the tests do not cover
(:mod:`.versions`).
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.search import js_index

from critical_edition.core import keptmaps
from critical_edition.core.codestamp import code_stamp
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx

#: Set to ``0`` to have every build walk the objects as Sphinx does.
SWITCH = "CRITICAL_EDITION_SEARCHFREEZE"
#: The file, in the builder's doctree directory, describing the last build's search index.
FILE_NAME = "critical_edition_searchfreeze.json"
#: The file's layout; a file of another layout is ignored.
FILE_FORMAT = 1
#: The part of the index that is kept.
PART = "objects"
#: What digesting a domain's objects may raise (an object that cannot be pickled or sorted):
#: they are then walked as Sphinx does, and nothing is kept.
UNDIGESTED = (
    pickle.PicklingError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    RecursionError,
)
#: The separators of Sphinx's JSON (``sphinx.search._JavaScriptIndex.dumps``).
SEPARATORS = (",", ":")


class FrozenText(str):
    """The ``objects`` part of the index as the last build wrote it (JSON text), standing for
    the part in the frozen index: it is written as it is, and the repair leaves it alone."""


def enabled() -> bool:
    """Whether the shortcut is on: unless ``CRITICAL_EDITION_SEARCHFREEZE=0``, and only on
    the Sphinx releases the tests cover."""
    return versions.switched_on(SWITCH) and versions.covered("search index shortcuts", "sphinx")


def file_digest(text: str) -> str:
    """The digest of the index file holding *text*."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _objects_bytes(objects: list[Any]) -> bytes:
    """*objects* pickled without the memo: the same objects give the same bytes, whichever
    strings they share."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=5)
    pickler.fast = True  # no memo: no back-references that depend on objects' identity
    pickler.dump(objects)
    return stream.getvalue()


def objects_key(app: Any, indexer: Any, fn2index: dict[str, int]) -> str:
    """A digest of everything the frozen ``objects`` part (and the object types) come from:
    each domain's objects the walk lists, in its order, the documents' numbers, the object
    types known before the walk, the builder, Sphinx's release and the toolkit's code."""
    domains = list(app.env.domains.sorted())
    # The objects the walk lists (of a document of the index, not hidden from searches),
    # sorted as it sorts them: a document read again moves its objects in the domains.
    objects = [
        (domain.name, sorted(o for o in domain.get_objects() if o[5] >= 0 and o[3] in fn2index))
        for domain in domains
    ]
    digest = hashlib.sha256()
    head = (
        FILE_FORMAT,
        code_stamp(),
        versions.installed_version("sphinx"),
        getattr(app.builder, "name", None),
        list(fn2index.items()),
        sorted(indexer._objtypes.items()),
        sorted(indexer._objnames.items()),
    )
    digest.update(repr(head).encode("utf-8", "surrogatepass"))
    digest.update(_objects_bytes(objects))
    return digest.hexdigest()


@dataclass
class Previous:
    """What the last build wrote, as this build found it."""

    #: The ``objects`` part, JSON text.
    text: str
    #: The key it was frozen under (:func:`objects_key`).
    key: str
    #: Its object types, by number: (domain, type, name as shown).
    objnames: dict[int, tuple[str, str, str]]
    #: Its object types, by number: ``domain:type``.
    objtypes: dict[int, str]


def _previous(state: dict[str, Any], text: str, frozen: dict[str, Any]) -> Previous | None:
    start, end = state["start"], state["end"]
    objnames = {int(k): (str(v[0]), str(v[1]), str(v[2])) for k, v in frozen["objnames"].items()}
    objtypes = {int(k): str(v) for k, v in frozen["objtypes"].items()}
    if objtypes != {k: f"{v[0]}:{v[1]}" for k, v in objnames.items()}:
        return None
    return Previous(text[start:end], str(state["key"]), objnames, objtypes)


class KeptObjectsIndex:
    """Sphinx's JavaScript index format (``searchindex.js``), keeping the ``objects`` part of
    the file it loads, and writing one set aside as it was."""

    PREFIX = js_index.PREFIX
    SUFFIX = js_index.SUFFIX

    def __init__(self, path: Path, env_version: object) -> None:
        self.path = path
        self.env_version = env_version
        self.previous: Previous | None = None
        #: The key of the objects this build froze (set when it froze them).
        self.key: str | None = None

    def loads(self, text: str) -> Any:
        """The index *text* holds, as Sphinx's format reads it; the ``objects`` part, when
        the last build's description fits the file, is set aside unparsed."""
        state = keptmaps.read_state(
            self.path,
            stamp={"format": FILE_FORMAT, "file": file_digest(text)},
            fields={"start": int, "end": int, "key": str},
        )
        if not state or not 0 < state["start"] <= state["end"] <= len(text):
            return js_index.loads(text)
        start, end = state["start"], state["end"]
        frozen = js_index.loads(text[:start] + "{}" + text[end:])
        if isinstance(frozen, dict) and frozen.get("envversion") == self.env_version:
            try:
                self.previous = _previous(state, text, frozen)
            except keptmaps.SHAPE_ERRORS:
                self.previous = None
        return frozen

    def load(self, f: Any) -> Any:
        return self.loads(f.read())

    def dumps(self, data: dict[str, Any]) -> str:
        """*data* as Sphinx's format writes it (one part at a time, to find the objects)."""
        parts: list[str] = []
        offset = len(self.PREFIX) + 1
        start = end = 0
        for name in sorted(data):
            value = data[name]
            head = json.dumps(name) + ":"
            if isinstance(value, FrozenText):
                body = str(value)
            else:
                body = json.dumps(value, separators=SEPARATORS, sort_keys=True)
            if name == PART:
                start = offset + len(head)
                end = start + len(body)
            parts.append(head + body)
            offset += len(head) + len(body) + 1
        text = self.PREFIX + "{" + ",".join(parts) + "}" + self.SUFFIX
        if self.key is not None and end:
            keptmaps.write_state(
                self.path,
                {
                    "format": FILE_FORMAT,
                    "file": file_digest(text),
                    "start": start,
                    "end": end,
                    "key": self.key,
                },
            )
        return text

    def dump(self, data: dict[str, Any], f: Any) -> None:
        f.write(self.dumps(data))


def keep_objects(app: Any, indexer: Any, index_format: KeptObjectsIndex) -> None:
    """Have *indexer* take its objects from the last build's file when they are unchanged."""
    get_objects: Callable[[dict[str, int]], Any] = indexer.get_objects

    def kept_or_walked(fn2index: dict[str, int]) -> Any:
        try:
            key = objects_key(app, indexer, fn2index)
        except UNDIGESTED:
            index_format.key = None  # nothing kept for the next build
            return get_objects(fn2index)
        index_format.key = key
        previous = index_format.previous
        if previous is None or previous.key != key:
            return get_objects(fn2index)
        # The object types the walk would have added, as it adds them (get_objects).
        for number, (domain_name, kind, _shown) in previous.objnames.items():
            if number in indexer._objnames:
                continue
            indexer._objtypes[domain_name, kind] = number
            domain = app.env.domains[domain_name]
            object_type = domain.object_types.get(kind)
            name = str(domain.get_type_name(object_type)) if object_type else kind
            indexer._objnames[number] = (domain_name, kind, name)
        return FrozenText(previous.text)

    indexer.get_objects = kept_or_walked


class Documents(set[str]):
    """Document names as a set (what a word's pages are pruned with), met in the order given."""

    def __init__(self, names: Iterable[str]) -> None:
        self.order = list(names)
        super().__init__(self.order)

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)


def prune_by_set(indexer: Any) -> None:
    """Have *indexer* prune with the documents as a set, whatever they are given as."""
    prune: Callable[[Iterable[str]], None] = indexer.prune

    def pruned(docnames: Iterable[str]) -> None:
        prune(docnames if isinstance(docnames, (set, frozenset)) else Documents(docnames))

    indexer.prune = pruned


def _stock(builder: Any) -> bool:
    """Whether *builder* writes ``searchindex.js`` as Sphinx's HTML builder does."""
    return (
        getattr(builder, "format", None) == "html"
        and getattr(builder, "indexer_format", None) is js_index
        and getattr(builder, "indexer_dumps_unicode", False) is True
        and hasattr(builder, "prepare_writing")
    )


def install(app: Sphinx) -> None:
    """Give the HTML builder the format that keeps the objects, and its indexer the walk
    that takes them (``builder-inited``)."""
    builder: Any = app.builder
    if not enabled() or not _stock(builder):
        return
    index_format = KeptObjectsIndex(Path(app.doctreedir) / FILE_NAME, app.env.version)
    builder.indexer_format = index_format
    original = builder.prepare_writing

    def prepare_writing(docnames: AbstractSet[str]) -> None:
        original(docnames)
        indexer = getattr(builder, "indexer", None)
        if indexer is not None and hasattr(indexer, "_objtypes"):
            keep_objects(app, indexer, index_format)
        if indexer is not None and hasattr(indexer, "prune"):
            prune_by_set(indexer)

    setattr(builder, "prepare_writing", prepare_writing)  # noqa: B010


def register(app: Sphinx) -> None:
    """Keep the search index's objects between builds, and prune it by set."""
    app.connect("builder-inited", install)
