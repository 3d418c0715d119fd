from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)
from tests.participants.conftest import enrol, register, scope  # noqa: F401  (fixtures)
