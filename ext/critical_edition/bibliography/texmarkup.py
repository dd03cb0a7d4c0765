"""Citations and bibliography (write phase): BibTeX field values with their LaTeX markup read.

A .bib file writes ``\\&`` for an ampersand, ````…''`` for quotation marks, ``--`` for a dash
and ``{\\"o}`` for ö. The bibliography and the citation labels show the characters meant:
latexcodec (a dependency of pybtex) decodes the escapes, accents and ligatures; the formatting commands an entry may
carry (``\\emph{…}``, ``\\textit{…}``, ``\\url{…}``, …) keep their argument; BibTeX's protective
braces go. Addresses (``url``, ``doi``) are never passed through here: ``--`` or ``~`` in an
address are part of it.
"""

from __future__ import annotations

import re
from contextlib import suppress
from functools import lru_cache

#: Formatting commands whose argument is kept as plain text.
_WRAPPERS = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textup|textsl|textrm|textsf|texttt|textnormal|mkbibquote"
    r"|mkbibemph|url|enquote|mbox|hbox|foreignlanguage\{[^{}]*\})\s*(?=\{)"
)
#: An accent on a dotless letter written as a command (``\\"{\\i}``): the plain letter takes it.
_ACCENTED_DOTLESS = re.compile(r"(\\[\'\"`^~=.uvHckr]\s*)\{\\([ij])\}")
#: Characters that may start LaTeX markup; a value without any is returned as it is.
_MARKUP_CHARS = frozenset("\\{}-`'~")
#: Escapes latexcodec leaves as they are.
_ESCAPES = {r"\$": "$", r"\#": "#", r"\_": "_", r"\{": "\x00", r"\}": "\x01"}


@lru_cache(maxsize=4096)
def plain_text(value: str) -> str:
    """*value* as text: LaTeX escapes and accents decoded, formatting commands and braces gone."""
    if not _MARKUP_CHARS.intersection(value):
        return value.strip()
    text = _ACCENTED_DOTLESS.sub(r"\1{\2}", _WRAPPERS.sub("", value))
    for escape, char in _ESCAPES.items():
        text = text.replace(escape, char)
    # Imported here: most builds read every value from a cache, and latexcodec's tables cost
    # a few milliseconds to import.
    from latexcodec.codec import UnicodeLatexIncrementalDecoder

    # an unbalanced or unknown construct: the text stays as written
    with suppress(UnicodeDecodeError, ValueError):
        decoder = UnicodeLatexIncrementalDecoder()  # type: ignore[no-untyped-call]
        text = decoder.decode(text, final=True)
    text = text.replace("{", "").replace("}", "")
    return text.replace("\x00", "{").replace("\x01", "}").strip()
