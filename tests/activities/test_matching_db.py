"""The Django side of matching: features from the database, proposals with explanations,
decisions that create places, the ``stegvis match`` command and the matching page."""

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from stegvis.activities.models import ActivityEnrolment
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.matching import services
from stegvis.matching.models import Proposal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def waiting(scope, intervention, register, enrol):
    def make(n, **details):
        enrolments = []
        for i in range(n):
            person = register(
                intervention,
                first_name=details.pop("first_name", f"Namn{i}"),
                municipality="Kristianstad",
                languages=["arabiska"],
                **details,
            )
            enrolments.append(enrol(person, intervention, TODAY - timedelta(days=30)))
        return enrolments

    return make


@pytest.fixture
def open_activity(make_activity, intervention):
    def make(capacity=2, **details):
        details.setdefault("municipality", "Kristianstad")
        return make_activity(
            capacity=capacity,
            intervention_id=intervention.pk,
            first=TODAY - timedelta(days=14),
            sessions=6,
            **details,
        )

    return make


def test_proposals_never_exceed_free_places_and_carry_explanations(
    waiting, open_activity, case_worker
):
    activity = open_activity(capacity=2)
    waiting(5)
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    proposals = list(run.proposals.all())
    assert len(proposals) == 2
    assert {p.activity_id for p in proposals} == {activity.pk}
    for proposal in proposals:
        assert proposal.score > 0
        assert "Samma kommun (+1,5)" in proposal.explanation
        assert "Behov: språk (+1,5)" in proposal.explanation


def test_placed_participants_and_drafts_are_not_matched(waiting, open_activity, admin, case_worker):
    activity = open_activity(capacity=5)
    open_activity(capacity=5, approve=False, title="Utkast")
    first, second = waiting(2)
    from stegvis.activities import services as activity_services

    activity_services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=first
    )
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    assert [(p.enrolment_id, p.activity_id) for p in run.proposals.all()] == [
        (second.pk, activity.pk)
    ]


def test_gender_restriction_and_interpreter_need_block_pairs(waiting, open_activity, case_worker):
    open_activity(gender_restriction="kvinna", languages=["svenska"])
    waiting(1, gender="man")
    waiting(1, interpreter_needed=True, first_name="Tolk")
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    assert run.participant_count == 2
    assert run.proposals.count() == 0


def test_accept_creates_the_place_reject_and_override_are_recorded(
    waiting, open_activity, case_worker
):
    activities = [
        open_activity(capacity=1, title="Samtal"),
        open_activity(capacity=1, title="Promenad", municipality="Osby"),
        open_activity(capacity=1, title="Cykel", municipality="Osby"),
    ]
    waiting(3)
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    first, second, third = run.proposals.order_by("-score", "pk")
    assert first.activity == activities[0]  # same municipality scores highest
    services.proposal_accept(actor=case_worker.user, membership=case_worker, proposal=first)
    place = ActivityEnrolment.objects.get(enrolment=first.enrolment)
    assert place.activity_id == first.activity_id
    first.refresh_from_db()
    assert (first.status, first.place_id, first.decided_by) == (
        "accepted",
        place.pk,
        case_worker.user,
    )
    services.proposal_reject(
        actor=case_worker.user, membership=case_worker, proposal=second, note="Vill vänta"
    )
    assert Proposal.objects.get(pk=second.pk).status == "rejected"
    services.proposal_override(
        actor=case_worker.user, membership=case_worker, proposal=third, activity=second.activity
    )
    third.refresh_from_db()
    assert (third.status, third.override_activity) == ("overridden", second.activity)
    assert ActivityEnrolment.objects.filter(activity=second.activity).count() == 1
    assert AuditEntry.objects.filter(object_type="proposal").count() == 3


def test_coordinator_runs_but_cannot_choose_participants(
    waiting, open_activity, coordinator, client, federation
):
    open_activity()
    waiting(1, first_name="Hemligt")
    run = services.run_create(actor=coordinator.user, membership=coordinator)
    proposal = run.proposals.get()
    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=coordinator.user, membership=coordinator, proposal=proposal)
    client.force_login(coordinator.user)
    body = client.get(f"/f/{federation.slug}/matchning/").content.decode()
    assert "Hemligt" not in body
    assert proposal.enrolment.participant.reference in body


def test_matching_page_shows_why_and_logs_reads(
    waiting, open_activity, case_worker, client, federation
):
    open_activity()
    (enrolment,) = waiting(1, first_name="Selam")
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/matchning/"
    assert client.post(url, {}).status_code == 302
    body = client.get(url).content.decode()
    assert "Selam" in body
    assert "Varför just här" in body
    assert "Samma kommun (+1,5)" in body
    assert AuditEntry.objects.filter(
        reason="matchningsförslag", object_id=str(enrolment.participant_id)
    ).exists()
    proposal = Proposal.objects.get()
    response = client.post(f"{url}forslag/{proposal.pk}/", {"action": "accept"})
    assert response.status_code == 302
    assert ActivityEnrolment.objects.filter(enrolment=enrolment).exists()


def test_case_worker_of_another_intervention_sees_no_proposal(
    waiting, open_activity, case_worker, client, federation, make_member, other_intervention
):
    open_activity()
    waiting(1, first_name="Selam")
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    other = make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])
    client.force_login(other.user)
    proposal = run.proposals.get()
    url = f"/f/{federation.slug}/matchning/forslag/{proposal.pk}/"
    assert client.post(url, {"action": "accept"}).status_code == 404
    assert "Selam" not in client.get(f"/f/{federation.slug}/matchning/").content.decode()


def test_outsider_and_leader_cannot_use_matching(client, federation, outsider, leader):
    client.force_login(outsider.user)
    assert client.get(f"/f/{federation.slug}/matchning/").status_code == 404
    client.force_login(leader.user)
    assert client.get(f"/f/{federation.slug}/matchning/").status_code == 403


def test_match_command_outputs_the_match_file_shape(waiting, open_activity, federation, hub):
    activity = open_activity(capacity=2)
    enrolments = waiting(3)
    out = io.StringIO()
    call_command("match", "--federation", federation.slug, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"assignments", "unassigned", "total_score"}
    assert len(data["assignments"]) == 2
    people = {str(e.participant_id) for e in enrolments}
    assigned = [a["participant"] for a in data["assignments"]]
    assert len(set(assigned)) == 2
    assert set(assigned) | set(data["unassigned"]) == people
    for item in data["assignments"]:
        assert item["activity"] == str(activity.pk)
        assert isinstance(item["score"], float)
        assert item["explanation"]
    assert data["total_score"] == pytest.approx(sum(a["score"] for a in data["assignments"]))
    hub_out = io.StringIO()
    call_command("match", "--federation", federation.slug, "--hub", hub.slug, stdout=hub_out)
    assert len(json.loads(hub_out.getvalue())["assignments"]) == 2


def test_match_command_rejects_unknown_hub(federation, scope):
    with pytest.raises(CommandError, match="Knutpunkten 'saknas' finns inte"):
        call_command("match", "--federation", federation.slug, "--hub", "saknas")


def test_ties_are_broken_the_same_way_every_run(waiting, open_activity, case_worker):
    open_activity(capacity=1)
    waiting(4)  # four equally good participants for one place
    chosen = {
        services.run_create(actor=case_worker.user, membership=case_worker)
        .proposals.get()
        .enrolment_id
        for _ in range(3)
    }
    assert len(chosen) == 1


def test_anonymising_erases_decision_notes(waiting, open_activity, case_worker, admin):
    from stegvis.participants import services as participant_services

    open_activity()
    (enrolment,) = waiting(1)
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    proposal = run.proposals.get()
    services.proposal_reject(
        actor=case_worker.user, membership=case_worker, proposal=proposal, note="Mår dåligt"
    )
    participant_services.participant_anonymise(
        actor=admin.user, participant=enrolment.participant, reason="test"
    )
    proposal.refresh_from_db()
    assert proposal.note == ""


def test_intervention_lead_has_no_matching(client, federation, make_member):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "jonas")
    client.force_login(lead.user)
    assert client.get(f"/f/{federation.slug}/matchning/").status_code == 403
    assert "/matchning/" not in client.get(f"/f/{federation.slug}/").content.decode()
