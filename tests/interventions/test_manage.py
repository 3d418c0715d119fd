"""The federation creates, edits and closes its interventions, in the web and the API."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions import services
from stegvis.interventions.models import Intervention

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def lead(federation, intervention, make_member):
    return make_member(federation, Role.INTERVENTION_LEAD, "lena", interventions=[intervention])


RULES = [{"type": "age", "min": 18, "max": 29}, {"type": "unemployed"}]


def test_admin_creates_an_intervention_with_rules_as_data(scope, admin):
    made = services.intervention_create(
        actor=admin.user,
        membership=admin,
        code="UNG-VAG",
        name="Unga vägen",
        kind="individual",
        start_date=date(2026, 1, 1),
        capacity=30,
        eligibility_rules=RULES,
    )
    assert made.eligibility_rules == RULES
    assert AuditEntry.objects.filter(object_type="intervention", action="create").exists()


def test_lead_who_creates_an_intervention_leads_it(scope, lead):
    made = services.intervention_create(
        actor=lead.user, membership=lead, code="NY", name="Ny", kind="individual"
    )
    assert services.can_manage(lead, made)


def test_case_worker_may_not_create(scope, case_worker):
    with pytest.raises(PermissionDenied):
        services.intervention_create(
            actor=case_worker.user, membership=case_worker, code="X", name="X", kind="individual"
        )


def test_code_used_in_the_federation_is_refused(scope, admin, intervention):
    with pytest.raises(services.DuplicateCode) as caught:
        services.intervention_create(
            actor=admin.user, membership=admin, code="INS-1", name="Igen", kind="individual"
        )
    assert "INS-1" in caught.value.message_dict["code"][0]


def test_same_code_in_another_federation_is_allowed(scope, admin, other_federation, make_member):
    other_admin = make_member(other_federation, Role.FEDERATION_ADMIN, "olle")
    services.intervention_create(
        actor=admin.user, membership=admin, code="GEMENSAM", name="A", kind="individual"
    )
    with federation_scope(other_federation):
        services.intervention_create(
            actor=other_admin.user, membership=other_admin, code="GEMENSAM", name="B"
        )
        assert Intervention.objects.get().name == "B"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "med mellanslag"}, "code"),
        ({"name": "  "}, "name"),
        ({"start_date": date(2026, 5, 2), "end_date": date(2026, 5, 1)}, "end_date"),
        ({"eligibility_rules": [{"type": "age", "min": 30, "max": 20}]}, "eligibility_rules"),
        ({"eligibility_rules": [{"type": "shoe_size"}]}, "eligibility_rules"),
        ({"kind": "structural", "eligibility_rules": RULES}, "eligibility_rules"),
    ],
)
def test_invalid_fields_are_named(scope, admin, fields, field):
    data = {"code": "OK-1", "name": "Okej", "kind": "individual", **fields}
    with pytest.raises(ValidationError) as caught:
        services.intervention_create(actor=admin.user, membership=admin, **data)
    assert field in caught.value.message_dict


def test_end_on_the_start_day_is_allowed(scope, admin):
    day = date(2026, 5, 1)
    made = services.intervention_create(
        actor=admin.user, membership=admin, code="KORT", name="K", start_date=day, end_date=day
    )
    assert made.end_date == day


def test_kind_cannot_change_once_referred_to(scope, admin, intervention, register):
    register(intervention)
    from stegvis.participants.models import Participant

    participant = Participant.objects.get()
    from stegvis.participants import services as ps

    ps.referral_create(
        actor=admin.user,
        membership=admin,
        participant=participant,
        intervention=intervention,
        reason="Behöver stöd",
        referred_on=date(2026, 2, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.intervention_update(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            changes={"kind": "structural"},
        )
    assert "kind" in caught.value.message_dict


def test_lead_edits_only_the_interventions_he_leads(scope, lead, intervention, other_intervention):
    services.intervention_update(
        actor=lead.user, membership=lead, intervention=intervention, changes={"capacity": 12}
    )
    assert Intervention.objects.get(pk=intervention.pk).capacity == 12
    with pytest.raises(PermissionDenied):
        services.intervention_update(
            actor=lead.user,
            membership=lead,
            intervention=other_intervention,
            changes={"capacity": 12},
        )


def test_close_stops_referrals_from_the_day(scope, admin, intervention):
    services.intervention_close(
        actor=admin.user, membership=admin, intervention=intervention, closed_on=date(2026, 6, 1)
    )
    intervention.refresh_from_db()
    assert intervention.is_open_on(date(2026, 5, 31))
    assert not intervention.is_open_on(date(2026, 6, 1))
    assert intervention.end_date == date(2026, 6, 1)
    with pytest.raises(ValidationError):
        services.intervention_close(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            closed_on=date(2026, 6, 2),
        )


# --- Web ----------------------------------------------------------------------------------


def test_web_create_redirects_to_the_interventions_page(login, admin, federation):
    client = login(admin)
    response = client.post(
        f"/f/{federation.slug}/insatser/ny/",
        {
            "code": "UNG-VAG",
            "name": "Unga vägen",
            "kind": "individual",
            "age_min": "18",
            "age_max": "29",
            "unemployed": "on",
            "income_source": "ekonomiskt_bistand",
            "income_months": "6",
            "municipalities": "Osby, Hässleholm",
        },
    )
    assert response.status_code == 302
    # The start checklist comes next.
    assert response["Location"] == f"/f/{federation.slug}/insatser/UNG-VAG/start/"
    with federation_scope(federation):
        made = Intervention.objects.get(code="UNG-VAG")
    assert made.eligibility_rules == [
        {"type": "age", "min": 18, "max": 29},
        {"type": "unemployed"},
        {"type": "income_source", "source": "ekonomiskt_bistand", "months": 6, "window": 12},
        {"type": "municipality", "in": ["Osby", "Hässleholm"]},
    ]
    page = client.get(f"/f/{federation.slug}/insatser/UNG-VAG/")
    assert "Ålder 18–29 år vid start" in page.content.decode()


def test_web_duplicate_code_is_shown_on_the_field(login, admin, federation, intervention):
    response = login(admin).post(
        f"/f/{federation.slug}/insatser/ny/",
        {"code": "INS-1", "name": "Igen", "kind": "individual"},
    )
    assert response.status_code == 200
    assert "används redan" in response.content.decode()


def test_web_edit_keeps_rules_and_closes(login, admin, federation, intervention):
    client = login(admin)
    url = f"/f/{federation.slug}/insatser/INS-1/andra/"
    page = client.get(url)
    assert page.status_code == 200
    assert "methods" not in page.context["form"].fields
    response = client.post(
        url, {"code": "INS-1", "name": "Nytt namn", "kind": "individual", "born_abroad": "on"}
    )
    assert response.status_code == 302
    with federation_scope(federation):
        intervention.refresh_from_db()
    assert intervention.name == "Nytt namn"
    assert intervention.eligibility_rules == [{"type": "born_abroad"}]
    response = client.post(url, {"stang-closed_on": "2026-06-01", "stang-note": "Projektet slut"})
    assert response.status_code == 302
    with federation_scope(federation):
        intervention.refresh_from_db()
    assert intervention.closed_on == date(2026, 6, 1)


def test_web_case_worker_gets_403_and_outsider_404(login, case_worker, outsider, federation):
    assert login(case_worker).get(f"/f/{federation.slug}/insatser/ny/").status_code == 403
    assert login(outsider).get(f"/f/{federation.slug}/insatser/ny/").status_code == 404


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "age", "min": "18"},
        {"type": "age", "min": 18.5},
        {"type": "age", "max": 200},
        {"type": "income_source", "source": "a_kassa", "months": "x"},
        {"type": "municipality", "in": "Osby"},
        "age",
    ],
)
def test_rules_from_json_must_be_evaluable(scope, admin, rule):
    with pytest.raises(ValidationError) as caught:
        services.intervention_create(
            actor=admin.user,
            membership=admin,
            code="R",
            name="R",
            eligibility_rules=[rule],
        )
    assert "eligibility_rules" in caught.value.message_dict


def test_staff_cannot_refer_to_a_closed_intervention(scope, admin, intervention, register):
    from stegvis.participants import services as ps

    person = register(intervention)
    services.intervention_close(
        actor=admin.user, membership=admin, intervention=intervention, closed_on=date(2026, 6, 1)
    )
    common = {
        "actor": admin.user,
        "membership": admin,
        "participant": person,
        "intervention": intervention,
        "reason": "Stöd",
    }
    ps.referral_create(**common, referred_on=date(2026, 5, 31))
    with pytest.raises(ValidationError) as caught:
        ps.referral_create(**common, referred_on=date(2026, 6, 1))
    assert "stängd" in caught.value.message_dict["referred_on"][0]
