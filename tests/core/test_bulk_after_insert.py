"""After a large bulk insert on PostgreSQL the import re-plans its foreign-key checks and
refreshes statistics; small inserts and SQLite are left alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stegvis.core import bulk
from stegvis.participants.models import Consent, Participant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [bulk.LARGE - 1, bulk.LARGE])
def test_plans_are_discarded_and_tables_analysed_only_after_large_inserts(rows):
    with CaptureQueriesContext(connection) as captured:
        bulk.after_large_insert(Participant, Consent, rows=rows)
    sql = [q["sql"] for q in captured]
    if connection.vendor == "postgresql" and rows >= bulk.LARGE:
        assert sql == [
            "DISCARD PLANS",
            'ANALYZE "participants_participant"',
            'ANALYZE "participants_consent"',
        ]
    else:
        assert sql == []
