"""Early-warning flags and the priority score (SPEC §4): each rule at its boundary, the sum and
the explanation."""

from datetime import date

import pytest

from stegvis.assessments import risk
from stegvis.assessments.risk import EarlierEnrolment, Facts, FlagSetting


def keys(priority):
    return [flag.key for flag in priority.flags]


def test_no_facts_no_flags_score_zero():
    priority = risk.evaluate(Facts())
    assert priority.score == 0
    assert priority.flags == ()
    assert priority.explanation == "Inga varningsflaggor."
    assert priority.level == "normal"


@pytest.mark.parametrize(
    ("time_outside", "flagged"),
    [
        ("lt_6m", False),
        ("6_12m", False),
        ("1_2y", False),
        ("2_5y", True),
        ("gt_5y", True),
        ("okand", False),
        ("", False),
    ],
)
def test_long_time_outside_starts_at_two_years(time_outside, flagged):
    priority = risk.evaluate(Facts(time_outside=time_outside))
    assert ("long_time_outside" in keys(priority)) is flagged


def test_explanation_names_the_flag_its_detail_and_weight():
    priority = risk.evaluate(Facts(time_outside="2_5y", time_outside_label="2–5 år"))
    assert priority.flags[0].text == "Lång tid utan arbete eller studier (2–5 år) +3"
    assert priority.explanation == "Lång tid utan arbete eller studier (2–5 år) +3. Summa 3."


@pytest.mark.parametrize(
    ("level", "flagged"),
    [("none", True), ("A1", True), ("A2", False), ("B1", False), ("", False)],
)
def test_swedish_below_a2_is_flagged(level, flagged):
    assert ("no_swedish" in keys(risk.evaluate(Facts(swedish_level=level)))) is flagged


def test_no_swedish_detail_reads_plainly():
    (flag,) = risk.evaluate(Facts(swedish_level="none")).flags
    assert flag.text == "Lite eller ingen svenska (ingen svenska) +3"
    (flag,) = risk.evaluate(Facts(swedish_level="A1")).flags
    assert flag.detail == "nivå A1"


@pytest.mark.parametrize(
    ("facts", "flagged"),
    [
        (Facts(obstacles=frozenset({"health"})), True),
        (Facts(obstacles=frozenset({"disability"})), True),
        (Facts(need_health="high"), True),
        (Facts(need_health="medium"), False),
        (Facts(obstacles=frozenset({"housing"})), False),
    ],
)
def test_health_obstacle(facts, flagged):
    assert ("health_obstacle" in keys(risk.evaluate(facts))) is flagged


@pytest.mark.parametrize(("need", "flagged"), [("high", True), ("medium", False), ("", False)])
def test_no_network_only_for_high_need(need, flagged):
    assert ("no_network" in keys(risk.evaluate(Facts(need_network=need)))) is flagged


def earlier(start, end, reason="", neutral=False):
    return EarlierEnrolment(start=start, end=end, exit_reason=reason, neutral_exit=neutral)


@pytest.mark.parametrize(
    ("enrolment", "flagged"),
    [
        (earlier(date(2025, 1, 1), date(2025, 12, 1), "annat"), True),
        (earlier(date(2025, 1, 1), date(2025, 12, 1), "sjukskriven"), True),
        # Ended inside three months without work or studies: dropped out.
        (earlier(date(2025, 1, 31), date(2025, 4, 29), "flyttat_inom_landet"), True),
        # Exactly three months (31 Jan + 3 months = 30 Apr) is no longer "within".
        (earlier(date(2025, 1, 31), date(2025, 4, 30), "flyttat_inom_landet"), False),
        # Work or studies, or a registration in error, never count as dropping out.
        (earlier(date(2025, 1, 1), date(2025, 1, 20), "arbete", neutral=True), False),
        (earlier(date(2025, 1, 1), date(2025, 1, 20), "felregistrering", neutral=True), False),
        # Still ongoing: not ended, not dropped out.
        (earlier(date(2025, 1, 1), None, ""), False),
    ],
)
def test_earlier_dropout(enrolment, flagged):
    priority = risk.evaluate(Facts(earlier=(enrolment,)))
    assert ("earlier_dropout" in keys(priority)) is flagged


def test_earlier_dropout_counts_every_broken_off_intervention():
    facts = Facts(
        earlier=(
            earlier(date(2024, 1, 1), date(2024, 2, 1), "annat"),
            earlier(date(2025, 1, 1), date(2025, 9, 1), "sjukskriven"),
        )
    )
    (flag,) = risk.evaluate(facts).flags
    assert flag.detail == "2 tidigare insatser"


def test_no_work_experience_needs_an_assessment_to_know():
    assert risk.evaluate(Facts(has_assessment=False)).score == 0
    assert keys(risk.evaluate(Facts(has_assessment=True))) == ["no_work_experience"]
    assert risk.evaluate(Facts(has_assessment=True, work_experience_count=1)).score == 0


@pytest.mark.parametrize(("score", "flagged"), [(1, True), (2, True), (3, False)])
def test_low_self_confidence_at_two_or_below(score, flagged):
    facts = Facts(latest_scores={"self_confidence": score})
    assert ("low_self_confidence" in keys(risk.evaluate(facts))) is flagged


def test_score_is_the_sum_of_applied_weights_heaviest_first():
    facts = Facts(
        time_outside="gt_5y",
        swedish_level="A1",
        need_network="high",
        interpreter_needed=True,
        income_sources=frozenset({"sjukpenning"}),
    )
    priority = risk.evaluate(facts)
    assert priority.score == 3 + 3 + 2 + 2 + 1
    assert [f.weight for f in priority.flags] == sorted(
        (f.weight for f in priority.flags), reverse=True
    )
    assert priority.level == "high"


@pytest.mark.parametrize(
    ("score", "level"), [(3, "normal"), (4, "raised"), (6, "raised"), (7, "high")]
)
def test_levels_at_their_boundaries(score, level):
    settings = [FlagSetting("interpreter_needed", "Tolk", score)]
    assert risk.evaluate(Facts(interpreter_needed=True), settings).level == level


def test_federation_weights_labels_and_inactive_flags_are_respected():
    facts = Facts(time_outside="2_5y", interpreter_needed=True)
    settings = [
        FlagSetting("long_time_outside", "Länge utanför", 5),
        FlagSetting("interpreter_needed", "Tolk", 1, active=False),
        FlagSetting("unknown_rule", "Okänd", 9),
    ]
    priority = risk.evaluate(facts, settings)
    assert priority.score == 5
    assert priority.flags[0].text.startswith("Länge utanför")


def test_every_default_flag_has_a_rule_and_a_description():
    assert len({d.key for d in risk.DEFAULT_FLAGS}) == len(risk.DEFAULT_FLAGS)
    for definition in risk.DEFAULT_FLAGS:
        assert callable(definition.rule)
        assert definition.description
        assert 0 <= definition.weight <= 20
