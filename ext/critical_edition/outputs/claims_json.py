"""Export: ``claims.json``, every claim of the edition in reading order (after an HTML build).

The file is a JSON array described by ``schema/claims.schema.json``. It is written at
``build-finished`` from the domain's records, with sorted keys and no timestamps, so two builds
of the same sources give identical files, and an incremental build gives the same file as a
clean one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.claims.domain import edition_domain
from critical_edition.core import atomic
from critical_edition.core.config import get_config
from critical_edition.core.model import LinkKind

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from critical_edition.core.model import Claim

SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "claims.schema.json"


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


def write_claims_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write the claims export next to the HTML (connected to ``build-finished``)."""
    filename = get_config(app.config).claims_json
    if exception is not None or not filename:
        return
    if app.builder.name not in {"html", "dirhtml", "singlehtml"}:
        return
    atomic.update_chunks(Path(app.outdir, filename), json_array(claims_as_json(app)))
