"""Outputs (read phase, write phase, build-finished): reference tables, claims.json, metadata.

The edition as data: claims.json, schema.org JSON-LD and reference-manager tags in the HTML
pages, and the bibliography as CSL-JSON; the search index's entries for the edition's objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.outputs import (
    claims_json,
    csljson,
    edition,
    jsonld,
    meta,
    reference,
    search,
    searchfreeze,
    tei,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_outputs(app: Sphinx) -> None:
    """Register the reference directives and the exports."""
    reference.register(app)
    # build-finished: the claims.json export.
    claims_json.register(app)
    app.connect("config-inited", edition.check_original)
    jsonld.register(app)
    meta.register(app)
    csljson.register(app)
    tei.register(app)
    search.register(app)
    searchfreeze.register(app)
