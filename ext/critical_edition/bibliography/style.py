"""Citations and bibliography (read and write phases): the edition's sphinxcontrib-bibtex styles.

Registered at extension setup, before any builder looks them up:

- the referencing style ``edition`` (``bibtex_reference_style``): author-year citations in round
  brackets, several works separated by semicolons, two authors joined by "and" --
  ``(Kubicek 2009; Valiyev and Mamishova 2019)`` --, and an entry's ``shorthand`` in place of
  author and year (``(Bishkek Protocol)``);
- the pybtex formatting style ``edition`` (``bibtex_default_style``): one entry in
  author-date order followed by the editors' apparatus (verification status, confidence,
  note); ``edition-tooltip`` is the same entry without the apparatus, for link titles;
- the pybtex label style ``edition``: the bibliography label is the citation's own text
  (``Garibov 2020``), so readers find in the list what they saw in the text;
- the pybtex sorting style ``edition``: by that label with accents and Turkish dotless i
  folded (Aydın under A, Çelikpala under C, Erşen under E), then by date and title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pybtex.plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import FieldIsMissing, first_of, optional
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import (
    BracketStyle,
    GroupReferenceStyle,
    PersonStyle,
)
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import (
    join,
    join2,
    node,
    post_text,
    pre_text,
    reference,
    year,
)

from critical_edition.bibliography.texmarkup import plain_text
from critical_edition.core.text import format_date, sort_fold

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx

#: The name under which every style of this module is registered.
STYLE_NAME = "edition"
#: The formatting style used for link titles (tooltips): the entry without the apparatus.
TOOLTIP_STYLE_NAME = "edition-tooltip"

#: The values of the ``verification`` field and how the bibliography shows them.
VERIFICATION_LABELS = {
    "verified": "Verified",
    "candidate": "Candidate",
    "unresolved": "Unresolved",
}
#: The values of the ``confidence`` field.
CONFIDENCE_LEVELS = ("high", "medium-high", "medium", "low")


# --- Plain values of an entry ---------------------------------------------------------------------


#: Fields that hold an address: only BibTeX's braces are taken off, no LaTeX is read.
_ADDRESS_FIELDS = frozenset({"url", "doi", "archiveurl"})


def _field(entry: Any, name: str) -> str:
    value = str(entry.fields.get(name, ""))
    if name in _ADDRESS_FIELDS:
        return value.replace("{", "").replace("}", "").strip()
    return plain_text(value)


def _name_parts(person: Any, part: str) -> str:
    return plain_text(" ".join(getattr(person, part)))


def _surname(person: Any) -> str:
    return " ".join(p for p in (_name_parts(person, "prelast_names"), _last(person)) if p)


def _last(person: Any) -> str:
    return _name_parts(person, "last_names")


def _given(person: Any) -> str:
    return " ".join(
        p for p in (_name_parts(person, "first_names"), _name_parts(person, "middle_names")) if p
    )


def _persons(entry: Any) -> list[Any]:
    for role in ("author", "editor"):
        persons = entry.persons.get(role)
        if persons:
            return list(persons)
    return []


def _series(items: list[str], *, last_sep: str = ", and ") -> str:
    """``A``, ``A and B``, ``A, B, and C``."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + last_sep + items[-1]


def citation_name(entry: Any, *, full: bool = False) -> str:
    """Who a citation names: surnames, else the organisation, the periodical or the title."""
    persons = _persons(entry)
    if persons:
        surnames = [_surname(p) for p in persons]
        if len(surnames) > 2 and not full:
            return f"{surnames[0]} et al."
        return _series(surnames)
    for name in ("organization", "journaltitle", "title"):
        value = _field(entry, name)
        if value:
            return value
    return str(entry.key)


def citation_year(entry: Any) -> str:
    """The year a citation shows, or ``n.d.`` when the date is unknown."""
    return _field(entry, "year") or "n.d."


def citation_label(entry: Any, *, full: bool = False) -> str:
    """The text of a parenthetical citation of *entry*, also its bibliography label."""
    shorthand = _field(entry, "shorthand")
    if shorthand:
        return shorthand
    return f"{citation_name(entry, full=full)} {citation_year(entry)}"


# --- Referencing style (in-text citations) --------------------------------------------------------


@node  # type: ignore[untyped-decorator]
def shorthand(children: list[Any], data: dict[str, Any]) -> Text:
    """The entry's shorthand; missing (so ``optional`` skips it) when there is none."""
    value = _field(data["entry"], "shorthand")
    if not value:
        raise FieldIsMissing("shorthand", data["entry"])
    return Text(value)


@node  # type: ignore[untyped-decorator]
def cited_name(children: list[Any], data: dict[str, Any], full: bool = False) -> Text:
    """Who the citation names (see :func:`citation_name`)."""
    return Text(citation_name(data["entry"], full=full))


@dataclass
class EditionParentheticalStyle(BasicAuthorYearParentheticalReferenceStyle):
    """``(Garibov 2020)``: shorthand, or name and year, inside the link."""

    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                first_of[
                    optional[shorthand],
                    join(sep=self.author_year_sep)[cited_name(full="s" in role_name), year],
                ]
            ],
            post_text,
        ]


@dataclass
class EditionTextualStyle(BasicAuthorYearTextualReferenceStyle):
    """``Garibov (2020)``, or the shorthand alone."""

    def inner(self, role_name: str) -> Any:
        return first_of[
            optional[reference[shorthand]],
            join(sep=self.text_reference_sep)[
                cited_name(full="s" in role_name),
                join[
                    self.bracket.left,
                    join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                        pre_text, reference[year], post_text
                    ],
                    self.bracket.right,
                ],
            ],
        ]


def _round_brackets() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ", sep2="; ", last_sep="; ")


def _person_style() -> PersonStyle:
    return PersonStyle(sep=", ", sep2=" and ", last_sep=", and ", other=" et al.")


@dataclass
class EditionReferenceStyle(GroupReferenceStyle):
    """The edition's citations: author-year in round brackets, as the paper writes them."""

    bracket: BracketStyle = field(default_factory=_round_brackets)
    person: PersonStyle = field(default_factory=_person_style)
    #: Between author and year: a space, as in the paper's "(Garibov 2020)".
    author_year_sep: str = " "

    def __post_init__(self) -> None:
        self.styles.extend(
            [
                EditionParentheticalStyle(
                    bracket=self.bracket, person=self.person, author_year_sep=self.author_year_sep
                ),
                EditionTextualStyle(bracket=self.bracket, person=self.person),
                ExtraAuthorReferenceStyle(bracket=self.bracket, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket),
                ExtraYearReferenceStyle(bracket=self.bracket),
                ExtraEmptyReferenceStyle(),
            ]
        )
        super().__post_init__()  # type: ignore[no-untyped-call]


# --- Bibliography: labels, sorting, formatting ----------------------------------------------------


class EditionLabelStyle(BaseLabelStyle):  # type: ignore[misc]
    """The bibliography label of an entry is the text of its citation.

    Labels must be unique in a bibliography: where several entries would share one (two items
    by Mammadov of 2020), each gets a letter in sorting order (``Mammadov 2020a``, ``2020b``).
    The citations in the text keep the authors' form without the letter.
    """

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        labels = [citation_label(entry) for entry in sorted_entries]
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        seen: dict[str, int] = {}
        for label in labels:
            if counts[label] == 1:
                yield label
                continue
            seen[label] = seen.get(label, 0) + 1
            yield label + "abcdefghijklmnopqrstuvwxyz"[(seen[label] - 1) % 26]


class EditionSortingStyle(BaseSortingStyle):  # type: ignore[misc]
    """By folded label (so by surname), then by date, then by title."""

    def sorting_key(self, entry: Any) -> tuple[str, str, str]:
        date = _field(entry, "date") or _field(entry, "year")
        return (sort_fold(citation_label(entry)), date, sort_fold(_field(entry, "title")))


def _full_name(person: Any, *, inverted: bool) -> str:
    surname, given = _surname(person), _given(person)
    if not given:
        return surname
    return f"{surname}, {given}" if inverted else f"{given} {surname}"


def _names(persons: list[Any], *, invert_first: bool) -> str:
    return _series([_full_name(p, inverted=invert_first and i == 0) for i, p in enumerate(persons)])


def _lead(entry: Any) -> tuple[str, str]:
    """Who leads the entry, and which field that was (``author``, ``editor``, a field, ``""``)."""
    for role in ("author", "editor"):
        persons = list(entry.persons.get(role) or ())
        if persons:
            names = _names(persons, invert_first=True)
            if role == "editor":
                names += ", eds." if len(persons) > 1 else ", ed."
            return names, role
    for name in ("organization", "journaltitle"):
        value = _field(entry, name)
        if value:
            return value, name
    return "", ""


def _sentence(*parts: Any) -> Text:
    return Text(*parts).add_period()


def _ordinal(number: str) -> str:
    """``2`` -> ``2nd``; any other text as it is."""
    if not number.isdigit():
        return number
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{number}{suffix}"


def _pages(pages: str) -> str:
    return ("pp. " if "-" in pages or "–" in pages or "," in pages else "p. ") + pages.replace(
        "--", "–"
    )


#: Types whose title names a part of something larger: in quotation marks, not in italics.
_PART_TYPES = frozenset({"article", "online", "incollection", "inproceedings"})
#: Types of a part printed in a book (``booktitle``, editors, pages).
_IN_BOOK_TYPES = frozenset({"incollection", "inproceedings", "inbook"})
#: What a thesis is when its ``type`` field does not say.
_THESIS_KINDS = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis", "thesis": "Thesis"}
#: Entry types whose kind and number are printed ("Technical report 12", "PhD thesis").
_NUMBERED_TYPES = frozenset({"report", "techreport", *_THESIS_KINDS})
#: Types whose ``institution``, ``school`` or ``organization`` issued them.
_ISSUERS = ("institution", "school", "organization")


class EditionStyle(BaseStyle):  # type: ignore[misc]
    """An entry in author-date order, then the editors' verification status and note.

    Every standard field an entry gives is shown: who (authors, else editors, else the
    organisation), the year (with the month), the title, the part of a book (chapter, book
    title, its editors, pages), the journal's volume, number and pages, the edition, volume
    and series, how it was published, the kind of report or thesis and who issued it, the
    place and publisher, identifiers and addresses.
    """

    default_name_style = "plain"
    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME
    #: Whether to add the verification status, confidence and note.
    apparatus = True

    #: The text does not depend on the label (speedups/bibcache.py keeps one per entry). Read
    #: from the class that defines ``format_entry``: a subclass overriding it says anew.
    text_without_label = True

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> FormattedEntry:
        return FormattedEntry(entry.key, self.format_text(entry), label)

    def _format_any(self, context: dict[str, Any]) -> Text:
        return self.format_text(context["entry"])

    # One layout serves every type; the per-type names tell pybtex (and the bibliography
    # check) which types the style knows.
    format_article = format_book = format_booklet = format_inbook = _format_any
    format_incollection = format_inproceedings = format_manual = format_misc = _format_any
    format_online = format_report = format_techreport = format_thesis = _format_any
    format_mastersthesis = format_phdthesis = format_unpublished = format_proceedings = _format_any

    def format_text(self, entry: Any) -> Text:
        """The whole entry as pybtex rich text."""
        sentences: list[Text] = []
        lead, lead_field = _lead(entry)
        title = _field(entry, "title")
        if lead:
            sentences.append(_sentence(lead))
        elif title:
            sentences.append(_sentence(Tag("em", title)))
        sentences.append(_sentence(self._when(entry)))
        if lead and title:
            sentences.append(self._title(entry, title))
        parts = (
            self._in_book(entry, lead_field),
            self._container(entry, lead_field),
            self._edition(entry),
            self._issued(entry, lead_field),
            self._place(entry),
        )
        sentences.extend(part for part in parts if part is not None)
        for name, prefix in (("isbn", "ISBN "), ("issn", "ISSN ")):
            value = _field(entry, name)
            if value:
                sentences.append(_sentence(prefix + value))
        date = _field(entry, "date")
        if date and "-" in date:
            sentences.append(_sentence(format_date(date)))
        sentences.extend(self._links(entry))
        keywords = _field(entry, "keywords")
        if keywords:
            sentences.append(_sentence("Keywords: " + keywords))
        if self.apparatus:
            sentences.extend(self._apparatus(entry))
        return Text(" ").join(sentences)

    @staticmethod
    def _when(entry: Any) -> str:
        """The year, after the month when the entry gives one (and no full date)."""
        year, month = citation_year(entry), _field(entry, "month")
        if month and "-" not in _field(entry, "date"):
            return f"{month} {year}" if year != "n.d." else month
        return year

    def _title(self, entry: Any, title: str) -> Text:
        if title.startswith("["):
            # a descriptive title written by the editors: no quotation marks, no italics
            return _sentence(title)
        if entry.type in _PART_TYPES:
            return Text("“", Text(title).add_period(), "”")
        return _sentence(Tag("em", title))

    @staticmethod
    def _in_book(entry: Any, lead_field: str) -> Text | None:
        """A part of a book: chapter, ``In`` the book, edited by, pages."""
        parts: list[Any] = []
        chapter = _field(entry, "chapter")
        if chapter:
            parts.append(("Chapter " if chapter.isdigit() else "") + chapter)
        booktitle = _field(entry, "booktitle")
        editors = list(entry.persons.get("editor") or ())
        if booktitle:
            parts.append(Text("in " if parts else "In ", Tag("em", booktitle)))
        if editors and lead_field != "editor":
            parts.append("edited by " + _names(editors, invert_first=False))
        pages = _field(entry, "pages")
        if pages and entry.type != "article":
            parts.append(_pages(pages))
        return _sentence(Text(", ").join([Text(p) for p in parts])) if parts else None

    @staticmethod
    def _container(entry: Any, lead_field: str) -> Text | None:
        """The periodical; for an article also its volume, number and pages."""
        parts: list[Any] = []
        journal = _field(entry, "journaltitle") or _field(entry, "journal")
        if journal and lead_field != "journaltitle":
            parts.append(Tag("em", journal))
        if entry.type != "article":
            return _sentence(*parts) if parts else None
        volume, number, pages = (_field(entry, n) for n in ("volume", "number", "pages"))
        if volume:
            parts.append(" " + volume + (f" ({number})" if number else ""))
        elif number:
            parts.append(f" no. {number}")
        if pages:
            parts.append(": " + pages.replace("--", "–"))
        return _sentence(*parts) if parts else None

    @staticmethod
    def _edition(entry: Any) -> Text | None:
        """Edition, volume, series and number in a series, howpublished."""
        parts: list[str] = []
        edition = _field(entry, "edition")
        if edition:
            named = "ed" in edition.casefold()
            parts.append(edition if named else f"{_ordinal(edition)} ed.")
        volume = _field(entry, "volume")
        if volume and entry.type != "article":
            parts.append(f"Vol. {volume}")
        series, number = _field(entry, "series"), _field(entry, "number")
        kind = entry.type in _NUMBERED_TYPES
        if series:
            parts.append(series + (f", no. {number}" if number and not kind else ""))
        elif number and not kind and entry.type != "article":
            parts.append(f"No. {number}")
        howpublished = _field(entry, "howpublished")
        if howpublished:
            parts.append(howpublished)
        return _sentence(", ".join(parts)) if parts else None

    @staticmethod
    def _issued(entry: Any, lead_field: str) -> Text | None:
        """A report's or thesis's kind and number, and who issued it (institution, school, …)."""
        parts: list[str] = []
        kind = _field(entry, "type")
        if not kind and entry.type in _THESIS_KINDS:
            kind = _THESIS_KINDS[entry.type]
        elif not kind and entry.type == "techreport":
            kind = "Technical report"
        number = _field(entry, "number")
        if number and (entry.type in _NUMBERED_TYPES):
            kind = f"{kind or 'Report'} {number}"
        if kind:
            parts.append(kind)
        for name in _ISSUERS:
            value = _field(entry, name)
            if value and lead_field != name:
                parts.append(value)
        return _sentence(", ".join(parts)) if parts else None

    @staticmethod
    def _place(entry: Any) -> Text | None:
        """``Place: Publisher``."""
        address, publisher = (
            _field(entry, "address") or _field(entry, "location"),
            _field(entry, "publisher"),
        )
        text = ": ".join(p for p in (address, publisher) if p)
        return _sentence(text) if text else None

    def _links(self, entry: Any) -> list[Text]:
        links: list[Text] = []
        doi = _field(entry, "doi")
        if doi:
            links.append(_sentence("DOI ", HRef("https://doi.org/" + doi, doi)))
        url = _field(entry, "url")
        if url and not (doi and url == "https://doi.org/" + doi):
            links.append(_sentence(HRef(url, url)))
        archive = _field(entry, "archiveurl")
        if archive:
            links.append(_sentence("Archived copy: ", HRef(archive, archive)))
        urldate = _field(entry, "urldate")
        if urldate:
            links.append(_sentence(f"Stored copy consulted on {format_date(urldate)}"))
        elif url and _field(entry, "urlsource") == "authors":
            links.append(
                _sentence("Address as the authors give it; the editors have not seen the page")
            )
        return links

    def _apparatus(self, entry: Any) -> list[Text]:
        verification = _field(entry, "verification")
        status = VERIFICATION_LABELS.get(verification, "Verification status not recorded")
        confidence = _field(entry, "confidence")
        rating = f"confidence {confidence}" if confidence else "confidence not rated"
        result = [Text(Tag("strong", f"{status}"), f" ({rating}).")]
        seen = _field(entry, "seen")
        if seen:
            result.append(_sentence("Seen by the editors: " + " ".join(seen.split())))
        note = _field(entry, "note")
        if note:
            result.append(_sentence(" ".join(note.split())))
        return result


class EditionTooltipStyle(EditionStyle):
    """The entry without the apparatus: short enough for a link's title."""

    apparatus = False


def register_styles() -> None:
    """Register every style with pybtex and sphinxcontrib-bibtex (idempotent)."""
    pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, EditionLabelStyle, force=True)
    pybtex.plugin.register_plugin(
        "pybtex.style.sorting", STYLE_NAME, EditionSortingStyle, force=True
    )
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, EditionStyle, force=True)
    pybtex.plugin.register_plugin(
        "pybtex.style.formatting", TOOLTIP_STYLE_NAME, EditionTooltipStyle, force=True
    )
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, EditionReferenceStyle, force=True
    )


def register(app: Sphinx) -> None:
    """Register the styles; ``conf.py`` selects them through the ``bibtex_*`` settings."""
    register_styles()
