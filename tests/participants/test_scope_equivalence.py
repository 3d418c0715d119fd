"""The person's pages decide whether the viewer may see him from his own consents, referrals
and enrolments (``selectors.in_scope``), without the scope's subqueries; lists keep those
(``participants_in_scope``). Both must give the same answer for every person and member."""

from __future__ import annotations

import pytest
from django.http import Http404

from stegvis.core.memo import request_memo
from stegvis.core.models import Federation, Membership
from stegvis.core.tenancy import federation_scope
from stegvis.participants import selectors
from stegvis.participants.access import can_see_personal_data
from stegvis.participants.models import Participant


@pytest.mark.django_db(transaction=True)
def test_in_scope_equals_the_scope_query_for_every_person_and_member_of_the_demo(seeded_demo):
    federation = Federation.objects.get(slug="nad-skane")
    with federation_scope(federation):
        members = [
            m
            for m in Membership.objects.filter(is_active=True).select_related("user")
            if can_see_personal_data(m)
        ]
        people = list(Participant.objects.all())
        assert len(members) >= 3
        assert len(people) >= 50
        for member in members:
            listed = set(selectors.participants_in_scope(member).values_list("pk", flat=True))
            # Some people each way, so that the comparison means something.
            assert listed
            assert len(listed) < len(people) or member.role != "case_worker"
            with request_memo():
                decided = {p.pk for p in people if selectors.in_scope(p, member)}
            assert decided == listed, member.user.username
            outside = next((p for p in people if p.pk not in listed), None)
            if outside is not None:
                with pytest.raises(Http404):
                    selectors.participant_get(membership=member, pk=outside.pk)
