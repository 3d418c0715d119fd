"""Data known by construction: participants and enrolments written straight to the database,
so each test states exactly who is counted."""

from __future__ import annotations

from datetime import date

import pytest

from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment, Participant


@pytest.fixture
def scope(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def make_enrolment(scope, intervention):
    """``make_enrolment(start, end=None, exit_reason="", gender="kvinna", born=date(...))``."""

    def make(
        start: date,
        end: date | None = None,
        exit_reason: str = "",
        *,
        gender: str = "kvinna",
        born: date | None = date(1990, 6, 15),
        birth_year: int | None = None,
        municipality: str = "Kristianstad",
        intervention=intervention,
        participant: Participant | None = None,
        **fields,
    ) -> Enrolment:
        if end and not exit_reason:
            exit_reason = "annat"
        if participant is None:
            participant = Participant.objects.create(
                is_anonymous=born is None,
                birth_date=born,
                birth_year=born.year if born else birth_year,
                gender=gender,
                municipality=municipality,
            )
        return Enrolment.objects.create(
            participant=participant,
            intervention=intervention,
            start_date=start,
            end_date=end,
            exit_reason=exit_reason,
            **fields,
        )

    return make
