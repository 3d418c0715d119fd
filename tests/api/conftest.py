import pytest

from stegvis.core import services as core_services
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

    return Caller
