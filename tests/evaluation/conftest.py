"""Enrolments written straight to the database, so each test states who is treated, who is
compared and how each left."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Consent, Enrolment, Participant
from tests.api.conftest import api, member, token_for  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _quick_page_interval(monkeypatch):
    """Pages need an interval, not a precise one: fewer bootstrap rounds keep tests quick."""
    from stegvis.evaluation import selectors

    monkeypatch.setattr(selectors, "PAGE_BOOTSTRAP", 30)


@pytest.fixture
def scope(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def enrol(scope):
    """``enrol(intervention, start, end=None, exit_reason="annat", age=35, ...)``."""

    def make(
        intervention,
        start: date,
        end: date | None = None,
        exit_reason: str = "",
        *,
        age: int = 35,
        gender: str = "kvinna",
        af_code: str = "11",
        income: tuple[str, ...] = ("ekonomiskt_bistand",),
        arrival_year: int | None = 2016,
        **fields,
    ) -> Enrolment:
        if end and not exit_reason:
            exit_reason = "annat"
        born = date(start.year - age, 1, 15)
        participant = Participant.objects.create(
            birth_date=born,
            birth_year=born.year,
            gender=gender,
            first_name="Test",
            last_name="Person",
            born_abroad=True,
            arrival_year=arrival_year,
        )
        # Registered with consent for the intervention, as stegvis requires of a named person.
        Consent.objects.create(
            participant=participant,
            intervention=intervention,
            scope=Consent.Scope.REGISTRATION,
            method=Consent.Method.WRITTEN,
            given_on=min(start, date(2026, 1, 1)),
        )
        return Enrolment.objects.create(
            participant=participant,
            intervention=intervention,
            start_date=start,
            end_date=end,
            exit_reason=exit_reason,
            af_code_before=af_code,
            income_sources_before=list(income),
            **fields,
        )

    return make


@pytest.fixture
def populate(enrol):
    """``populate(intervention, n, share, seed, ages=(20, 60))``: ``n`` exited enrolments
    starting in 2024, a share ``share`` of them to work (the rest "annat")."""

    def make(intervention, n, share, *, seed=1, ages=(20, 60), start=date(2024, 1, 10)):
        rng = random.Random(seed)
        made = []
        for i in range(n):
            begin = start + timedelta(days=i % 300)
            made.append(
                enrol(
                    intervention,
                    begin,
                    begin + timedelta(days=120),
                    "arbete" if rng.random() < share else "annat",
                    age=rng.randint(*ages),
                    gender=rng.choice(["kvinna", "man"]),
                    af_code=rng.choice(["11", "14"]),
                )
            )
        return made

    return make
