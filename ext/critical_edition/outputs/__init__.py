"""Outputs (read phase and build-finished): reference tables from the code, claims.json."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.outputs import claims_json, reference

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_outputs(app: Sphinx) -> None:
    """Register the reference directives and the claims.json export."""
    reference.register(app)
    # build-finished: the claims.json export.
    app.connect("build-finished", claims_json.write_claims_json)
