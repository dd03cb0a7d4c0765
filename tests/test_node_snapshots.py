"""Each node type's HTML, compared with a reviewed snapshot (tests/snapshots/nodes-*.html).

Two small roots together use every node the toolkit writes. For each node type the test takes
the first element that carries the node's class in the built HTML and compares its markup with
the snapshot. After a deliberate change of output, regenerate with
``CRITICAL_EDITION_SNAPSHOTS=update pytest tests/test_node_snapshots.py`` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CRITICAL_EDITION_SNAPSHOTS") == "update"

#: Node type -> (root, page, CSS selector of its first rendering).
NODES = {
    "claim": ("claims-basic", "index", "span.ed-claim"),
    "claim_card": ("claims-basic", "index", ".ed-claim-card"),
    "claim_status": ("claims-basic", "claims", ".ed-status-badge"),
    "actor_entry": ("claims-basic", "register", ".ed-actor"),
    "emendation": ("apparatus-basic", "text", ".ed-emendation"),
    "emendation_card": ("apparatus-basic", "text", ".ed-emendation-card"),
    "editorial_note": ("apparatus-basic", "text", "aside.ed-margin"),
    "lemma": ("apparatus-basic", "text", ".ed-lemma"),
    "mention": ("apparatus-basic", "text", ".ed-mention"),
    "dated": ("apparatus-basic", "text", ".ed-date"),
    "register_entry": ("apparatus-basic", "persons", ".ed-register-entry"),
    "timeline": ("apparatus-basic", "chronology", "svg"),
    "bib_status": ("apparatus-basic", "bibliography", ".ed-bib-status"),
    "passage_number": ("passages", "text", "a.ed-passage-number"),
}


@pytest.fixture(scope="module")
def built(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outdirs = {}
    for root in sorted({root for root, _page, _selector in NODES.values()}):
        srcdir = tmp_path_factory.mktemp(root) / "src"
        shutil.copytree(rootdir / f"test-{root}", srcdir)
        app = SphinxTestApp("html", srcdir=srcdir)
        try:
            app.build()
        finally:
            app.cleanup()
        outdirs[root] = Path(app.outdir)
    return outdirs


@pytest.mark.parametrize("node", sorted(NODES))
def test_node_html_matches_its_snapshot(node: str, built: dict[str, Path]) -> None:
    root, page, selector = NODES[node]
    soup = BeautifulSoup((built[root] / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    element = soup.select_one(selector)
    assert element is not None, f"no {selector} on {page}.html of {root}"
    fragment = element.decode() + "\n"
    snapshot = SNAPSHOTS / f"nodes-{node}.html"
    if UPDATE or not snapshot.exists():
        if os.environ.get("CI") == "true" and not snapshot.exists():
            pytest.fail(f"{snapshot.name} is missing: generate it locally and commit it")
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(fragment, encoding="utf-8")
    assert fragment == snapshot.read_text(encoding="utf-8")
