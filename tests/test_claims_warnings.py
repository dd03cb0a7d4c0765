"""Warnings of the claims feature: one tiny root per subtype, compared exactly.

Each ``test-claims-warn-*`` root holds exactly one problem; its build must give exactly one
warning, with file, line, text and ``[type.subtype]``, and ``suppress_warnings`` must silence it.
Colours are stripped and the source directory is replaced by ``<srcdir>``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from critical_edition.outputs.claims_json import SCHEMA_PATH
from helpers import built, warnings_of

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

TYPES = "person, office, ministry, state, organisation, media, group"
OPTIONS = (
    "id, actor, verb, source, date, status, note, evidence, contradicts, supports, repeats, "
    "corrects, topic"
)
STATUSES = "sourced, unsourced, verified, contested, corrected"
NEEDS = "add note=… with the editors' finding and evidence=<bib key>"
UNKNOWN_ACTOR = (
    "declare it with the actor directive in the register, or use an existing id or alias"
)

#: root -> (the suppress_warnings entry that silences it, the exact warning).
CASES: dict[str, tuple[str, str]] = {
    "claims-warn-unknown-option": (
        "edition.claim_malformed",
        (
            f"<srcdir>/index.md:10: WARNING: unknown claim option 'colour'; the options are: "
            f"{OPTIONS}; the claim is kept without it [edition.claim_malformed]"
        ),
    ),
    "claims-warn-bad-date": (
        "edition.claim_malformed",
        (
            "<srcdir>/index.md:9: WARNING: the claim's date '2020-13-01' is no day of the "
            "calendar; the claim is kept without a date [edition.claim_malformed]"
        ),
    ),
    "claims-warn-bad-status": (
        "edition.claim_malformed",
        (
            f"<srcdir>/index.md:9: WARNING: unknown claim status 'false'; use one of: {STATUSES}"
            "; the claim is kept with the default status [edition.claim_malformed]"
        ),
    ),
    "claims-warn-bad-status-block": (
        "edition.claim_malformed",
        (
            f"<srcdir>/index.md:9: WARNING: unknown claim status 'doubtful'; use one of: {STATUSES}"
            "; the claim is kept with the default status [edition.claim_malformed]"
        ),
    ),
    "claims-warn-bad-id": (
        "edition.claim_malformed",
        (
            "<srcdir>/index.md:9: WARNING: the claim id 'talks praise' may only contain letters, "
            "digits, '-', '_' and '.'; the claim is kept with a generated id [edition.claim_malformed]"
        ),
    ),
    "claims-warn-unbalanced-quote": (
        "edition.claim_malformed",
        (
            "<srcdir>/index.md:9: WARNING: cannot read the claim's options: unbalanced double quote "
            "in 'actor=lavrov; note=\"open' [edition.claim_malformed]"
        ),
    ),
    "claims-warn-no-actor": (
        "edition.claim_no_actor",
        (
            "<srcdir>/index.md:9: WARNING: the claim names no actor: add actor=<id> with an actor "
            "from the register [edition.claim_no_actor]"
        ),
    ),
    "claims-warn-unknown-actor": (
        "edition.claim_unknown_actor",
        (
            "<srcdir>/index.md:10: WARNING: the claim 'lavrov-praised-the-talks' names the unknown "
            f"actor 'lavrof' (did you mean 'lavrov'?): {UNKNOWN_ACTOR} [edition.claim_unknown_actor]"
        ),
    ),
    "claims-warn-unknown-source-bib": (
        "edition.claim_unknown_source",
        (
            "<srcdir>/index.md:10: WARNING: the claim 'lavrov-praised-the-talks' cites "
            "'nosuchkey2020', which is no key in the .bib files [edition.claim_unknown_source]"
        ),
    ),
    "claims-warn-unknown-source-footnote": (
        "edition.claim_unknown_source",
        (
            "<srcdir>/index.md:9: WARNING: the claim 'lavrov-praised-the-talks' cites '^2', which "
            "is no footnote on this page [edition.claim_unknown_source]"
        ),
    ),
    "claims-warn-duplicate-id": (
        "edition.claim_duplicate_id",
        (
            "<srcdir>/second.md:3: WARNING: the claim id 'praise' is already used at index:9; give "
            "this claim another id= [edition.claim_duplicate_id]"
        ),
    ),
    "claims-warn-link-unknown": (
        "edition.claim_unknown_link",
        (
            "<srcdir>/index.md:11: WARNING: the claim 'lavrov-denied-praising-them' contradicts "
            "'praize', which is no claim of the edition: use an id from the claim index, or give "
            "the target claim that id= [edition.claim_unknown_link]"
        ),
    ),
    "claims-warn-link-self": (
        "edition.claim_self_link",
        (
            "<srcdir>/index.md:9: WARNING: the claim 'praise' supports itself: name another "
            "claim's id in supports= [edition.claim_self_link]"
        ),
    ),
    "claims-warn-link-bad-id": (
        "edition.claim_malformed",
        (
            "<srcdir>/index.md:9: WARNING: the topic id 'who began' may only contain letters, "
            "digits, '-', '_' and '.'; the claim is kept without a topic [edition.claim_malformed]"
        ),
    ),
    "claims-warn-needs-note": (
        "edition.claim_status_needs_note",
        (
            "<srcdir>/index.md:9: WARNING: the claim 'lavrov-praised-the-talks' is contested but "
            f"has no note: {NEEDS} [edition.claim_status_needs_note]"
        ),
    ),
    "claims-warn-needs-evidence": (
        "edition.claim_status_needs_note",
        (
            "<srcdir>/index.md:9: WARNING: the claim 'lavrov-praised-the-talks' is corrected but "
            f"has no evidence: {NEEDS} [edition.claim_status_needs_note]"
        ),
    ),
    "claims-warn-evidence-not-in-bib": (
        "edition.claim_evidence_not_in_bib",
        (
            "<srcdir>/index.md:9: WARNING: the claim 'lavrov-praised-the-talks' is contested, "
            "but its evidence (^ed-readout) names no entry of the bibliography: give the source "
            "an entry in the .bib file and name its key in evidence= "
            "[edition.claim_evidence_not_in_bib]"
        ),
    ),
    "claims-warn-confidence-unsourced": (
        "edition.note_confidence_unsourced",
        (
            "<srcdir>/index.md:9: WARNING: the note of the claim 'lavrov-praised-the-talks' "
            "states 'high confidence' but its evidence names no entry of the bibliography: name "
            "the source the confidence rests on in evidence=<bib key>, or take the confidence "
            "out [edition.note_confidence_unsourced]"
        ),
    ),
    "claims-warn-unmarked": (
        "edition.claim_unmarked",
        (
            "<srcdir>/index.md:4: WARNING: possible attributed statement not marked as a claim: "
            "'stated' in “…and the minister stated that they had failed.…”; mark it with {claim} "
            "or dismiss it with {not-a-claim} [edition.claim_unmarked]"
        ),
    ),
    # A dangling {ed:claim} goes through Sphinx's missing-reference machinery, which uses the
    # domain's dangling_warnings text but its own type: ``ref.<role>``, not
    # an ``edition.*`` subtype: ``suppress_warnings = ["ref.claim"]`` silences it.
    "claims-warn-ref-missing": (
        "ref.claim",
        (
            "<srcdir>/index.md:10: WARNING: no claim with the id 'praize': see the claim index for "
            "the ids (did you mean 'praise'?) [ref.claim]"
        ),
    ),
    "claims-warn-ref-missing-actor": (
        "ref.actor",
        (
            "<srcdir>/index.md:9: WARNING: no actor with the id or alias 'lavrof' in the actor "
            "register (did you mean 'lavrov'?) [ref.actor]"
        ),
    ),
    "claims-warn-actor-malformed": (
        "edition.actor_malformed",
        (
            "<srcdir>/index.md:3: WARNING: the actor 'lavrov' has the unknown type 'minister'; use "
            f"one of: {TYPES} [edition.actor_malformed]"
        ),
    ),
    "claims-warn-actor-duplicate": (
        "edition.actor_duplicate",
        (
            "<srcdir>/index.md:9: WARNING: the name 'Lavrov' of the actor 'mfa' is already used by "
            "the actor 'lavrov': ids and aliases must be unique [edition.actor_duplicate]"
        ),
    ),
}


def _roots() -> list[object]:
    """One parameter per root, each building that root from a fresh environment."""
    return [
        pytest.param(root, marks=pytest.mark.sphinx("html", testroot=root, freshenv=True), id=root)
        for root in CASES
    ]


@pytest.mark.parametrize("root", _roots())
def test_exactly_one_warning(app: SphinxTestApp, root: str) -> None:
    app.build()
    assert warnings_of(app) == [CASES[root][1]]


@pytest.mark.parametrize("root", CASES)
def test_suppress_warnings_silences_the_subtype(make_app, tmp_path, rootdir, root: str) -> None:
    suppress, _ = CASES[root]
    app = make_app(
        "html",
        srcdir=rootdir / f"test-{root}",
        builddir=tmp_path / "_build",
        freshenv=True,
        confoverrides={"suppress_warnings": [suppress]},
    )
    app.build()
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="claims-basic", freshenv=True)
def test_clean_root_has_no_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0


def test_every_case_names_its_subtype() -> None:
    """Guard the table itself: the suppress entry is the subtype shown in the warning."""
    for suppress, warning in CASES.values():
        assert re.search(rf"\[{re.escape(suppress)}\]$", warning)


def test_misspelt_option_keeps_its_claim(rootdir: Path, tmp_path: Path) -> None:
    """A misspelt option is reported with a suggestion and left out; the claim stays whole."""
    with built(rootdir / "test-broken-claim-misspelt-option", tmp_path / "_build") as app:
        [warning] = warnings_of(app)
        assert "unknown claim option 'vreb' (did you mean 'verb'?)" in warning
        page = (app.outdir / "index.html").read_text(encoding="utf-8")
        data = json.loads((app.outdir / "claims.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    [claim] = data
    assert claim["id"] == "praise"
    assert claim["text"] == "praised the talks"
    assert claim["actors"] == ["Sergey Lavrov"]
    assert claim["sources"] == ["alpha2000"]
    # In the text, as a claim, and in the claim index.
    assert 'id="claim-praise"' in page
    assert page.count('href="#claim-praise"') >= 1
