"""Text helpers (every phase): folding names for sorting, writing dates as readers read them."""

from __future__ import annotations

import unicodedata

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
