"""Page scanning (write phase's end): a pattern's matches found by a fast search for their opening text.

A pattern that starts with a zero-width assertion or an alternation makes the regular
expression engine try it at every character of a page (the claim index is megabytes long);
``bytes.find`` and ``str.find`` look for a fixed text far faster. The functions here give the
same matches as ``pattern.finditer``, looking for them only where a fixed text is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import AnyStr


def matches_at(
    pattern: re.Pattern[AnyStr], text: AnyStr, literal: AnyStr
) -> Iterator[re.Match[AnyStr]]:
    """``pattern.finditer(text)``, for a *pattern* whose every match starts with *literal*.

    The pattern is tried only where *literal* occurs (and it sees what comes before: a
    ``\\b`` or a look-behind at its start holds as it would in ``finditer``); the next search
    starts where a match ends, or a character after an occurrence that was not one. A pattern
    that can match empty text cannot start with a non-empty *literal*.
    """
    find = text.find
    match = pattern.match
    position = find(literal)
    while position >= 0:
        found = match(text, position)
        if found is None:
            position = find(literal, position + 1)
        else:
            yield found
            position = find(literal, found.end())


def word_char(char: str) -> bool:
    """Whether *char* is a word character to ``\\w`` and ``\\b`` of a text pattern."""
    return char.isalnum() or char == "_"


def bounded_groups(relaxed: re.Pattern[str], text: str) -> list[str]:
    """``re.findall(r"\\b" + relaxed.pattern, text)`` for a *relaxed* pattern with one group
    that starts with a word character and matches no empty text.

    The engine finds the relaxed pattern's matches fast (it starts with fixed text); a match
    that follows a word character (no word boundary) is dropped, and the search goes on a
    character after its start, as the bounded pattern's would.
    """
    found: list[str] = []
    position = 0
    while True:
        for match in relaxed.finditer(text, position):
            start = match.start()
            if start and word_char(text[start - 1]):
                position = start + 1
                break
            found.append(match[1])
        else:
            return found
