"""An evaluation as report tables: the same tables feed the Effekt page, its XLSX and its PDF
(through :mod:`stegvis.reports.exports`), and small counts are hidden with the reports' own
:func:`~stegvis.reports.tables.suppress` for those who may not see exact counts."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from stegvis.evaluation import estimate as est
from stegvis.evaluation.effects import OUTCOMES, Evaluation
from stegvis.evaluation.returns import Return
from stegvis.reports.charts import bar_chart
from stegvis.reports.definitions import Report, ReportDefinition
from stegvis.reports.filters import ReportFilters
from stegvis.reports.tables import Row, Table, suppress, suppressed_label


def _pp(value: float | None) -> float | None:
    """A proportion as percent (or percentage points) with one decimal."""
    return None if value is None else round(100 * value, 1)


@dataclass
class EffectView:
    evaluation: Evaluation
    summary: Table
    balance: Table
    overlap: Table
    economy: Table | None
    returns: Return | None
    hidden_below: int  # 0: exact counts
    estimate_hidden: bool

    @property
    def result(self) -> est.Estimate:
        return self.evaluation.result

    def chart(self) -> str:
        """Each group's people per propensity band, as a share of the group, so a small
        group's shape can be compared with a large one's. A hidden count hides its share."""
        rows = self.overlap.rows
        if not self.result.propensity_treated:
            return ""
        sizes = [self.result.n_treated, self.result.n_comparison]

        def shares(column: int) -> list:
            return [
                round(100 * row.values[column] / sizes[column], 1)
                if isinstance(row.values[column], int) and sizes[column]
                else row.values[column]
                for row in rows
            ]

        return bar_chart(
            title="Sannolikhet att delta: andel av varje grupp per intervall",
            categories=[row.label for row in rows],
            series=[("Deltagare", shares(0)), ("Jämförelsegrupp", shares(1))],
            orientation="horizontal",
            unit="%",
        )

    def notes(self) -> list[str]:
        notes = [
            f"Metod: {est.METHOD_LABEL}.",
            f"Jämförs med: {self.evaluation.comparison_text()}.",
        ]
        notes += [w.message for w in self.evaluation.warnings]
        if self.returns is not None:
            notes += [f"Antagande: {a}" for a in self.returns.assumptions]
            notes += self.returns.notes
        return notes

    def report(self) -> Report:
        """As a report for reports.exports (XLSX, PDF)."""
        evaluation = self.evaluation
        definition = ReportDefinition(
            name="effekt",
            title=f"Effekt {evaluation.intervention.code}",
            description=OUTCOMES[evaluation.outcome],
            compute=lambda filters, ctx: (self.summary, [], []),
            suppressible=True,
        )
        # Standardised differences need two decimals; the exports print floats with one.
        balance = copy.deepcopy(self.balance)
        for row in balance.rows:
            row.values = ["–" if v is None else f"{v:.2f}" for v in row.values]
        extra = [balance, self.overlap] + ([self.economy] if self.economy else [])
        return Report(
            definition=definition,
            filters=ReportFilters(
                interventions=(evaluation.intervention,),
                date_from=evaluation.date_from,
                date_to=evaluation.date_to,
            ),
            table=self.summary,
            extra_tables=extra,
            notes=self.notes(),
            external=bool(self.hidden_below),
            threshold=self.hidden_below or 5,
        )


def build(evaluation: Evaluation, returns: Return | None, *, hide_below: int) -> EffectView:
    """``hide_below``: counts from 1 to this − 1 are hidden (0: exact counts). When a group is
    that small, the estimate itself is not shown either."""
    r = evaluation.result
    small = bool(hide_below) and min(r.n_treated, r.n_comparison) < hide_below
    rows = [
        Row("n_treated", "Deltagare med utfall", [r.n_treated]),
        Row("n_comparison", "Jämförelsegrupp med utfall", [r.n_comparison]),
        Row(
            "share_treated", "Andel deltagare till arbete eller studier (%)", [_pp(r.share_treated)]
        ),
        Row("share_comparison", "Andel i jämförelsegruppen (%)", [_pp(r.share_comparison)]),
        Row(
            "share_comparison_weighted",
            "Andel i jämförelsegruppen, viktad (%)",
            [_pp(r.share_comparison_weighted)],
        ),
        Row("naive", "Enkel skillnad (procentenheter)", [_pp(r.naive)]),
        Row("estimate", "Skattad effekt (procentenheter)", [_pp(r.estimate)]),
        Row("ci_low", "95 % intervall, nedre (procentenheter)", [_pp(r.ci_low)]),
        Row("ci_high", "95 % intervall, övre (procentenheter)", [_pp(r.ci_high)]),
    ]
    if small:
        for row in rows[2:]:
            row.values = [None]
    summary = Table(
        title="Effekt på deltagarna",
        columns=["value"],
        column_labels=["Värde"],
        rows=rows,
        count_columns={0},
    )
    balance = Table(
        title="Balans före och efter viktning (standardiserad skillnad)",
        columns=["smd_before", "smd_after"],
        column_labels=["Före viktning", "Efter viktning"],
        rows=[
            Row(
                b.covariate,
                b.label,
                [
                    None if b.smd_before is None else round(b.smd_before, 2),
                    None if b.smd_after is None else round(b.smd_after, 2),
                ],
            )
            for b in r.balance
        ],
        count_columns=set(),
    )
    overlap = Table(
        title="Överlappning: antal personer per sannolikhet att delta",
        columns=["treated", "comparison"],
        column_labels=["Deltagare", "Jämförelsegrupp"],
        rows=[Row(label, label, [t, c]) for label, t, c in est.propensity_histogram(r)]
        if r.propensity_treated
        else [],
    )
    economy = _economy_table(returns) if returns is not None else None
    if hide_below:
        summary = suppress(summary, hide_below)
        overlap = suppress(overlap, hide_below)
        if economy is not None:
            _hide_small_economy(economy, hide_below)
    return EffectView(
        evaluation=evaluation,
        summary=summary,
        balance=balance,
        overlap=overlap,
        economy=economy,
        returns=returns,
        hidden_below=hide_below,
        estimate_hidden=small,
    )


def _kr(value: float | None) -> int | None:
    return None if value is None else round(value)


def _economy_table(ret: Return) -> Table:
    rows = [
        Row("cost", f"Kostnad ({ret.cost_source or 'saknas'}), kr", [ret.cost]),
        Row("participants", "Deltaganden som startat", [ret.participants]),
        Row("cost_per_participant", "Kostnad per deltagare, kr", [_kr(ret.cost_per_participant)]),
        Row("treated_with_data", "Deltagare med uppgifter om bistånd", [ret.treated_with_data]),
        Row(
            "comparison_with_data",
            "Jämförelsegrupp med uppgifter om bistånd",
            [ret.comparison_with_data],
        ),
        Row(
            "change_treated",
            "Förändring bistånd per månad, deltagare, kr",
            [_kr(ret.change_treated)],
        ),
        Row(
            "change_comparison",
            "Förändring bistånd per månad, jämförelsegrupp, kr",
            [_kr(ret.change_comparison)],
        ),
        Row(
            "monthly_saving",
            "Minskat bistånd per deltagare och månad, kr",
            [_kr(ret.monthly_saving)],
        ),
        Row(
            "payback_months",
            "Månader tills insatsen har betalat sig",
            [None if ret.payback_months is None else round(ret.payback_months, 1)],
        ),
    ]
    return Table(
        title="Socioekonomisk avkastning",
        columns=["value"],
        column_labels=["Värde"],
        rows=rows,
        # Only the head counts describe people; kronor are not counts.
        count_columns=set(),
    )


def _hide_small_economy(table: Table, threshold: int) -> None:
    """Kronor are not counts; the two head counts are. A hidden head count hides the changes
    computed from it."""
    by_key = {row.key: row for row in table.rows}
    small = False
    for key in ("treated_with_data", "comparison_with_data"):
        value = by_key[key].values[0]
        if isinstance(value, int) and 0 < value < threshold:
            by_key[key].values = [suppressed_label(threshold)]
            small = True
    if small:
        for key in ("change_treated", "change_comparison", "monthly_saving", "payback_months"):
            by_key[key].values = [None]
    table.suppressed_with = threshold
