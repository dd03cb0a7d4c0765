"""Splitting .bib text into entries (builder-inited): each entry's text, first line and brace balance.

BibTeX reads a file as one stream, so one brace too few or too many takes every later entry
with it. :func:`split_entries` cuts the text at each ``@command`` by counting braces, notes
the entries that are never closed or close early, and the line each starts on, so that the
check (:mod:`.bibfile`) can read and report every entry on its own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

# pybtex's name characters: letters, digits and !$&*+-./:;<>?[\]^_`|
_NAME = r"[A-Za-z_!$&*+\-./:;<>?\[\]^`|][\w!$&*+\-./:;<>?\[\]^`|]*"
_HEADER = re.compile(rf"@\s*({_NAME})\s*([{{(])")
_WORD_AFTER_AT = re.compile(rf"@\s*({_NAME})?")
#: A line that starts another entry: seen inside an entry, the entry was never closed.
_ENTRY_AHEAD = re.compile(rf"[ \t]*@\s*{_NAME}\s*[{{(]")
_KEY_BRACE = re.compile(r"\s*([^\s,}]+)")
_KEY_PAREN = re.compile(r"\s*([^\s,]+)")
_SPECIAL = re.compile(r"[{}()\n]")


@dataclass(frozen=True)
class _Chunk:
    """One ``@command{...}`` of a .bib file, as the splitter found it."""

    command: str
    key: str | None
    line: int
    text: str
    closed: bool
    #: The line where the entry ended early because of one closing brace too many.
    extra_brace_line: int | None = None
    #: The line of the next entry an unclosed entry ran into (None: the end of the file).
    runs_into: int | None = None


# -- splitting a file into entries -----------------------------------------------------------


class _Lines:
    """Line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def _find_end(text: str, start: int, opener: str) -> tuple[int, bool]:
    """Where the entry whose body starts at ``start`` ends, and whether it was closed."""
    depth = 0
    for match in _SPECIAL.finditer(text, start):
        char, pos = match.group(), match.start()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                # Closes a {...} entry; in a (...) entry it closes nothing: the entry is broken.
                return (pos + 1, True) if opener == "{" else (pos, False)
            depth -= 1
        elif char == ")":
            if opener == "(" and depth == 0:
                return pos + 1, True
        elif char == "\n" and _ENTRY_AHEAD.match(text, pos + 1):
            return pos + 1, False
    return len(text), False


def split_entries(text: str) -> tuple[list[_Chunk], list[tuple[int, str]]]:
    """Split .bib text into commands, checking each one's brace balance.

    :returns: the commands in file order, and (line, description) of every ``@`` that starts
        no command.
    """
    line_of = _Lines(text)
    chunks: list[_Chunk] = []
    strays: list[tuple[int, str]] = []
    pos = 0
    while (at := text.find("@", pos)) >= 0:
        header = _HEADER.match(text, at)
        if header is None:
            word = _WORD_AFTER_AT.match(text, at)
            name = word.group(1) if word and word.group(1) else ""
            strays.append((line_of(at), name))
            pos = at + 1
            continue
        command, opener = header.group(1).lower(), header.group(2)
        end, closed = _find_end(text, header.end(), opener)
        key = None
        if command not in ("comment", "string", "preamble"):
            key_match = (_KEY_BRACE if opener == "{" else _KEY_PAREN).match(text, header.end())
            key = key_match.group(1) if key_match else None
        chunk = _Chunk(command, key, line_of(at), text[at:end], closed)
        pos = end
        if not closed:
            chunk = replace(chunk, runs_into=line_of(end) if end < len(text) else None)
        elif opener == "{" and command != "comment":
            # Text after the entry holding a '}' means the entry closed early: one brace too
            # many. Drop the premature closing brace and take the entry to its real end.
            following = text.find("@", end)
            gap = text[end : following if following >= 0 else len(text)]
            if "}" in gap:
                last = end + gap.rindex("}")
                mended = text[at : end - 1] + text[end : last + 1]
                if _find_end(mended, header.end() - at, opener) == (len(mended), True):
                    chunk = replace(chunk, text=mended, extra_brace_line=line_of(end - 1))
                    pos = last + 1
        chunks.append(chunk)
    return chunks, strays


def field_line(chunk: _Chunk, name: str, occurrence: int) -> int:
    """The line of the ``occurrence``-th (0-based) ``name =`` in the entry, or its first line."""
    pattern = re.compile(rf"(?im)(?:^|[,{{(])\s*{re.escape(name)}\s*=")
    matches = list(pattern.finditer(chunk.text))
    if len(matches) > occurrence:
        return chunk.line + chunk.text.count("\n", 0, matches[occurrence].end())
    return chunk.line
