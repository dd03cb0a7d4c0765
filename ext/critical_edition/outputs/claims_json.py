"""Export: ``claims.json``, every claim of the edition in reading order (after an HTML build).

The file is a JSON array described by ``schema/claims.schema.json``. It is written at
``build-finished`` from the domain's records, with sorted keys and no timestamps, so two builds
of the same sources give identical files, and an incremental build gives the same file as a
clean one.
"""

from __future__ import annotations

import json
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


def claims_as_json(app: Sphinx) -> list[dict[str, Any]]:
    """Every claim of the edition as JSON-ready objects, in reading order."""
    domain = edition_domain(app.env)
    names = {key: actor.name for key, actor in domain.actor_lookup().items()}
    builder = app.builder
    return [
        claim_record(claim, names, builder.get_target_uri(claim.docname))
        for claim in domain.claims()
    ]


def write_claims_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write the claims export next to the HTML (connected to ``build-finished``)."""
    filename = get_config(app.config).claims_json
    if exception is not None or not filename:
        return
    if app.builder.name not in {"html", "dirhtml", "singlehtml"}:
        return
    text = json.dumps(claims_as_json(app), ensure_ascii=False, indent=2, sort_keys=True)
    atomic.update_text(Path(app.outdir, filename), text + "\n")
