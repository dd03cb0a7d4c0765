"""Row memo (write phase): a generated table's rows kept as HTML between builds, by their inputs.

The claim index lists every claim of the edition in one table: at 50 times the paper, 3,350
rows and some 140,000 nodes, built, resolved, walked and translated whenever the page is
written again, which a ``.bib`` edit causes (some rows cite the entries; the keys,
:mod:`critical_edition.claims.rowkeys`, change for those citing the edited entry only). Most rows do not
change. The code that builds a row digests everything the row is made of (its ``memo_key``);
when the last build rendered a row of that key, the row is given that HTML (``memo_html``)
and no cells, and the HTML translator writes the row's own tag around it. Sphinx numbers the
rows odd and even as it writes them, so the tag is always its own. Rows rendered anew are kept
for the next build.

Only the standalone HTML builder (``html``) keeps rows. With ``-j`` the pages are translated
in other processes, so the rows they render are not kept and the next build renders them again.
The file (:data:`MEMO_FILE` in the doctree folder) is keyed on the toolkit's code and the
releases of Sphinx, docutils, sphinx-design, sphinxcontrib-bibtex and pybtex; a build that
writes rows keeps only the rows it used. Off: ``CRITICAL_EDITION_ROWMEMO=0``.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from critical_edition.core import keptmaps
from critical_edition.core.codestamp import code_stamp
from critical_edition.speedups import versions
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.writers.html5 import HTML5Translator

SWITCH = "CRITICAL_EDITION_ROWMEMO"
#: The rows kept between builds, by key (in the doctree folder).
MEMO_FILE = "critical_edition_rows.json"
FILE_FORMAT = 1
#: The packages whose code writes a row's HTML (its citations' too) besides the toolkit's.
PACKAGES = ("sphinx", "docutils", "sphinx-design", "sphinxcontrib-bibtex", "pybtex")
#: More rows than any edition has: a larger file is not read.
MAX_ROWS = 200_000


class memo_row(nodes.row):  # noqa: N801  (docutils names its node classes in lower case)
    """A table row whose cells' HTML is kept between builds under its ``memo_key``; with
    ``memo_html``, a row whose cells are that HTML (it has no children)."""


def file_key() -> str:
    """What a kept row's HTML depends on besides its own inputs, digested: the file's key."""
    return versions.kept_file_key(FILE_FORMAT, PACKAGES, code_stamp())


class RowMemo:
    """The rows kept by the last build (read at the first row asked for) and this build's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key = file_key()
        self._stored: dict[str, str] | None = None
        #: The rows of this build, by key: those given from the file and those rendered.
        self.used: dict[str, str] = {}

    @property
    def stored(self) -> dict[str, str]:
        if self._stored is None:
            self._stored = keptmaps.read_map(
                self.path, file_format=FILE_FORMAT, key=self.key, name="rows", limit=MAX_ROWS
            )
        return self._stored

    def get(self, key: str) -> str | None:
        """The HTML of the row of *key* the last build rendered, if it did."""
        found = self.stored.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, html: str) -> None:
        """Keep the HTML of a row rendered in this build."""
        self.used[key] = html

    def save(self) -> None:
        """Keep this build's rows for the next, when it wrote any and they are not the last's."""
        if self._stored is None or self.used == self._stored:
            return
        keptmaps.write_map(self.path, self.used, file_format=FILE_FORMAT, key=self.key, name="rows")


_MEMOS: weakref.WeakKeyDictionary[Builder, RowMemo] = weakref.WeakKeyDictionary()


def memo_of(builder: Builder) -> RowMemo | None:
    """The row memo of this build of *builder*; None when rows are not kept (another builder
    than ``html``, or switched off)."""
    if builder.name != "html" or not switched_on(SWITCH):
        return None
    memo = _MEMOS.get(builder)
    if memo is None:
        memo = _MEMOS[builder] = RowMemo(Path(builder.doctreedir) / MEMO_FILE)
    return memo


def kept_row(key: str, html: str) -> memo_row:
    """A row given the HTML the last build rendered for *key*."""
    return memo_row(memo_key=key, memo_html=html)


def new_row(key: str) -> memo_row:
    """A row rendered in this build and kept under *key*."""
    return memo_row(memo_key=key)


def visit_memo_row(translator: HTML5Translator, node: memo_row) -> None:
    translator.visit_row(node)
    if node.get("memo_html") is not None:
        translator.body.append(node["memo_html"])
    else:
        node.memo_start = len(translator.body)  # type: ignore[attr-defined]


def depart_memo_row(translator: HTML5Translator, node: memo_row) -> None:
    start: int | None = getattr(node, "memo_start", None)
    if start is not None:
        memo = memo_of(translator.builder)
        if memo is not None:
            memo.put(node["memo_key"], "".join(translator.body[start:]))
    translator.depart_row(node)


def save(app: Sphinx, exception: BaseException | None) -> None:
    """Keep the rows of this build (``build-finished``)."""
    memo = _MEMOS.pop(app.builder, None)
    if memo is not None and exception is None:
        memo.save()


def register(app: Sphinx) -> None:
    """The kept rows' node (HTML only: other builders never get one) and their saving."""
    app.add_node(memo_row, html=(visit_memo_row, depart_memo_row))
    app.connect("build-finished", save)
