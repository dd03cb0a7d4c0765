"""Settings the small test projects share: each root's conf.py takes one preset by name.

The roots under tests/roots are copied to a temporary folder before they are built, so their
conf.py imports this module (tests/ is on ``sys.path`` while pytest runs; to build a root by
hand, run ``PYTHONPATH=tests sphinx-build tests/roots/test-… out``).
"""

from __future__ import annotations

from typing import Any

#: The broken-project corpus (tests/test_integrity_broken.py): strict references, the basic
#: theme, author-year citations, no attribution linter (its warnings would add to the one
#: diagnostic each root is about).
BROKEN: dict[str, Any] = {
    "extensions": ["critical_edition"],
    "nitpicky": True,
    "html_theme": "basic",
    "bibtex_bibfiles": ["refs.bib"],
    "bibtex_reference_style": "author_year",
    "bibtex_default_style": "plain",
    "edition_lint_attributions": False,
}

#: The same, with MyST's colon fences for block markup (``:::{claim}``).
BROKEN_FENCED: dict[str, Any] = {**BROKEN, "myst_enable_extensions": ["colon_fence"]}

#: The claims' roots: the toolkit with its default theme and the linter on.
CLAIMS: dict[str, Any] = {
    "extensions": ["critical_edition"],
    "bibtex_bibfiles": ["refs.bib"],
    "myst_enable_extensions": ["colon_fence"],
    "nitpicky": True,
}

#: The apparatus's warning roots: as the claims' roots, without the linter.
APPARATUS_WARNINGS: dict[str, Any] = {**CLAIMS, "edition_lint_attributions": False}
