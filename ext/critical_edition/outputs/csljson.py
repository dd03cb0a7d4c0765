"""Outputs (build-finished): the bibliography as CSL-JSON, for Zotero, pandoc, Quarto and mystmd.

One item per entry of the ``.bib`` files, in the files' order, written next to the HTML as
``edition_csl_json`` (``bibliography.csl.json``). BibLaTeX fields map to CSL variables
(:data:`TYPES`, :func:`csl_item`); the editors' verification status, confidence and note go
into the item's ``note``, since CSL has no variable of its own for them. A field the entry does
not have is left out; nothing is guessed.

Decoding the entries' LaTeX is most of this export's cost; each entry's item, as written in the
file, is kept in the doctree directory under the entry's key and fingerprint (key, type,
fields, names), the whole under the toolkit's code and the decoder's version, so that a
rebuild converts only the entries that changed (after a one-entry edit of the .bib at fifty
times the paper, one item instead of 1,900). The file is the items joined, byte for byte what
converting them all gives (:func:`csl_text`). While the entries and the code are those of the
last build and the file is as it left it, the file is left alone without reading the cache
(:func:`write_csl_json`). Set ``CRITICAL_EDITION_CSLCACHE=0`` to convert every entry in every
build.
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
from critical_edition.speedups.bibcache import entry_fingerprint, parse_digest
from critical_edition.speedups.bibentries import entries_by_key
from critical_edition.speedups.versions import installed_version, switched_on

if TYPE_CHECKING:
    from collections.abc import Mapping

    from docutils import nodes
    from sphinx.application import Sphinx

#: Set to ``0`` to convert every entry in every build, without the cache.
SWITCH = "CRITICAL_EDITION_CSLCACHE"
#: The cache of the items' text, in the doctree directory.
CACHE_FILE = "critical_edition_csljson.json"
#: The digests of the last file's inputs and bytes, in the doctree directory (see write_csl_json).
FILE_STATE = "critical_edition_csljson_file.json"
#: Bump when the layout of the cache file changes.
CACHE_FORMAT = 2

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


def item_text(key: str, entry: Any) -> str:
    """One entry's item as :func:`csl_text` writes it in the file's list (indented once)."""
    # JSON text holds no line break inside a string (it is written \\n): every line of the
    # item's own text is one line of the file's.
    return "  " + json.dumps(csl_item(key, entry), ensure_ascii=False, indent=2).replace(
        "\n", "\n  "
    )


def csl_items(entries: Mapping[str, Any]) -> dict[str, str]:
    """Each of *entries*' item text (:func:`item_text`), by key."""
    return {key: item_text(key, entry) for key, entry in entries.items()}


def joined(items: list[str]) -> str:
    """The file's text for the item texts *items*, in order: what ``json.dumps`` of the list
    of items gives (with ``indent=2``), and a line break."""
    return ("[\n" + ",\n".join(items) + "\n]" if items else "[]") + "\n"


def csl_text(entries: Mapping[str, Any]) -> str:
    """The CSL-JSON file's text for *entries*, every entry converted."""
    return joined(list(csl_items(entries).values()))


def code_digest() -> str:
    """A digest of the code that converts the entries: the toolkit's and the decoder's."""
    digest = hashlib.sha256(stale.code_stamp().encode("ascii"))
    digest.update(f"latexcodec {installed_version('latexcodec')}\n".encode())
    return digest.hexdigest()


def memo_key(key: str, entry: Any) -> str:
    """An item's key in the cache: the entry's key and everything its conversion reads."""
    return f"{len(key)}:{key}:{entry_fingerprint(entry)}"


def _cached_text(app: Sphinx, entries: Mapping[str, Any]) -> str:
    """:func:`csl_text`, converting only the entries whose item the cache does not hold
    (and keeping this build's items there)."""
    if not switched_on(SWITCH):
        return csl_text(entries)
    cache = Path(app.doctreedir) / CACHE_FILE
    stamp = {"format": CACHE_FORMAT, "code": code_digest()}
    kept = keptmaps.read_state(cache, stamp=stamp, fields={"items": dict})
    # Anything but a map of texts (no cache, another layout, damaged): converted anew.
    stored = keptmaps.string_map(kept.get("items")) or {}
    keys = {key: memo_key(key, entry) for key, entry in entries.items()}
    missing = {key: entry for key, entry in entries.items() if keys[key] not in stored}
    converted = csl_items(missing) if missing else {}
    used = {
        memo: converted[key] if key in converted else stored[memo] for key, memo in keys.items()
    }
    if missing or len(used) != len(stored):
        keptmaps.write_state(cache, {**stamp, "items": used})
    return joined(list(used.values()))


def file_inputs(app: Sphinx, entries: Mapping[str, Any]) -> str | None:
    """A digest of everything the file is made from: the entries' remembered fingerprints
    (:func:`.bibcache.parse_digest`), their keys in the files' order and the converting code;
    None when the fingerprints are not remembered or the cache is off."""
    bibdata = getattr(app.env.domains["cite"].data.get("bibdata"), "data", None)
    parsed = parse_digest(bibdata) if bibdata is not None and switched_on(SWITCH) else None
    if parsed is None:
        return None
    keys = hashlib.sha256("\n".join(entries).encode("utf-8", "surrogatepass")).hexdigest()
    return hashlib.sha256(f"{CACHE_FORMAT}|{code_digest()}|{parsed}|{keys}".encode()).hexdigest()


def write_csl_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write the CSL-JSON next to the HTML (connected to ``build-finished``), unless the last
    build's file is what this build would write: made from the same inputs
    (:func:`file_inputs`), its bytes as that build left them."""
    filename = get_config(app.config).csl_json
    if exception is not None or not filename or app.builder.name not in HTML_BUILDERS:
        return
    path = Path(app.outdir, filename)
    entries = entries_by_key(app.env)
    state = Path(app.doctreedir) / FILE_STATE
    inputs = file_inputs(app, entries)
    if inputs is not None and keptmaps.output_holds(state, inputs, path):
        return
    text = _cached_text(app, entries)
    atomic.update_text(path, text)
    if inputs is not None:
        # The file holds these bytes now: their digest, without reading it back.
        keptmaps.keep_output(state, inputs, hashlib.sha256(text.encode("utf-8")).hexdigest())


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
