"""Activity kinds: NAD activity, own group activity, study visit, mentorship and workplace
placement, each with its own rules, approval and (only NAD) compensation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.activities import rules, services
from stegvis.activities.models import Activity, ActivityKind, Attendance
from stegvis.core.roles import Role

TODAY = timezone.localdate()
SETTINGS = rules.RuleSettings()


def facts(kind, **overrides):
    values = {
        "kind": kind,
        "sessions": 1,
        "leaders": 1,
        "planned_participants": 10,
        "actual_participants": 0,
        "has_association": False,
        "description": "Jobbsökargrupp: cv, personligt brev och intervjuträning.",
    }
    values.update(overrides)
    return rules.ActivityFacts(**values)


def failed(results):
    return {r.key: r.explanation for r in results if not r.passed}


# --- The rules of each kind, pure -------------------------------------------------------------


def test_group_activity_rules_at_their_boundaries():
    assert failed(rules.check_activity(facts("group"), SETTINGS)) == {}
    assert set(failed(rules.check_activity(facts("group", sessions=0), SETTINGS))) == {
        "has_session"
    }
    # 10 participants per leader: 10 with one leader holds, 11 does not.
    assert not failed(rules.check_activity(facts("group", planned_participants=10), SETTINGS))
    assert (
        "2 ledare"
        in failed(rules.check_activity(facts("group", planned_participants=11), SETTINGS))[
            "leaders_planned"
        ]
    )
    assert (
        "förening"
        in failed(rules.check_activity(facts("group", has_association=True), SETTINGS))[
            "association"
        ]
    )
    assert (
        "syftet"
        in failed(rules.check_activity(facts("group", description="  ", plan=""), SETTINGS))[
            "purpose"
        ]
    )
    # No NAD rules: no five sessions, no triad, no quality approval.
    keys = {r.key for r in rules.check_activity(facts("group"), SETTINGS)}
    assert keys.isdisjoint({"min_sessions", "activity_plan", "quality_approved"})


def test_study_visit_needs_a_destination_and_may_have_a_host():
    visit = facts("study_visit", address="Volvo Cars, Torslanda", has_association=True)
    assert failed(rules.check_activity(visit, SETTINGS)) == {}
    assert set(failed(rules.check_activity(facts("study_visit", address=""), SETTINGS))) == {
        "destination"
    }


def test_mentorship_is_one_mentor_one_participant_within_the_mentors_room():
    good = facts(
        "mentorship",
        planned_participants=1,
        mentor="Karin",
        mentor_active=True,
        mentor_max_mentees=2,
        mentor_other_mentees=1,
    )
    assert failed(rules.check_activity(good, SETTINGS)) == {}
    full = facts(
        "mentorship",
        planned_participants=1,
        mentor="Karin",
        mentor_active=True,
        mentor_max_mentees=2,
        mentor_other_mentees=2,
    )
    assert set(failed(rules.check_activity(full, SETTINGS))) == {"mentor_load"}
    two = facts("mentorship", planned_participants=2, mentor="Karin", mentor_active=True)
    assert set(failed(rules.check_activity(two, SETTINGS))) == {"one_participant"}
    assert set(failed(rules.check_activity(facts("mentorship", planned_participants=1), SETTINGS)))
    inactive = facts("mentorship", planned_participants=1, mentor="Karin", mentor_active=False)
    assert "inte längre aktiv" in failed(rules.check_activity(inactive, SETTINGS))["mentor"]


def test_placement_within_the_employers_room_and_period():
    good = facts(
        "placement",
        planned_participants=2,
        placement="Bageriet AB",
        placement_active=True,
        placement_capacity=2,
    )
    assert failed(rules.check_activity(good, SETTINGS)) == {}
    over = facts(
        "placement",
        planned_participants=3,
        placement="Bageriet AB",
        placement_active=True,
        placement_capacity=2,
    )
    assert set(failed(rules.check_activity(over, SETTINGS))) == {"placement_capacity"}
    outside = facts(
        "placement",
        planned_participants=1,
        placement="Bageriet AB",
        placement_active=True,
        placement_capacity=1,
        sessions_outside_placement=1,
    )
    assert set(failed(rules.check_activity(outside, SETTINGS))) == {"placement_period"}
    assert set(failed(rules.check_activity(facts("placement"), SETTINGS))) == {"placement"}


def test_nad_without_association_fails_only_that_rule():
    nad = rules.ActivityFacts(
        sessions=5,
        leaders=1,
        planned_participants=10,
        actual_participants=0,
        serves_language=True,
        plan="Samtal",
        quality_approved=True,
        has_association=False,
    )
    assert set(failed(rules.check_activity(nad, SETTINGS))) == {"association"}


# --- Through the services ---------------------------------------------------------------------


@pytest.fixture
def people(scope, intervention, register, enrol):
    def make(n):
        return [
            enrol(
                register(intervention, first_name=f"Person{i}"), intervention, TODAY - timedelta(60)
            )
            for i in range(n)
        ]

    return make


def _create(coordinator, association=None, **details):
    values = {"title": "Jobbsökargrupp", "category": "civic", "capacity": 8, **details}
    return services.activity_create(
        actor=coordinator.user,
        membership=coordinator,
        association=association,
        details=services.ActivityDetails(**values),
    )


@pytest.mark.django_db
def test_own_group_activity_is_approved_without_association_and_not_compensated(
    coordinator, association, admin, people
):
    with pytest.raises(ValidationError) as error:
        _create(coordinator, association, kind="group")
    assert "association" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _create(coordinator, None, kind="nad")
    assert error.value.message_dict["association"] == [
        "En NAD-aktivitet drivs av en förening; välj föreningen."
    ]
    group = _create(
        coordinator, kind="group", description="Cv och intervjuträning", address="Medborgarhuset"
    )
    assert group.kind == ActivityKind.GROUP
    assert not group.steps.exists()  # the five NAD steps belong to NAD activities
    assert group.organiser == "Förbundet (egen regi)"
    with pytest.raises(ValidationError, match="Inget tillfälle"):
        services.activity_approve(actor=coordinator.user, membership=coordinator, activity=group)
    services.sessions_create(
        actor=coordinator.user,
        membership=coordinator,
        activity=group,
        first_date=TODAY - timedelta(days=14),
        count=2,
    )
    services.activity_approve(actor=coordinator.user, membership=coordinator, activity=group)
    group.refresh_from_db()
    assert group.status == Activity.Status.APPROVED
    place = services.place_create(
        actor=admin.user, membership=admin, activity=group, enrolment=people(1)[0]
    )
    services.attendance_record(
        actor=admin.user,
        membership=None,  # recorded by the staff who lead it; the rule tested is compensation
        session=group.sessions.first(),
        place=place,
        present=True,
    )
    with pytest.raises(ValidationError, match="ersätts inte"):
        services.compensation_compute(
            actor=coordinator.user, membership=coordinator, activity=group
        )


@pytest.mark.django_db
def test_placement_activity_follows_the_employers_place(scope, coordinator, admin):
    placement = services.placement_create(
        actor=admin.user,
        membership=admin,
        kind="internship",
        employer="Bageriet AB",
        title="Bagare",
        supervisor_name="Kim",
        capacity=2,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=30),
    )
    activity = _create(
        coordinator,
        kind="placement",
        placement_id=placement.pk,
        capacity=3,
        title="Språkpraktik på bageriet",
    )
    assert activity.organiser == "Bageriet AB"
    services.sessions_create(
        actor=coordinator.user,
        membership=coordinator,
        activity=activity,
        first_date=TODAY + timedelta(days=28),
        count=2,
    )
    with pytest.raises(ValidationError) as error:
        services.activity_approve(actor=coordinator.user, membership=coordinator, activity=activity)
    assert error.value.messages == [
        "Arbetsgivaren har 2 platser, men aktiviteten har 3.",
        "1 tillfällen ligger utanför platsens period.",
    ]


@pytest.mark.django_db
def test_mentor_pairs_with_one_participant_and_meetings_are_logged(
    coordinator, admin, people, case_worker, federation, make_member, other_intervention
):
    mentor = services.mentor_create(
        actor=coordinator.user,
        membership=coordinator,
        name="Karin Lund",
        kind="volunteer",
        languages=["Svenska", "arabiska"],
        interests=["sport"],
        availability=[1, 3],
        max_mentees=1,
    )
    assert mentor.languages == ["svenska", "arabiska"]
    first, second = people(2)
    place = services.mentorship_pair(
        actor=case_worker.user, membership=case_worker, mentor=mentor, enrolment=first
    )
    mentorship = place.activity
    assert (mentorship.kind, mentorship.capacity, mentorship.status) == (
        "mentorship",
        1,
        Activity.Status.APPROVED,
    )
    assert mentorship.organiser == "Karin Lund (volontär mentor)"
    # The mentor takes one participant at a time: a second pairing is refused, nothing kept.
    with pytest.raises(ValidationError, match="redan 1 deltagare"):
        services.mentorship_pair(
            actor=case_worker.user, membership=case_worker, mentor=mentor, enrolment=second
        )
    assert Activity.objects.filter(mentor=mentor).count() == 1
    meeting = services.meeting_log(
        actor=case_worker.user,
        membership=case_worker,
        activity=mentorship,
        on=TODAY,
        note="Fika och promenad",
    )
    assert meeting.note == "Fika och promenad"
    assert Attendance.objects.get(session=meeting, place=place).present is True
    with pytest.raises(ValidationError, match="ägt rum"):
        services.meeting_log(
            actor=case_worker.user,
            membership=case_worker,
            activity=mentorship,
            on=TODAY + timedelta(days=1),
        )
    colleague = make_member(
        federation, Role.CASE_WORKER, "dora", interventions=[other_intervention]
    )
    with pytest.raises((PermissionDenied, ValidationError)):
        services.meeting_log(
            actor=colleague.user, membership=colleague, activity=mentorship, on=TODAY
        )
    with pytest.raises(ValidationError, match="bara för mentorskap"):
        services.meeting_log(
            actor=admin.user,
            membership=admin,
            activity=_create(coordinator, kind="group", description="x"),
            on=TODAY,
        )


@pytest.mark.django_db
def test_catalogue_filters_by_kind_and_timeline_names_the_kind(
    client, coordinator, admin, people, federation, association
):
    mentor = services.mentor_create(
        actor=coordinator.user, membership=coordinator, name="Ali Omar", kind="municipal"
    )
    (enrolment,) = people(1)
    services.mentorship_pair(actor=admin.user, membership=admin, mentor=mentor, enrolment=enrolment)
    _create(coordinator, kind="group", title="Hälsokurs", description="Rörelse och kost")
    client.force_login(coordinator.user)
    body = client.get(f"/f/{federation.slug}/aktiviteter/?kind=group").content.decode()
    assert "Hälsokurs" in body
    assert "Mentorskap med Ali Omar" not in body
    body = client.get(f"/f/{federation.slug}/aktiviteter/?kind=mentorship").content.decode()
    assert "Mentorskap med Ali Omar" in body
    client.force_login(admin.user)
    person = enrolment.participant
    page = client.get(
        f"/f/{federation.slug}/deltagare/{person.pk}/?flik=tidslinje"
    ).content.decode()
    assert "Mentorskap: Mentorskap med Ali Omar" in page


def test_migration_keeps_existing_activities_as_nad():
    from importlib import import_module

    from django.db.migrations.operations import AddField

    migration = import_module("stegvis.activities.migrations.0005_activity_kinds").Migration
    (add_kind,) = [
        op for op in migration.operations if isinstance(op, AddField) and op.name == "kind"
    ]
    assert add_kind.field.default == ActivityKind.NAD
    assert not add_kind.field.null


@pytest.mark.django_db
def test_mentor_pages_owner_colleague_outsider(
    client, coordinator, case_worker, federation, people, outsider, make_member, other_intervention
):
    url = f"/f/{federation.slug}/mentorer/"
    client.force_login(coordinator.user)
    response = client.post(
        url,
        {
            "name": "Sara Ek",
            "kind": "municipal",
            "languages": "svenska, dari",
            "max_mentees": 2,
            "availability": ["0", "2"],
            "interests": ["nature"],
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Sara Ek" in page
    assert "måndag, onsdag" in page
    assert "Para ihop" not in page  # the coordinator sees no participants
    (enrolment,) = people(1)
    mentor_pk = Activity.mentor.field.related_model.objects.get(name="Sara Ek").pk
    form = {"mentor": mentor_pk, "enrolment": enrolment.pk, "start_date": TODAY.isoformat()}
    colleague = make_member(
        federation, Role.CASE_WORKER, "dora", interventions=[other_intervention]
    )
    client.force_login(colleague.user)
    client.post(f"{url}para/", form)
    assert not Activity.objects.filter(kind="mentorship").exists()  # not in her scope
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404
    client.force_login(case_worker.user)
    response = client.post(f"{url}para/", form)
    assert response.status_code == 302
    mentorship = Activity.objects.get(kind="mentorship")
    detail = client.get(response["Location"]).content.decode()
    assert "Logga mötet" in detail
    logged = client.post(
        f"/f/{federation.slug}/aktiviteter/{mentorship.pk}/moten/",
        {"on": TODAY.isoformat(), "note": "Biblioteket", "attended": "on"},
    )
    assert logged.status_code == 302
    assert mentorship.sessions.get().note == "Biblioteket"
