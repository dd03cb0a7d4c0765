"""The claim index names every node class it is made of (claims/indexes.py, CLAIM_INDEX_NODES):
the toolkit's census takes the set in instead of walking the page again, so the set must cover
what the index holds in every output format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from critical_edition.claims import indexes
from critical_edition.claims.indexes import CLAIM_INDEX_NODES, FillClaimIndex
from critical_edition.core import post_transforms
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from sphinx_design.tabs import sd_tab_input

#: A class only one format's index holds: the set is checked against each format's own content.
OWN_TO_FORMAT = {"html": sd_tab_input, "latex": nodes.enumerated_list, "text": nodes.table}


@pytest.mark.parametrize("builder", ["html", "latex", "text"])
def test_the_named_classes_cover_the_index(
    rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    made: set[type[nodes.Node]] = set()
    checked: list[str] = []
    index, run = FillClaimIndex.index, FillClaimIndex.run

    def recorded_index(self: FillClaimIndex, *args: Any) -> list[nodes.Node]:
        result = index(self, *args)
        for top in result:
            made.update(type(node) for node in top.findall())
        return result

    def classes(document: nodes.document) -> set[type[nodes.Node]]:
        return {type(node) for node in document.findall(nodes.Element)}

    def compared_run(self: FillClaimIndex, **kwargs: Any) -> None:
        before = classes(self.document)
        run(self, **kwargs)
        known = post_transforms._census.get(self.document)
        if known is not None and self.env.docname in {"claims", app.config.root_doc}:
            # Every class the index brought into the page is one the census now knows of.
            brought = classes(self.document) - before
            assert brought <= known, brought - known
            checked.append(self.env.docname)

    monkeypatch.setattr(FillClaimIndex, "index", recorded_index)
    monkeypatch.setattr(FillClaimIndex, "run", compared_run)
    app = SphinxTestApp(
        builder,
        srcdir=rootdir / "test-claims-output",
        builddir=tmp_path / "_build",
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert OWN_TO_FORMAT[builder] in made
    assert made <= CLAIM_INDEX_NODES, made - CLAIM_INDEX_NODES
    assert checked
    assert indexes.CLAIM_INDEX_NODES is CLAIM_INDEX_NODES
