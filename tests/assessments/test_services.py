"""Assessments are kept as versions; ratings are recorded per occasion; defaults per federation."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.assessments import services
from stegvis.assessments.models import (
    Assessment,
    InterestOption,
    ProgressDimension,
    RiskFlag,
    StepRating,
)
from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope

pytestmark = pytest.mark.django_db


def data(**kwargs):
    values = {"assessed_on": date(2026, 1, 20)}
    values.update(kwargs)
    return services.AssessmentData(**values)


def test_each_save_is_a_new_version_and_earlier_versions_stay(enrolment, case_worker):
    first = services.assessment_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=data(swedish_level="A1", skills="Snickeri"),
    )
    second = services.assessment_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=data(assessed_on=date(2026, 3, 1), swedish_level="A2"),
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.swedish_level == "A1"
    assert first.skills == "Snickeri"
    assert AuditEntry.objects.filter(object_type="assessment", action="create").count() == 2


def test_portfolio_rows_without_their_key_field_are_dropped(enrolment, case_worker):
    a = services.assessment_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=data(
            education=[{"level": "gymnasial", "country": " Syrien ", "field": ""}, {"level": ""}],
            work_experience=[{"occupation": "Kock", "years": 4.0}, {"occupation": "", "years": 2}],
            other_languages=[{"language": "arabiska", "level": "native"}, {"language": ""}],
        ),
    )
    assert a.education == [{"level": "gymnasial", "country": "Syrien"}]
    assert a.work_experience == [{"occupation": "Kock", "years": 4.0}]
    assert a.other_languages == [{"language": "arabiska", "level": "native"}]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("swedish_level", "X9"),
        ("need_health", "enormous"),
        ("obstacles", ["volcano"]),
        ("interests", ["unknown-interest"]),
        ("assessed_on", timezone.localdate() + timedelta(days=1)),
    ],
)
def test_invalid_values_are_refused_with_a_swedish_message(enrolment, case_worker, field, value):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            data=data(**{field: value}),
        )
    assert field in exc.value.message_dict


def test_outside_scope_cannot_assess(enrolment, colleague):
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            actor=colleague.user, membership=colleague, enrolment=enrolment, data=data()
        )


def test_rating_the_same_day_twice_corrects_the_first(enrolment, case_worker):
    services.ensure_dimensions()
    language = ProgressDimension.objects.get(key="language")
    for score in (2, 3):
        services.ratings_record(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            rated_on=date(2026, 2, 1),
            rater="staff",
            scores={language.pk: score},
        )
    assert list(StepRating.objects.values_list("score", flat=True)) == [3]


def test_staff_and_participant_rate_separately(enrolment, case_worker):
    services.ensure_dimensions()
    health = ProgressDimension.objects.get(key="health")
    for rater, score in (("staff", 2), ("participant", 4)):
        services.ratings_record(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            rated_on=date(2026, 2, 1),
            rater=rater,
            scores={health.pk: score},
        )
    assert StepRating.objects.count() == 2


@pytest.mark.parametrize("score", [None, 0, 6])
def test_ratings_need_one_score_between_one_and_five(enrolment, case_worker, score):
    services.ensure_dimensions()
    dim = ProgressDimension.objects.first()
    scores = {dim.pk: score}
    with pytest.raises(ValidationError):
        services.ratings_record(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            rated_on=date(2026, 2, 1),
            rater="staff",
            scores=scores,
        )


def test_defaults_are_added_once_per_federation(federation, other_federation):
    with federation_scope(federation):
        services.ensure_defaults()
        services.ensure_defaults()
        flags = RiskFlag.objects.count()
        assert flags >= 10
        assert ProgressDimension.objects.count() == 5
        assert InterestOption.objects.count() > 10
        RiskFlag.objects.filter(key="interpreter_needed").update(weight=7, active=False)
        services.ensure_risk_flags()
        kept = RiskFlag.objects.get(key="interpreter_needed")
        assert (kept.weight, kept.active) == (7, False)
    with federation_scope(other_federation):
        assert RiskFlag.objects.count() == 0
        services.ensure_risk_flags()
        assert RiskFlag.objects.get(key="interpreter_needed").weight == 1


def test_a_federation_that_edited_its_interests_keeps_its_list(scope, admin):
    services.interest_save(actor=admin.user, interest=None, key="sy", label="Sömnad", group="")
    services.ensure_interests()
    assert list(InterestOption.objects.values_list("key", flat=True)) == ["sy"]
    with pytest.raises(ValidationError):
        services.interest_save(actor=admin.user, interest=None, key="sy", label="Igen", group="")


def test_risk_flag_weight_outside_range_is_refused(scope, admin):
    flag = services.ensure_risk_flags()[0]
    with pytest.raises(ValidationError):
        services.risk_flag_update(actor=admin.user, flag=flag, label="x", weight=21, active=True)
    assert services.risk_flag_update(
        actor=admin.user, flag=flag, label=flag.label, weight=5, active=True
    )
    assert not services.risk_flag_update(
        actor=admin.user, flag=flag, label=flag.label, weight=5, active=True
    )


def test_assessments_are_not_visible_from_another_federation(
    enrolment, case_worker, other_federation
):
    services.assessment_create(
        actor=case_worker.user, membership=case_worker, enrolment=enrolment, data=data()
    )
    assert Assessment.objects.count() == 1
    with federation_scope(other_federation):
        assert Assessment.objects.count() == 0
