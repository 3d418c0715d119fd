"""The demo federation shows a referrer, transfers and a lead-time breach."""

from django.utils import timezone

from stegvis.core.demo import DEMO_SLUG
from stegvis.core.models import Federation, Membership
from stegvis.core.roles import Perm
from stegvis.core.tenancy import federation_scope
from stegvis.interventions import referrals
from stegvis.interventions.models import Transfer
from stegvis.reports import leadtimes
from stegvis.reports.filters import ReportFilters


def test_demo_has_referrer_transfers_and_a_breach(seeded_demo):
    with federation_scope(Federation.objects.get(slug=DEMO_SLUG)):
        referrer = Membership.objects.get(user__username="anvisare")
        assert referrer.has_perm(Perm.REFER_PARTICIPANTS)
        assert not referrer.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
        sent = list(referrals.sent_referrals(membership=referrer))
        assert {r.status for r in sent} >= {"pending", "accepted", "declined"}
        statuses = set(Transfer.objects.values_list("status", flat=True))
        assert {"proposed", "accepted", "completed"} <= statuses
        assert Transfer.objects.filter(meeting__isnull=False).exists()
        late = leadtimes.breaches(ReportFilters(), as_of=timezone.localdate())
        assert any(r.decided_on is None for r in late)
        assert any(r.decided_on is not None for r in late)
