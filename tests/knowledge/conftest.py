from __future__ import annotations

from datetime import date

import pytest

from stegvis.core.roles import Role
from stegvis.knowledge.models import Method, MethodIntervention
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)
from tests.reports.conftest import make_enrolment, scope  # noqa: F401  (fixtures)


@pytest.fixture
def link(scope):  # noqa: F811  (the shared fixture)
    """``link(method_code, intervention)``: the intervention works with the method."""

    def make(code, intervention):
        method = Method.objects.get(code=code)
        MethodIntervention.objects.create(method=method, intervention=intervention)
        return method

    return make


@pytest.fixture
def lead(federation, intervention, make_member):
    return make_member(federation, Role.INTERVENTION_LEAD, "lena", interventions=[intervention])


@pytest.fixture
def exits(make_enrolment):  # noqa: F811  (the shared fixture)
    """``exits(intervention, work=3, other=2, active=1)``: enrolments with known outcomes."""

    def make(intervention, *, work=0, other=0, active=0, start=date(2025, 1, 10)):
        for i in range(work):
            reason = "arbete" if i % 2 == 0 else "studier"
            make_enrolment(start, date(2025, 9, 1), reason, intervention=intervention)
        for _ in range(other):
            make_enrolment(start, date(2025, 9, 1), "annat", intervention=intervention)
        for _ in range(active):
            make_enrolment(start, intervention=intervention)

    return make
