"""One effect evaluation: who is treated, who is compared, their covariates and outcomes, and
the estimate (SPEC §8, docs/evaluation.md). The command line, the Effekt page, its downloads
and the extract all go through :func:`evaluate`, so they cannot disagree.

Treated: every exited enrolment in the intervention (not felregistrering) that started in the
period. Comparison: the same for each comparison intervention, and the people of a comparison
cohort whose reference date is in the period. Enrolments still active have no outcome yet: they
are left out and counted in a warning. Call inside a federation scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stegvis.core import reference
from stegvis.evaluation import estimate as est
from stegvis.evaluation.models import ComparisonCohort, ComparisonPerson
from stegvis.interventions.models import Intervention
from stegvis.participants.models import Enrolment
from stegvis.reports.filters import excluded_exit_reasons

OUTCOMES = {"work_or_studies": "Arbete eller studier vid avslut"}
UNKNOWN = {"okand", ""}


class EvaluationError(Exception):
    """A request that cannot be answered; ``str(exc)`` is the Swedish message."""


@dataclass(frozen=True)
class Comparison:
    code: str
    label: str
    intervention: Intervention | None = None
    cohort: ComparisonCohort | None = None


@dataclass
class Person:
    """One row of the analysis, with what the extract needs to describe it."""

    key: str  # "e<enrolment pk>" or "c<comparison person pk>": the pseudonym's input
    group: str  # the intervention or cohort code
    treated: bool
    start_date: date
    end_date: date | None
    outcome: bool
    values: dict
    participant_id: int | None = None
    comparison_person_id: int | None = None


@dataclass
class Evaluation:
    intervention: Intervention
    comparisons: list[Comparison]
    outcome: str
    date_from: date | None
    date_to: date | None
    people: list[Person]
    result: est.Estimate
    active_treated: int = 0
    active_comparison: int = 0
    no_outcome: int = 0
    notices: list[est.Notice] = field(default_factory=list)

    @property
    def warnings(self) -> list[est.Notice]:
        return [*self.notices, *self.result.warnings]

    def period_text(self) -> str:
        if self.date_from and self.date_to:
            return f"start {self.date_from:%Y-%m-%d} – {self.date_to:%Y-%m-%d}"
        if self.date_from:
            return f"start från {self.date_from:%Y-%m-%d}"
        if self.date_to:
            return f"start till och med {self.date_to:%Y-%m-%d}"
        return "hela historiken"

    def comparison_text(self) -> str:
        return ", ".join(c.label for c in self.comparisons)

    def as_dict(self) -> dict:
        r = self.result
        return {
            "intervention": self.intervention.code,
            "comparison": [c.code for c in self.comparisons],
            "outcome": self.outcome,
            "method": est.METHOD,
            "period": {
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
            },
            "n_treated": r.n_treated,
            "n_comparison": r.n_comparison,
            "naive": {
                "estimate": _r(r.naive),
                "share_treated": _r(r.share_treated),
                "share_comparison": _r(r.share_comparison),
            },
            "estimate": _r(r.estimate),
            "ci_low": _r(r.ci_low),
            "ci_high": _r(r.ci_high),
            "share_comparison_weighted": _r(r.share_comparison_weighted),
            "bootstrap": r.bootstrap,
            "left_out": {
                "active_treated": self.active_treated,
                "active_comparison": self.active_comparison,
                "no_outcome": self.no_outcome,
            },
            "balance": [b.as_dict() for b in r.balance],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def covariates() -> list[est.Covariate]:
    """The intake covariates (SUS-like in-registration); those nobody has are left out by the
    design matrix."""
    labels = reference.labels
    kind = reference.Kind
    return [
        est.Covariate("age", "Ålder vid start", "numeric"),
        est.Covariate("gender", "Kön", "category", labels(kind.GENDER)),
        est.Covariate("af_code", "AF-kod vid start", "category", labels(kind.AF_CODE)),
        est.Covariate("income", "Försörjning vid start", "flags", labels(kind.INCOME_SOURCE)),
        est.Covariate("years_in_sweden", "År i Sverige", "numeric"),
        est.Covariate("education", "Utbildningsnivå", "category", labels(kind.EDUCATION_LEVEL)),
        est.Covariate(
            "time_outside", "Tid utan arbete/studier", "category", labels(kind.TIME_OUTSIDE)
        ),
    ]


def resolve_intervention(code: str) -> Intervention:
    found = Intervention.objects.filter(code=code).first()
    if found is None:
        raise EvaluationError(f"Insatsen '{code}' finns inte i förbundet.")
    return found


def resolve_comparisons(codes: list[str], intervention: Intervention) -> list[Comparison]:
    """Each code is another intervention's code or a comparison cohort's code."""
    codes = [c.strip() for c in codes if c.strip()]
    if not codes:
        raise EvaluationError("Ange minst en jämförelsegrupp (--comparison KOD).")
    found = []
    for code in dict.fromkeys(codes):
        if code == intervention.code:
            raise EvaluationError(
                f"Insatsen {code} kan inte jämföras med sig själv; välj en annan grupp."
            )
        other = Intervention.objects.filter(code=code).first()
        if other is not None:
            found.append(
                Comparison(code=code, label=f"{other.code} {other.name}", intervention=other)
            )
            continue
        cohort = ComparisonCohort.objects.filter(code=code).first()
        if cohort is not None:
            found.append(Comparison(code=code, label=f"{cohort.code} {cohort.name}", cohort=cohort))
            continue
        raise EvaluationError(
            f"Jämförelsegruppen '{code}' finns inte: ange en insats eller en importerad "
            "jämförelsegrupp i förbundet."
        )
    return found


def _in_period(qs, date_from, date_to):
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    return qs


def _missing(value: str) -> str:
    return "" if value in UNKNOWN else value


def _enrolment_people(intervention, *, treated, date_from, date_to, success) -> tuple[list, int]:
    qs = _in_period(Enrolment.objects.filter(intervention=intervention), date_from, date_to)
    excluded = sorted(excluded_exit_reasons())
    if excluded:
        qs = qs.exclude(exit_reason__in=excluded)
    active = qs.filter(end_date__isnull=True).count()
    people = []
    for e in qs.filter(end_date__isnull=False).select_related("participant").order_by("pk"):
        p = e.participant
        age = p.age_on(e.start_date)
        if p.arrival_year:
            years = max(0, e.start_date.year - p.arrival_year)
        elif p.born_abroad is False:
            years = age
        else:
            years = None
        people.append(
            Person(
                key=f"e{e.pk}",
                group=intervention.code,
                treated=treated,
                start_date=e.start_date,
                end_date=e.end_date,
                outcome=e.exit_reason in success,
                participant_id=p.pk,
                values={
                    "age": age,
                    "gender": p.gender,
                    "af_code": _missing(e.af_code_before),
                    "income": list(e.income_sources_before or []),
                    "years_in_sweden": years,
                    "education": _missing(e.education_level or p.education_level),
                    "time_outside": _missing(e.time_outside),
                },
            )
        )
    return people, active


def _cohort_people(cohort, *, date_from, date_to) -> tuple[list, int]:
    qs = _in_period(ComparisonPerson.objects.filter(cohort=cohort), date_from, date_to)
    people, unknown = [], 0
    for c in qs.order_by("pk"):
        if c.work_or_studies is None:
            unknown += 1
            continue
        people.append(
            Person(
                key=f"c{c.pk}",
                group=cohort.code,
                treated=False,
                start_date=c.start_date,
                end_date=c.end_date,
                outcome=c.work_or_studies,
                comparison_person_id=c.pk,
                values={
                    "age": c.age_on(c.start_date),
                    "gender": c.gender,
                    "af_code": _missing(c.af_code_before),
                    "income": list(c.income_sources_before or []),
                    "years_in_sweden": max(0, c.start_date.year - c.arrival_year)
                    if c.arrival_year
                    else None,
                    "education": _missing(c.education_level),
                    "time_outside": _missing(c.time_outside),
                },
            )
        )
    return people, unknown


def evaluate(
    *,
    intervention: Intervention,
    comparisons: list[Comparison],
    outcome: str = "work_or_studies",
    date_from: date | None = None,
    date_to: date | None = None,
    bootstrap: int = 200,
    seed: int = 20261201,
) -> Evaluation:
    if outcome not in OUTCOMES:
        raise EvaluationError(
            f"Utfallet '{outcome}' finns inte. Välj bland: {', '.join(OUTCOMES)}."
        )
    if date_from and date_to and date_from > date_to:
        raise EvaluationError("--from ligger efter --to.")
    success = reference.keys_with_flag(reference.Kind.EXIT_REASON, "work_or_studies")
    people, active_t = _enrolment_people(
        intervention, treated=True, date_from=date_from, date_to=date_to, success=success
    )
    active_c = no_outcome = 0
    for comparison in comparisons:
        if comparison.intervention is not None:
            more, active = _enrolment_people(
                comparison.intervention,
                treated=False,
                date_from=date_from,
                date_to=date_to,
                success=success,
            )
            active_c += active
        else:
            more, unknown = _cohort_people(comparison.cohort, date_from=date_from, date_to=date_to)
            no_outcome += unknown
        people.extend(more)
    units = [est.Unit(treated=p.treated, outcome=p.outcome, values=p.values) for p in people]
    result = est.estimate_att(units, covariates(), bootstrap=bootstrap, seed=seed)
    evaluation = Evaluation(
        intervention=intervention,
        comparisons=comparisons,
        outcome=outcome,
        date_from=date_from,
        date_to=date_to,
        people=people,
        result=result,
        active_treated=active_t,
        active_comparison=active_c,
        no_outcome=no_outcome,
    )
    if active_t or active_c:
        evaluation.notices.append(
            est.Notice(
                "active_left_out",
                f"{active_t + active_c} pågående deltaganden har inget utfall ännu och är inte "
                f"med ({active_t} i {intervention.code}, {active_c} i jämförelsegruppen).",
            )
        )
    if no_outcome:
        evaluation.notices.append(
            est.Notice(
                "outcome_missing",
                f"{no_outcome} personer i jämförelsegruppen saknar utfall och är inte med.",
            )
        )
    return evaluation
