from datetime import date

import pytest
from django.http import QueryDict

from stegvis.surveys import services
from stegvis.surveys.models import Survey
from tests.participants.conftest import enrol, register, scope  # noqa: F401  (fixtures)


@pytest.fixture
def surveys(scope, admin):  # noqa: F811
    """The federation's default questionnaires, as a federation starts with them."""
    services.ensure_default_surveys(actor=admin.user)
    return {s.code: s for s in Survey.objects.all()}


@pytest.fixture
def person(register, enrol, intervention):  # noqa: F811
    """Amal, enrolled in INS-1 (the case worker bob's intervention)."""
    participant = register(intervention, first_name="Amal", last_name="Haddad")
    enrol(participant, intervention, date(2026, 1, 12))
    return participant


@pytest.fixture
def invite(surveys, admin):
    def make(participant, *, occasion="start", language="sv", code="deltagare", by=None):
        by = by or admin
        return services.invitation_create(
            actor=by.user,
            membership=by,
            survey=surveys[code],
            participant_id=participant.pk,
            occasion=occasion,
            language=language,
        )

    return make


def form(**answers) -> QueryDict:
    """A submitted answer form: ``form(svenska=3, fick=["svenska", "kontakter"])``."""
    data = QueryDict(mutable=True)
    for key, value in answers.items():
        if isinstance(value, list):
            data.setlist(f"q_{key}", [str(v) for v in value])
        else:
            data[f"q_{key}"] = str(value)
    return data


SCALES = ("svenska", "halsa", "natverk", "formaga", "arbete")


def answer_all(invitation, scores, *, today=None, **extra):
    """Submit the participant questionnaire with ``scores`` for its five scales."""
    data = form(**dict(zip(SCALES, scores, strict=True)), **extra)
    return services.response_submit(invitation=invitation, data=data, today=today)
