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


def _plain(value: str) -> str:
    """A field value without BibTeX's protective braces."""
    return value.replace("{", "").replace("}", "").strip()


def _field(entry: Any, name: str) -> str:
    return _plain(str(entry.fields.get(name, "")))


def _name_parts(person: Any, part: str) -> str:
    return _plain(" ".join(getattr(person, part)))


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


def _lead(entry: Any) -> tuple[str, str]:
    """Who leads the entry, and which field that was (``persons``, a field name, or ``""``)."""
    persons = _persons(entry)
    if persons:
        names = [_full_name(p, inverted=i == 0) for i, p in enumerate(persons)]
        return _series(names), "persons"
    for name in ("organization", "journaltitle"):
        value = _field(entry, name)
        if value:
            return value, name
    return "", ""


def _sentence(*parts: Any) -> Text:
    return Text(*parts).add_period()


class EditionStyle(BaseStyle):  # type: ignore[misc]
    """An entry in author-date order, then the editors' verification status and note."""

    default_name_style = "plain"
    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME
    #: Whether to add the verification status, confidence and note.
    apparatus = True

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
        sentences.append(_sentence(citation_year(entry)))
        if lead and title:
            sentences.append(self._title(entry, title))
        container = self._container(entry, lead_field)
        if container:
            sentences.append(container)
        for name, prefix in (("publisher", ""), ("number", "No. "), ("issn", "ISSN ")):
            value = _field(entry, name)
            if value and not (name == "number" and entry.type == "article"):
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

    def _title(self, entry: Any, title: str) -> Text:
        if title.startswith("["):
            # a descriptive title written by the editors: no quotation marks, no italics
            return _sentence(title)
        if entry.type in ("article", "online", "incollection", "inproceedings"):
            return Text("“", Text(title).add_period(), "”")
        return _sentence(Tag("em", title))

    def _container(self, entry: Any, lead_field: str) -> Text | None:
        parts: list[Any] = []
        journal = _field(entry, "journaltitle") or _field(entry, "journal")
        if journal and lead_field != "journaltitle":
            parts.append(Tag("em", journal))
        volume, number, pages = (_field(entry, n) for n in ("volume", "number", "pages"))
        if entry.type == "article" and volume:
            parts.append(" " + volume + (f" ({number})" if number else ""))
        if entry.type == "article" and pages:
            parts.append(": " + pages.replace("--", "–"))
        organization = _field(entry, "organization")
        if organization and lead_field != "organization":
            parts.append((", " if parts else "") + organization)
        return _sentence(*parts) if parts else None

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
