"""Schemathesis against the OpenAPI schema: no server errors, responses match the schema.

A bounded number of examples per operation keeps the suite fast.
"""

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from stegvis.core import services as core_services
from stegvis.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close the
    database connection after every request and end the test transaction (on PostgreSQL);
    the test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(keep_connection, db, federation, admin, intervention):
    from stegvis.core.tenancy import federation_scope
    from stegvis.participants import services

    with federation_scope(federation):
        participant, _ = services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            details=services.PersonDetails(
                gender="kvinna",
                municipality="Lund",
                personal_number="19121212-1212",
                first_name="Ada",
                last_name="Ek",
            ),
            consent=services.ConsentDetails(
                scope="sharing", method="written", given_on=date(2026, 1, 1)
            ),
        )
        services.enrolment_create(
            actor=admin.user,
            membership=admin,
            participant=participant,
            intervention=intervention,
            start_date=date(2026, 1, 2),
        )
    _token, key = core_services.token_create(user=admin.user)
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, auth_headers):
    # The API tolerates unknown or repeated query parameters on purpose, so requests that
    # schemathesis considers schema-violating may be answered 200; and schema-valid bodies may
    # break a business rule (an exit reason that is not in the code list, an end before the
    # start) and get a 422 naming the field. Every other check applies: no server errors,
    # documented status codes, responses matching their schema.
    case.call_and_validate(
        headers=auth_headers,
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )
