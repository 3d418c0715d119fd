from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities import services
from stegvis.core.models import Association, Hub, WorkingGroup
from stegvis.core.roles import Role
from tests.participants.conftest import enrol, register, scope  # noqa: F401  (shared fixtures)


@pytest.fixture
def hub(scope):  # noqa: F811
    return Hub.objects.create(slug="nordost", name="Nordöst", municipalities=["Kristianstad"])


@pytest.fixture
def association(hub):
    return Association.objects.create(
        name="Språkcaféet", organisation_number="802400-0001", hub=hub, municipality="Kristianstad"
    )


@pytest.fixture
def working_group(hub):
    return WorkingGroup.objects.create(hub=hub, name="Samverkansgrupp Nordöst")


@pytest.fixture
def coordinator(federation, make_member):
    return make_member(federation, Role.ASSOCIATION_COORDINATOR, "maria")


@pytest.fixture
def leader(federation, association, make_member):
    return make_member(federation, Role.ASSOCIATION_LEADER, "erik", association=association)


@pytest.fixture
def make_activity(coordinator, association, working_group):
    def make(*, sessions=5, capacity=10, leaders=1, approve=True, first=None, **details):
        values = {
            "title": "Samtalsgrupp",
            "category": "language",
            "serves_language": True,
            "serves_network": True,
            "plan": "Samtal på svenska kring vardagen, fika och nya kontakter.",
            "capacity": capacity,
            "leader_count": leaders,
            "working_group_id": working_group.pk,
        }
        values.update(details)
        activity = services.activity_create(
            actor=coordinator.user,
            membership=coordinator,
            association=association,
            details=services.ActivityDetails(**values),
        )
        if sessions:
            services.sessions_create(
                actor=coordinator.user,
                membership=coordinator,
                activity=activity,
                first_date=first or timezone.localdate() - timedelta(days=7 * sessions),
                count=sessions,
            )
        if approve:
            working_group.members.add(coordinator)
            services.activity_submit(
                actor=coordinator.user, membership=coordinator, activity=activity
            )
            services.activity_quality_approve(
                actor=coordinator.user, membership=coordinator, activity=activity
            )
            services.activity_approve(
                actor=coordinator.user, membership=coordinator, activity=activity
            )
        return activity

    return make
