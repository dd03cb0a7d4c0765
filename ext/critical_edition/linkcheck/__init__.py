"""Link check (the linkcheck builder): bounded checks, an SSRF guard, a classified report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.linkcheck import builder

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_linkcheck(app: Sphinx) -> None:
    """Replace Sphinx's linkcheck builder by the edition's and write its report."""
    builder.register(app)
