import pytest

from stegvis.core import services as core_services
from stegvis.core.roles import Role
from tests.activities.conftest import (  # noqa: F401  (fixtures)
    association,
    coordinator,
    hub,
    make_activity,
    working_group,
)
from tests.participants.conftest import enrol, register, scope  # noqa: F401  (fixtures)


@pytest.fixture
def token_for():
    def make(membership):
        _token, key = core_services.token_create(user=membership.user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


@pytest.fixture
def api(client, token_for):
    """``api(membership).get(path)``: a client speaking as the membership's token."""

    class Caller:
        def __init__(self, membership):
            self.headers = token_for(membership)

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **self.headers)

        def post(self, path, data):
            return client.post(
                f"/api/v1{path}", data, content_type="application/json", **self.headers
            )

        def client_patch(self, path, data):
            return client.patch(
                f"/api/v1{path}", data, content_type="application/json", **self.headers
            )

    return Caller


ROLES = [role.value for role in Role]


@pytest.fixture
def member(federation, intervention, make_member):
    """``member(role)``: one member of the federation per role, assigned to INS-1 (staff
    roles work in the intervention; for the others the assignment changes nothing)."""
    made = {}

    def get(role, **kwargs):
        if role not in made:
            made[role] = make_member(federation, role, interventions=[intervention], **kwargs)
        return made[role]

    return get


@pytest.fixture
def stranger(federation, other_intervention, make_member):
    """A case worker of the same federation who works only in INS-2."""
    return make_member(federation, Role.CASE_WORKER, "sven", interventions=[other_intervention])


def personal(ok=200):
    """Status per role for an endpoint on personal data: the case worker in the intervention
    gets ``ok``; every role without personal data, the administrator's included, gets 403."""
    staff = (Role.CASE_WORKER,)
    return {role: ok if role in staff else 403 for role in ROLES}


def call(caller, endpoint, ids):
    """``endpoint`` is ``(method, path with {names}, body or a function of ids, statuses)``."""
    method, path, body, _statuses = endpoint
    path = path.format(**ids)
    if method == "get":
        return caller.get(path)
    return caller.post(path, body(ids) if callable(body) else body)
