"""Text helpers (every phase): folding names for sorting, dates as readers read them, hints."""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable

#: The form of an ISO 8601 date of year, month or day precision.
ISO_DATE_FORM = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def sort_fold(text: str) -> str:
    """Fold *text* for sorting: no accents, Turkish dotless and dotted i as i, case-free.

    ``Aydın`` → ``aydin``, ``Çelikpala`` → ``celikpala``, ``Erşen`` → ``ersen``,
    ``UİK`` → ``uik``; leading brackets of descriptive titles are ignored.
    """
    text = text.replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().lstrip("[(“\"' ")


def iso_date(value: str) -> str | None:
    """*value* if it is a date of the calendar written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    ``2021-02-29`` and ``2020-13`` have the form but are no dates: ``None``, as for any other text.
    """
    if not ISO_DATE_FORM.fullmatch(value):
        return None
    year, month, day = [*(int(part) for part in value.split("-")), 1, 1][:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return value


def format_date(value: str) -> str:
    """``2020-10-03`` → ``3 October 2020``; ``2020-10`` → ``October 2020``; else unchanged."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return value
    if len(numbers) == 3 and 1 <= numbers[1] <= 12:
        return f"{numbers[2]} {_MONTHS[numbers[1] - 1]} {numbers[0]}"
    if len(numbers) == 2 and 1 <= numbers[1] <= 12:
        return f"{_MONTHS[numbers[1] - 1]} {numbers[0]}"
    return value


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.8) -> str:
    """`` (did you mean 'lavrov'?)`` when one of *choices* is close to *word*, else nothing.

    Case is ignored; the choice is shown as written. The cutoff is high: keys and ids of
    the same year share many characters without being the one meant.
    """
    written = {choice.casefold(): choice for choice in choices}
    if written.get(word.casefold()) == word:
        # The word is one of the choices: the problem is elsewhere (a missing bibliography
        # directive, say), and "did you mean" itself would mislead.
        return ""
    close = difflib.get_close_matches(word.casefold(), list(written), n=1, cutoff=cutoff)
    return f" (did you mean {written[close[0]]!r}?)" if close else ""
