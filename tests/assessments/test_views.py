"""Assessment pages: only staff with the participant in scope; aggregates for everyone with
VIEW_AGGREGATES; federation settings for admins."""

from datetime import date

import pytest

from stegvis.assessments import services
from stegvis.assessments.models import Assessment, ProgressDimension, RiskFlag, StepRating
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(enrolment, case_worker):
    return services.assessment_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=services.AssessmentData(
            assessed_on=date(2026, 1, 20), swedish_level="A1", summary="Vill bli kock."
        ),
    )


def personal_urls(slug, enrolment, assessment):
    return [
        f"/f/{slug}/deltaganden/{enrolment.pk}/kartlaggning/",
        f"/f/{slug}/deltaganden/{enrolment.pk}/kartlaggning/ny/",
        f"/f/{slug}/kartlaggningar/{assessment.pk}/",
        f"/f/{slug}/deltaganden/{enrolment.pk}/stegforflyttning/",
    ]


def test_case_worker_in_scope_sees_the_assessment_and_the_read_is_logged(
    client, federation, enrolment, assessment, case_worker
):
    client.force_login(case_worker.user)
    for url in personal_urls(federation.slug, enrolment, assessment):
        assert client.get(url).status_code == 200, url
    body = client.get(personal_urls(federation.slug, enrolment, assessment)[0]).content.decode()
    assert "Vill bli kock." in body
    assert "Lite eller ingen svenska (nivå A1) +3" in body
    assert AuditEntry.objects.filter(
        action="read", object_id=str(enrolment.participant_id), actor_username="bob"
    ).exists()


def test_colleague_without_scope_gets_404(client, federation, enrolment, assessment, colleague):
    client.force_login(colleague.user)
    for url in personal_urls(federation.slug, enrolment, assessment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_outsider_gets_404(client, federation, enrolment, assessment, outsider):
    client.force_login(outsider.user)
    for url in personal_urls(federation.slug, enrolment, assessment):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "role", [Role.INTERVENTION_LEAD, Role.STEERING, Role.EVALUATOR, Role.ASSOCIATION_COORDINATOR]
)
def test_roles_without_personal_data_never_see_individual_assessments(
    client, federation, enrolment, assessment, make_member, intervention, role
):
    member = make_member(federation, role, interventions=[intervention])
    client.force_login(member.user)
    for url in [
        *personal_urls(federation.slug, enrolment, assessment),
        f"/f/{federation.slug}/extra-stod/",
    ]:
        assert client.get(url).status_code in (403, 404), url


def test_lead_sees_distance_travelled_as_aggregates_only(
    client, federation, intervention, enrolment, case_worker, make_member
):
    services.ensure_dimensions()
    language = ProgressDimension.objects.get(key="language")
    for day, score in ((date(2026, 1, 10), 1), (date(2026, 4, 10), 3)):
        services.ratings_record(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            rated_on=day,
            rater="staff",
            scores={language.pk: score},
        )
    lead = make_member(federation, Role.INTERVENTION_LEAD, interventions=[intervention])
    client.force_login(lead.user)
    federation.settings["small_cell_threshold"] = 1
    federation.save()
    body = client.get(f"/f/{federation.slug}/stegforflyttning/").content.decode()
    assert "+2,00" in body
    assert "100 %" in body
    assert "Rasha" not in body
    assert "Haddad" not in body


def test_small_groups_are_suppressed_on_the_distance_page(
    client, federation, enrolment, case_worker, admin
):
    services.ensure_dimensions()
    language = ProgressDimension.objects.get(key="language")
    for day, score in ((date(2026, 1, 10), 1), (date(2026, 4, 10), 3)):
        services.ratings_record(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            rated_on=day,
            rater="staff",
            scores={language.pk: score},
        )
    client.force_login(case_worker.user)
    body = client.get(f"/f/{federation.slug}/stegforflyttning/").content.decode()
    assert "För få för att visa" in body
    assert "+2,00" not in body


def test_saving_the_form_creates_a_new_version(
    client, federation, enrolment, assessment, case_worker
):
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltaganden/{enrolment.pk}/kartlaggning/ny/"
    form = {
        "assessed_on": "2026-03-01",
        "swedish_level": "A2",
        "need_language": "medium",
        "need_health": "high",
        "need_network": "",
        "interests": ["odling"],
        "obstacles": ["health", "childcare"],
        "education-TOTAL_FORMS": "1",
        "education-INITIAL_FORMS": "0",
        "education-0-level": "gymnasial",
        "education-0-field": "Ekonomi",
        "education-0-country": "Syrien",
        "work-TOTAL_FORMS": "1",
        "work-INITIAL_FORMS": "0",
        "work-0-occupation": "Kock",
        "work-0-years": "3",
        "work-0-country": "Syrien",
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-0-language": "arabiska",
        "languages-0-level": "native",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    latest = Assessment.objects.get(version=2)
    assert latest.swedish_level == "A2"
    assert latest.education == [{"level": "gymnasial", "field": "Ekonomi", "country": "Syrien"}]
    assert latest.work_experience == [{"occupation": "Kock", "years": 3.0, "country": "Syrien"}]
    assert latest.obstacles == ["health", "childcare"]
    assert latest.interests == ["odling"]
    assert Assessment.objects.get(version=1).swedish_level == "A1"


def test_form_is_prefilled_from_the_latest_version(
    client, federation, enrolment, assessment, case_worker
):
    client.force_login(case_worker.user)
    body = client.get(
        f"/f/{federation.slug}/deltaganden/{enrolment.pk}/kartlaggning/ny/"
    ).content.decode()
    assert "Vill bli kock." in body
    assert 'value="A1" selected' in body


def test_recording_a_rating_occasion(client, federation, enrolment, case_worker):
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltaganden/{enrolment.pk}/stegforflyttning/"
    client.get(url)
    dims = {d.key: d.pk for d in ProgressDimension.objects.all()}
    response = client.post(
        url,
        {
            "rated_on": "2026-02-01",
            "rater": "participant",
            f"dim_{dims['language']}": "2",
            f"dim_{dims['health']}": "4",
        },
    )
    assert response.status_code == 302
    assert StepRating.objects.filter(rater="participant").count() == 2
    body = client.get(url).content.decode()
    assert "<svg" in body


def test_admin_edits_flag_weights(client, scope, federation, admin, case_worker):
    client.force_login(admin.user)
    url = f"/f/{federation.slug}/installningar/varningsflaggor/"
    assert client.get(url).status_code == 200
    flags = list(RiskFlag.objects.all())
    data = {}
    for flag in flags:
        data[f"flag-{flag.pk}-label"] = flag.label
        data[f"flag-{flag.pk}-weight"] = "9" if flag.key == "debts" else str(flag.weight)
        if flag.key != "interpreter_needed":
            data[f"flag-{flag.pk}-active"] = "on"
    assert client.post(url, data).status_code == 302
    assert RiskFlag.objects.get(key="debts").weight == 9
    assert not RiskFlag.objects.get(key="interpreter_needed").active
    client.force_login(case_worker.user)
    assert client.get(url).status_code == 403


def test_admin_edits_a_dimension_and_adds_an_interest(client, scope, federation, admin):
    client.force_login(admin.user)
    client.get(f"/f/{federation.slug}/installningar/skattningsomraden/")
    dim = ProgressDimension.objects.get(key="health")
    data = {"dimension": dim.pk, f"dim-{dim.pk}-label": "Hälsa och mående"}
    data.update({f"dim-{dim.pk}-anchor_{i}": f"Steg {i}" for i in range(1, 6)})
    data[f"dim-{dim.pk}-active"] = "on"
    response = client.post(f"/f/{federation.slug}/installningar/skattningsomraden/", data)
    assert response.status_code == 302
    dim.refresh_from_db()
    assert (dim.label, dim.anchors[4]) == ("Hälsa och mående", "Steg 5")
    response = client.post(
        f"/f/{federation.slug}/installningar/intressen/",
        {"key": "sy", "label": "Sömnad", "group": "Skapande", "active": "on"},
    )
    assert response.status_code == 302


def test_participant_page_shows_the_assessment_section(
    client, federation, enrolment, assessment, case_worker
):
    client.force_login(case_worker.user)
    page = f"/f/{federation.slug}/deltagare/{enrolment.participant_id}/"
    overview = client.get(page).content.decode()
    assert "Kartläggning och stegförflyttning" not in overview  # a tab of its own
    body = client.get(f"{page}?flik=kartlaggning").content.decode()
    assert "Kartläggning och stegförflyttning" in body
    timeline = client.get(f"{page}?flik=tidslinje").content.decode()
    assert "Kartläggning (version 1)" in timeline


def test_extract_has_the_assessment_and_anonymising_erases_its_free_text(
    client, federation, enrolment, assessment, case_worker, admin
):
    from stegvis.participants import services as participant_services

    client.force_login(case_worker.user)
    extract = client.get(
        f"/f/{federation.slug}/deltagare/{enrolment.participant_id}/utdrag.json"
    ).json()
    assert extract["kartläggningar"][0]["sammanfattning"] == "Vill bli kock."
    participant_services.participant_anonymise(
        actor=admin.user, participant=enrolment.participant, reason="test"
    )
    assessment.refresh_from_db()
    assert assessment.summary == ""
    assert assessment.swedish_level == "A1"  # kept for statistics
