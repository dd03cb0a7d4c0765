"""furo's sidebar step kept between builds (write phase): part of the navigation cache.

The navigation cache (:mod:`.navigation`) has Sphinx render the site's sidebar tree once per
build; furo then parses that HTML with BeautifulSoup to add its expand/collapse checkboxes
(``furo.navigation.get_navigation_tree``), a tenth of a second at 50 times the paper, in every
build that writes a page, even when the tree did not change. furo's step is a function of
the HTML it is given alone, so its result is kept here, in a file of the builder's doctree
directory (:data:`FILE_NAME`), under the SHA-256 of that HTML: a build whose tree is the last
build's reads furo's result instead of parsing it again; any change of the tree (a title, an
entry, a number, a link) is another input, parsed by furo as before. The file is keyed on
what else the step depends on (:func:`file_key`: furo's and BeautifulSoup's releases,
Python's, the toolkit's code); a file with another key, or one that cannot be read, is
ignored and written afresh. It holds only the trees of the last build that wrote pages.

Only the shared tree the navigation cache served is looked up (the pages it leaves to the
stock computation go to furo unchanged). It is off with the navigation cache
(``CRITICAL_EDITION_NAVCACHE=0``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from critical_edition.core import keptmaps
from critical_edition.core.codestamp import code_stamp
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from collections.abc import Callable

#: The file, in the builder's doctree directory, holding furo's trees between builds.
FILE_NAME = "critical_edition_furo_trees.json"
#: The file's layout; a file of another layout is ignored.
FILE_FORMAT = 1
#: The distributions furo's step runs on.
PACKAGES = ("furo", "beautifulsoup4")
#: How many trees the file keeps (one per set of ``toctree()`` arguments; furo asks one).
KEPT_TREES = 8


def file_key() -> str:
    """Everything furo's step depends on besides its input, digested: the file's key."""
    return versions.kept_file_key(FILE_FORMAT, PACKAGES, code_stamp())


def read(path: Path, key: str) -> dict[str, str]:
    """The trees kept in *path* under *key*; none if the file is missing, unreadable, damaged
    or written for another key."""
    return keptmaps.read_map(path, file_format=FILE_FORMAT, key=key, name="trees", limit=KEPT_TREES)


class KeptTrees:
    """furo's result for each tree of this build, read from the last build's file at the first
    tree asked for, and kept for the next build."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.key: str | None = None
        self.stored: dict[str, str] = {}
        #: The trees of this build, by the SHA-256 of furo's input.
        self.used: dict[str, str] = {}
        #: How many trees furo worked out in this build (not read from the file).
        self.computed = 0

    def get(self, html: str, step: Callable[[str], str]) -> str:
        """furo's *step* on *html*: the kept result if there is one, else furo's own."""
        digest = hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
        found = self.used.get(digest)
        if found is not None:
            return found
        if self.key is None and self.path is not None:
            self.key = file_key()
            self.stored = read(self.path, self.key)
        found = self.stored.get(digest)
        if found is None:
            found = step(html)
            self.computed += 1
        if len(self.used) < KEPT_TREES:
            self.used[digest] = found
        return found

    def save(self) -> bool:
        """Keep this build's trees for the next one, if furo worked one out; whether it did."""
        if self.path is None or self.key is None or not self.computed:
            return False
        return keptmaps.write_map(
            self.path, self.used, file_format=FILE_FORMAT, key=self.key, name="trees"
        )
