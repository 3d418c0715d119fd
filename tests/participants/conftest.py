from datetime import date

import pytest

from stegvis.core.personnummer import generate_personal_number
from stegvis.core.tenancy import federation_scope
from stegvis.participants import services
from stegvis.participants.models import Consent


@pytest.fixture
def scope(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def register(scope, admin):
    """Register a person with consent in an intervention; returns the participant."""
    import random

    rng = random.Random(7)

    def do(intervention, *, born=date(1990, 5, 17), gender="kvinna", consent=True, **extra):
        details = services.PersonDetails(
            gender=gender,
            birth_year=born.year,
            municipality=extra.pop("municipality", "Kristianstad"),
            personal_number=extra.pop("personal_number", None)
            or generate_personal_number(rng, born, gender),
            first_name=extra.pop("first_name", "Amal"),
            last_name=extra.pop("last_name", "Haddad"),
            born_abroad=extra.pop("born_abroad", True),
            **extra,
        )
        consent_details = (
            services.ConsentDetails(
                scope=Consent.Scope.SHARING,
                method=Consent.Method.WRITTEN,
                given_on=date(2026, 1, 10),
            )
            if consent
            else None
        )
        participant, _ = services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            details=details,
            consent=consent_details,
        )
        return participant

    return do


@pytest.fixture
def enrol(admin):
    """Enrol a person; a named person without consent for that intervention gets one first,
    recorded on the spot as the web flow offers (consent is the gate)."""

    def do(participant, intervention, start, end=None, **kwargs):
        from stegvis.participants.access import active_consent_q

        has_consent = participant.consents.filter(
            active_consent_q(), intervention=intervention
        ).exists()
        if not participant.is_anonymous and not has_consent:
            services.consent_give(
                actor=admin.user,
                participant=participant,
                intervention=intervention,
                details=services.ConsentDetails(
                    scope=Consent.Scope.SHARING,
                    method=Consent.Method.WRITTEN,
                    given_on=min(start, date(2026, 1, 10)),
                ),
            )
        return services.enrolment_create(
            actor=admin.user,
            membership=admin,
            participant=participant,
            intervention=intervention,
            start_date=start,
            end_date=end,
            **kwargs,
        )

    return do
