"""Bibliography cache (setup to build-finished): sphinxcontrib-bibtex without its repeated work.

sphinxcontrib-bibtex 2.7 and pybtex 0.26 repeat costly work on every build:

* **Plugin lookups.** ``pybtex.plugin.find_plugin`` answers a request for a backend or style
  class by scanning the entry points of every installed distribution
  (``importlib.metadata.entry_points``): milliseconds per call, more with every package in
  the environment. sphinxcontrib-bibtex calls it once per citation it resolves (the plain-text
  backend, for the tooltip) and pybtex's ``Text.render_as`` once per rendering; on the
  benchmark's 10x edition these lookups were half of the build time. :func:`find_plugin`
  remembers each answer. The plugins registered at run time (``pybtex.plugin.register_plugin``,
  which the edition's styles use) are part of the memo's key, so registering or replacing one
  is seen at once; only a distribution installed while a build runs would go unnoticed.
  The lookups that still reach the entry points (pybtex's ``register_plugin`` and first
  lookups, sphinxcontrib-bibtex's referencing styles) select from one scan per process
  (:func:`critical_edition.core.distributions.entry_points`) instead of scanning for each.
* **Formatting.** At ``env-updated`` sphinxcontrib-bibtex formats every entry of every
  bibliography again (twice, with tooltips on), even when nothing changed. The formatting
  styles found through the memo are given a ``format_entry`` that looks the result up by
  (style, label, entry fingerprint) first. The cache is kept between builds in the doctree
  directory (``critical_edition_bibcache.pickle``), so an incremental build formats only the
  entries that changed; it writes only those, beside the file (:data:`NEW_ENTRIES_NAME`),
  until they and the entries no longer used outgrow an eighth of the file. The style's fingerprint covers the source files of its classes and
  the pybtex and sphinxcontrib-bibtex versions, so editing a style's code empties its part of
  the cache; an entry's fingerprint covers its key, type, fields and names. Entries with a
  ``crossref`` (whose output depends on another entry) and calls with ``bib_data`` are never
  cached. An entry that cannot be formatted raises on every build, as without the cache.
* **Sorting.** Each entry's sort key and each sorted list's labels are kept between builds
  the same way (:mod:`.bibsort`), so that an unchanged bibliography is not sorted afresh.
* **Fingerprints.** The formatting cache, the tooltips, the CSL-JSON's digest and the claim
  index's each digest the entries they read, on every build. The fingerprints are worked out
  once per parse of the .bib files and kept with the parsed data in the environment
  (:func:`remember_fingerprints`); sphinxcontrib-bibtex parses again only when a file changed.
* **Filtering.** Before formatting, ``BibtexDomain.get_filtered_entries`` finds the pages
  citing each entry by scanning every citation of the edition, for every entry: entries x
  citations set constructions on every build (a third of an incremental build at 50x the
  paper). :func:`.biblookup.get_filtered_entries` is the same function with the citing pages of
  every key collected in one pass first; the rest is upstream's code, unchanged.
* **Lookup.** ``BibtexDomain.resolve_xref`` finds a reference's entries by scanning every
  citation of the edition, twice, for every reference (references x entries).
  :func:`.biblookup.resolve_xref` runs upstream's code on the reference's own keys'
  citations, taken from an index built once a build.
* **Backreferences.** ``BibliographyTransform.run`` looks each entry's backreferences up by
  scanning every citation reference of the edition, for every entry of the bibliography
  (entries x references), keeping only those on the bibliography's own page.
  :func:`.bibtransform.bibliography_run` runs upstream's code with the references of those
  pages only, on copies of the environment's citation nodes (upstream fills in its own).
* **Pickle.** The citations worked out at ``env-updated`` are not pickled (:mod:`.bibpickle`).

The output is byte-identical with and without the cache (``tests/test_bibcache.py`` builds a
small root both ways, and checks that the pybtex and sphinxcontrib-bibtex functions wrapped or
replaced here are still the code this module was written against). Set the environment
variable ``CRITICAL_EDITION_BIBCACHE=0`` to build with stock sphinxcontrib-bibtex (the
benchmark does); the cache also stands aside on pybtex or sphinxcontrib-bibtex releases the
tests do not cover (:mod:`.versions`).

Upstream: no issue of pybtex or sphinxcontrib-bibtex asks for these changes (none found when
this was written); the nearest precedent is Pygments' entry-point cache (pull request #2979).
Each part can go when upstream memoises plugin lookups, formats only changed entries and
indexes citations by key.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.plugin
import pybtex.style.formatting
from sphinxcontrib.bibtex import domain as bibtex_domain
from sphinxcontrib.bibtex import plugin as bibtex_plugin
from sphinxcontrib.bibtex import transforms as bibtex_transforms

from critical_edition.core import distributions, keptpickle, priorities
from critical_edition.core.codestamp import mro_stamp
from critical_edition.speedups import bibpickle, bibsort, versions
from critical_edition.speedups.biblookup import (
    _original_get_filtered_entries,
    _original_resolve_xref,
    forget_positions,
    get_filtered_entries,
    resolve_xref,
)
from critical_edition.speedups.bibtransform import _original_bibliography_run, bibliography_run
from critical_edition.speedups.keptentry import KeptEntry, relabelled

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sphinx.application import Sphinx

#: Set to ``0`` to switch the cache off (for comparisons and when in doubt).
SWITCH = "CRITICAL_EDITION_BIBCACHE"
#: The cache file, in the doctree directory.
CACHE_NAME = "critical_edition_bibcache.pickle"
#: The entries formatted since the cache file was written (beside it): a rebuild after a
#: few edits writes these instead of every entry.
NEW_ENTRIES_NAME = "critical_edition_bibcache_new.pickle"
#: The cache file is written afresh (with only the entries in use) once the new entries and
#: the unused ones number more than the entries in use divided by this.
REWRITE_RATIO = 8
#: Bump when the layout of the cache file or of the fingerprints changes.
CACHE_VERSION = 3
#: The cache file's stamp (:mod:`.keptpickle`): a file of another layout is not read.
_CACHE_STAMP = f"bibcache v{CACHE_VERSION}"
#: A formatting style's class attribute: True when its ``format_entry`` makes the same text
#: whatever the label (the label is only stored), as pybtex's own does.
TEXT_WITHOUT_LABEL = "text_without_label"
#: The modules whose ``find_plugin`` is replaced by the memo: pybtex's own (looked up at call
#: time by sphinxcontrib-bibtex and by ``Text.render_as``) and the name imported by the
#: formatting styles' ``__init__`` (names, labels and sorting styles).
PATCHED_MODULES = (pybtex.plugin, pybtex.style.formatting)
#: The modules whose ``entry_points`` (imported from ``importlib.metadata``) is replaced by
#: :func:`entry_points`.
ENTRY_POINT_MODULES = (pybtex.plugin, bibtex_plugin)


def enabled() -> bool:
    """Whether the cache is on: unless ``CRITICAL_EDITION_BIBCACHE=0``, and only on the pybtex
    and sphinxcontrib-bibtex releases the tests cover (:mod:`.versions`)."""
    return versions.switched_on(SWITCH) and versions.covered(
        "bibliography cache", "pybtex", "sphinxcontrib-bibtex"
    )


# -- the plugin memo -------------------------------------------------------------------------

_original_find_plugin: Callable[..., Any] = pybtex.plugin.find_plugin
_original_entry_points: Callable[..., importlib.metadata.EntryPoints] = (
    importlib.metadata.entry_points
)


#: pybtex's lookups of entry points: one scan of the distributions per process, made again
#: only when ``sys.path`` changes (:mod:`critical_edition.core.distributions`).
entry_points = distributions.entry_points


_found: dict[tuple[Any, ...], type] = {}


def _runtime_state(group: str) -> tuple[tuple[str, str, int], ...]:
    """The plugins registered at run time that a lookup in *group* may return."""
    registry: dict[str, dict[str, type]] = pybtex.plugin._RUNTIME_PLUGINS
    return tuple(
        (name, plugin_name, id(klass))
        for name in (group, group + ".aliases", group + ".suffixes")
        for plugin_name, klass in registry.get(name, {}).items()
    )


def find_plugin(plugin_group: str, name: Any = None, filename: Any = None) -> Any:
    """``pybtex.plugin.find_plugin``, remembering its answers; formatting styles are cached.

    Same arguments, result and exceptions as pybtex's function (errors are not remembered).
    """
    if isinstance(name, type):
        return _original_find_plugin(plugin_group, name, filename)
    key = (plugin_group, name, filename, _runtime_state(plugin_group))
    found = _found.get(key)
    if found is None:
        found = _original_find_plugin(plugin_group, name, filename)
        if plugin_group == "pybtex.style.formatting" and isinstance(found, type):
            found = _caching_style(found)
        _found[key] = found
    return found


def install() -> None:
    """Put the memo in place of pybtex's ``find_plugin``, and the one-pass filter (idempotent)."""
    for module in PATCHED_MODULES:
        if module.find_plugin is _original_find_plugin:
            module.find_plugin = find_plugin
    for module in ENTRY_POINT_MODULES:
        if module.entry_points is _original_entry_points:
            setattr(module, "entry_points", entry_points)  # noqa: B010
    setattr(bibtex_domain.BibtexDomain, "get_filtered_entries", get_filtered_entries)  # noqa: B010
    setattr(bibtex_domain.BibtexDomain, "resolve_xref", resolve_xref)  # noqa: B010
    setattr(bibtex_transforms.BibliographyTransform, "run", bibliography_run)  # noqa: B010


def uninstall() -> None:
    """Restore pybtex's ``find_plugin`` and sphinxcontrib-bibtex's filter; forget the memo."""
    for module in PATCHED_MODULES:
        if module.find_plugin is find_plugin:
            module.find_plugin = _original_find_plugin
    for module in ENTRY_POINT_MODULES:
        if module.entry_points is entry_points:
            setattr(module, "entry_points", _original_entry_points)  # noqa: B010
    setattr(  # noqa: B010
        bibtex_domain.BibtexDomain, "get_filtered_entries", _original_get_filtered_entries
    )
    setattr(bibtex_domain.BibtexDomain, "resolve_xref", _original_resolve_xref)  # noqa: B010
    setattr(  # noqa: B010
        bibtex_transforms.BibliographyTransform, "run", _original_bibliography_run
    )
    _found.clear()


# -- the formatting cache --------------------------------------------------------------------


#: One formatted entry's place in the cache: (style, (label, entry fingerprint)).
CacheKey = tuple[str, tuple[str, str]]


class FormatCache:
    """Formatted entries by style and (label, entry fingerprint); what this build used."""

    def __init__(
        self,
        stored: dict[str, dict[tuple[str, str], Any]] | None = None,
        in_file: dict[str, set[tuple[str, str]]] | None = None,
    ) -> None:
        self.stored = stored or {}
        #: The entries of :attr:`stored` that the cache file holds (the others are new).
        self.in_file = in_file or {}
        self.used: dict[str, dict[tuple[str, str], Any]] = {}
        self.hits = 0
        self.misses = 0
        self._recorders: list[set[CacheKey]] = []

    def get(self, style: str, key: tuple[str, str]) -> Any:
        found = self.stored.get(style, {}).get(key)
        if found is not None:
            self.hits += 1
            self._use(style, key, found)
        return found

    def put(self, style: str, key: tuple[str, str], value: Any) -> None:
        self.misses += 1
        self.stored.setdefault(style, {})[key] = value
        self._use(style, key, value)

    def _use(self, style: str, key: tuple[str, str], value: Any) -> None:
        self.used.setdefault(style, {})[key] = value
        for recorder in self._recorders:
            recorder.add((style, key))

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[CacheKey]]:
        """The entries looked up or formatted inside the ``with`` block, as they are used."""
        keys: set[CacheKey] = set()
        self._recorders.append(keys)
        try:
            yield keys
        finally:
            # By identity: two recordings under way may hold equal sets.
            self._recorders = [recorder for recorder in self._recorders if recorder is not keys]

    def new_entries(self) -> dict[str, dict[tuple[str, str], Any]]:
        """The entries used that the cache file does not hold."""
        new: dict[str, dict[tuple[str, str], Any]] = {}
        for style, entries in self.used.items():
            in_file = self.in_file.get(style, set())
            for key, value in entries.items():
                if key not in in_file:
                    new.setdefault(style, {})[key] = value
        return new

    def unused_in_file(self) -> int:
        """How many entries of the cache file were not used."""
        return sum(
            len(keys - self.used.get(style, {}).keys()) for style, keys in self.in_file.items()
        )

    def keep(self, keys: Iterable[CacheKey]) -> None:
        """Count *keys* as used by this build (and by the recordings under way), those still
        stored.

        For work an earlier build formatted and this one reuses without formatting (the
        bibliography check's result, or one entry's): saving keeps them, for when that work
        is done again.
        """
        for style, key in keys:
            found = self.stored.get(style, {}).get(key)
            if found is not None:
                self._use(style, key, found)


#: The cache of the running build (a fresh one until ``builder-inited`` loads the stored one).
CACHE = FormatCache()


def _versions() -> str:
    """The versions of the formatting packages (each read once per process)."""
    return ";".join(
        f"{dist}={versions.installed_version(dist) or '?'}"
        for dist in ("pybtex", "sphinxcontrib-bibtex", "pybtex-docutils")
    )


#: Where the code of a style class and its bases lives, and when it last changed (a style
#: defined in conf.py has no module file: its source is stamped instead).
source_stamp = mro_stamp


#: id(entry) -> (the entry, its fingerprint), for the entries of the .bib data in use.
_FINGERPRINTS: dict[int, tuple[Any, str]] = {}
#: The attribute of the parsed .bib data (pybtex's ``BibliographyData``, kept in the
#: environment) holding its entries' fingerprints, under :func:`_fingerprint_stamp`.
_FINGERPRINTS_ATTRIBUTE = "critical_edition_fingerprints"


@functools.cache
def _fingerprint_stamp() -> str:
    """This module's code and the formatting packages' versions (read once per process)."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"v{CACHE_VERSION}|{code}|{_versions()}"


def _stored_fingerprints(data: Any) -> dict[str, str] | None:
    """The fingerprints remembered with the parsed *data* under this code's stamp; None when
    there are none (or the cache is off)."""
    stored = getattr(data, _FINGERPRINTS_ATTRIBUTE, None)
    if (
        enabled()
        and isinstance(stored, tuple)
        and len(stored) == 2
        and stored[0] == _fingerprint_stamp()
        and isinstance(stored[1], dict)
    ):
        return stored[1]
    return None


def remember_fingerprints(app: Sphinx, env: Any = None, docnames: Any = None) -> None:
    """Fingerprint the entries of the .bib data once per parse (``env-before-read-docs``).

    sphinxcontrib-bibtex parses the .bib files again only when one of them changed (its name,
    date or encoding); the parsed data is kept in the environment, and the fingerprints with
    it, under :func:`_fingerprint_stamp`: four passes of a build (formatting, tooltips, the
    CSL-JSON's digest, the claim index's) over 1,900 entries at fifty times the paper read
    them instead of digesting every entry. A parse of changed files is a new object without
    them, and an edit of this module or an upgrade of pybtex or sphinxcontrib-bibtex changes
    the stamp: fingerprinted afresh. Off with ``CRITICAL_EDITION_BIBCACHE=0``.
    """
    _FINGERPRINTS.clear()
    cite = app.env.domains.get("cite")
    bibdata = getattr(getattr(cite, "data", {}).get("bibdata"), "data", None)
    entries = getattr(bibdata, "entries", None)
    if not enabled() or entries is None:
        return
    stamp = _fingerprint_stamp()
    known = _stored_fingerprints(bibdata) or {}
    fingerprints = {
        str(key): known.get(str(key)) or compute_fingerprint(entry)
        for key, entry in entries.items()
    }
    setattr(bibdata, _FINGERPRINTS_ATTRIBUTE, (stamp, fingerprints))
    for key, entry in entries.items():
        _FINGERPRINTS[id(entry)] = (entry, fingerprints[str(key)])


def carry_fingerprints(last: Any, parsed: Any) -> None:
    """Give *parsed* (a new parse of the .bib files) the remembered fingerprints of the
    entries it shares with *last* (the parse it replaces), as the very same objects.

    The .bib check hands over an entry whose text did not change as the last parse's object
    (:mod:`critical_edition.bibliography.entrymemo`); its fingerprint is the one remembered
    with that parse, so :func:`remember_fingerprints` works out only the others' (after a
    one-entry edit at fifty times the paper, one instead of 1,900).
    """
    known = _stored_fingerprints(last)
    if known is None:
        return
    before = last.entries
    carried = {
        str(key): known[str(key)]
        for key, entry in parsed.entries.items()
        if str(key) in known and before.get(key) is entry
    }
    setattr(parsed, _FINGERPRINTS_ATTRIBUTE, (_fingerprint_stamp(), carried))


#: The last :func:`parse_digest`, with the fingerprints it digests (never changed once
#: remembered: a new parse is given a new dict), for its second caller in a build.
_PARSE_DIGEST: list[tuple[dict[str, str], str]] = []


def parse_digest(bibliography_data: Any) -> str | None:
    """A digest of the remembered fingerprints of every entry of *bibliography_data* (with
    their stamp), or None when they are not remembered (the cache is off)."""
    known = _stored_fingerprints(bibliography_data)
    if known is None:
        return None
    if _PARSE_DIGEST and _PARSE_DIGEST[0][0] is known:
        return _PARSE_DIGEST[0][1]
    parts = (_fingerprint_stamp(), sorted(known.items()))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    _PARSE_DIGEST[:] = [(known, digest)]
    return digest


def entry_fingerprint(entry: Any) -> str:
    """A digest of everything a formatting style reads from *entry*: remembered for the
    entries of the .bib data in use (:func:`remember_fingerprints`), else worked out."""
    known = _FINGERPRINTS.get(id(entry))
    if known is not None and known[0] is entry:
        return known[1]
    return compute_fingerprint(entry)


def compute_fingerprint(entry: Any) -> str:
    """A digest of everything a formatting style reads from *entry* (its key, type, fields
    and names), worked out."""
    persons = tuple(
        (
            str(role),
            tuple(
                (
                    tuple(p.first_names),
                    tuple(p.middle_names),
                    tuple(p.prelast_names),
                    tuple(p.last_names),
                    tuple(p.lineage_names),
                )
                for p in people
            ),
        )
        for role, people in entry.persons.items()
    )
    fields = tuple((str(name), repr(value)) for name, value in entry.fields.items())
    data = (str(entry.key), entry.type, entry.original_type, fields, persons)
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


_caching_classes: dict[type, type] = {}


def _defining(cls: type, name: str) -> type:
    """The class of *cls*'s method resolution order that defines *name* (a subclass that
    overrides ``format_entry`` does not inherit its parent's word on the label)."""
    return next((klass for klass in cls.__mro__ if name in vars(klass)), cls)


def _caching_style(cls: Any) -> Any:
    """A subclass of the formatting style *cls* whose ``format_entry`` goes through the cache.

    It keeps the style's name, module and behaviour; only instances made without arguments
    (as sphinxcontrib-bibtex makes them) use the cache.
    """
    if not (isinstance(cls, type) and issubclass(cls, pybtex.style.formatting.BaseStyle)):
        return cls
    cached = _caching_classes.get(cls)
    if cached is not None:
        return cached
    style_class: Any = cls  # pybtex has no type information
    base_format: Callable[..., Any] = style_class.format_entry
    base_init: Callable[..., None] = style_class.__init__
    stamps: dict[type, str] = {}

    def stamp(klass: type) -> str:
        """:func:`source_stamp`, worked out once per class for this style class."""
        if klass not in stamps:
            stamps[klass] = source_stamp(klass)
        return stamps[klass]

    # pybtex's own format_entry makes the text without the label (it only stores it); a style
    # that says the same (TEXT_WITHOUT_LABEL) has one entry in the cache whatever the label:
    # the bibliography check's trial formatting (no label) then serves the bibliography's.
    label_free = base_format is pybtex.style.formatting.BaseStyle.format_entry or bool(
        vars(_defining(cls, "format_entry")).get(TEXT_WITHOUT_LABEL, False)
    )

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        base_init(self, *args, **kwargs)
        self._bibcache_style = None
        # The switch only: the versions were checked once, when the cache was installed.
        if not args and not kwargs and versions.switched_on(SWITCH):
            name_style = type(getattr(self, "name_style", None))
            self._bibcache_style = "\n".join(
                (f"v{CACHE_VERSION}", _versions(), stamp(cls), stamp(name_style))
            )
            # A style is made at every {footcite}: the sort and label styles' stamps are
            # worked out once per class, as the formatting style's.
            bibsort.remember(self, stamp, entry_fingerprint)

    def format_entry(self: Any, label: str, entry: Any, bib_data: Any = None) -> Any:
        style = self._bibcache_style
        if style is None or bib_data is not None or "crossref" in entry.fields:
            return base_format(self, label, entry, bib_data)
        key = ("" if label_free else str(label), entry_fingerprint(entry))
        found = CACHE.get(style, key)
        if found is None:
            found = base_format(self, key[0], entry)
            CACHE.put(style, key, found)
        if found.label != label:
            found = relabelled(found, label)
        return found

    cached = type(
        cls.__name__,
        (cls,),
        {
            "__init__": init,
            "format_entry": format_entry,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
            "bibcache_base": cls,
        },
    )
    _caching_classes[cls] = cached
    return cached


# -- Sphinx events ---------------------------------------------------------------------------


def _cache_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / CACHE_NAME


def _read(path: Path) -> dict[str, dict[tuple[str, str], Any]]:
    """The formatted entries kept in *path*; none from a file that is damaged or written by
    other versions of the code (:func:`.keptpickle.load`)."""
    stored = keptpickle.load(path, _CACHE_STAMP)
    if not isinstance(stored, dict) or not all(isinstance(v, dict) for v in stored.values()):
        return {}
    return stored


def load(app: Sphinx) -> None:
    """Read the formatted entries of the last builds (``builder-inited``): the cache file's
    and the new entries' beside it."""
    global CACHE
    path = _cache_path(app)
    stored = _read(path) if enabled() else {}
    in_file = {style: set(entries) for style, entries in stored.items()}
    # An entry is kept under a digest of all it is made from: whichever file holds it, and
    # whether or not the two files were written by the same build, it is the same.
    for style, entries in (_read(path.with_name(NEW_ENTRIES_NAME)) if enabled() else {}).items():
        stored.setdefault(style, {}).update(entries)
    sort_file = path.with_name(bibsort.FILE_NAME)
    bibsort.load(sort_file if enabled() else None, bibsort.file_key(_versions()))
    CACHE = FormatCache(stored, in_file)


def _texts_apart(
    entries: dict[str, dict[tuple[str, str], Any]],
) -> dict[str, dict[tuple[str, str], Any]]:
    """*entries* with each text pickled apart (:class:`.KeptEntry`), read when first needed."""
    return {
        style: {key: KeptEntry.of(value) for key, value in kept.items()}
        for style, kept in entries.items()
    }


def save(app: Sphinx, exception: BaseException | None) -> None:
    """Keep the entries this build used for the next one (``build-finished``); a file that
    cannot be written only makes the next build slower.

    After a few edits of the .bib files only the entries formatted since the cache file was
    written are written (:data:`NEW_ENTRIES_NAME`); the cache file is written afresh, with
    only the entries in use, once these and the unused ones grow past an eighth of them.
    """
    if exception is None and enabled():
        bibsort.save(_cache_path(app).with_name(bibsort.FILE_NAME), bibsort.file_key(_versions()))
    if exception is not None or not enabled() or not CACHE.misses:
        # Nothing new was formatted: the stored files still hold every entry used.
        return
    path = _cache_path(app)
    new = CACHE.new_entries()
    in_use = sum(len(entries) for entries in CACHE.used.values())
    outgrown = sum(map(len, new.values())) + CACHE.unused_in_file() > in_use // REWRITE_RATIO
    if CACHE.in_file and not outgrown:
        keptpickle.save(path.with_name(NEW_ENTRIES_NAME), _CACHE_STAMP, _texts_apart(new))
    elif keptpickle.save(path, _CACHE_STAMP, _texts_apart(CACHE.used)):
        with contextlib.suppress(OSError):
            path.with_name(NEW_ENTRIES_NAME).unlink(missing_ok=True)


def register(app: Sphinx) -> None:
    """Install the plugin memo and connect the formatting cache's loading and saving."""
    if enabled():
        install()
        # env-updated, after sphinxcontrib-bibtex: its citations are not pickled.
        app.connect(
            "env-updated",
            bibpickle.leave_out_of_pickle,
            priority=priorities.CITATIONS_OUT_OF_PICKLE,
        )
    else:
        uninstall()
    # builder-inited, priority 100: before sphinxcontrib-bibtex or anything formats an entry.
    app.connect("builder-inited", load, priority=priorities.LOAD_BIB_CACHE)
    # env-before-read-docs: sphinxcontrib-bibtex parsed the .bib files (builder-inited).
    app.connect("env-before-read-docs", remember_fingerprints)
    # build-finished: after every entry of this build was formatted (env-updated).
    app.connect("build-finished", save)
    # write-started: the citations were collected anew (env-updated); index them again.
    app.connect("write-started", forget_positions)
