"""Links of the .bib files (linkcheck): the url, doi and archiveurl of every entry, with their lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# --- links of the .bib files ------------------------------------------------------------------

#: The fields of a .bib entry whose value is checked, and how each becomes a link.
BIB_LINK_FIELDS = ("url", "doi", "archiveurl")


@dataclass(frozen=True)
class Place:
    """Where a link occurs: a page of the edition, or a field of a .bib entry."""

    file: str
    line: int
    #: ``text`` (a link or bare URL on a page) or ``bibliography`` (a field of a .bib entry).
    source: str = "text"
    key: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        if self.source == "bibliography":
            return f"{where} [{self.key}, {self.field}]"
        return where


@dataclass(frozen=True)
class BibLink:
    """A link taken from a field of a .bib entry."""

    uri: str
    place: Place
    #: The archived copy the entry offers (its ``archiveurl``), for a ``url`` field.
    archive: str = ""


def doi_link(doi: str, resolver: str) -> str:
    """The link a DOI resolves through (the DOI may be written bare, as doi:…, or as a URL)."""
    doi = re.sub(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", doi.strip())
    return resolver + quote(doi, safe="/:;()._-+~[]")


def _consultation_recorded(fields: dict[str, str], doi_resolver: str) -> bool:
    """Whether an entry with a ``url`` says when, or whether, the editors consulted it.

    ``urldate`` gives the day. ``urlsource = {authors}`` says the address is the one the
    edited text gives and the editors have not seen the page (no date to give). A ``url`` that
    only resolves the entry's DOI needs neither.
    """
    if fields.get("urldate") or fields.get("urlsource", "").lower() == "authors":
        return True
    doi = fields.get("doi", "")
    return bool(doi) and fields["url"] == doi_link(doi, doi_resolver)


def read_bib_links(
    path: Path, *, shown_as: str, doi_resolver: str, encoding: str = "utf-8"
) -> tuple[list[BibLink], list[Place]]:
    """The links of a .bib file, and the entries with a ``url`` but no ``urldate``.

    :param shown_as: how the report names the file (relative to the project).
    :raises OSError: the file cannot be read.
    :raises ValueError: the file cannot be parsed (the message says why).
    """
    from pybtex.database.input.bibtex import Parser
    from pybtex.exceptions import PybtexError

    from critical_edition.bibliography.bibsplit import field_line, split_entries

    text = path.read_text(encoding=encoding)
    try:
        entries = Parser(encoding=encoding).parse_string(text).entries
    except PybtexError as error:
        raise ValueError(str(error)) from error
    chunks = {chunk.key: chunk for chunk in split_entries(text)[0] if chunk.key is not None}
    links: list[BibLink] = []
    missing_urldate: list[Place] = []
    for key, entry in entries.items():
        fields = {name.lower(): str(value).strip() for name, value in entry.fields.items()}

        def place(name: str, key: str = key) -> Place:
            chunk = chunks.get(key)
            line = field_line(chunk, name, 0) if chunk is not None else 0
            return Place(shown_as, line, "bibliography", key, name)

        for name in BIB_LINK_FIELDS:
            value = fields.get(name, "")
            if not value:
                continue
            uri = doi_link(value, doi_resolver) if name == "doi" else value
            archive = fields.get("archiveurl", "") if name == "url" else ""
            links.append(BibLink(uri, place(name), archive))
        if fields.get("url") and not _consultation_recorded(fields, doi_resolver):
            missing_urldate.append(place("url"))
    return links, missing_urldate
