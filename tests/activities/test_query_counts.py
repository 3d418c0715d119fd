"""The association leader's first page runs the same number of queries however many
activities and sessions the leader has (the role dashboards' rule, issue 22)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.participants.test_query_counts import _queries

pytestmark = pytest.mark.django_db


def test_leader_dashboard_query_count_is_constant_at_ten_times_the_sessions(
    client, make_activity, leader, federation
):
    led = []

    def lead(n):
        for i in range(len(led), len(led) + n):
            activity = make_activity(
                sessions=5, first=timezone.localdate() - timedelta(days=14 + i), title=f"Grupp {i}"
            )
            activity.leaders.add(leader)
            led.append(activity)

    client.force_login(leader.user)
    url = f"/f/{federation.slug}/"
    lead(1)
    _queries(client, url)  # the first visit may add a federation's default settings
    few = _queries(client, url)
    page = client.get(url).content.decode()
    assert "Grupp 0" in page  # the panel shows the sessions
    lead(9)
    many = _queries(client, url)
    assert many == few
