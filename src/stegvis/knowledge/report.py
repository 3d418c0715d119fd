"""The ``methods`` report: one row per method over the interventions linked to it, in the
shape of the other reports (``stegvis report methods``, ``GET /api/v1/reports/methods``, the
web's report list). Registered with the report machinery when the app is ready."""

from __future__ import annotations

from stegvis.knowledge.models import Method
from stegvis.knowledge.results import counts_by_method, wilson
from stegvis.reports.definitions import REPORTS, Context, ReportDefinition
from stegvis.reports.filters import ReportFilters
from stegvis.reports.tables import Row, Table, share

COLUMNS = ["deltagare", "avslutade", "arbete_studier", "andel", "lag", "hog"]
LABELS = [
    "Deltagare",
    "Avslutade",
    "Till arbete eller studier",
    "Andel (%)",
    "Intervall, lägst (%)",
    "Intervall, högst (%)",
]


def methods(filters: ReportFilters, ctx: Context):
    rows = []
    by_method = counts_by_method(filters)
    empty = {"deltagare": 0, "avslutade": 0, "arbete_studier": 0}
    for method in Method.objects.order_by("code"):
        counts = by_method.get(method.pk, empty)
        exits, work = counts["avslutade"], counts["arbete_studier"]
        interval = wilson(work, exits) or (None, None)
        rows.append(
            Row(
                method.code,
                method.name,
                [counts["deltagare"], exits, work, share(work, exits), *interval],
            )
        )
    table = Table(
        title="Metodernas resultat",
        columns=list(COLUMNS),
        column_labels=list(LABELS),
        rows=rows,
        count_columns={0, 1, 2},
        # The share and its interval would give away a hidden count of exits to work or studies.
        derived_from={3: 2, 4: 2, 5: 2},
    )
    notes = [
        "En rad per metod, räknat över de insatser som arbetar med metoden. En deltagare i "
        "flera sådana insatser räknas i varje metod, så raderna summeras inte.",
        "Deltagare räknas som i rapporten Ålder och kön, avslut som i Avslutsorsak och kön.",
        "Intervallet är ett 95 % Wilson-intervall för andelen till arbete eller studier.",
    ]
    return table, [], notes


DEFINITION = ReportDefinition(
    "methods",
    "Metodernas resultat",
    "Deltagare, avslut och andel till arbete eller studier per metod, med osäkerhet.",
    methods,
    uses=frozenset({"intervention", "period", "authority", "hub", "municipality"}),
    chart_columns=("avslutade", "arbete_studier"),
)

REPORTS.setdefault(DEFINITION.name, DEFINITION)
