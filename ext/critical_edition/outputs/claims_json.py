"""Export: ``claims.json``, every claim of the edition in reading order (after an HTML build).

The file is a JSON array described by ``schema/claims.schema.json``. It is written at
``build-finished`` from the domain's records, with sorted keys and no timestamps, so two builds
of the same sources give identical files, and an incremental build gives the same file as a
clean one.

Turning every claim into an object and dumping them all took a rebuild after a one-word edit
at fifty times the paper's size half a second. The file is written again only when what it is
made from changed: the export's digest over each document's claims (the domain's
``claims_digest``, kept with the claims until the document is read again), the reading
order, each page's address, the actor register, ``edition_index_documents``, the file name and
the toolkit's code is kept in the doctree directory with a digest of the file's bytes. While
both hold, the file is left as it is. Set ``CRITICAL_EDITION_CLAIMS_JSON_CACHE=0`` to write it
from the claims in every build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.claims.domain import edition_domain
from critical_edition.core import atomic, keptmaps
from critical_edition.core.config import get_config
from critical_edition.core.model import LinkKind
from critical_edition.integrity import stale
from critical_edition.speedups.versions import switched_on

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from critical_edition.core.model import Claim

SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "claims.schema.json"
#: Set to ``0`` to write the export from the claims in every build.
SWITCH = "CRITICAL_EDITION_CLAIMS_JSON_CACHE"
#: The digests of the last export's inputs and bytes, in the doctree directory.
CACHE_FILE = "critical_edition_claims_json.json"


def claim_record(claim: Claim, names: dict[str, str], uri: str) -> dict[str, Any]:
    """One claim as a JSON object."""
    return {
        "id": claim.id,
        "text": claim.text,
        "actors": [names.get(actor.casefold(), actor) for actor in claim.actors],
        "actor_ids": list(claim.actors),
        "verb": claim.verb,
        "sources": list(claim.sources),
        "status": claim.status.value,
        "date": claim.date or None,
        "note": claim.note or None,
        "evidence": list(claim.evidence),
        "docname": claim.docname,
        "line": claim.line,
        "section": claim.section,
        "url": f"{uri}#claim-{claim.id}",
        "links": {
            kind.value: [target for k, target in claim.links if k is kind] for kind in LinkKind
        },
        "topic": claim.topic or None,
    }


def claims_as_json(app: Sphinx) -> Iterator[dict[str, Any]]:
    """Every claim of the edition as a JSON-ready object, one at a time, in reading order."""
    domain = edition_domain(app.env)
    names = {key: actor.name for key, actor in domain.actor_lookup().items()}
    builder = app.builder
    for claim in domain.claims():
        yield claim_record(claim, names, builder.get_target_uri(claim.docname))


def json_array(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The UTF-8 bytes of ``json.dumps(list(records), indent=2, ...)`` and a line break, a record
    at a time (the whole array is never held in memory, as objects or as text).

    An element of an indented array is its own indented text with every line moved in by one
    level; a JSON string never holds a raw line break, so only the lines of the layout move.
    """
    opening = "[\n  "
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
        yield (opening + text.replace("\n", "\n  ")).encode("utf-8")
        opening = ",\n  "
    yield b"[]\n" if opening.startswith("[") else b"\n]\n"


def inputs_digest(app: Sphinx, filename: str) -> str:
    """A digest of everything :func:`claims_as_json` reads."""
    domain = edition_domain(app.env)
    builder = app.builder
    pages = [
        (docname, domain.claims_digest(docname), builder.get_target_uri(docname))
        for docname in domain.reading_order()
        if docname in domain.claims_by_doc
    ]
    parts = (
        filename,
        pages,
        domain.fingerprint_register(),
        get_config(app.config).index_documents,
        stale.code_stamp(),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def write_claims_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write the claims export next to the HTML (connected to ``build-finished``), unless the
    last build's file is what this build would write."""
    filename = get_config(app.config).claims_json
    if exception is not None or not filename:
        return
    if app.builder.name not in {"html", "dirhtml", "singlehtml"}:
        return
    path = Path(app.outdir, filename)
    cache = Path(app.doctreedir) / CACHE_FILE
    inputs = inputs_digest(app, filename) if switched_on(SWITCH) else None
    if inputs is not None and keptmaps.output_holds(cache, inputs, path):
        return
    # Streamed a record at a time (the array is never held whole), digested on the way.
    digest = hashlib.sha256()

    def digested(chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            digest.update(chunk)
            yield chunk

    atomic.update_chunks(path, digested(json_array(claims_as_json(app))))
    if inputs is not None:
        keptmaps.keep_output(cache, inputs, digest.hexdigest())


def register(app: Sphinx) -> None:
    """Write the export once every page is written."""
    app.connect("build-finished", write_claims_json)
