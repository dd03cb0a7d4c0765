"""Page scanning (write phase's end): a pattern's matches, tried only where their fixed opening text is.

The regular expression engine looks for a pattern's opening text one character at a time
(and tries a pattern that starts with an assertion or an alternation at every character);
``str.find`` and ``bytes.find`` skip ahead, several times faster on a page of megabytes (the
claim index, the bibliography). :func:`matches_at` gives the same matches as
``pattern.finditer``, trying the pattern only where its opening text occurs."""

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
