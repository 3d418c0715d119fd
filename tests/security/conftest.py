from tests.participants.conftest import enrol, register, scope  # noqa: F401  (shared fixtures)
