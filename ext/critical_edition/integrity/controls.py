"""Bidirectional controls (read phase): reported at their line and left out of every output.

The embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) are invisible and
reorder the text around them on screen, so a name or a claim could read differently from what
is stored and searched. They are removed from each page's and each included file's text as it
is read (the files on disk stay as they are), with one warning per line. The marks U+200E and
U+200F, which right-to-left texts need, are left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _neutralise(text: str, docname: str | None, path: str = "") -> str:
    """The text without bidirectional controls; each line holding one is reported, at the
    page's line (*docname*) or, for an included file, at the file's (*path*)."""
    if not _CONTROLS.search(text):
        return text
    for number, line in enumerate(text.splitlines(), start=1):
        found = sorted(set(_CONTROLS.findall(line)))
        if found:
            names = ", ".join(f"U+{ord(char):04X}" for char in found)
            where = (docname, number) if docname is not None else f"{path}:{number}"
            warn(
                f"the line contains the invisible direction control{'s' if len(found) > 1 else ''} "
                f"{names}, which can make text display in another order than it is stored; "
                "it is left out of the output: delete it",
                Subtype.BIDI_CONTROL,
                where,
            )
    return _CONTROLS.sub("", text)


def _source_read(app: Sphinx, docname: str, content: list[str]) -> None:
    """Neutralise a page's text as it is read; ``source-read``."""
    content[0] = _neutralise(content[0], docname)


def _include_read(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """Neutralise an included file's text; ``include-read``."""
    content[0] = _neutralise(content[0], None, str(app.srcdir / relative_path))


def register(app: Sphinx) -> None:
    """Connect the neutralisation of bidirectional controls."""
    # source-read / include-read: on the text, before any parser sees it.
    app.connect("source-read", _source_read)
    app.connect("include-read", _include_read)
