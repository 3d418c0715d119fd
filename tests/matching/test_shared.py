"""Matching proposals are shared: a coordinator's run is decided on by the case workers without
running it again, and the coordinator sees what became of his proposals."""

import pytest

from stegvis.activities.models import ActivityEnrolment
from stegvis.core.roles import Role
from stegvis.matching import services
from stegvis.matching.models import Proposal
from tests.activities.conftest import (  # noqa: F401  (shared fixtures)
    association,
    coordinator,
    hub,
    make_activity,
    working_group,
)
from tests.activities.test_matching_db import open_activity, waiting  # noqa: F401
from tests.participants.conftest import enrol, register, scope  # noqa: F401

pytestmark = pytest.mark.django_db


def test_case_worker_decides_on_the_coordinators_run_and_the_coordinator_sees_it(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    coordinator,  # noqa: F811
    case_worker,
    client,
    federation,
    make_member,
    other_intervention,
):
    open_activity(capacity=2)
    waiting(2, first_name="Selam")
    run = services.run_create(actor=coordinator.user, membership=coordinator)
    assert run.proposals.count() == 2
    url = f"/f/{federation.slug}/matchning/"

    client.force_login(case_worker.user)
    body = client.get(url).content.decode()
    assert "Selam" in body
    assert "Acceptera" in body
    accepted, declined = run.proposals.order_by("pk")
    assert client.post(f"{url}forslag/{accepted.pk}/", {"action": "accept"}).status_code == 302
    client.post(f"{url}forslag/{declined.pk}/", {"action": "reject", "note": "Vill vänta"})
    assert ActivityEnrolment.objects.filter(enrolment=accepted.enrolment).exists()
    assert Proposal.objects.get(pk=declined.pk).status == Proposal.Status.REJECTED
    assert run.__class__.objects.count() == 1  # nobody ran it again

    # The coordinator sees what became of his proposals, still without names.
    client.force_login(coordinator.user)
    body = client.get(url).content.decode()
    assert "Hittills: 1 accepterad · 1 avböjd." in body
    assert f"av {case_worker.user.display_name()}" in body
    assert "Selam" not in body

    # A case worker in another intervention sees none of them and cannot decide.
    other = make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])
    client.force_login(other.user)
    assert "Selam" not in client.get(url).content.decode()
    proposal_url = f"{url}forslag/{accepted.pk}/"
    assert client.post(proposal_url, {"action": "reject"}).status_code == 404


def test_an_outsider_cannot_reach_a_proposal(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    coordinator,  # noqa: F811
    client,
    outsider,
):
    open_activity()
    waiting(1)
    run = services.run_create(actor=coordinator.user, membership=coordinator)
    proposal = run.proposals.get()
    client.force_login(outsider.user)
    response = client.post(f"/f/alfa/matchning/forslag/{proposal.pk}/", {"action": "accept"})
    assert response.status_code == 404
