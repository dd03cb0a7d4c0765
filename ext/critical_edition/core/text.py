"""Text helpers (every phase): folding names for sorting, dates as readers read them, hints."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

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
    close = difflib.get_close_matches(word.casefold(), list(written), n=1, cutoff=cutoff)
    return f" (did you mean {written[close[0]]!r}?)" if close else ""
