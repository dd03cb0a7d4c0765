"""Search stemming (write phase): each word stemmed once per build, not once per page it is on.

Sphinx's search indexer stems every word of every page it indexes (Snowball's stemmer, in
pure Python); it remembers a word's stem only while it indexes one page, so a word found on
300 pages is stemmed 300 times. At 50 times the paper that was a tenth of a full build. Here
the builder's indexer gets its language's ``stem`` remembered for the whole build: Snowball's
stemmers are functions of the word alone, so the index is the same (Chinese, whose stem
also depends on what its splitter has met, is left alone) (``tests/test_search_index.py``
compares it with the switch on and off).

Set the environment variable ``CRITICAL_EDITION_STEMCACHE=0`` to stem as Sphinx does. Only the
indexer's public attribute (``lang``) and the language's ``stem`` method are used: a Sphinx
whose indexer has neither is left alone.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to stem every word of every page, as Sphinx does.
SWITCH = "CRITICAL_EDITION_STEMCACHE"
#: How many words' stems a build keeps (a large edition's vocabulary fits many times over).
KEPT_WORDS = 200_000
#: Languages whose stem depends on more than the word (Chinese: the Latin terms its splitter
#: has met so far): stemmed as Sphinx does.
WORD_AND_STATE = frozenset({"zh"})


def remember_stems(indexer: Any) -> bool:
    """Give *indexer*'s language a ``stem`` that remembers; whether it could be given."""
    language = getattr(indexer, "lang", None)
    stem = getattr(language, "stem", None)
    if language is None or not callable(stem) or hasattr(stem, "cache_info"):
        return False
    if getattr(language, "lang", None) in WORD_AND_STATE:
        return False
    language.stem = functools.lru_cache(maxsize=KEPT_WORDS)(stem)
    return True


def watch(app: Sphinx) -> None:
    """Once the HTML builder has made its indexer, make its stemming remember
    (``builder-inited``: around the builder's ``prepare_writing``)."""
    builder: Any = app.builder
    original = getattr(builder, "prepare_writing", None)
    if original is None or not versions.switched_on(SWITCH):
        return

    def prepare_writing(docnames: AbstractSet[str]) -> None:
        original(docnames)
        remember_stems(getattr(builder, "indexer", None))

    setattr(builder, "prepare_writing", prepare_writing)  # noqa: B010


def setup(app: Sphinx) -> ExtensionMetadata:
    """Remember stems for the builds of *app*.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.stemming``).
    """
    app.connect("builder-inited", watch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
