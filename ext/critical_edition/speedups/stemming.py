"""Search stemming (write phase): each word stemmed once, then remembered between builds.

Sphinx's search indexer stems every word of every page it indexes (Snowball's stemmer, in
pure Python); it remembers a word's stem only while it indexes one page, so a word found on
300 pages is stemmed 300 times. At 50 times the paper that was a tenth of a full build. Here
the builder's indexer gets its language's ``stem`` remembered for the whole build: Snowball's
stemmers are functions of the word alone, so the index is the same (Chinese, whose stem
also depends on what its splitter has met, is left alone) (``tests/test_search_index.py``
compares it with the switch on and off).

The stems are also kept between builds, in a file of the builder's doctree directory
(:data:`FILE_NAME`): an incremental build that writes the claim index and the bibliography
again (thousands of words at 50 times the paper) reads their stems instead of stemming them
again. The file is read when the first word is stemmed and written at ``build-finished`` only
when the build stemmed new words; it holds at most :data:`SAVED_WORDS` words (the newest).
It is keyed on everything a stem depends on (:func:`file_key`: the language and the code of
its class, the search options, the releases of Sphinx, snowballstemmer and PyStemmer, and
the toolkit's code); a file with another key, or one that cannot be read, is ignored and
written afresh.

Sphinx's English search language makes Snowball's stemmer when the indexer is made; here it
is made when it first stems a word (:class:`StemmerOnDemand`), so that a build meeting no new
word (a rebuild with nothing changed) never imports Snowball's stemmers (on the Sphinx
releases the tests cover).

Set the environment variable ``CRITICAL_EDITION_STEMCACHE=0`` to stem as Sphinx does (no
memo, no file, the stemmer made with the indexer). Only the indexer's public attribute
(``lang``) and the language's ``stem`` method are used: a Sphinx whose indexer has neither is
left alone.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.core import keptmaps
from critical_edition.core.codestamp import code_stamp, mro_stamp
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to stem every word of every page, as Sphinx does.
SWITCH = "CRITICAL_EDITION_STEMCACHE"
#: How many words' stems a build keeps (a large edition's vocabulary fits many times over).
KEPT_WORDS = 200_000
#: How many words' stems the file keeps for the next build (the ones added last).
SAVED_WORDS = 100_000
#: The file, in the builder's doctree directory, holding the stems between builds.
FILE_NAME = "critical_edition_stems.json"
#: The file's layout; a file of another layout is ignored.
FILE_FORMAT = 1
#: Languages whose stem depends on more than the word (Chinese: the Latin terms its splitter
#: has met so far): stemmed as Sphinx does.
WORD_AND_STATE = frozenset({"zh"})
#: The distributions whose release can change a stem (PyStemmer replaces snowballstemmer's
#: pure-Python stemmers when it is installed).
STEMMING_PACKAGES = ("sphinx", "snowballstemmer", "PyStemmer")


class Stems(dict[str, str]):
    """Each word's stem, as the language's own ``stem`` gives it.

    A word not yet known is stemmed and kept (up to :data:`KEPT_WORDS` words). At the first
    word missing, the stems the last build kept in *path* are read in, if the file's key is
    the one *key* works out.
    """

    def __init__(
        self,
        stem: Callable[[str], str],
        path: Path | None = None,
        key: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.stem = stem
        self.path = path
        self.key = key
        #: The file's key, once it was worked out (at the first word missing).
        self.file_key: str | None = None
        #: How many words this build stemmed and kept.
        self.added = 0

    def __missing__(self, word: str) -> str:
        if self.path is not None and self.key is not None and self.file_key is None:
            self.file_key = self.key()
            self.update(read(self.path, self.file_key))
            found = self.get(word)
            if found is not None:
                return found
        found = self.stem(word)
        if len(self) < KEPT_WORDS:
            self[word] = found
            self.added += 1
        return found

    def save(self) -> bool:
        """Keep the stems for the next build, if this build stemmed new ones; whether it did."""
        if self.path is None or self.file_key is None or not self.added:
            return False
        kept = dict(list(self.items())[-SAVED_WORDS:])
        if not keptmaps.write_map(
            self.path, kept, file_format=FILE_FORMAT, key=self.file_key, name="stems"
        ):
            return False
        self.added = 0
        return True


def read(path: Path, key: str) -> dict[str, str]:
    """The stems kept in *path* under *key*; none if the file is missing, unreadable, damaged
    or written for another key."""
    return keptmaps.read_map(
        path, file_format=FILE_FORMAT, key=key, name="stems", limit=SAVED_WORDS
    )


def file_key(app: Any, language: Any) -> str:
    """Everything the stems of *language* depend on, digested: the file's key."""
    config = getattr(app, "config", None)
    parts = (
        FILE_FORMAT,
        getattr(language, "lang", None),
        mro_stamp(type(language)),
        repr(getattr(config, "html_search_options", None)),
        [(name, versions.installed_version(name)) for name in STEMMING_PACKAGES],
        code_stamp(),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def remember_stems(indexer: Any, app: Any = None) -> bool:
    """Give *indexer*'s language a ``stem`` that remembers; whether it could be given.

    With *app* (a Sphinx application with a doctree directory), the stems are also read from
    and kept in the file of the last build.
    """
    language = getattr(indexer, "lang", None)
    stem = getattr(language, "stem", None)
    if language is None or not callable(stem) or isinstance(getattr(stem, "__self__", None), Stems):
        return False
    if getattr(language, "lang", None) in WORD_AND_STATE:
        return False
    doctreedir = getattr(app, "doctreedir", None)
    path = Path(doctreedir) / FILE_NAME if doctreedir else None
    stems = Stems(stem, path, lambda: file_key(app, language))
    # dict's own lookup: a word already known costs no Python call.
    language.stem = stems.__getitem__
    return True


def remembered(app: Sphinx) -> Stems | None:
    """The stems remembered by *app*'s indexer in this build, if it has them."""
    language = getattr(getattr(app.builder, "indexer", None), "lang", None)
    stems = getattr(getattr(language, "stem", None), "__self__", None)
    return stems if isinstance(stems, Stems) else None


def watch(app: Sphinx) -> None:
    """Once the HTML builder has made its indexer, make its stemming remember
    (``builder-inited``: around the builder's ``prepare_writing``)."""
    builder: Any = app.builder
    original = getattr(builder, "prepare_writing", None)
    if original is None or not versions.switched_on(SWITCH):
        return

    def prepare_writing(docnames: AbstractSet[str]) -> None:
        original(docnames)
        remember_stems(getattr(builder, "indexer", None), app)

    setattr(builder, "prepare_writing", prepare_writing)  # noqa: B010


def keep(app: Sphinx, exception: BaseException | None) -> None:
    """Keep this build's stems for the next one (``build-finished``), unless it failed."""
    stems = remembered(app)
    if exception is None and stems is not None:
        stems.save()


class StemmerOnDemand:
    """Snowball's stemmer of one language, made when it first stems a word.

    Sphinx's English search language makes its stemmer when the indexer is made, at every
    build, and making it imports Snowball's stemmers of every language (some 10 ms). With
    the stems remembered, a build that indexes no page, or only words met before, never
    stems: it need not import them (``critical_edition/_deferred.py`` defers the package).
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.stemmer: Any = None

    def made(self) -> Any:
        """Snowball's stemmer of the language, made (and its package imported) once."""
        if self.stemmer is None:
            snowball = importlib.import_module("snowballstemmer")
            self.stemmer = snowball.stemmer(self.language)
        return self.stemmer

    def stemWord(self, word: str) -> str:  # noqa: N802 (Snowball's name)
        """The stem of *word*, by Snowball's stemmer of the language."""
        return str(self.made().stemWord(word))

    def __getattr__(self, name: str) -> Any:
        """Snowball's other methods (``stemWords``...), from the stemmer made."""
        # Not the stemmer itself (an instance made without __init__, as a copy is: no
        # recursion), nor what copying and pickling look for (they would make the stemmer).
        if name == "stemmer" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.made(), name)


def stem_english_on_demand() -> bool:
    """Give Sphinx's English search language a stemmer made at its first word (once, on the
    Sphinx releases the tests cover); whether it has one."""
    from sphinx.search import SearchLanguage, en

    english: Any = en.SearchEnglish
    if getattr(english.__init__, "stems_on_demand", False):
        return True
    if not versions.covered("stem memo", "sphinx"):
        return False

    def __init__(self: Any, options: dict[str, str]) -> None:  # noqa: N807 (the method)
        SearchLanguage.__init__(self, options)
        self.stemmer = StemmerOnDemand("english")

    __init__.stems_on_demand = True  # type: ignore[attr-defined]
    english.__init__ = __init__
    return True


def setup(app: Sphinx) -> ExtensionMetadata:
    """Remember stems for the builds of *app*, and between them.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.stemming``).
    """
    if versions.switched_on(SWITCH):
        stem_english_on_demand()
    app.connect("builder-inited", watch)
    app.connect("build-finished", keep)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
