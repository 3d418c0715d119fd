"""The participant's own read-only page, opened by a link in his language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities.models import ActivityEnrolment
from stegvis.core.models import AuditEntry
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal
from stegvis.surveys import services
from stegvis.surveys.models import PageLink
from tests.activities.conftest import (  # noqa: F401  (fixtures)
    association,
    coordinator,
    hub,
    make_activity,
    working_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(person, make_activity):  # noqa: F811
    today = timezone.localdate()
    enrolment = person.enrolments.get()
    plan = Plan.objects.create(enrolment=enrolment, next_follow_up=today + timedelta(days=40))
    PlanGoal.objects.create(plan=plan, title="Klara ett arbetsintervju på svenska", position=0)
    PlanGoal.objects.create(
        plan=plan, title="Avbrutet mål", position=1, status=PlanGoal.Status.DROPPED
    )
    PlanAction.objects.create(plan=plan, what="Börja på språkcaféet", due_date=today)
    PlanAction.objects.create(plan=plan, what="Klar åtgärd", status=PlanAction.Status.DONE)
    Meeting.objects.create(
        enrolment=enrolment, kind="tripartite", held_on=today + timedelta(days=9)
    )
    Meeting.objects.create(
        enrolment=enrolment, kind="tripartite", held_on=today - timedelta(days=9)
    )
    activity = make_activity(title="Promenadgrupp", first=today - timedelta(days=14), sessions=6)
    ActivityEnrolment.objects.create(activity=activity, enrolment=enrolment, start_date=today)
    return person


def link_for(person, membership, language="ar"):
    return services.page_link_create(
        actor=membership.user, membership=membership, participant_id=person.pk, language=language
    )


def test_own_page_in_arabic_shows_goals_next_steps_meeting_and_sessions(
    client, planned, case_worker
):
    today = timezone.localdate()
    link = link_for(planned, case_worker)
    response = client.get(link.path)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "أهدافي" in page  # "my goals"
    assert "Klara ett arbetsintervju på svenska" in page
    assert "Avbrutet mål" not in page
    assert "Börja på språkcaféet" in page
    assert "Klar åtgärd" not in page
    assert f"{today + timedelta(days=9):%Y-%m-%d}" in page  # the next meeting, not the past one
    assert "Promenadgrupp" in page
    assert "Haddad" not in page
    entry = AuditEntry.objects.get(reason="egen sida via länk")
    assert (entry.actor, entry.object_id) == (None, str(planned.pk))


def test_own_page_link_expires(client, planned, case_worker):
    link = link_for(planned, case_worker)
    PageLink.objects.filter(pk=link.invitation.pk).update(expires_at=timezone.now())
    assert client.get(link.path).status_code == 410


def test_own_page_link_only_for_someone_in_scope(
    planned, federation, other_intervention, make_member
):
    from django.http import Http404

    from stegvis.core.roles import Role

    colleague = make_member(
        federation, Role.CASE_WORKER, "sven", interventions=[other_intervention]
    )
    with pytest.raises(Http404):
        link_for(planned, colleague)


def test_nothing_planned_is_said_in_his_language(client, person, case_worker):
    page = client.get(link_for(person, case_worker, language="so").path).content.decode()
    assert "Waxba lama qorsheyn." in page
    assert 'dir="ltr"' in page


def test_case_worker_creates_the_link_from_the_participant_page(login, case_worker, person):
    response = login(case_worker).post(
        f"/f/alfa/deltagare/{person.pk}/egen-sida/", {"sida-language": "prs"}
    )
    assert response.status_code == 200
    assert PageLink.objects.get().language == "prs"
    assert "/s/sida/" in response.content.decode()


def test_unknown_page_token_is_404(client, surveys):
    assert client.get("/s/sida/nej/").status_code == 404
