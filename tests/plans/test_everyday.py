"""Date-order rules of a plan and a goal's status following its actions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stegvis.plans import services
from stegvis.plans.models import PlanAction, PlanGoal
from tests.plans.test_services import START, five_step, plan  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _update(plan, member, agreed_on, next_follow_up):  # noqa: F811
    return services.plan_update(
        actor=member.user,
        membership=member,
        plan=plan,
        participant_words="",
        participant_goals="",
        agreed_on=agreed_on,
        next_follow_up=next_follow_up,
    )


def test_next_follow_up_cannot_precede_the_agreed_date(plan, case_worker):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        _update(plan, case_worker, TODAY, TODAY - timedelta(days=1))
    assert "next_follow_up" in exc.value.message_dict
    _update(plan, case_worker, TODAY, TODAY)  # the same day is allowed
    plan.refresh_from_db()
    assert plan.next_follow_up == TODAY


def test_new_goal_target_date_in_the_past_is_refused_but_today_is_fine(
    plan,  # noqa: F811
    case_worker,
):
    with pytest.raises(ValidationError) as exc:
        services.goal_save(
            actor=case_worker.user,
            membership=case_worker,
            plan=plan,
            title="Körkort",
            target_date=TODAY - timedelta(days=1),
        )
    assert "target_date" in exc.value.message_dict
    goal = services.goal_save(
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        title="Körkort",
        target_date=TODAY,
    )
    assert goal.pk


def test_an_old_target_date_may_stay_when_the_goal_is_edited(plan, case_worker):  # noqa: F811
    goal = plan.goals.order_by("position").first()
    assert goal.target_date < TODAY  # the plan started in January
    services.goal_save(
        actor=case_worker.user,
        membership=case_worker,
        plan=plan,
        goal=goal,
        title="Ny rubrik",
        target_date=goal.target_date,
    )


def test_goal_status_follows_its_actions(plan, case_worker):  # noqa: F811
    goal = plan.goals.order_by("position").first()
    actions = list(goal.actions.all())
    assert len(actions) >= 2
    assert goal.status == PlanGoal.Status.PLANNED

    def set_status(action, status):
        services.action_set_status(
            actor=case_worker.user, membership=case_worker, action=action, status=status
        )
        goal.refresh_from_db()
        return goal.status

    assert set_status(actions[0], PlanAction.Status.DONE) == PlanGoal.Status.IN_PROGRESS
    for action in actions[1:]:
        status = set_status(action, PlanAction.Status.DONE)
    assert status == PlanGoal.Status.ACHIEVED
    assert set_status(actions[0], PlanAction.Status.PLANNED) == PlanGoal.Status.IN_PROGRESS
