"""The attribution linter: unit tests of find_attributions, and its precision and recall.

Two labelled samples of sentences in the style of political analysis (``sentence<TAB>1`` when
the sentence attributes a statement to someone, ``0`` when not), written for these tests:

- ``attribution_sample.tsv`` (100 sentences): the development sample, used to improve the word
  lists and filters (measured before: precision 0.865, recall 0.640; after: 1.0, 1.0);
- ``attribution_heldout.tsv`` (60 sentences): written after that work and never tuned on
  (measured before: precision 0.941, recall 0.533; after: 1.0, 0.9).

The floors below are set from those measurements, a little under them. After the verbs of
issue 15 ("urged", "wrote … that", "stating", "calls on", "in the view of", …): the development
sample 1.0, 1.0; the held-out sample precision 0.967, recall 0.967 (one statute-like
"envisaged" taken for a claim, one "his call for" missed).

A third sample, ``attribution_witness.tsv`` (147 sentences), is the paper's own: real sentences
of the witness (tests/witness/), in its order, labelled ``1`` when the edition marks a claim
in the sentence (the second pass of issue 15) and ``0`` when the sentence is the authors' own
voice: analysis, emphasis, inference ("It is important to note that…", "one can argue",
"seems to", "It would not be surprising…"), which must not be flagged. Sentences neither
clearly one nor the other (a bare narration of events with no analysis, "The accusations also
came during…") are left out. The verbs of issue 15 were chosen on this sample, so its figures
(precision 0.984, recall 0.954; before: 0.933, 0.431) measure how well the linter fits the
edition, not how it generalises; the held-out sample measures that.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from critical_edition.claims.lint import Hit, find_attributions

DATA = Path(__file__).parent / "data"


# -- unit tests ---------------------------------------------------------------------------------


def phrases(text: str) -> list[str]:
    return [hit.phrase for hit in find_attributions(text)]


def test_a_hit_gives_its_position_and_phrase() -> None:
    text = "Lavrov stated that the talks had failed."
    assert find_attributions(text) == [Hit(7, 13, "stated")]
    assert text[7:13] == "stated"


def test_several_hits_in_order() -> None:
    text = "Baku claimed a victory; Yerevan denied it, and according to Moscow both lied."
    assert phrases(text) == ["claimed", "denied", "according to"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was reported that the road was closed.", ["It was reported"]),
        ("It is believed that the order came from Moscow.", ["It is believed"]),
        ("It has been claimed that the shots came first.", ["It has been claimed"]),
        ("According to the ministry, two drones were downed.", ["According to"]),
        ("ACCORDING TO the ministry, two drones were downed.", ["ACCORDING TO"]),
        ("Reportedly, the convoy turned back.", ["Reportedly"]),
        ("The convoy allegedly turned back.", ["allegedly"]),
        ("The general is said to have resigned.", ["is said to"]),
        ("In the words of one diplomat, the truce was dead.", ["In the words of"]),
        ("As one official put it, the war was lost in the air.", ["As one official put it"]),
        ("The press described the deal as a defeat.", ["described the deal as"]),
        ("Yerevan rejected the accusations as fabricated.", ["rejected the accusations"]),
    ],
)
def test_impersonal_and_quoting_attributions(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Both sides accused each other of escalation.",
        "Aliyev told reporters that the operation would go on.",
        "The ministry confirmed the losses.",
        "Pashinyan emphasized the need for talks.",
        "Officials stressed that no troops had crossed.",
    ],
)
def test_reporting_verbs(text: str) -> None:
    assert len(find_attributions(text)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister added that the border was calm.", ["added"]),
        ("The minister added a clause to the text.", []),
        ("Baku maintained that it was responding.", ["maintained"]),
        ("Russia maintains a base in Gyumri.", []),
        ("Observers believe that the truce will hold.", ["believe"]),
        ("Several observers pointed out that nothing was monitored.", ["pointed out"]),
        ("The meeting underlined Russia's role.", []),
    ],
)
def test_verbs_that_report_only_with_a_that_clause(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The states of the region compete for influence.",
        "Territorial claims date back to 1921.",
        "The Baltic states and the member states of the EU abstained.",
        "The United States co-chairs the Minsk Group.",
        "Their claims to the land were never settled.",
        "Military reports from the front were rarely verified.",
        "The claims of both governments rest on history.",
        "The self-declared republic has no recognition.",
        "The reported casualties rose in the second week.",
        "Its declared aim was a settlement.",
        "It should be noted that the text was revised.",
        "It must also be stressed that the map is approximate.",
        "Russia appears to believe that the conflict is frozen.",
        "Azerbaijan was admitted to the United Nations in 1992.",
        "The fighting began on 27 September.",
    ],
)
def test_nouns_adjectives_and_the_authors_voice_are_not_hits(text: str) -> None:
    assert phrases(text) == []


def test_verb_forms_of_noun_like_words_are_hits() -> None:
    assert phrases("The report states that the town fell.") == ["states"]
    assert phrases("Armenian media reports that drones struck.") == ["reports"]
    assert phrases("Baku claims to have destroyed the battery.") == ["claims"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Council urged both sides to respect the truce.", ["urged"]),
        ("International organizations urge ceasefire.", ["urge"]),
        (
            "The envoy wrote in his memoirs that the talks had failed.",
            ["wrote in his memoirs that"],
        ),
        ("Kubicek has written that Moscow sees the region as its own.", ["has written that"]),
        ("He went further stating that Russia had mediated.", ["stating"]),
        ("Azerbaijan called on the international community to react.", ["called on"]),
        ("In the view of the Russian establishment, this was hostile.", ["In the view of"]),
        ("The strongest suspicion was that Moscow was behind it.", ["suspicion was that"]),
        ("The Armenian side is considered as unreliable by Baku.", ["considered as unreliable by"]),
        ("Russia’s occupation of Crimea and its suspected support for separatists.", ["suspected"]),
        ("Lavrov’s recent statement encouraged Armenia.", ["’s recent statement"]),
        ("The community’s call for an end to the war is important.", ["’s call for"]),
    ],
)
def test_verbs_of_issue_15(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Although one can argue that the support is a natural continuum, it is new.",
        "It would be wrong to argue that Russia would not like to lose Azerbaijan.",
        "One can expect that Shusha would be contested.",
        "It is important to note that Russia was the largest arms exporter.",
        "Nevertheless, at the current stage, the situation seems to have changed.",
        "This can further be considered as another example of competitive cooperation.",
        "His pro-Western statements challenged Armenia’s loyalty to Russia.",
        "The writers of the report were never named.",
    ],
)
def test_the_authors_reasoning_is_not_a_hit(text: str) -> None:
    assert phrases(text) == []


def test_extra_reporting_verbs() -> None:
    text = "The envoy opined that the deal was dead."
    assert phrases(text) == []
    assert [hit.phrase for hit in find_attributions(text, ["Opined"])] == ["opined"]


# -- precision and recall on the labelled samples -----------------------------------------------


class Score(NamedTuple):
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        return self.true_positives / (self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return self.true_positives / (self.true_positives + self.false_negatives)


def load(name: str) -> list[tuple[str, bool]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        sentence, _, label = line.rpartition("\t")
        assert label in {"0", "1"}, line
        rows.append((sentence, label == "1"))
    return rows


def score(rows: list[tuple[str, bool]]) -> Score:
    counts = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    for sentence, attributed in rows:
        counts[bool(find_attributions(sentence)), attributed] += 1
    return Score(counts[True, True], counts[True, False], counts[False, True], counts[False, False])


@pytest.mark.parametrize(
    ("name", "size", "min_precision", "min_recall"),
    [
        ("attribution_sample.tsv", 100, 0.95, 0.95),
        ("attribution_heldout.tsv", 60, 0.9, 0.9),
    ],
)
def test_precision_and_recall(
    name: str, size: int, min_precision: float, min_recall: float
) -> None:
    rows = load(name)
    assert len(rows) == size
    # half attributed statements, half not
    assert sum(attributed for _, attributed in rows) == size // 2
    result = score(rows)
    print(
        f"{name}: precision {result.precision:.3f}, recall {result.recall:.3f} "
        f"(tp={result.true_positives} fp={result.false_positives} "
        f"fn={result.false_negatives} tn={result.true_negatives})"
    )
    assert result.precision >= min_precision
    assert result.recall >= min_recall


def test_precision_and_recall_on_the_witness() -> None:
    """The paper's own sentences: the authors' voice is not flagged, attributions are."""
    rows = load("attribution_witness.tsv")
    assert len(rows) == 147
    assert sum(attributed for _, attributed in rows) == 65
    witness = " ".join(
        (Path(__file__).parent / "witness" / "ergun-valiyev-2020.txt").read_text("utf-8").split()
    )
    for sentence, _ in rows:  # real sentences: each one's opening words stand in the witness
        assert " ".join(sentence.split()[:4]) in witness, sentence
    result = score(rows)
    print(
        f"attribution_witness.tsv: precision {result.precision:.3f}, "
        f"recall {result.recall:.3f} (tp={result.true_positives} fp={result.false_positives} "
        f"fn={result.false_negatives} tn={result.true_negatives})"
    )
    assert result.precision >= 0.95
    assert result.recall >= 0.95
