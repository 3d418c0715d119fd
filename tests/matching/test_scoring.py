import pytest

from stegvis.matching.engine import Opportunity, optimal_assign
from stegvis.matching.scoring import (
    DEFAULT_WEIGHTS,
    OpportunityFeatures,
    ParticipantFeatures,
    pair_blockers,
    score_pair,
    score_pairs,
)

AMINA = ParticipantFeatures(
    needs={"language": 2, "health": 1},
    interests=frozenset({"odling", "Matlagning"}),
    languages=frozenset({"arabiska", "engelska"}),
    municipality="Malmö",
    hub="Sydväst",
    availability=frozenset({"mån-fm", "ons-fm", "tors-em"}),
    gender="kvinna",
)

GARDEN = OpportunityFeatures(
    serves=frozenset({"language", "network"}),
    topics=frozenset({"odling"}),
    languages=frozenset({"svenska", "arabiska"}),
    municipality="Malmö",
    hub="Sydväst",
    schedule=frozenset({"mån-fm", "ons-fm"}),
)


def test_score_adds_up_explained_factors():
    score, explanation = score_pair(AMINA, GARDEN)
    assert explanation == [
        "Behov: språk (+3,0)",
        "Intresse: odling (+2,0)",
        "Gemensamt språk: arabiska (+0,5)",
        "Samma kommun (+1,5)",
    ]
    assert score == 7.0


def test_need_counts_only_in_areas_the_activity_serves():
    _, explanation = score_pair(AMINA, GARDEN)
    assert not any("hälsa" in line for line in explanation)


def test_interests_and_languages_ignore_case():
    _, explanation = score_pair(AMINA, OpportunityFeatures(topics=frozenset({"matlagning"})))
    assert explanation == ["Intresse: matlagning (+2,0)"]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (OpportunityFeatures(municipality="Lund", hub="sydväst"), "Samma knutpunkt (+0,5)"),
        (OpportunityFeatures(municipality="Kiruna", hub="Norr"), "Lång resväg (−1,0)"),
    ],
)
def test_travel_is_same_municipality_same_hub_or_far(place, expected):
    assert score_pair(AMINA, place)[1] == [expected]


def test_unknown_location_gives_no_travel_factor():
    assert score_pair(ParticipantFeatures(), OpportunityFeatures(municipality="Lund")) == (0, [])


def test_interpreter_makes_a_pair_allowed_at_a_cost():
    place = OpportunityFeatures(languages=frozenset({"tigrinja"}), interpreter=True)
    assert score_pair(AMINA, place) == (-0.5, ["Tolk behövs (−0,5)"])


def test_single_gender_group_for_someone_who_asked_for_it():
    person = ParticipantFeatures(gender="kvinna", prefers_single_gender=True)
    assert score_pair(person, OpportunityFeatures(gender="Kvinna")) == (
        1.0,
        ["Enkönad grupp som önskat (+1,0)"],
    )


@pytest.mark.parametrize(
    ("person", "place", "blocker"),
    [
        (AMINA, OpportunityFeatures(gender="man"), "Aktiviteten är bara för män"),
        (ParticipantFeatures(), OpportunityFeatures(gender="kvinna"), "bara för kvinnor"),
        (
            AMINA,
            OpportunityFeatures(languages=frozenset({"tigrinja"})),
            "Inget gemensamt språk och ingen tolk",
        ),
        (
            AMINA,
            OpportunityFeatures(schedule=frozenset({"mån-fm", "fre-em"})),
            "Krockar med schemat: fre-em",
        ),
        (
            ParticipantFeatures(availability=frozenset()),
            OpportunityFeatures(schedule=frozenset({"mån-fm"})),
            "Krockar med schemat: mån-fm",
        ),
    ],
)
def test_hard_constraints_make_the_pair_not_allowed(person, place, blocker):
    assert score_pair(person, place) is None
    assert any(blocker in line for line in pair_blockers(person, place))


def test_unknown_availability_never_clashes():
    place = OpportunityFeatures(schedule=frozenset({"fre-em"}))
    assert pair_blockers(ParticipantFeatures(availability=None), place) == []


def test_federation_weights_override_the_defaults():
    score, explanation = score_pair(AMINA, GARDEN, {"need_language": 2.25, "interest": 0})
    assert "Behov: språk (+4,5)" in explanation
    assert not any(line.startswith("Intresse") for line in explanation)
    assert score == 6.5


def test_unknown_weight_is_an_error():
    with pytest.raises(ValueError, match="Okända vikter: intresse"):
        score_pair(AMINA, GARDEN, {"intresse": 1})


def test_default_weights_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        DEFAULT_WEIGHTS["interest"] = 100


@pytest.mark.parametrize(
    ("needs", "message"),
    [({"språk": 1}, "Okänt behovsområde"), ({"health": -1}, "kan inte vara negativ")],
)
def test_needs_are_checked(needs, message):
    with pytest.raises(ValueError, match=message):
        ParticipantFeatures(needs=needs)


def test_scored_pairs_feed_the_solver_with_their_explanations():
    people = {
        "amina": AMINA,
        "omar": ParticipantFeatures(gender="man", languages=frozenset({"arabiska"})),
    }
    places = {"garden": GARDEN, "women": OpportunityFeatures(gender="kvinna")}
    pairs = score_pairs(people, places)
    assert {(p.participant, p.opportunity) for p in pairs} == {
        ("amina", "garden"),
        ("amina", "women"),
        ("omar", "garden"),
    }
    result = optimal_assign(people, [Opportunity("garden", 1), Opportunity("women", 1)], pairs)
    assert [(p.participant, p.opportunity) for p in result.proposals] == [("amina", "garden")]
    assert "Behov: språk (+3,0)" in result.proposals[0].explanation
