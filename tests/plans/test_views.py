"""Plan pages: only staff with the participant in scope; the printable plan is the participant's
own and holds no personnummer or protected data."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.plans import defaults, services
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(enrolment, case_worker):
    services.ensure_templates()
    template = PlanTemplate.objects.get(key=defaults.FIVE_STEP_KEY)
    plan = services.plan_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        template=template,
        start=date(2026, 1, 12),
        participant_words="Jag vill laga mat.",
        participant_goals="Bli kock.",
    )
    services.meeting_save(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=services.MeetingData(
            kind=Meeting.Kind.TRIPARTITE,
            held_on=date(2026, 1, 20),
            notes="Hemlig anteckning om hälsan.",
            decisions="Börja med portföljen.",
            next_follow_up=date(2026, 3, 17),
            plan_agreed=True,
        ),
    )
    return plan


def urls(slug, plan):
    meeting = Meeting.objects.get(enrolment=plan.enrolment)
    action = plan.actions.first()
    goal = plan.goals.first()
    e = plan.enrolment_id
    return [
        f"/f/{slug}/deltaganden/{e}/plan/",
        f"/f/{slug}/deltaganden/{e}/plan/ny/",
        f"/f/{slug}/deltaganden/{e}/moten/nytt/",
        f"/f/{slug}/planer/{plan.pk}/andra/",
        f"/f/{slug}/planer/{plan.pk}/mal/nytt/",
        f"/f/{slug}/planer/{plan.pk}/mal/{goal.pk}/",
        f"/f/{slug}/planer/{plan.pk}/atgarder/ny/",
        f"/f/{slug}/planer/{plan.pk}/atgarder/{action.pk}/",
        f"/f/{slug}/planer/{plan.pk}/historik/",
        f"/f/{slug}/planer/{plan.pk}/plan.pdf",
        f"/f/{slug}/moten/{meeting.pk}/",
    ]


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_case_worker_in_scope_opens_every_plan_page(client, federation, plan, case_worker):
    client.force_login(case_worker.user)
    for url in urls(federation.slug, plan):
        response = client.get(url)
        assert response.status_code in (200, 302), url


def test_colleague_without_scope_gets_404_and_changes_nothing(client, federation, plan, colleague):
    client.force_login(colleague.user)
    for url in urls(federation.slug, plan):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x", "what": "x", "status": "done"}).status_code == 404
    action = plan.actions.first()
    status_url = f"/f/{federation.slug}/planer/{plan.pk}/atgarder/{action.pk}/status/"
    assert client.post(status_url, {"status": "done"}).status_code == 404
    plan.refresh_from_db()
    assert plan.version == 2


def test_outsider_gets_404(client, federation, plan, outsider):
    client.force_login(outsider.user)
    for url in urls(federation.slug, plan):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.INTERVENTION_LEAD, Role.STEERING, Role.EVALUATOR])
def test_roles_without_personal_data_never_see_plans(
    client, federation, plan, make_member, intervention, role
):
    member = make_member(federation, role, interventions=[intervention])
    client.force_login(member.user)
    for url in [*urls(federation.slug, plan), f"/f/{federation.slug}/mina-uppfoljningar/"]:
        assert client.get(url).status_code in (403, 404), url


def test_the_pdf_has_goals_actions_and_own_words_but_no_number_or_notes(
    client, federation, plan, case_worker
):
    client.force_login(case_worker.user)
    response = client.get(f"/f/{federation.slug}/planer/{plan.pk}/plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    participant = plan.enrolment.participant
    for expected in (
        "Min plan",
        "Rasha Haddad",
        "Kompetensportfölj",
        "Arbete eller praktik",
        "Samla betyg, intyg och referenser",
        "Du själv",
        "Jag vill laga mat.",
        "2026-03-17",
    ):
        assert expected in text, expected
    assert participant.personal_number not in text
    assert participant.personal_number.replace("-", "") not in text
    assert "Hemlig anteckning" not in text
    assert AuditEntry.objects.filter(action="export", object_type="plan").exists()


def test_pdf_of_a_protected_person_shows_only_the_reference(
    client, federation, scope, intervention, register, enrol, admin
):
    person = register(
        intervention, first_name="Hemlig", last_name="Person", protected_identity=True
    )
    enrolment = enrol(person, intervention, date(2026, 1, 5))
    plan = services.plan_create(actor=admin.user, membership=admin, enrolment=enrolment)
    client.force_login(admin.user)
    text = pdf_text(client.get(f"/f/{federation.slug}/planer/{plan.pk}/plan.pdf"))
    assert person.reference in text
    assert "Hemlig" not in text


def test_making_a_plan_from_the_five_step_template(client, federation, enrolment, case_worker):
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltaganden/{enrolment.pk}/plan/"
    assert client.get(url)["Location"].endswith("/plan/ny/")
    services.ensure_templates()
    template = PlanTemplate.objects.get(key=defaults.FIVE_STEP_KEY)
    response = client.post(
        f"{url}ny/",
        {"template": template.pk, "start": "2026-02-01", "participant_goals": "Få jobb."},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(enrolment=enrolment)
    assert plan.goals.count() == 5
    body = client.get(url).content.decode()
    assert "Vilka yrken?" in body


def test_adding_an_action_and_marking_it_done_shows_in_history(
    client, federation, plan, case_worker
):
    client.force_login(case_worker.user)
    goal = plan.goals.last()
    response = client.post(
        f"/f/{federation.slug}/planer/{plan.pk}/atgarder/ny/",
        {
            "what": "Besöka restaurang",
            "goal": goal.pk,
            "responsible": case_worker.pk,
            "due_date": "2026-05-01",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(what="Besöka restaurang")
    client.post(
        f"/f/{federation.slug}/planer/{plan.pk}/atgarder/{action.pk}/status/", {"status": "done"}
    )
    body = client.get(f"/f/{federation.slug}/planer/{plan.pk}/historik/").content.decode()
    assert "Åtgärd tillagd: Besöka restaurang" in body
    assert "Åtgärd ändrad: Besöka restaurang" in body
    assert "<del>Planerad</del>" in body


def test_recording_a_meeting_through_the_form(client, federation, plan, case_worker):
    client.force_login(case_worker.user)
    response = client.post(
        f"/f/{federation.slug}/deltaganden/{plan.enrolment_id}/moten/nytt/",
        {
            "kind": "follow_up",
            "held_on": "2026-03-17",
            "participant_present": "on",
            "attendees": [case_worker.pk],
            "decisions": "Fortsätt med CV.",
            "next_follow_up": "2026-05-12",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_follow_up == date(2026, 5, 12)


def test_my_followups_page_lists_overdue_actions(client, federation, plan, case_worker):
    PlanAction.objects.filter(plan=plan, responsible=case_worker).update(due_date=date(2026, 1, 1))
    client.force_login(case_worker.user)
    body = client.get(f"/f/{federation.slug}/mina-uppfoljningar/").content.decode()
    assert "Gå igenom utbildning och arbetslivserfarenhet" in body
    assert "Rasha Haddad" in body
    assert AuditEntry.objects.filter(reason="mina uppföljningar").exists()
    dashboard = client.get(f"/f/{federation.slug}/").content.decode()
    assert "Mina uppföljningar" in dashboard


def test_admin_edits_templates_and_case_worker_may_not(
    client, federation, scope, admin, case_worker
):
    client.force_login(case_worker.user)
    assert client.get(f"/f/{federation.slug}/installningar/planmallar/").status_code == 403
    client.force_login(admin.user)
    assert client.get(f"/f/{federation.slug}/installningar/planmallar/").status_code == 200
    response = client.post(
        f"/f/{federation.slug}/installningar/planmallar/ny/",
        {
            "key": "halsa",
            "name": "Hälsa först",
            "goals_text": "Må bättre | 8\n- Boka hälsosamtal | 2 | huvudkontakt",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert PlanTemplate.objects.get(key="halsa").goals[0]["actions"][0]["who"] == "main_contact"
    response = client.post(
        f"/f/{federation.slug}/installningar/planmallar/ny/",
        {"key": "trasig", "name": "Trasig", "goals_text": "- utan mål"},
    )
    assert response.status_code == 200
    assert "en åtgärd måste stå under ett mål" in response.content.decode()


def test_participant_page_extract_and_timeline_include_the_plan(
    client, federation, plan, case_worker
):
    client.force_login(case_worker.user)
    person = plan.enrolment.participant
    page = f"/f/{federation.slug}/deltagare/{person.pk}/"
    body = client.get(f"{page}?flik=plan").content.decode()
    assert '<section class="card" id="plan">' in body
    assert "Trepartssamtal" in body
    assert "Plan skapad" in client.get(f"{page}?flik=tidslinje").content.decode()
    extract = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.json").json()
    assert extract["planer"][0]["med_egna_ord"] == "Jag vill laga mat."
    assert extract["möten"][0]["anteckningar"] == "Hemlig anteckning om hälsan."
