"""Fixtures for assessments: the participants fixtures plus a person in INS-1."""

from datetime import date

import pytest

from stegvis.core.roles import Role
from tests.participants import conftest as participant_fixtures

# The participants folder's fixtures, shared here (pytest finds fixtures by module attribute).
scope = participant_fixtures.scope
register = participant_fixtures.register
enrol = participant_fixtures.enrol


@pytest.fixture
def colleague(federation, other_intervention, make_member):
    """A case worker in the same federation but another intervention."""
    return make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])


@pytest.fixture
def enrolment(scope, intervention, register, enrol, case_worker):
    person = register(intervention, first_name="Rasha", last_name="Haddad")
    return enrol(person, intervention, date(2026, 1, 5), main_contact=case_worker)
