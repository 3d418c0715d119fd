"""Plans from templates, every change kept as a version, meetings and "Mina uppföljningar"."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.core.models import AuditEntry, Authority
from stegvis.core.roles import Role
from stegvis.participants import services as participant_services
from stegvis.plans import defaults, selectors, services
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal, PlanTemplate, PlanVersion

pytestmark = pytest.mark.django_db
START = date(2026, 1, 12)


@pytest.fixture
def five_step(scope):
    services.ensure_templates()
    return PlanTemplate.objects.get(key=defaults.FIVE_STEP_KEY)


@pytest.fixture
def plan(enrolment, case_worker, five_step):
    return services.plan_create(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        template=five_step,
        start=START,
        participant_words="Jag vill jobba med mat.",
    )


def test_the_five_step_template_gives_five_goals_in_order_with_actions(plan, case_worker):
    goals = list(plan.goals.order_by("position"))
    assert [g.title for g in goals] == [
        "Kompetensportfölj",
        "Vilka yrken?",
        "Behövs mer kompetens?",
        "CV och ansökan",
        "Arbete eller praktik",
    ]
    assert goals[0].target_date == START + timedelta(weeks=4)
    actions = list(plan.actions.order_by("position"))
    assert len(actions) == 10
    by_contact = [a for a in actions if a.responsible_id]
    assert {a.responsible_id for a in by_contact} == {case_worker.pk}
    assert all(a.by_participant for a in actions if not a.responsible_id)
    assert plan.version == 1
    assert plan.versions.get().reason == "Planen skapades från mallen Fem steg mot arbete"


def test_one_plan_per_enrolment(plan, enrolment, case_worker):
    with pytest.raises(ValidationError):
        services.plan_create(actor=case_worker.user, membership=case_worker, enrolment=enrolment)


def test_every_change_is_a_version_and_an_unchanged_save_is_not(plan, case_worker):
    services.plan_update(
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        participant_words="Jag vill jobba i kök.",
        participant_goals="Bli kock.",
        agreed_on=START,
        next_follow_up=date(2026, 3, 1),
    )
    goal = plan.goals.first()
    services.goal_save(
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        goal=goal,
        title=goal.title,
        description=goal.description,
        target_date=goal.target_date,
        status=PlanGoal.Status.IN_PROGRESS,
    )
    services.goal_save(  # the same again: no new version
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        goal=goal,
        title=goal.title,
        description=goal.description,
        target_date=goal.target_date,
        status=PlanGoal.Status.IN_PROGRESS,
    )
    action = plan.actions.first()
    services.action_set_status(
        actor=case_worker.user, membership=case_worker, action=action, status="done"
    )
    action.refresh_from_db()
    assert action.done_on is not None
    services.action_delete(actor=case_worker.user, membership=case_worker, action=action)
    plan.refresh_from_db()
    assert plan.version == 5
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    first, *_, last = selectors.history(plan)[::-1]
    assert first.version.number == 1
    assert [c.kind for c in last.changes] == ["removed"]
    assert PlanVersion.objects.get(plan=plan, number=2).snapshot["plan"]["participant_words"] == (
        "Jag vill jobba i kök."
    )
    assert AuditEntry.objects.filter(object_type="plan", object_id=str(plan.pk)).count() == 5


def test_deleting_a_goal_keeps_its_actions_without_a_goal(plan, case_worker):
    goal = plan.goals.first()
    action_ids = set(goal.actions.values_list("pk", flat=True))
    services.goal_delete(actor=case_worker.user, membership=case_worker, goal=goal)
    assert set(PlanAction.objects.filter(goal__isnull=True).values_list("pk", flat=True)) == (
        action_ids
    )
    changes = selectors.history(plan)[0].changes
    assert ("removed", "goal") in [(c.kind, c.section) for c in changes]
    assert ("changed", "action") in [(c.kind, c.section) for c in changes]


def test_action_needs_someone_responsible_who_may_see_the_participant(
    plan, case_worker, colleague, federation, make_member
):
    with pytest.raises(ValidationError) as exc:
        services.action_save(
            actor=case_worker.user,
            membership=case_worker,
            plan=plan,
            data=services.ActionData(what="Ring arbetsgivare"),
        )
    assert "responsible" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.action_save(
            actor=case_worker.user,
            membership=case_worker,
            plan=plan,
            data=services.ActionData(what="Ring arbetsgivare", responsible=colleague),
        )
    fk = Authority.objects.create(kind="fk", name="Försäkringskassan")
    action = services.action_save(
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        data=services.ActionData(
            what="Utreda arbetsförmåga", authority=fk, responsible_other="Eva"
        ),
    )
    assert action.who() == "Försäkringskassan – Eva"


def test_outside_scope_cannot_change_a_plan(plan, colleague):
    with pytest.raises(PermissionDenied):
        services.plan_update(
            actor=colleague.user,
            membership=colleague,
            plan=plan,
            participant_words="",
            participant_goals="",
            agreed_on=None,
            next_follow_up=None,
        )


def test_a_meeting_sets_the_next_follow_up_and_can_agree_the_plan(plan, enrolment, case_worker):
    services.meeting_save(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=services.MeetingData(
            kind=Meeting.Kind.TRIPARTITE,
            held_on=date(2026, 1, 20),
            attendees=[case_worker],
            decisions="Börja med kompetensportföljen.",
            next_follow_up=date(2026, 3, 17),
            plan_agreed=True,
        ),
    )
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.next_follow_up) == (date(2026, 1, 20), date(2026, 3, 17))
    assert plan.versions.order_by("-number").first().reason.startswith("Från trepartssamtal")


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("next_follow_up", {"held_on": date(2026, 1, 20), "next_follow_up": date(2026, 1, 20)}),
        (
            "plan_agreed",
            {"held_on": timezone.localdate() + timedelta(days=3), "plan_agreed": True},
        ),
        ("kind", {"held_on": date(2026, 1, 20), "kind": "party"}),
    ],
)
def test_meeting_rules(enrolment, case_worker, field, data):
    values = {"kind": Meeting.Kind.FOLLOW_UP, **data}
    with pytest.raises(ValidationError) as exc:
        services.meeting_save(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            data=services.MeetingData(**values),
        )
    assert field in exc.value.message_dict


def test_meeting_attendees_must_work_with_the_participant(enrolment, case_worker, colleague):
    with pytest.raises(ValidationError):
        services.meeting_save(
            actor=case_worker.user,
            membership=case_worker,
            enrolment=enrolment,
            data=services.MeetingData(
                kind=Meeting.Kind.FOLLOW_UP, held_on=date(2026, 1, 20), attendees=[colleague]
            ),
        )


def test_followups_boundaries(plan, enrolment, case_worker):
    today = date(2026, 6, 1)
    PlanAction.objects.filter(plan=plan).update(status="done")
    actions = list(plan.actions.order_by("position")[:4])
    dues = [today - timedelta(days=1), today, today + timedelta(days=14), today + timedelta(15)]
    for action, due in zip(actions, dues, strict=True):
        action.due_date, action.status, action.responsible = due, "planned", case_worker
        action.save()
    for held_on in (
        today - timedelta(days=1),
        today,
        today + timedelta(days=30),
        today + timedelta(31),
    ):
        Meeting.objects.create(enrolment=enrolment, kind="follow_up", held_on=held_on)
    Plan.objects.filter(pk=plan.pk).update(next_follow_up=today - timedelta(days=1))
    found = selectors.followups(membership=case_worker, today=today)
    assert [a.due_date for a in found.overdue_actions] == [dues[0]]
    assert [a.due_date for a in found.due_soon_actions] == dues[1:3]
    assert [m.held_on for m in found.upcoming_meetings] == [today, today + timedelta(days=30)]
    # A meeting on the follow-up day (or later, up to today) counts as the follow-up.
    assert found.plans_due == []
    Meeting.objects.filter(held_on__lte=today).delete()
    assert selectors.followups(membership=case_worker, today=today).plans_due == [plan]
    Plan.objects.filter(pk=plan.pk).update(next_follow_up=today)
    Meeting.objects.all().delete()
    assert selectors.followups(membership=case_worker, today=today).plans_due == []


def test_followups_leave_out_ended_enrolments_and_other_peoples_actions(
    plan, enrolment, case_worker, admin, federation, intervention, make_member
):
    other = make_member(federation, Role.CASE_WORKER, "erik", interventions=[intervention])
    PlanAction.objects.filter(plan=plan).update(responsible=other, due_date=date(2026, 1, 1))
    assert selectors.followups(membership=case_worker, today=date(2026, 6, 1)).count == 0
    assert len(selectors.followups(membership=other, today=date(2026, 6, 1)).overdue_actions) == 10
    participant_services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=enrolment,
        end_date=date(2026, 5, 1),
        exit_reason="arbete",
    )
    assert selectors.followups(membership=other, today=date(2026, 6, 1)).count == 0


def test_followups_leave_out_people_outside_the_members_scope(
    plan, enrolment, case_worker, colleague
):
    """The member's own actions, meetings and plans are read first and the scope checked for
    their enrolments afterwards: someone in another intervention, or whose consent is
    withdrawn, is not listed even where the member is named."""
    today = timezone.localdate()
    PlanAction.objects.filter(plan=plan).update(
        responsible=case_worker, status="planned", due_date=today - timedelta(days=3)
    )
    Meeting.objects.create(enrolment=enrolment, kind="follow_up", held_on=today + timedelta(1))
    Plan.objects.filter(pk=plan.pk).update(next_follow_up=today - timedelta(days=1))
    found = selectors.followups(membership=case_worker, today=today)
    assert len(found.overdue_actions) == 10
    assert len(found.upcoming_meetings) == 1
    assert found.plans_due == [plan]
    # A colleague named on an action, in an intervention of his own: not his to see.
    PlanAction.objects.filter(plan=plan).update(responsible=colleague)
    assert selectors.followups(membership=colleague, today=today).count == 0
    PlanAction.objects.filter(plan=plan).update(responsible=case_worker)
    consent = enrolment.participant.consents.get(intervention=enrolment.intervention)
    participant_services.consent_withdraw(
        actor=case_worker.user, consent=consent, withdrawn_on=today
    )
    assert selectors.followups(membership=case_worker, today=today).count == 0


def test_anonymising_erases_plan_text_and_earlier_versions(plan, enrolment, case_worker, admin):
    services.meeting_save(
        actor=case_worker.user,
        membership=case_worker,
        enrolment=enrolment,
        data=services.MeetingData(
            kind=Meeting.Kind.TRIPARTITE,
            held_on=date(2026, 1, 20),
            notes="Berättade om sin sjukdom.",
            decisions="Kontakta vården.",
            next_follow_up=date(2026, 3, 17),
        ),
    )
    participant_services.participant_anonymise(
        actor=admin.user, participant=enrolment.participant, reason="test"
    )
    plan.refresh_from_db()
    assert plan.participant_words == ""
    assert set(plan.goals.values_list("title", flat=True)) == {"(avidentifierad)"}
    meeting = Meeting.objects.get()
    assert (meeting.notes, meeting.decisions) == ("", "")
    assert meeting.held_on == date(2026, 1, 20)
    (version,) = plan.versions.all()
    assert "mat" not in str(version.snapshot)
    assert "Kompetensportfölj" not in str(version.snapshot)


def test_template_text_round_trip_and_errors(scope, admin, five_step):
    text = defaults.goals_to_text(five_step.goals)
    assert defaults.goals_from_text(text) == [
        {**g, "actions": [{**a} for a in g["actions"]]} for g in five_step.goals
    ]
    for bad in ("- Åtgärd utan mål", "Mål | tre veckor", "Mål\n- Gör | 2 | chefen", ""):
        with pytest.raises(ValidationError):
            defaults.goals_from_text(bad)
    saved = services.template_save(
        actor=admin.user,
        template=None,
        key="halsa",
        name="Hälsa först",
        description="",
        goals_text="Må bättre | 8 | Hälsosamtal\n- Boka hälsosamtal | 2 | huvudkontakt",
        active=True,
    )
    assert saved.goals == [
        {
            "title": "Må bättre",
            "weeks": 8,
            "description": "Hälsosamtal",
            "actions": [{"what": "Boka hälsosamtal", "weeks": 2, "who": "main_contact"}],
        }
    ]
