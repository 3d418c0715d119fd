"""Hand-written SQL for a few cells of each report the growth benchmark measures: the report's
answer must equal it before its time counts."""

from __future__ import annotations

from datetime import date

from bench.bench_report import baseline_sql

EXCLUDED = "felregistrering"


def _rows(sql: str, params: list) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _days(later: str, earlier: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(JULIANDAY({later}) - JULIANDAY({earlier}) AS INTEGER)"


def _fail(report: str, what: str):
    raise AssertionError(f"{report}: {what} skiljer sig från SQL")


def _gender_cells(report: str, table: dict, expected: dict) -> None:
    genders = table["columns"][:-1]
    for row in table["rows"]:
        for gender, value in zip(genders, row["values"], strict=False):
            if value != expected.get((row["label"], gender), 0):
                _fail(report, f"{row['label']}/{gender}")
    if table["total"]["values"][-1] != sum(expected.values()):
        _fail(report, "totalen")


def check_age_gender(table: dict, federation) -> None:
    from django.db import connection

    found = _rows(baseline_sql(connection.vendor), [federation.pk])
    _gender_cells("age-gender", table, {(band, g): n for band, g, n in found})


def check_exit_gender(table: dict, federation) -> None:
    found = _rows(
        "SELECT e.exit_reason, p.gender, COUNT(*) FROM participants_enrolment e "
        "JOIN participants_participant p ON p.id = e.participant_id "
        "WHERE e.federation_id = %s AND e.end_date IS NOT NULL AND e.exit_reason <> %s "
        "GROUP BY e.exit_reason, p.gender",
        [federation.pk, EXCLUDED],
    )
    _gender_cells("exit-gender", table, {(r, g): n for r, g, n in found})


def check_methods(table: dict, federation) -> None:
    found = _rows(
        "SELECT m.code, COUNT(*), "
        "SUM(CASE WHEN e.end_date IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN e.end_date IS NOT NULL AND e.exit_reason IN ('arbete', 'studier') "
        "THEN 1 ELSE 0 END) "
        "FROM knowledge_method m "
        "JOIN knowledge_methodintervention mi ON mi.method_id = m.id "
        "JOIN participants_enrolment e ON e.intervention_id = mi.intervention_id "
        "WHERE m.federation_id = %s AND e.federation_id = %s AND e.exit_reason <> %s "
        "GROUP BY m.code",
        [federation.pk, federation.pk, EXCLUDED],
    )
    expected = {code: [n, exits, work] for code, n, exits, work in found}
    rows = {row["label"]: row["values"][:3] for row in table["rows"]}
    if not expected or any(rows[code] != expected.get(code, [0, 0, 0]) for code in rows):
        _fail("methods", "deltagare, avslutade eller arbete/studier")


def check_lead_times(table: dict, federation, *, as_of: date) -> None:
    rows = {row["label"]: row["values"] for row in table["rows"]}
    kept = (
        "NOT EXISTS (SELECT 1 FROM participants_enrolment x WHERE x.referral_id = r.id "
        "AND x.exit_reason = %s)"
    )
    # Referral to decision: how many, the median, the nearest-rank 90th percentile, each
    # value found by its rank in SQL's own sort.
    days = _days("r.decided_on", "r.referred_on")
    decided = (
        f"FROM participants_referral r WHERE r.federation_id = %s "
        f"AND r.decided_on IS NOT NULL AND {kept}"
    )
    params = [federation.pk, EXCLUDED]
    n = _rows(f"SELECT COUNT(*) {decided}", params)[0][0]

    def at(rank: int) -> int:
        sql = f"SELECT {days} {decided} ORDER BY 1 LIMIT 1 OFFSET {int(rank)}"
        return _rows(sql, params)[0][0]

    middle = (at((n - 1) // 2) + at(n // 2)) / 2
    expected = [n, int(middle) if middle.is_integer() else middle, at(-(-9 * n // 10) - 1)]
    if rows["anvisning_beslut"][:3] != expected:
        _fail("lead-times", f"anvisning till beslut {rows['anvisning_beslut']} mot {expected}")
    # Gaps between one ended step and the person's next one.
    previous_end = "LAG(end_date) OVER (PARTITION BY participant_id ORDER BY start_date, id)"
    gap = _days("start_date", "previous_end")
    found = _rows(
        f"SELECT COUNT(*), SUM(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END) FROM ("
        f"SELECT start_date, {previous_end} AS previous_end FROM participants_enrolment "
        "WHERE federation_id = %s AND exit_reason <> %s) steps WHERE previous_end IS NOT NULL",
        [federation.pk, EXCLUDED],
    )
    if rows["glapp"][0] != found[0][0]:
        _fail("lead-times", f"antal glapp {rows['glapp'][0]} mot {found[0][0]}")
    # People referred, with at least one step.
    found = _rows(
        "SELECT COUNT(DISTINCT e.participant_id) FROM participants_enrolment e "
        "WHERE e.federation_id = %s AND e.exit_reason <> %s AND e.participant_id IN ("
        f"SELECT r.participant_id FROM participants_referral r WHERE r.federation_id = %s "
        f"AND {kept})",
        [federation.pk, EXCLUDED, federation.pk, EXCLUDED],
    )
    if rows["byten_per_person"][0] != found[0][0]:
        _fail("lead-times", f"personer med byten {rows['byten_per_person'][0]} mot {found[0][0]}")


def check(name: str, table: dict, federation, *, as_of: date) -> None:
    if name == "age-gender":
        check_age_gender(table, federation)
    elif name == "exit-gender":
        check_exit_gender(table, federation)
    elif name == "methods":
        check_methods(table, federation)
    elif name == "lead-times":
        check_lead_times(table, federation, as_of=as_of)
    else:
        raise ValueError(name)
