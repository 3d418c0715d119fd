"""Priority from stored facts, and distance travelled per intervention (aggregates for reports)."""

from datetime import date

import pytest

from stegvis.assessments import selectors, services
from stegvis.assessments.models import ProgressDimension, StepRating
from stegvis.participants import services as participant_services

pytestmark = pytest.mark.django_db


def assess(enrolment, member, **kwargs):
    values = {"assessed_on": date(2026, 1, 20), **kwargs}
    return services.assessment_create(
        actor=member.user,
        membership=member,
        enrolment=enrolment,
        data=services.AssessmentData(**values),
    )


def rate(enrolment, member, day, rater="staff", **scores):
    services.ensure_dimensions()
    dims = {d.key: d.pk for d in ProgressDimension.objects.all()}
    services.ratings_record(
        actor=member.user,
        membership=member,
        enrolment=enrolment,
        rated_on=day,
        rater=rater,
        scores={dims[k]: v for k, v in scores.items()},
    )


def test_priority_uses_the_latest_assessment_and_in_registration(
    scope, intervention, register, enrol, case_worker
):
    person = register(intervention, interpreter_needed=True)
    enrolment = enrol(
        person, intervention, date(2026, 1, 5), time_outside="gt_5y", main_contact=case_worker
    )
    assess(enrolment, case_worker, swedish_level="none", work_experience=[{"occupation": "Kock"}])
    assess(enrolment, case_worker, swedish_level="B1", work_experience=[{"occupation": "Kock"}])
    priority = selectors.priorities_for([enrolment])[enrolment.pk]
    assert [f.key for f in priority.flags] == ["long_time_outside", "interpreter_needed"]
    assert priority.flags[0].text == "Lång tid utan arbete eller studier (Mer än 5 år) +3"
    assert priority.score == 4


def test_an_earlier_broken_off_enrolment_raises_priority_but_a_later_one_does_not(
    scope, intervention, other_intervention, register, enrol, admin
):
    person = register(intervention)
    earlier = enrol(person, other_intervention, date(2025, 1, 1))
    participant_services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=earlier,
        end_date=date(2025, 2, 1),
        exit_reason="annat",
    )
    current = enrol(person, intervention, date(2026, 1, 5))
    assert "earlier_dropout" in [
        f.key for f in selectors.priorities_for([current])[current.pk].flags
    ]
    assert selectors.priorities_for([earlier])[earlier.pk].score == 0


def test_registration_in_error_is_not_a_dropout(
    scope, intervention, other_intervention, register, enrol, admin
):
    person = register(intervention)
    earlier = enrol(person, other_intervention, date(2025, 1, 1))
    participant_services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=earlier,
        end_date=date(2025, 1, 10),
        exit_reason="felregistrering",
    )
    current = enrol(person, intervention, date(2026, 1, 5))
    assert selectors.priorities_for([current])[current.pk].score == 0


def test_changed_weights_change_the_score(scope, enrolment, admin):
    flags = {f.key: f for f in services.ensure_risk_flags()}
    assess(enrolment, admin, need_network="high", work_experience=[{"occupation": "Kock"}])
    assert selectors.priorities_for([enrolment])[enrolment.pk].score == 2
    services.risk_flag_update(
        actor=admin.user, flag=flags["no_network"], label="Ensam", weight=6, active=True
    )
    priority = selectors.priorities_for([enrolment])[enrolment.pk]
    assert priority.score == 6
    assert priority.flags[0].text == "Ensam (stort behov inom nätverk) +6"


def test_priority_list_is_sorted_by_score_and_limited_to_scope(
    scope, intervention, other_intervention, register, enrol, case_worker
):
    low = enrol(register(intervention, first_name="Låg"), intervention, date(2026, 1, 1))
    high = enrol(
        register(intervention, first_name="Hög", interpreter_needed=True),
        intervention,
        date(2026, 1, 2),
        time_outside="2_5y",
    )
    enrol(register(other_intervention, first_name="Annan"), other_intervention, date(2026, 1, 1))
    rows = selectors.priority_list(membership=case_worker)
    assert [e.pk for e, _ in rows] == [high.pk, low.pk]
    assert [p.score for _, p in rows] == [4, 0]


def test_distance_travelled_per_intervention(
    scope, intervention, other_intervention, register, enrol, case_worker, admin
):
    a = enrol(register(intervention, first_name="A"), intervention, date(2026, 1, 1))
    b = enrol(register(intervention, first_name="B"), intervention, date(2026, 1, 1))
    c = enrol(register(other_intervention, first_name="C"), other_intervention, date(2026, 1, 1))
    rate(a, admin, date(2026, 1, 10), language=1, health=2)
    rate(a, admin, date(2026, 4, 10), language=3, health=2)
    rate(a, admin, date(2026, 4, 10), rater="participant", language=5)
    rate(b, admin, date(2026, 1, 12), language=2)  # single rating
    rate(c, admin, date(2026, 1, 12), language=1)
    rate(c, admin, date(2026, 3, 12), language=2)
    result = selectors.distance_travelled_for([intervention.pk, other_intervention.pk])
    language = result[intervention.pk]["language"]
    assert (language.n_people, language.n_with_two_or_more) == (2, 1)
    assert language.mean_change == 2
    assert language.share_improved == 1
    assert result[intervention.pk]["health"].mean_change == 0
    assert list(result[intervention.pk]) == ["language", "health"]  # the federation's order
    assert result[other_intervention.pk]["language"].mean_change == 1


def test_distance_travelled_within_a_period_and_by_rater(scope, intervention, enrolment, admin):
    rate(enrolment, admin, date(2026, 1, 10), language=1)
    rate(enrolment, admin, date(2026, 3, 10), language=2)
    rate(enrolment, admin, date(2026, 6, 10), language=4)
    rate(enrolment, admin, date(2026, 1, 10), rater="participant", language=3)
    rate(enrolment, admin, date(2026, 6, 10), rater="participant", language=4)
    ids = [intervention.pk]
    assert selectors.distance_travelled_for(ids)[intervention.pk]["language"].mean_change == 3
    spring = selectors.distance_travelled_for(ids, date(2026, 3, 1), date(2026, 12, 31))
    assert spring[intervention.pk]["language"].mean_change == 2
    own = selectors.distance_travelled_for(ids, rater=StepRating.Rater.PARTICIPANT)
    assert own[intervention.pk]["language"].mean_change == 1
    empty = selectors.distance_travelled_for(ids, date(2027, 1, 1))
    assert empty == {intervention.pk: {}}


def test_distance_travelled_leaves_out_registrations_in_error(
    scope, intervention, enrolment, admin
):
    rate(enrolment, admin, date(2026, 1, 10), language=1)
    rate(enrolment, admin, date(2026, 2, 10), language=4)
    participant_services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=enrolment,
        end_date=date(2026, 2, 11),
        exit_reason="felregistrering",
    )
    assert selectors.distance_travelled_for([intervention.pk]) == {intervention.pk: {}}
