"""Claim markup: every option of the role and the directive reaches the domain and claims.json.

The root ``test-claims-markup`` is built once for the module; one test copies it to check that
automatic ids do not move when a claim is added before them.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any, cast

import pytest
from bs4 import BeautifulSoup
from critical_edition.claims.lint import find_attributions
from critical_edition.core.model import Claim, ClaimStatus
from helpers import built
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from pathlib import Path

    from critical_edition.claims.domain import EditionDomain


@pytest.fixture(scope="module")
def app(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """The markup root, built once (HTML) for every test of the module."""
    # Leaving the block restores docutils' node registry: other tests build other apps.
    builddir = tmp_path_factory.mktemp("claims-markup") / "_build"
    with built(rootdir / "test-claims-markup", builddir) as app:
        return app


@pytest.fixture(scope="module")
def records(app: SphinxTestApp) -> dict[str, Claim]:
    domain = cast("EditionDomain", app.env.get_domain("ed"))
    return {claim.id: claim for claim in domain.claims()}


@pytest.fixture(scope="module")
def exported(app: SphinxTestApp) -> dict[str, dict[str, Any]]:
    data = json.loads((app.outdir / "claims.json").read_text(encoding="utf-8"))
    return {item["id"]: item for item in data}


@pytest.fixture(scope="module")
def index_html(app: SphinxTestApp) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_root_builds_without_warnings(app: SphinxTestApp) -> None:
    assert strip_escape_sequences(app.warning.getvalue()) == ""


def test_every_option_of_the_role(records: dict[str, Claim]) -> None:
    assert records["all-options"] == Claim(
        id="all-options",
        text="Lavrov denied everything",
        actors=("lavrov",),
        verb="denied",
        sources=("smith2020", "^fn-a"),
        date="2020-10-02",
        status=ClaimStatus.VERIFIED,
        note="Checked; confirmed.",
        evidence=("ev2020", "jones2021"),
        docname="index",
        line=5,
        serial=1,
        section="Options",
        sources_implicit=False,
    )


def test_every_option_of_the_directive(records: dict[str, Claim]) -> None:
    assert records["block-all"] == Claim(
        id="block-all",
        text="The ministry declared that the shelling had stopped. It added a second paragraph.",
        actors=("mfa-az", "Sergei Lavrov"),
        verb="declared",
        sources=("jones2021", "^fn-a"),
        date="2020-09-27",
        status=ClaimStatus.CONTESTED,
        note="The ministry withdrew it.",
        evidence=("ev2020",),
        docname="index",
        line=14,
        serial=7,
        section="Options",
        sources_implicit=False,
    )


def test_the_options_reach_claims_json(exported: dict[str, dict[str, Any]]) -> None:
    assert exported["all-options"] == {
        "id": "all-options",
        "text": "Lavrov denied everything",
        "actors": ["Sergey Lavrov"],
        "actor_ids": ["lavrov"],
        "verb": "denied",
        "sources": ["smith2020", "^fn-a"],
        "status": "verified",
        "date": "2020-10-02",
        "note": "Checked; confirmed.",
        "evidence": ["ev2020", "jones2021"],
        "docname": "index",
        "line": 5,
        "section": "Options",
        "url": "index.html#claim-all-options",
        "links": {"contradicts": [], "supports": [], "repeats": [], "corrects": []},
        "topic": None,
    }
    block = exported["block-all"]
    # An actor named by its alias is exported under its canonical name.
    assert block["actors"] == ["Ministry of Foreign Affairs of Azerbaijan", "Sergey Lavrov"]
    assert block["actor_ids"] == ["mfa-az", "Sergei Lavrov"]
    assert (block["status"], block["date"], block["note"]) == (
        "contested",
        "2020-09-27",
        "The ministry withdrew it.",
    )
    assert (block["sources"], block["evidence"], block["line"]) == (
        ["jones2021", "^fn-a"],
        ["ev2020"],
        14,
    )


def test_several_actors(records: dict[str, Claim], exported: dict[str, dict[str, Any]]) -> None:
    claim = records["both-leaders-blamed-the-other-side"]
    assert (claim.actors, claim.verb) == (("lavrov", "aliyev"), "blamed")
    assert exported[claim.id]["actors"] == ["Sergey Lavrov", "Ilham Aliyev"]


@pytest.mark.parametrize(
    ("claim_id", "status", "note", "evidence"),
    [
        ("contested-words", ClaimStatus.CONTESTED, "Denied.", ("ev2020",)),
        ("corrected-words", ClaimStatus.CORRECTED, "In May.", ("ev2020",)),
        ("sourced-words", ClaimStatus.SOURCED, "", ()),
        # An explicit status wins over the default one, even with a source.
        ("unsourced-words", ClaimStatus.UNSOURCED, "", ()),
        ("all-options", ClaimStatus.VERIFIED, "Checked; confirmed.", ("ev2020", "jones2021")),
    ],
)
def test_each_status(
    records: dict[str, Claim],
    exported: dict[str, dict[str, Any]],
    claim_id: str,
    status: ClaimStatus,
    note: str,
    evidence: tuple[str, ...],
) -> None:
    claim = records[claim_id]
    assert (claim.status, claim.note, claim.evidence) == (status, note, evidence)
    assert exported[claim_id]["status"] == status.value


def test_dates(records: dict[str, Claim], exported: dict[str, dict[str, Any]]) -> None:
    assert records["corrected-words"].date == "2020"
    assert records["unsourced-words"].date == "2020-10"
    assert records["sourced-words"].date == ""
    assert exported["sourced-words"]["date"] is None


@pytest.mark.parametrize(
    ("claim_id", "sources", "implicit", "status"),
    [
        ("cited-inside", ("smith2020",), True, ClaimStatus.SOURCED),
        ("footnote-inside", ("^fn-b",), True, ClaimStatus.SOURCED),
        ("cited-right-after", ("jones2021",), True, ClaimStatus.SOURCED),
        ("footnote-right-after", ("^fn-c",), True, ClaimStatus.SOURCED),
        ("a-block-with-its-citation-inside", ("smith2020",), True, ClaimStatus.SOURCED),
        # A word between the claim and the citation: the citation is not the claim's.
        ("cited-after-a-word", (), False, ClaimStatus.UNSOURCED),
        # No source and no status: unsourced by default.
        ("both-leaders-blamed-the-other-side", (), False, ClaimStatus.UNSOURCED),
        # An explicit source is not implicit.
        ("all-options", ("smith2020", "^fn-a"), False, ClaimStatus.VERIFIED),
    ],
)
def test_implicit_sources_and_default_status(
    records: dict[str, Claim],
    claim_id: str,
    sources: tuple[str, ...],
    implicit: bool,
    status: ClaimStatus,
) -> None:
    claim = records[claim_id]
    assert (claim.sources, claim.sources_implicit, claim.status) == (sources, implicit, status)


def test_citation_keys_stay_out_of_the_claim_text(records: dict[str, Claim]) -> None:
    assert records["cited-inside"].text == "Cited inside"
    assert records["footnote-inside"].text == "Footnote inside"
    assert records["a-block-with-its-citation-inside"].text == "A block with its citation inside."


def test_auto_ids_from_the_first_words_deduplicated_in_the_page(
    records: dict[str, Claim],
) -> None:
    ids = [claim.id for claim in records.values()]
    assert ids == [
        "all-options",
        "both-leaders-blamed-the-other-side",
        "contested-words",
        "corrected-words",
        "sourced-words",
        "unsourced-words",
        "block-all",
        "cited-inside",
        "footnote-inside",
        "cited-right-after",
        "footnote-right-after",
        "cited-after-a-word",
        "a-block-with-its-citation-inside",
        "the-same-words-again",
        "the-same-words-again-2",
        "the-same-words-again-3",
    ]
    assert [claim.serial for claim in records.values()] == list(range(1, 17))


def test_auto_ids_do_not_move_when_a_claim_is_added_before(
    make_app: Any, rootdir: Path, tmp_path: Path, records: dict[str, Claim]
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-markup", srcdir)
    page = srcdir / "index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("## Options\n", "## Options\n\n{claim}`A new first claim <actor=lavrov>`.\n"),
        encoding="utf-8",
    )
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    domain = cast("EditionDomain", app.env.get_domain("ed"))
    ids = [claim.id for claim in domain.claims()]
    assert ids == ["a-new-first-claim", *records]


def test_claim_references_resolve(index_html: BeautifulSoup) -> None:
    paragraph = index_html.find(id="references").find("p")
    links = [(a["href"], a.get_text(" ", strip=True)) for a in paragraph.find_all("a")]
    assert links == [
        ("#claim-all-options", "all-options"),
        ("#claim-block-all", "the block"),
        # by id, by alias (both showing the canonical name), and with an explicit title
        ("register.html#actor-lavrov", "Sergey Lavrov"),
        ("register.html#actor-lavrov", "Sergey Lavrov"),
        ("register.html#actor-lavrov", "the minister"),
    ]
    assert index_html.find(id="claim-all-options") is not None


def test_an_alias_attributes_the_claim_to_the_actor(app: SphinxTestApp) -> None:
    domain = cast("EditionDomain", app.env.get_domain("ed"))
    assert [c.id for c in domain.claims_of_actor("lavrov")][-1] == "the-same-words-again-3"
    assert "block-all" in [c.id for c in domain.claims_of_actor("lavrov")]
    assert [c.id for c in domain.claims_of_actor("mfa-az")] == ["block-all"]


def test_not_a_claim_dismisses_a_linter_hit(index_html: BeautifulSoup) -> None:
    # Without the role, the linter would report the phrase ...
    assert [hit.phrase for hit in find_attributions("The press reported nothing.")] == ["reported"]
    # ... with it, the build has no warning (see above) and the phrase renders as plain text.
    paragraph = index_html.find(id="references").find("p")
    assert "The press reported nothing." in paragraph.get_text()
    assert not paragraph.find_all(class_="ed-claim", id=True)  # a mark; the links are <code>
