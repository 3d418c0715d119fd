"""Purge (gallring) clears every field that holds personal data, in every table about a person.

``PERSONAL`` lists each such field; ``KEPT`` lists every other text field of the tables that
point at a person, with the reason it stays (codes and counts for statistics). A new text
field in one of those tables fails the completeness test until it is put in one list."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import models

from stegvis.participants import services
from stegvis.participants.models import Enrolment, Participant
from tests.activities.conftest import (  # noqa: F401  (shared fixtures)
    association,
    coordinator,
    hub,
    make_activity,
    working_group,
)
from tests.participants.conftest import enrol, register, scope  # noqa: F401

pytestmark = pytest.mark.django_db

MARK = "Hemlig Uppgift"

# table: {field: how the purge leaves it}; None = the field's default (empty)
PERSONAL = {
    "participants.participant": {
        "personal_number": "",
        "personal_number_hash": "",
        "first_name": None,
        "last_name": None,
        "country_of_birth": None,
        "languages": None,
        "interpreter_language": None,
        "education_level": None,
        "phone": None,
        "email": None,
        "address": None,
    },
    "participants.consent": {"witnessed_by": None, "withdrawal_note": None},
    "participants.referral": {
        "reason": "(avidentifierad)",
        "notes": None,
        "decline_reason": None,
    },
    "participants.enrolment": {"exit_note": None},
    "participants.handover": {"note": None},
    "participants.followup": {"note": None},
    "matching.proposal": {"note": None, "explanation": None},
    "assessments.assessment": {
        "education": None,
        "work_experience": None,
        "skills": None,
        "other_languages": None,
        "needs_note": None,
        "obstacles_note": None,
        "summary": None,
    },
    "plans.plan": {"participant_words": None, "participant_goals": None},
    "plans.plangoal": {"title": "(avidentifierad)", "description": None},
    "plans.planaction": {"what": "(avidentifierad)", "responsible_other": None},
    "plans.meeting": {"other_attendees": None, "notes": None, "decisions": None},
    "participants.correction": {"values": None, "note": None},
    "interventions.transfer": {"reason": "(avidentifierad)", "decline_reason": None},
}

KEPT = {
    "participants.participant": {"municipality": "statistics by municipality"},
    "participants.consent": {"language": "language code of the consent text"},
    "participants.referral": {
        "income_months": "months of income support: eligibility statistics",
        "eligibility": "results of the eligibility rules (yes/no per rule)",
    },
    "participants.enrolment": {
        "income_sources_before": "codes for the SUS statistics",
        "af_code_before": "code",
        "education_level": "code",
        "time_outside": "code",
        "exit_reason": "code",
        "income_sources_after": "codes",
        "af_code_after": "code",
    },
    "participants.followup": {"income_sources": "codes", "af_code": "code"},
    "assessments.assessment": {"interests": "codes", "obstacles": "codes"},
    "plans.plan": {"template_key": "which template"},
    "plans.planversion": {
        "snapshot": "replaced by one snapshot of the erased plan",
        "reason": "why the version was made",
    },
    "participants.correction": {"fields": "names of the corrected fields"},
    "surveys.invitation": {
        "language": "language code of the questionnaire",
        "token_hash": "hash of a random link token, nothing about the person",
    },
    "surveys.response": {"language": "language code of the questionnaire"},
    "surveys.pagelink": {
        "language": "language code of the page",
        "token_hash": "hash of a random link token, nothing about the person",
    },
}


def _path_to_participant(model, depth=0):
    """The lookup from ``model`` to Participant through foreign keys, or None."""
    if model is Participant:
        return ""
    if depth > 3:
        return None
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        target = field.related_model
        if target is Participant:
            return field.name
        if target is Enrolment or target._meta.label_lower in {"plans.plan"}:
            rest = _path_to_participant(target, depth + 1)
            if rest is not None:
                return f"{field.name}__{rest}" if rest else field.name
    return None


def _text_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
    ]


def _tables_about_a_person():
    return {
        m._meta.label_lower: m
        for m in apps.get_models()
        if m.__module__.startswith("stegvis.") and _path_to_participant(m) is not None
    }


def test_every_text_field_about_a_person_is_classified():
    unclassified = []
    for label, model in _tables_about_a_person().items():
        for name in _text_fields(model):
            if name not in PERSONAL.get(label, {}) and name not in KEPT.get(label, {}):
                unclassified.append(f"{label}.{name}")
    assert unclassified == []


def _mark(field):
    if isinstance(field, models.JSONField):
        return [MARK]
    return MARK[: field.max_length] if field.max_length else MARK


@pytest.fixture
def everything(request, intervention, admin, register, enrol):  # noqa: F811
    """One person with a row in every table about a person, every personal field filled."""
    from stegvis.assessments.models import Assessment
    from stegvis.matching.models import MatchRun, Proposal
    from stegvis.participants.models import Consent, FollowUp, HandOver, Referral
    from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal

    person = register(intervention)
    enrolment = enrol(person, intervention, date(2020, 1, 1), date(2020, 6, 30))
    Enrolment.objects.filter(pk=enrolment.pk).update(exit_reason="arbete")
    Consent.objects.filter(participant=person).update(given_on=date(2019, 12, 1))
    Referral.objects.create(
        participant=person,
        intervention=intervention,
        referred_on=date(2019, 12, 1),
        reason="x",
        status=Referral.Status.DECLINED,
    )
    HandOver.objects.create(enrolment=enrolment, handed_over_on=date(2020, 2, 1))
    FollowUp.objects.get_or_create(
        enrolment=enrolment, months=6, defaults={"due_on": date(2020, 12, 31)}
    )
    Assessment.objects.create(enrolment=enrolment, version=1, assessed_on=date(2020, 1, 5))
    plan = Plan.objects.create(enrolment=enrolment)
    PlanGoal.objects.create(plan=plan, title="x")
    PlanAction.objects.create(plan=plan, what="x")
    Meeting.objects.create(enrolment=enrolment, kind="other", held_on=date(2020, 1, 10))
    activity = request.getfixturevalue("make_activity")()
    Proposal.objects.create(
        run=MatchRun.objects.create(), enrolment=enrolment, activity=activity, score=1.0
    )
    from stegvis.interventions.models import Intervention, Transfer
    from stegvis.participants.models import Correction

    Correction.objects.create(
        participant=person, source="manual", status="applied", fields=["last_name"]
    )
    receiving = Intervention.objects.create(code="INS-T", name="Mottagande insats")
    Transfer.objects.create(
        participant=person,
        from_enrolment=enrolment,
        to_intervention=receiving,
        referral=Referral.objects.create(
            participant=person,
            intervention=receiving,
            referred_on=date(2020, 3, 1),
            reason="x",
            status=Referral.Status.DECLINED,
        ),
        consent=Consent.objects.filter(participant=person).first(),
        proposed_on=date(2020, 3, 1),
        reason="x",
    )
    assert Consent.objects.filter(participant=person).exists()
    for label, fields in PERSONAL.items():
        model = apps.get_model(label)
        rows = model.objects.filter(**{_path_to_participant(model) or "pk": person.pk})
        assert rows.exists(), label
        for row in rows:
            for name in fields:
                setattr(row, name, _mark(model._meta.get_field(name)))
            if label == "participants.participant":
                row.personal_number = person.personal_number
                row.personal_number_hash = person.personal_number_hash
            row.save()
    return person


def test_purge_clears_every_personal_field(everything, admin):
    report = services.participants_purge(actor=admin.user, today=date(2026, 1, 1), dry_run=False)
    assert everything.pk in report.anonymised
    for label, fields in PERSONAL.items():
        model = apps.get_model(label)
        rows = model.objects.filter(**{_path_to_participant(model) or "pk": everything.pk})
        for row in rows:
            for name, expected in fields.items():
                field = model._meta.get_field(name)
                wanted = field.get_default() if expected is None else expected
                assert getattr(row, name) == wanted, f"{label}.{name}"
                assert MARK not in str(getattr(row, name)), f"{label}.{name}"
