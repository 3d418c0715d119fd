"""A SUS-style export of in- and out-registrations: one row per enrolment (SPEC §8).

The first nine columns are those of ``stegvis import enrolments``, so an export can be moved
into another installation; the rest describe the person and the follow-ups. Personnummer are
written only for people registered with consent and without protected identity. Felregistreringar
are left out. The export reads personal data, so it is logged per person.
"""

from __future__ import annotations

import io

from stegvis.core import audit
from stegvis.core.spreadsheet import csv_writer
from stegvis.reports import filters as f
from stegvis.reports.filters import ReportFilters

COLUMNS = [
    "personnummer",
    "gender",
    "start_date",
    "end_date",
    "exit_reason",
    "af_code_before",
    "af_code_after",
    "income_source_before",
    "income_source_after",
    "intervention",
    "participant",
    "birth_year",
    "municipality",
    "education_level",
    "time_outside",
    "followup_6",
    "followup_12",
]


def _followup(item) -> str:
    if item is None:
        return ""
    return item.situation or item.status


def sus_rows(filters: ReportFilters):
    enrolments = (
        f.active_in_period(f.enrolments(filters), filters)
        .select_related("participant", "intervention")
        .prefetch_related("followups")
        .order_by("intervention__code", "start_date", "id")
    )
    for e in enrolments:
        p = e.participant
        followups = {item.months: item for item in e.followups.all()}
        number = "" if p.is_anonymous or p.protected_identity else p.personal_number
        yield (
            p,
            [
                number,
                p.gender,
                e.start_date.isoformat(),
                e.end_date.isoformat() if e.end_date else "",
                e.exit_reason,
                e.af_code_before,
                e.af_code_after,
                "|".join(e.income_sources_before),
                "|".join(e.income_sources_after),
                e.intervention.code,
                p.reference,
                p.birth_year,
                p.municipality,
                e.education_level,
                e.time_outside,
                _followup(followups.get(6)),
                _followup(followups.get(12)),
            ],
        )


def sus_export_csv(*, actor, filters: ReportFilters) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with the mark
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    people = {}
    count = 0
    for participant, row in sus_rows(filters):
        writer.writerow(row)
        people[participant.pk] = participant
        count += 1
    audit.log_reads(actor=actor, objects=people.values(), reason="SUS-export")
    audit.log(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="sus_export",
        reason="SUS-export",
        detail={"enrolments": count, "participants": len(people), "filters": filters.describe()},
    )
    return out.getvalue()
