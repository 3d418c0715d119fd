"""Activities, approval, places, attendance, compensation and placements through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.activities import selectors, services
from stegvis.activities.models import Activity, Compensation
from stegvis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def people(scope, intervention, register, enrol):
    def make(n, gender="kvinna"):
        result = []
        for i in range(n):
            person = register(intervention, first_name=f"Person{i}", gender=gender)
            result.append(enrol(person, intervention, TODAY - timedelta(days=60)))
        return result

    return make


def test_new_activity_has_the_five_steps(make_activity):
    activity = make_activity(approve=False)
    assert list(activity.steps.values_list("step", flat=True)) == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(object_type="activity", action="create").exists()


def test_approval_is_refused_with_every_failed_reason(make_activity, coordinator):
    activity = make_activity(sessions=4, capacity=11, approve=False)
    with pytest.raises(ValidationError) as error:
        services.activity_approve(actor=coordinator.user, membership=coordinator, activity=activity)
    messages = error.value.messages
    assert any("Bara 4 tillfällen" in m for m in messages)
    assert any("11 planerade deltagare kräver minst 2 ledare" in m for m in messages)
    assert any("kvalitetsgodkänt" in m for m in messages)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_approval_after_fixing_and_membership_fee_revokes_it(make_activity, coordinator):
    activity = make_activity()
    assert activity.status == Activity.Status.APPROVED
    assert all(passed for _k, passed, _t in activity.approval_checks)
    services.cost_add(
        actor=coordinator.user,
        membership=coordinator,
        activity=activity,
        kind="membership_fee",
        amount_sek=200,
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_leader_role_cannot_manage_activities(make_activity, leader):
    activity = make_activity(approve=False)
    with pytest.raises(PermissionDenied):
        services.activity_approve(actor=leader.user, membership=leader, activity=activity)


def test_place_never_exceeds_capacity(make_activity, people, admin):
    activity = make_activity(capacity=2)
    enrolments = people(3)
    for enrolment in enrolments[:2]:
        services.place_create(
            actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
        )
    with pytest.raises(ValidationError, match="full"):
        services.place_create(
            actor=admin.user, membership=admin, activity=activity, enrolment=enrolments[2]
        )
    assert selectors.free_places(activity) == 0


def test_gender_restriction_is_respected(make_activity, people, admin):
    activity = make_activity(gender_restriction="kvinna")
    (man,) = people(1, gender="man")
    with pytest.raises(ValidationError, match="kvinnor"):
        services.place_create(actor=admin.user, membership=admin, activity=activity, enrolment=man)


def test_case_worker_outside_the_intervention_cannot_place(
    make_activity, people, federation, other_intervention, make_member
):
    from stegvis.core.roles import Role

    other = make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])
    activity = make_activity()
    (enrolment,) = people(1)
    with pytest.raises(PermissionDenied):
        services.place_create(
            actor=other.user, membership=other, activity=activity, enrolment=enrolment
        )


def _attend(activity, places, pattern, actor):
    sessions = list(activity.sessions.order_by("date"))
    for place, presences in zip(places, pattern, strict=True):
        for session, present in zip(sessions, presences, strict=False):
            services.attendance_record(
                actor=actor, membership=None, session=session, place=place, present=present
            )


def test_compensation_counts_participants_at_half_attendance(
    make_activity, people, admin, coordinator
):
    activity = make_activity(sessions=6)
    places = [
        services.place_create(actor=admin.user, membership=admin, activity=activity, enrolment=e)
        for e in people(3)
    ]
    # 6 held sessions: 3 present counts (exactly 50 %), 2 does not.
    _attend(
        activity,
        places,
        [[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]],
        admin.user,
    )
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    assert compensation.sessions_held == 6
    assert compensation.participant_count == 2
    assert compensation.amount_sek == 3000
    assert [row["counts"] for row in compensation.basis] == [True, False, True]
    assert compensation.status == Compensation.Status.DRAFT


def test_compensation_statuses_draft_approved_paid(
    make_activity, people, admin, coordinator, federation, make_member
):
    from stegvis.core.roles import Role

    lead = make_member(federation, Role.INTERVENTION_LEAD, "jonas")
    activity = make_activity()
    (enrolment,) = people(1)
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
    )
    _attend(activity, [place], [[1, 1, 1, 1, 1]], admin.user)
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    with pytest.raises(PermissionDenied):
        services.compensation_approve(
            actor=coordinator.user, membership=coordinator, compensation=compensation
        )
    with pytest.raises(ValidationError):
        services.compensation_mark_paid(actor=lead.user, membership=lead, compensation=compensation)
    services.compensation_approve(actor=lead.user, membership=lead, compensation=compensation)
    services.compensation_mark_paid(
        actor=lead.user, membership=lead, compensation=compensation, reference="V-123"
    )
    compensation.refresh_from_db()
    assert compensation.status == Compensation.Status.PAID
    assert compensation.amount_sek == 1500
    with pytest.raises(ValidationError, match="redan utbetald"):
        services.compensation_compute(
            actor=coordinator.user, membership=coordinator, activity=activity
        )
    logged = AuditEntry.objects.filter(object_type="compensation").values_list("reason", flat=True)
    assert {"godkänd för utbetalning", "utbetald"} <= set(logged)


def test_compensation_rate_comes_from_federation_settings(
    make_activity, people, admin, coordinator, federation
):
    federation.settings = {"nad_compensation_sek": 2000, "nad_min_attendance_share": 0.8}
    federation.save()
    activity = make_activity()
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=people(1)[0]
    )
    _attend(activity, [place], [[1, 1, 1, 1, 0]], admin.user)
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    assert (compensation.participant_count, compensation.amount_sek) == (1, 2000)


def test_attendance_only_by_the_activitys_own_leader(make_activity, people, admin, leader):
    activity = make_activity()
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=people(1)[0]
    )
    session = activity.sessions.first()
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=leader.user, membership=leader, session=session, place=place, present=True
        )
    activity.leaders.add(leader)
    services.attendance_record(
        actor=leader.user, membership=leader, session=session, place=place, present=True
    )
    rows = selectors.attendance_sheet(membership=leader, session=session)
    assert [(r.first_name, r.present) for r in rows] == [("Person0", True)]


def test_attendance_cannot_be_recorded_ahead(make_activity, people, admin, leader):
    activity = make_activity(first=TODAY + timedelta(days=3))
    activity.leaders.add(leader)
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=people(1)[0]
    )
    with pytest.raises(ValidationError, match="kommande"):
        services.attendance_record(
            actor=leader.user,
            membership=leader,
            session=activity.sessions.first(),
            place=place,
            present=True,
        )


def test_placement_is_never_double_booked_across_authorities(scope, admin, people):
    placement = services.placement_create(
        actor=admin.user,
        membership=admin,
        kind="internship",
        employer="ICA Kvantum",
        title="Butiksbiträde",
        supervisor_name="Lena",
        start_date=TODAY,
        end_date=TODAY + timedelta(days=90),
        capacity=1,
    )
    first, second = people(2)
    services.placement_book(
        actor=admin.user,
        membership=admin,
        placement=placement,
        enrolment=first,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="redan bokad"):
        services.placement_book(
            actor=admin.user,
            membership=admin,
            placement=placement,
            enrolment=second,
            start_date=TODAY + timedelta(days=30),
            end_date=TODAY + timedelta(days=40),
        )
    services.placement_book(
        actor=admin.user,
        membership=admin,
        placement=placement,
        enrolment=second,
        start_date=TODAY + timedelta(days=31),
        end_date=TODAY + timedelta(days=60),
    )


def test_capacity_cannot_drop_below_places_taken(make_activity, people, admin, coordinator):
    activity = make_activity(capacity=3)
    for enrolment in people(2):
        services.place_create(
            actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
        )
    details = services.ActivityDetails(
        title=activity.title, category=activity.category, capacity=1, plan=activity.plan
    )
    with pytest.raises(ValidationError, match="2 deltagare har redan plats"):
        services.activity_update(
            actor=coordinator.user, membership=coordinator, activity=activity, details=details
        )


def _cancel(activity, membership, reason="Föreningen har inte längre lokal.", on=None):
    return services.activity_cancel(
        actor=membership.user, membership=membership, activity=activity, reason=reason, on=on
    )


def test_cancelling_ends_places_and_cancels_the_sessions_still_to_come(
    make_activity, people, admin, coordinator
):
    # Ten weekly sessions: five held (the last a week ago), today's and four to come.
    activity = make_activity(sessions=10, first=TODAY - timedelta(days=35))
    enrolments = people(2)
    places = [
        services.place_create(actor=admin.user, membership=admin, activity=activity, enrolment=e)
        for e in enrolments
    ]
    later = services.place_create(
        actor=admin.user,
        membership=admin,
        activity=activity,
        enrolment=people(1)[0],
        start_date=TODAY + timedelta(days=14),
    )
    _cancel(activity, coordinator)

    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    assert activity.cancelled_on == TODAY
    assert activity.cancel_reason == "Föreningen har inte längre lokal."
    sessions = list(activity.sessions.order_by("date"))
    assert [s.cancelled for s in sessions] == [False] * 5 + [True] * 5  # today's too
    assert sessions[5].date == TODAY
    for place in places:
        place.refresh_from_db()
        assert (place.status, place.end_date) == ("left", TODAY)
    later.refresh_from_db()
    assert (later.status, later.end_date) == ("left", later.start_date)  # never before it starts
    logged = AuditEntry.objects.filter(reason="aktiviteten inställd", object_type="participant")
    assert logged.count() == 3
    entry = AuditEntry.objects.get(reason="inställd", object_type="activity")
    assert entry.detail == {"sessions": 5, "places": 3}


def test_cancelled_activity_takes_no_places_and_cannot_be_approved(
    make_activity, people, admin, coordinator
):
    activity = _cancel(make_activity(approve=False), coordinator)
    with pytest.raises(ValidationError, match="inställd"):
        services.activity_approve(actor=admin.user, membership=coordinator, activity=activity)
    with pytest.raises(ValidationError, match="inställd"):
        services.place_create(
            actor=admin.user, membership=admin, activity=activity, enrolment=people(1)[0]
        )
    with pytest.raises(ValidationError, match="redan"):
        _cancel(activity, coordinator)


def test_cancelling_needs_a_reason_and_the_right_role(make_activity, coordinator, leader):
    activity = make_activity()
    with pytest.raises(ValidationError, match="varför"):
        _cancel(activity, coordinator, reason="   ")
    with pytest.raises(PermissionDenied):
        _cancel(activity, leader)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.APPROVED
    assert not activity.sessions.filter(cancelled=True).exists()
