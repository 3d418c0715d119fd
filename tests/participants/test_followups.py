"""Exit, felregistrering and the follow-ups 6 and 12 months after exit (SPEC §7)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.core.dates import add_months
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.participants import services
from stegvis.participants.extract import build_extract
from stegvis.participants.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(scope, intervention, register, enrol):
    person = register(intervention, first_name="Hodan", last_name="Farah")
    return enrol(person, intervention, date(2025, 1, 10), af_code_before="11")


def exit_(admin, enrolment, end=date(2025, 8, 31), reason="arbete"):
    return services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=enrolment,
        end_date=end,
        exit_reason=reason,
        income_sources_after=["lon"],
        af_code_after="EJ_AKTUELL",
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_exit_plans_follow_ups_at_six_and_twelve_months(admin, enrolment):
    exit_(admin, enrolment)
    followups = list(enrolment.followups.order_by("months"))
    assert [(f.months, f.due_on, f.status) for f in followups] == [
        (6, date(2026, 2, 28), "planned"),
        (12, date(2026, 8, 31), "planned"),
    ]


def test_felregistrering_plans_no_follow_up(admin, enrolment):
    exit_(admin, enrolment, reason="felregistrering")
    assert not enrolment.followups.exists()


def test_marking_an_exited_enrolment_as_error_drops_open_follow_ups(admin, enrolment):
    exit_(admin, enrolment)
    services.enrolment_mark_error(actor=admin.user, membership=admin, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.exit_reason == "felregistrering"
    assert enrolment.end_date == date(2025, 8, 31)
    assert not enrolment.followups.exists()
    with pytest.raises(ValidationError, match="redan markerat"):
        services.enrolment_mark_error(actor=admin.user, membership=admin, enrolment=enrolment)


def test_marking_an_active_enrolment_as_error_ends_it_on_its_start(admin, enrolment):
    services.enrolment_mark_error(actor=admin.user, membership=admin, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.end_date == enrolment.start_date


def test_recording_a_follow_up(admin, enrolment):
    exit_(admin, enrolment, end=date(2025, 1, 31))
    followup = enrolment.followups.get(months=6)
    services.followup_record(
        actor=admin.user,
        membership=admin,
        followup=followup,
        done_on=date(2025, 8, 5),
        reached=True,
        situation="arbete",
        income_sources=["lon"],
        af_code="EJ_AKTUELL",
        note="Fast anställning.",
    )
    followup.refresh_from_db()
    assert (followup.status, followup.situation, followup.income_sources) == (
        "done",
        "arbete",
        ["lon"],
    )
    assert AuditEntry.objects.filter(object_type="followup", action="update").exists()


def test_not_reached_follow_up_keeps_no_answers(admin, enrolment):
    exit_(admin, enrolment, end=date(2025, 1, 31))
    followup = enrolment.followups.get(months=6)
    services.followup_record(
        actor=admin.user,
        membership=admin,
        followup=followup,
        done_on=date(2025, 8, 5),
        reached=False,
        situation="arbete",
        income_sources=["lon"],
    )
    followup.refresh_from_db()
    assert (followup.status, followup.situation, followup.income_sources) == ("not_reached", "", [])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"done_on": date(2025, 1, 30)}, "done_on"),  # before the exit
        ({"done_on": timezone.localdate() + timedelta(days=1)}, "done_on"),
        ({"situation": ""}, "situation"),
        ({"income_sources": ["bitcoin"]}, "income_sources"),
        ({"af_code": "99"}, "af_code"),
    ],
)
def test_follow_up_rules(admin, enrolment, changes, field):
    exit_(admin, enrolment, end=date(2025, 1, 31))
    arguments = {
        "done_on": date(2025, 8, 5),
        "reached": True,
        "situation": "studier",
        "income_sources": [],
        "af_code": "",
    } | changes
    with pytest.raises(ValidationError) as error:
        services.followup_record(
            actor=admin.user,
            membership=admin,
            followup=enrolment.followups.get(months=6),
            **arguments,
        )
    assert field in error.value.message_dict


def test_case_worker_of_another_intervention_cannot_record(
    admin, enrolment, federation, other_intervention, make_member
):
    exit_(admin, enrolment)
    other = make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])
    with pytest.raises(PermissionDenied):
        services.followup_record(
            actor=other.user,
            membership=other,
            followup=enrolment.followups.first(),
            done_on=date(2026, 3, 1),
            reached=False,
        )


def test_anonymising_erases_follow_up_notes_and_extract_shows_follow_ups(admin, enrolment):
    exit_(admin, enrolment, end=date(2025, 1, 31))
    followup = enrolment.followups.get(months=6)
    services.followup_record(
        actor=admin.user,
        membership=admin,
        followup=followup,
        done_on=date(2025, 8, 5),
        reached=True,
        situation="studier",
        note="Läser på Komvux i Hässleholm.",
    )
    extract = build_extract(enrolment.participant)
    assert extract["deltaganden"][0]["uppföljningar"][0]["sysselsättning"] == "Studier"
    services.participant_anonymise(
        actor=admin.user, participant=enrolment.participant, reason="test"
    )
    followup.refresh_from_db()
    assert followup.note == ""
    assert followup.situation == "studier"  # statistics stay


# --- views ---------------------------------------------------------------------------------


def test_case_worker_lists_due_follow_ups_and_records_one(client, admin, enrolment, case_worker):
    exit_(admin, enrolment, end=date(2025, 1, 31))
    client.force_login(case_worker.user)
    response = client.get("/f/alfa/uppfoljningar/")
    assert response.status_code == 200
    assert "Hodan Farah" in response.content.decode()
    followup = enrolment.followups.get(months=6)
    response = client.post(
        f"/f/alfa/uppfoljningar/{followup.pk}/",
        {
            "done_on": "2025-08-01",
            "reached": "yes",
            "situation": "arbete",
            "income_sources": ["lon"],
            "af_code": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.situation == "arbete"
    summary = client.get(f"/f/alfa/deltaganden/{enrolment.pk}/avslut/")
    html = summary.content.decode()
    assert "Avslut och uppföljning" in html
    assert "Gjord" in html


def test_exit_form_leads_to_the_follow_up_summary(client, enrolment, case_worker):
    client.force_login(case_worker.user)
    response = client.post(
        f"/f/alfa/deltaganden/{enrolment.pk}/avslut/",
        {"end_date": "2025-06-30", "exit_reason": "studier", "af_code_after": "83"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/deltaganden/{enrolment.pk}/avslut/")
    assert FollowUp.objects.filter(enrolment=enrolment).count() == 2


def test_mark_error_view(client, admin, enrolment, case_worker):
    exit_(admin, enrolment)
    client.force_login(case_worker.user)
    response = client.post(f"/f/alfa/deltaganden/{enrolment.pk}/felregistrering/")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.exit_reason == "felregistrering"


def test_follow_up_pages_are_404_for_colleague_without_scope_and_outsider(
    client, admin, enrolment, federation, other_intervention, make_member, outsider
):
    exit_(admin, enrolment)
    followup = enrolment.followups.first()
    colleague = make_member(
        federation, Role.CASE_WORKER, "dave", interventions=[other_intervention]
    )
    client.force_login(colleague.user)
    assert client.get(f"/f/alfa/uppfoljningar/{followup.pk}/").status_code == 404
    assert "Hodan" not in client.get("/f/alfa/uppfoljningar/?status=open").content.decode()
    assert client.post(f"/f/alfa/deltaganden/{enrolment.pk}/felregistrering/").status_code == 404
    client.force_login(outsider.user)
    assert client.get(f"/f/alfa/uppfoljningar/{followup.pk}/").status_code == 404
    assert client.get("/f/alfa/uppfoljningar/").status_code == 404


def test_roles_without_personal_data_cannot_see_follow_ups(client, federation, make_member):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    client.force_login(lead.user)
    assert client.get("/f/alfa/uppfoljningar/").status_code == 403
