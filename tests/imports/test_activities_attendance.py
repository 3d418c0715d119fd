"""Activities and attendance through the web import: rules of the web, all or nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities import services as activity_services
from stegvis.activities.models import Activity, Attendance, Session, WorkflowStep
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.imports.models import ImportJob
from tests.imports.conftest import commit, csv_bytes, job_of

pytestmark = pytest.mark.django_db

ACTIVITIES = (
    "title,association_orgnr,category,capacity,hub,leader_count,first_date,sessions,"
    "every_days,start_time,end_time,serves,languages,working_group"
)


def activity_rows(first="2026-09-01"):
    return [
        f"Samtalsgrupp,802400-0001,language,12,,2,{first},6,7,17:00,19:00,språk|nätverk,"
        "svenska|arabiska,Samverkansgrupp Nordöst",
        f"Fotboll,8024000001,Idrott och motion,20,nordost,2,{first},8,,,,hälsa,,",
        "Stickcafé,802400-0001,gardening,8,,1,,,,,,nätverk,,",
    ]


def activity_counts(federation):
    with federation_scope(federation):
        return Activity.objects.count(), Session.objects.count(), WorkflowStep.objects.count()


def test_valid_activity_file_creates_activities_sessions_and_steps(
    federation, association, working_group, coordinator, login, upload
):
    client = login(coordinator)
    job = job_of(federation, upload("activities", csv_bytes(ACTIVITIES, *activity_rows())))
    assert job.status == ImportJob.Status.VALID, job.errors
    job = commit(client, federation, job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.result == {
        "rows": 3,
        "created_activities": 3,
        "created_sessions": 14,
        "already_present": 0,
    }
    assert activity_counts(federation) == (3, 14, 15)
    with federation_scope(federation):
        talk = Activity.objects.get(title="Samtalsgrupp")
        assert (talk.serves_language, talk.serves_health, talk.serves_network) == (
            True,
            False,
            True,
        )
        assert talk.hub_id == association.hub_id
        assert talk.working_group_id == working_group.pk
        assert talk.languages == ["svenska", "arabiska"]
        assert talk.status == Activity.Status.DRAFT
        assert talk.sessions.count() == 6
        assert str(talk.sessions.last().date) == "2026-10-06"
        assert Activity.objects.get(title="Fotboll").category == "sport"
        assert (
            AuditEntry.objects.get(object_type="activity_import").detail["created_activities"] == 3
        )


def test_reimporting_activities_adds_nothing(
    federation, association, working_group, coordinator, login, upload
):
    client = login(coordinator)
    data = csv_bytes(ACTIVITIES, *activity_rows())
    commit(client, federation, job_of(federation, upload("activities", data)))
    job = commit(client, federation, job_of(federation, upload("activities", data)))
    assert job.result["already_present"] == 3
    assert activity_counts(federation) == (3, 14, 15)


@pytest.mark.parametrize(
    ("bad", "field", "text"),
    [
        ("Kör,802400-0002,language,10,,,,,,,,,,", "association_orgnr", "kontrollsiffra"),
        ("Kör,556000-0001,language,10,,,,,,,,,,", "association_orgnr", "Ingen aktiv förening"),
        ("Kör,802400-0001,dans,10,,,,,,,,,,", "category", "Okänd kategori"),
        ("Kör,802400-0001,culture,0,,,,,,,,,,", "capacity", "heltal 1–500"),
        ("Kör,802400-0001,culture,10,,,2026-02-30,,,,,,,", "first_date", "Ogiltigt datum"),
        ("Kör,802400-0001,culture,10,,,2026-09-01,61,,,,,,", "sessions", "mellan 1 och 60"),
        ("Kör,802400-0001,culture,10,,,2026-09-01,2,,18:00,17:00,,,", "end_time", "efter"),
        ("Kör,802400-0001,culture,10,söder,,,,,,,,,", "hub", "Okänd knutpunkt"),
    ],
)
def test_one_bad_activity_row_writes_nothing(
    federation, association, working_group, coordinator, login, upload, bad, field, text
):
    login(coordinator)
    rows = activity_rows()
    job = job_of(federation, upload("activities", csv_bytes(ACTIVITIES, rows[0], rows[1], bad)))
    assert job.status == ImportJob.Status.INVALID
    assert len(job.errors) == 1
    assert job.errors[0].startswith(f"Rad 4, fält {field}:")
    assert text in job.errors[0]
    assert activity_counts(federation) == (0, 0, 0)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FEDERATION_ADMIN, 200),
        (Role.ASSOCIATION_COORDINATOR, 200),
        (Role.CASE_WORKER, 403),
        (Role.INTERVENTION_LEAD, 403),
        (Role.ASSOCIATION_LEADER, 403),
        (Role.STEERING, 403),
    ],
)
def test_activity_upload_page_per_role(federation, make_member, login, role, status):
    member = make_member(federation, role, "pelle")
    assert login(member).get("/f/alfa/import/activities/ny/").status_code == status


# --- Attendance -------------------------------------------------------------------------------

ATTENDANCE = "activity_id,session_date,personnummer,participant,present"


@pytest.fixture
def course(make_activity, leader, intervention, register, enrol, admin):
    """An activity led by the leader, five past sessions, three participants with places."""
    activity = make_activity(sessions=5)
    activity.leaders.add(leader)
    people = []
    for i, gender in enumerate(("kvinna", "man", "kvinna")):
        from datetime import date

        participant = register(intervention, born=date(1980 + i, 3, 4), gender=gender)
        enrolment = enrol(participant, intervention, timezone.localdate() - timedelta(days=60))
        activity_services.place_create(
            actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
        )
        people.append(participant)
    sessions = list(activity.sessions.order_by("date"))
    return activity, sessions, people


def attendance_rows(activity, sessions, people):
    rows = []
    for session in sessions[:2]:
        for i, person in enumerate(people):
            ident = f"{person.personal_number},," if i != 1 else f",{person.reference},"
            rows.append(f"{activity.pk},{session.date},{ident}{'ja' if i != 2 else 'nej'}")
    return rows


def attendance_count(federation):
    with federation_scope(federation):
        return Attendance.objects.count()


def test_valid_attendance_file_records_presence(federation, course, admin, login, upload):
    _activity, _sessions, people = course
    client = login(admin)
    job = job_of(federation, upload("attendance", csv_bytes(ATTENDANCE, *attendance_rows(*course))))
    assert job.status == ImportJob.Status.VALID, job.errors
    job = commit(client, federation, job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.result == {"rows": 6, "created": 6, "updated": 0, "unchanged": 0, "sessions": 2}
    with federation_scope(federation):
        assert Attendance.objects.filter(present=True).count() == 4
        entry = AuditEntry.objects.get(reason="import av närvaro")
        assert entry.detail["rows"] == 6
        assert people[0].personal_number not in str(entry.detail)


def test_reimport_with_changes_updates_attendance(federation, course, admin, login, upload):
    client = login(admin)
    rows = attendance_rows(*course)
    commit(
        client, federation, job_of(federation, upload("attendance", csv_bytes(ATTENDANCE, *rows)))
    )
    rows[0] = rows[0].replace(",ja", ",nej")
    job = commit(
        client, federation, job_of(federation, upload("attendance", csv_bytes(ATTENDANCE, *rows)))
    )
    assert job.result == {"rows": 6, "created": 0, "updated": 1, "unchanged": 5, "sessions": 2}
    assert attendance_count(federation) == 6


def test_attendance_rules_of_the_web_apply_per_row(
    federation, course, admin, login, upload, make_activity, intervention, register
):
    activity, sessions, people = course
    login(admin)
    future = activity_services.sessions_create(
        actor=admin.user,
        membership=admin,
        activity=activity,
        first_date=timezone.localdate() + timedelta(days=3),
    )[0]
    activity_services.session_cancel(actor=admin.user, membership=admin, session=sessions[2])
    outsider = register(intervention)  # registered but without a place in the activity
    good = attendance_rows(*course)
    cases = [
        (
            f"{activity.pk},{future.date},{people[0].personal_number},,ja",
            "session_date",
            "kommande",
        ),
        (
            f"{activity.pk},{sessions[2].date},{people[0].personal_number},,ja",
            "session_date",
            "inställt",
        ),
        (
            f"{activity.pk},{sessions[3].date},{outsider.personal_number},,ja",
            "personnummer",
            "ingen plats",
        ),
        (
            f"{activity.pk},{sessions[3].date},,{outsider.reference},ja",
            "participant",
            "ingen plats",
        ),
        (
            f"{activity.pk},2020-01-01,{people[0].personal_number},,ja",
            "session_date",
            "inget tillfälle",
        ),
        (
            f"{activity.pk},{sessions[3].date},{people[0].personal_number},,kanske",
            "present",
            "ja eller nej",
        ),
        (
            f"999999,{sessions[3].date},{people[0].personal_number},,ja",
            "activity_id",
            "Ingen aktivitet",
        ),
        (
            f"{activity.pk},{sessions[3].date},{people[0].personal_number[:-1]}0,,ja",
            "personnummer",
            "",
        ),
    ]
    for row, field, text in cases:
        job = job_of(
            federation, upload("attendance", csv_bytes(ATTENDANCE, *good[:3], row, *good[3:]))
        )
        assert job.status == ImportJob.Status.INVALID, row
        assert len(job.errors) == 1, job.errors
        assert job.errors[0].startswith(f"Rad 5, fält {field}:"), job.errors
        assert text in job.errors[0]
    assert attendance_count(federation) == 0


def test_leader_cannot_import_attendance(federation, course, leader, login, upload):
    """Rows name people by personnummer; a leader sees first names only."""
    client = login(leader)
    assert client.get("/f/alfa/import/").status_code == 403
    response = upload("attendance", csv_bytes(ATTENDANCE, *attendance_rows(*course)))
    assert response.status_code == 403
    assert attendance_count(federation) == 0


def test_leader_has_no_attendance_import_and_no_import_menu(federation, leader, login):
    """The file names activities by number and people by personnummer or D-number, which a
    leader never sees: he records attendance on the session's list instead."""
    client = login(leader)
    assert client.get("/f/alfa/import/attendance/ny/").status_code == 403
    page = client.get("/f/alfa/narvaro/").content.decode()
    assert "/f/alfa/import/" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        # The administrator alone sees no personal data; case workers import for their own.
        (Role.FEDERATION_ADMIN, 403),
        (Role.ASSOCIATION_LEADER, 403),
        (Role.ASSOCIATION_COORDINATOR, 403),
        (Role.CASE_WORKER, 200),
        (Role.INTERVENTION_LEAD, 403),
        (Role.EVALUATOR, 403),
    ],
)
def test_attendance_upload_page_per_role(federation, make_member, login, role, status):
    member = make_member(federation, role, "pelle")
    assert login(member).get("/f/alfa/import/attendance/ny/").status_code == status


def test_import_index_lists_only_the_kinds_a_role_may_import(federation, coordinator, login):
    page = login(coordinator).get("/f/alfa/import/").content.decode()
    assert "Aktiviteter" in page
    assert "Deltaganden (historik)" not in page


def test_case_worker_imports_attendance_only_for_his_own_participants(
    federation, course, login, upload, make_member, other_intervention, intervention
):
    """A case worker of another intervention finds no place for the course's people: the
    same message as for a person without a place, so the file reveals nothing."""
    stranger = make_member(federation, Role.CASE_WORKER, "sven", interventions=[other_intervention])
    login(stranger)
    job = job_of(federation, upload("attendance", csv_bytes(ATTENDANCE, *attendance_rows(*course))))
    assert job.status == ImportJob.Status.INVALID
    assert all("ingen plats" in error for error in job.errors)
    assert attendance_count(federation) == 0
    own = make_member(federation, Role.CASE_WORKER, "olle", interventions=[intervention])
    login(own)
    job = job_of(federation, upload("attendance", csv_bytes(ATTENDANCE, *attendance_rows(*course))))
    assert job.status == ImportJob.Status.VALID, job.errors
