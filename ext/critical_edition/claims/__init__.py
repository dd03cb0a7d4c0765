"""Claims (read to write phase): markup, actors, the linter, the domain, checks and indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from critical_edition.claims import actors, checks, disputes, domain, indexes, lint, markup
from critical_edition.core import priorities

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_claims(app: Sphinx) -> None:
    """Register the claim markup, the actor register, the linter, the checks, the indexes and
    the disputed points."""
    # Reading: markup -> nodes + records in the domain (keyed by document).
    app.add_domain(domain.EditionDomain)
    markup.register(app)
    actors.register(app)
    lint.register(app)
    # env-get-outdated / env-updated: pages built from other pages' claims are rewritten.
    app.connect("env-get-outdated", domain.note_changes)
    app.connect("env-updated", domain.pages_to_rewrite)
    # The records are complete from env-updated to the next read: derived views kept.
    app.connect("env-before-read-docs", domain.unsettle)
    app.connect("env-updated", domain.settle, priority=priorities.SETTLE_RECORDS)
    # warn-missing-reference: an unknown claim or actor id, with "did you mean" when one is close.
    app.connect("warn-missing-reference", domain.warn_dangling)
    # write-started: corpus-wide checks, emitted by every build (also one that read nothing).
    app.connect("write-started", checks.run_checks)
    # Writing: cards, the claim index and the actor entries (post-transforms).
    indexes.register(app)
    # ... and the disputed points (each topic's rival claims side by side).
    disputes.register(app)
