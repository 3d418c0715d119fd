"""Financiers, budget and booked outcome, result goals and structural activities (SPEC §2)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stegvis.core.models import AuditEntry, Authority
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions import services
from stegvis.interventions.models import Budget, Intervention, OutcomeBooking, ResultGoal

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def lead(federation, intervention, make_member):
    return make_member(federation, Role.INTERVENTION_LEAD, "lena", interventions=[intervention])


@pytest.fixture
def af(scope):
    return Authority.objects.create(kind="af", name="Arbetsförmedlingen")


@pytest.fixture
def structural(scope):
    return Intervention.objects.create(code="STR", name="Kompetens", kind="structural")


def test_lead_adds_financier_budget_and_outcome(scope, intervention, lead, af):
    financier = services.financier_create(
        actor=lead.user,
        membership=lead,
        intervention=intervention,
        name="",
        kind="member",
        authority=af,
    )
    assert financier.name == "Arbetsförmedlingen"
    services.budget_set(actor=lead.user, membership=lead, financier=financier, year=2026, amount=5)
    services.budget_set(
        actor=lead.user, membership=lead, financier=financier, year=2026, amount=500_000
    )
    assert Budget.objects.get().amount == 500_000
    services.outcome_book(
        actor=lead.user,
        membership=lead,
        financier=financier,
        booked_on=date(2026, 3, 31),
        amount=40_000,
        note="Lön mars",
    )
    assert OutcomeBooking.objects.get().amount == 40_000
    assert AuditEntry.objects.filter(object_type__in=["budget", "outcomebooking"]).count() == 3


def test_financier_rules(scope, intervention, lead, af):
    with pytest.raises(ValidationError, match="Välj vilken huvudman"):
        services.financier_create(
            actor=lead.user, membership=lead, intervention=intervention, name="X", kind="member"
        )
    services.financier_create(
        actor=lead.user, membership=lead, intervention=intervention, name="ESF", kind="esf"
    )
    with pytest.raises(ValidationError, match="redan en finansiär"):
        services.financier_create(
            actor=lead.user, membership=lead, intervention=intervention, name="ESF", kind="esf"
        )


def test_lead_cannot_manage_an_intervention_he_does_not_lead(
    scope, other_intervention, lead, admin
):
    with pytest.raises(PermissionDenied):
        services.financier_create(
            actor=lead.user,
            membership=lead,
            intervention=other_intervention,
            name="ESF",
            kind="esf",
        )
    services.financier_create(
        actor=admin.user, membership=admin, intervention=other_intervention, name="ESF", kind="esf"
    )


def test_goal_defaults_its_title_and_checks_the_metric(
    scope, intervention, lead, structural, admin
):
    goal = services.goal_create(
        actor=lead.user,
        membership=lead,
        intervention=intervention,
        title="",
        metric="work_or_studies",
        target=50,
        within_months=12,
    )
    assert goal.title == "Minst 50 % till arbete eller studier inom 12 månader från start"
    with pytest.raises(ValidationError, match="procent"):
        services.goal_create(
            actor=lead.user,
            membership=lead,
            intervention=intervention,
            title="",
            metric="work_or_studies",
            target=120,
        )
    with pytest.raises(ValidationError, match="strukturinriktade"):
        services.goal_create(
            actor=lead.user,
            membership=lead,
            intervention=intervention,
            title="",
            metric="activities",
            target=10,
        )
    with pytest.raises(ValidationError, match="inga deltagare"):
        services.goal_create(
            actor=admin.user,
            membership=admin,
            intervention=structural,
            title="",
            metric="participants",
            target=10,
        )


def test_structural_activities_only_in_structural_interventions(
    scope, intervention, structural, admin
):
    with pytest.raises(ValidationError):
        services.structural_activity_create(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            held_on=date(2026, 1, 1),
            title="Kurs",
            kind="training",
        )
    activity = services.structural_activity_create(
        actor=admin.user,
        membership=admin,
        intervention=structural,
        held_on=date(2026, 1, 1),
        title="MI-utbildning",
        kind="training",
        attendees=25,
        organisations=4,
        hours=6,
    )
    assert activity.attendees == 25


# --- views ---------------------------------------------------------------------------------


def test_lead_sets_a_budget_through_the_page(client, scope, intervention, lead, af):
    financier = services.financier_create(
        actor=lead.user, membership=lead, intervention=intervention, name="", kind="member",
        authority=af,
    )  # fmt: skip
    client.force_login(lead.user)
    page = client.get("/f/alfa/insatser/INS-1/")
    assert page.status_code == 200
    assert "Sätt budget" in page.content.decode()
    response = client.post(
        "/f/alfa/insatser/INS-1/",
        {"action": "budget", "bud-financier": financier.pk, "bud-year": 2026, "bud-amount": 1000},
    )
    assert response.status_code == 302
    assert Budget.objects.get().amount == 1000
    response = client.post(
        "/f/alfa/insatser/INS-1/",
        {"action": "goal", "mal-metric": "work_or_studies", "mal-target": 500},
    )
    assert response.status_code == 200
    assert "1–100" in response.content.decode()


def test_steering_sees_the_page_without_forms_and_cannot_post(
    client, scope, intervention, federation, make_member
):
    steering = make_member(federation, Role.STEERING, "stina")
    client.force_login(steering.user)
    page = client.get("/f/alfa/insatser/INS-1/")
    assert page.status_code == 200
    assert "Sätt budget" not in page.content.decode()
    client.post("/f/alfa/insatser/INS-1/", {"action": "goal", "mal-metric": "participants",
                                             "mal-target": 5})  # fmt: skip
    assert not ResultGoal.objects.exists()


def test_goal_can_be_deleted_by_its_lead(client, scope, intervention, lead):
    goal = ResultGoal.objects.create(
        intervention=intervention, title="Mål", metric="participants", target=5
    )
    client.force_login(lead.user)
    client.post("/f/alfa/insatser/INS-1/", {"action": "goal_delete", "goal": goal.pk})
    assert not ResultGoal.objects.exists()


def test_intervention_pages_for_outsider_and_roles_without_aggregates(
    client, scope, intervention, outsider, federation, make_member
):
    client.force_login(outsider.user)
    assert client.get("/f/alfa/insatser/").status_code == 404
    assert client.get("/f/alfa/insatser/INS-1/").status_code == 404
    leader = make_member(federation, Role.ASSOCIATION_LEADER, "leif")
    client.force_login(leader.user)
    assert client.get("/f/alfa/insatser/").status_code == 403


def test_list_shows_active_participants_and_this_years_budget(client, scope, intervention, admin):
    client.force_login(admin.user)
    response = client.get("/f/alfa/insatser/")
    assert response.status_code == 200
    assert "INS-1" in response.content.decode()
    assert client.get("/f/alfa/insatser/NOPE/").status_code == 404
