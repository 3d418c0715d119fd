"""The demo federation gives every report something to show."""

from stegvis.core.demo import DEMO_SLUG
from stegvis.core.models import Federation
from stegvis.core.tenancy import federation_scope
from stegvis.reports.definitions import REPORTS, compute_report
from stegvis.reports.filters import ReportFilters

# Distance travelled needs progress ratings, which no app records yet.
WITHOUT_DEMO_DATA = {"distance"}


def test_every_report_has_content_in_the_demo(seeded_demo):
    with federation_scope(Federation.objects.get(slug=DEMO_SLUG)):
        for name in REPORTS:
            if name in WITHOUT_DEMO_DATA:
                continue
            table = compute_report(name, ReportFilters()).table
            numbers = [
                v
                for row in table.all_rows
                for v in row.values
                if isinstance(v, int | float) and not isinstance(v, bool)
            ]
            assert any(numbers), name
        goals = compute_report("goals", ReportFilters()).table
        assert len(goals.rows) >= 5
        followups = compute_report("followup", ReportFilters()).table
        assert followups.rows[0].values[0] > 0  # someone was in work at 6 months
