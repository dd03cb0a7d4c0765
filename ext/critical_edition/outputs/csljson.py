"""Outputs (build-finished): the bibliography as CSL-JSON, for Zotero, pandoc, Quarto and mystmd.

One item per entry of the ``.bib`` files, in the files' order, written next to the HTML as
``edition_csl_json`` (``bibliography.csl.json``). BibLaTeX fields map to CSL variables
(:data:`TYPES`, :func:`csl_item`); the editors' verification status, confidence and note go
into the item's ``note``, since CSL has no variable of its own for them. A field the entry does
not have is left out; nothing is guessed.

Decoding the entries' LaTeX is most of a rebuild's cost here when no entry changed; the file's
text is kept in the doctree directory under a digest of every entry as read (key, type, fields,
names), the toolkit's code and the decoder's version, and used while that digest holds. Set
``CRITICAL_EDITION_CSLCACHE=0`` to convert every entry in every build.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.bibliography.texmarkup import plain_text
from critical_edition.core import atomic, keptmaps, priorities
from critical_edition.core.config import get_config
from critical_edition.integrity import stale
from critical_edition.outputs.edition import HTML_BUILDERS
from critical_edition.speedups.bibcache import entry_fingerprint
from critical_edition.speedups.bibentries import entries_by_key
from critical_edition.speedups.versions import installed_version, switched_on

if TYPE_CHECKING:
    from collections.abc import Mapping

    from docutils import nodes
    from sphinx.application import Sphinx

#: Set to ``0`` to convert every entry in every build, without the cache.
SWITCH = "CRITICAL_EDITION_CSLCACHE"
#: The cache of the file's text, in the doctree directory.
CACHE_FILE = "critical_edition_csljson.json"

#: BibLaTeX (and BibTeX) entry types and the CSL type of each; any other is a ``document``.
TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "online": "webpage",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "misc": "document",
}
#: BibLaTeX fields copied into a CSL variable: prose with its LaTeX markup decoded, ...
TEXT_FIELDS = {
    "title": "title",
    "journaltitle": "container-title",
    "journal": "container-title",
    "booktitle": "container-title",
    "publisher": "publisher",
    "organization": "publisher",
    "institution": "publisher",
    "volume": "volume",
    "number": "number",
    "pages": "page",
    "doi": "DOI",
    "url": "URL",
    "issn": "ISSN",
    "isbn": "ISBN",
    "keywords": "keyword",
    "shorthand": "citation-label",
}
#: ... except numbers and identifiers, copied as written (``1--9`` stays ``1--9``).
VERBATIM_FIELDS = frozenset({"volume", "number", "pages", "doi", "url", "issn", "isbn"})
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def plain(value: object) -> str:
    """A field value without BibTeX's protective braces, on one line: for identifiers."""
    return " ".join(str(value).replace("{", "").replace("}", "").split())


def prose(value: object) -> str:
    """A field value of prose as a reader sees it: LaTeX decoded (``\\&`` is ``&``), one line."""
    return " ".join(plain_text(str(value)).split())


def csl_date(value: str) -> dict[str, Any]:
    """An ISO 8601 date as CSL ``date-parts``; any other text as ``raw``."""
    match = ISO_DATE.fullmatch(value)
    if match is None:
        return {"raw": value}
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def csl_name(person: Any) -> dict[str, str]:
    """A pybtex person as a CSL name: an institution (one braced name) as ``literal``."""
    last = " ".join(person.prelast_names + person.last_names)
    given = prose(" ".join(person.first_names + person.middle_names))
    if not given and last.startswith("{") and last.endswith("}"):
        return {"literal": prose(last)}
    name = {"family": prose(last)}
    if given:
        name["given"] = given
    return name


def status_note(fields: Any) -> str:
    """The editors' verification status, confidence and note, as one text."""
    status = plain(fields.get("verification", ""))
    confidence = plain(fields.get("confidence", ""))
    note = prose(fields.get("note", ""))
    head = f"Verification: {status or 'not recorded'}"
    if confidence:
        head += f" (confidence {confidence})"
    return f"{head}. {note}" if note else f"{head}."


def csl_item(key: str, entry: Any) -> dict[str, Any]:
    """One bibliography entry as a CSL-JSON item."""
    fields = entry.fields
    item: dict[str, Any] = {"id": key, "type": TYPES.get(entry.type.lower(), "document")}
    for field_name, variable in TEXT_FIELDS.items():
        as_written = field_name in VERBATIM_FIELDS
        value = (plain if as_written else prose)(fields.get(field_name, ""))
        if value and variable not in item:
            item[variable] = value
    for role, variable in (("author", "author"), ("editor", "editor")):
        persons = entry.persons.get(role, [])
        if persons:
            item[variable] = [csl_name(person) for person in persons]
    date = plain(fields.get("date", "")) or plain(fields.get("year", ""))
    if date:
        item["issued"] = csl_date(date)
    accessed = plain(fields.get("urldate", ""))
    if accessed:
        item["accessed"] = csl_date(accessed)
    item["note"] = status_note(fields)
    return item


def csl_text(entries: Mapping[str, Any]) -> str:
    """The CSL-JSON file's text for *entries*."""
    items = [csl_item(key, entry) for key, entry in entries.items()]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def entries_digest(entries: Mapping[str, Any]) -> str:
    """A digest of all :func:`csl_text` reads of *entries*, and of the code that converts them."""
    digest = hashlib.sha256(stale.code_stamp().encode("ascii"))
    digest.update(f"latexcodec {installed_version('latexcodec')}\n".encode())
    for key, entry in entries.items():
        digest.update(f"{len(key)}:{key}:{entry_fingerprint(entry)}\n".encode())
    return digest.hexdigest()


def _cached_text(app: Sphinx, entries: Mapping[str, Any]) -> str:
    """:func:`csl_text`, from the cache when its digest holds (and stored there)."""
    if not switched_on(SWITCH):
        return csl_text(entries)
    cache = Path(app.doctreedir) / CACHE_FILE
    digest = entries_digest(entries)
    kept = keptmaps.read_state(cache, stamp={"digest": digest}, fields={"text": str})
    if kept:  # else no cache, or an unreadable one: converted anew
        return str(kept["text"])
    text = csl_text(entries)
    keptmaps.write_state(cache, {"digest": digest, "text": text})
    return text


def write_csl_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write the CSL-JSON next to the HTML (connected to ``build-finished``)."""
    filename = get_config(app.config).csl_json
    if exception is not None or not filename or app.builder.name not in HTML_BUILDERS:
        return
    atomic.update_text(Path(app.outdir, filename), _cached_text(app, entries_by_key(app.env)))


def link_from_bibliography(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """End each page that holds a bibliography with a link to the CSL-JSON file."""
    filename = get_config(app.config).csl_json
    if not filename or doctree is None or app.builder.name not in HTML_BUILDERS:
        return
    cite: Any = app.env.domains["cite"]
    if not any(key.docname == pagename for key in cite.bibliographies):
        return
    # The file is at the root of the output: relative to the page's own folder.
    page_dir = posixpath.dirname(app.builder.get_target_uri(pagename))
    href = posixpath.relpath(filename, page_dir or ".")
    context["body"] = context.get("body", "") + (
        '<p class="edition-data-link">This bibliography as CSL-JSON, for reference managers '
        f'(Zotero, pandoc): <a href="{html.escape(href)}" type="application/json" download>'
        f"{html.escape(filename)}</a>.</p>\n"
    )


def register(app: Sphinx) -> None:
    """Connect the CSL-JSON export and its link on the bibliography page."""
    app.connect("build-finished", write_csl_json)
    app.connect("html-page-context", link_from_bibliography, priority=priorities.PAGE_METADATA)
