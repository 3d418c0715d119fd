"""Survey results as a report (SPEC §8–9): the report JSON shape and the small-cell rule of
``reports/``, per questionnaire, intervention, activity and period.

The main table has one row per question with a number (scales and yes/no): the number of
answers and the mean per occasion (participant questionnaires) or respondent group (the
others), then the change between start and exit for the same people, with the p-value of a
Wilcoxon signed-rank test (SciPy). Extra tables: response rates, paired change between every
two occasions, and the distribution of every question. Free-text answers are never part of a
report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stegvis.core.tenancy import require_federation
from stegvis.reports.definitions import Report, ReportDefinition
from stegvis.reports.filters import ReportFilters
from stegvis.reports.tables import Row, Table, share, suppress
from stegvis.surveys import selectors
from stegvis.surveys.models import (
    PARTICIPANT_OCCASIONS,
    Answer,
    Audience,
    Invitation,
    Occasion,
    Question,
    Response,
    Survey,
)

NAME = "survey-results"

DEFINITION = ReportDefinition(
    NAME,
    "Enkätresultat",
    "Fördelning, medelvärde och förändring för samma personer mellan tillfällena.",
    compute=None,  # type: ignore[arg-type]  (computed here, with the survey as a parameter)
    uses=frozenset({"intervention", "period"}),
    chart_columns=("medel_start", "medel_midway", "medel_exit", "medel_ongoing"),
)

NUMERIC = (Question.Kind.SCALE, Question.Kind.YES_NO)
GROUP_SHORT = {
    Occasion.START: "start",
    Occasion.MIDWAY: "midway",
    Occasion.EXIT: "exit",
    Occasion.ACTIVITY: "activity",
    Occasion.ONGOING: "ongoing",
}


class UnknownSurvey(LookupError):
    pass


@dataclass
class Pair:
    before: str
    after: str


def survey_for_results(code: str, version: int | None = None) -> Survey:
    qs = Survey.objects.filter(code=code)
    if version is not None:
        qs = qs.filter(version=version)
    else:
        qs = qs.exclude(status=Survey.Status.DRAFT)
    survey = qs.order_by("-version").first()
    if survey is None:
        raise UnknownSurvey(f"Enkäten '{code}' finns inte i förbundet.")
    return survey


def _responses(survey: Survey, filters: ReportFilters, activity=None):
    qs = Response.objects.filter(survey=survey)
    ids = filters.intervention_ids
    if ids is not None:
        qs = qs.filter(intervention_id__in=ids)
    if activity is not None:
        qs = qs.filter(activity=activity)
    if filters.date_from:
        qs = qs.filter(answered_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(answered_on__lte=filters.date_to)
    return qs


def _invitations(survey: Survey, filters: ReportFilters, activity=None):
    qs = Invitation.objects.filter(survey=survey)
    ids = filters.intervention_ids
    if ids is not None:
        qs = qs.filter(intervention_id__in=ids)
    if activity is not None:
        qs = qs.filter(activity=activity)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs


def _groups(survey: Survey, responses) -> tuple[str, list[tuple[str, str]]]:
    """What the columns split by: ("occasion" or "respondent_group", [(key, label)])."""
    if survey.audience == Audience.PARTICIPANT:
        present = set(responses.values_list("occasion", flat=True).distinct())
        order = [*PARTICIPANT_OCCASIONS, Occasion.ACTIVITY, Occasion.ONGOING]
        return "occasion", [(o.value, o.label) for o in order if o.value in present]
    present = set(responses.values_list("respondent_group", flat=True).distinct())
    groups = [(a.value, a.label) for a in Audience if a.value in present]
    if "" in present:
        groups.append(("", "Alla svar"))
    return "respondent_group", groups


def _short(key: str) -> str:
    return GROUP_SHORT.get(key, key or "alla")


def p_text(p: float) -> str:
    """A p-value as people read it: three decimals, or "<0,001" (a float shown with the
    reports' one decimal would say 0,0)."""
    return "<0,001" if p < 0.001 else f"{p:.3f}".replace(".", ",")


def _paired(values: dict[tuple[int, str], float], before: str, after: str):
    """Pairs of the same person's answers at two occasions: (n, mean before, mean after,
    mean change, p of Wilcoxon's signed-rank test or None)."""
    people = sorted({p for p, o in values if o == before} & {p for p, o in values if o == after})
    if not people:
        return 0, None, None, None, None
    x = np.array([values[(p, before)] for p in people], dtype=float)
    y = np.array([values[(p, after)] for p in people], dtype=float)
    p_value = None
    if len(people) >= 2 and np.any(y - x != 0):
        p_value = p_text(stats.wilcoxon(y, x, zero_method="wilcox").pvalue)
    return (
        len(people),
        round(float(np.mean(x)), 2),
        round(float(np.mean(y)), 2),
        round(float(np.mean(y - x)), 2),
        p_value,
    )


def compute(
    survey: Survey, filters: ReportFilters, *, activity=None
) -> tuple[Table, list[Table], list[str]]:
    responses = _responses(survey, filters, activity)
    split, groups = _groups(survey, responses)
    questions = [q for q in survey.questions.prefetch_related("options") if q.kind in NUMERIC]
    texts = selectors.wording(survey, "sv")
    answers = list(
        Answer.objects.filter(response__in=responses).values(
            "question_id",
            "number",
            "choices",
            "response__participant_id",
            "response__occasion",
            "response__respondent_group",
            "response__answered_on",
            "response_id",
        )
    )

    def group_of(a) -> str:
        return a[f"response__{split}"]

    # The latest answer of each person per occasion, for the paired comparisons.
    latest: dict[int, dict[tuple[int, str], tuple]] = {}
    for a in answers:
        person = a["response__participant_id"]
        if person is None or a["number"] is None:
            continue
        key = (person, a["response__occasion"])
        seen = latest.setdefault(a["question_id"], {})
        stamp = (a["response__answered_on"], a["response_id"])
        if key not in seen or seen[key][0] < stamp:
            seen[key] = (stamp, a["number"])
    paired_values = {q: {k: v[1] for k, v in d.items()} for q, d in latest.items()}

    columns: list[str] = []
    labels: list[str] = []
    derived: dict[int, int] = {}
    counts: set[int] = set()
    for key, label in groups:
        counts.add(len(columns))
        derived[len(columns) + 1] = len(columns)
        columns += [f"svar_{_short(key)}", f"medel_{_short(key)}"]
        labels += [f"Svar: {label.lower()}", f"Medel: {label.lower()}"]
    has_pairs = split == "occasion" and {"start", "exit"} <= {k for k, _ in groups}
    if has_pairs:
        base = len(columns)
        counts.add(base)
        derived.update({base + 1: base, base + 2: base})
        columns += ["par_start_exit", "forandring", "p_varde"]
        labels += ["Par (start–avslut)", "Förändring (medel)", "p (Wilcoxon)"]
    rows = []
    for q in questions:
        values = []
        mine = [a for a in answers if a["question_id"] == q.pk and a["number"] is not None]
        for key, _label in groups:
            numbers = [a["number"] for a in mine if group_of(a) == key]
            values += [len(numbers), round(float(np.mean(numbers)), 2) if numbers else None]
        if has_pairs:
            n, _b, _a, change, p = _paired(paired_values.get(q.pk, {}), "start", "exit")
            values += [n, change, p]
        rows.append(Row(q.key, texts.get(f"q.{q.key}", q.key), values))
    table = Table(
        title=f"{texts.get('title', survey.code)} (version {survey.version})",
        columns=columns,
        column_labels=labels,
        rows=rows,
        count_columns=counts,
        derived_from=derived,
    )
    extra = [_rates(survey, filters, activity, responses, split, groups)]
    if split == "occasion":
        extra.append(_changes(questions, texts, paired_values, [k for k, _ in groups]))
    extra += [_distribution(q, texts, answers, groups, group_of) for q in survey.questions.all()]
    extra = [t for t in extra if t is not None]
    notes = ["Medelvärden för skalfrågor (1–5) och andelen ja (0–1) för ja/nej-frågor."]
    if split == "occasion":
        notes.append(
            "Förändringen jämför samma personers svar vid två tillfällen (senaste svaret per "
            "tillfälle); p-värdet kommer från Wilcoxons teckenrangtest."
        )
    else:
        notes.append("Svaren är anonyma och redovisas per svarsgrupp.")
    notes.append("Fritextsvar visas aldrig i rapporter.")
    return table, extra, notes


def _rates(survey, filters, activity, responses, split, groups) -> Table:
    invited: dict[str, int] = {}
    for inv in _invitations(survey, filters, activity).values(split, "max_answers", "kind"):
        # A personal link is one invited person; a group link invites as many as it takes.
        invited[inv[split]] = invited.get(inv[split], 0) + inv["max_answers"]
    answered: dict[str, int] = {}
    for key in responses.values_list(split, flat=True):
        answered[key] = answered.get(key, 0) + 1
    keys = list(groups)
    for key in invited:
        if key not in {k for k, _ in keys}:
            label = (
                dict(Occasion.choices).get(key)
                if split == "occasion"
                else dict(Audience.choices).get(key)
            )
            keys.append((key, label or "Alla svar"))
    rows = []
    for key, label in keys:
        sent, got = invited.get(key, 0), answered.get(key, 0)
        rows.append(Row(_short(key), label, [sent, got, share(got, sent) if sent else None]))
    return Table(
        title="Svarsfrekvens",
        columns=["inbjudna", "svar", "andel"],
        column_labels=["Inbjudna", "Svar", "Andel (%)"],
        rows=rows,
        count_columns={0, 1},
        derived_from={2: 1},
    )


def _changes(questions, texts, paired_values, occasions) -> Table | None:
    pairs = [
        (a, b)
        for i, a in enumerate(occasions)
        for b in occasions[i + 1 :]
        if a in PARTICIPANT_OCCASIONS and b in PARTICIPANT_OCCASIONS
    ]
    if not pairs:
        return None
    labels = dict(Occasion.choices)
    rows = []
    for q in questions:
        for a, b in pairs:
            n, before, after, change, p = _paired(paired_values.get(q.pk, {}), a, b)
            rows.append(
                Row(
                    f"{q.key}:{a}-{b}",
                    f"{texts.get(f'q.{q.key}', q.key)} ({labels[a].lower()} → {labels[b].lower()})",
                    [n, before, after, change, p],
                )
            )
    return Table(
        title="Förändring för samma personer",
        columns=["par", "fore", "efter", "forandring", "p_varde"],
        column_labels=["Par", "Medel före", "Medel efter", "Förändring", "p (Wilcoxon)"],
        rows=rows,
        count_columns={0},
        derived_from={1: 0, 2: 0, 3: 0, 4: 0},
    )


def _distribution(question, texts, answers, groups, group_of) -> Table | None:
    if question.kind == Question.Kind.TEXT:
        return None
    if question.kind == Question.Kind.SCALE:
        keys = []
        for v in range(question.scale_min, question.scale_max + 1):
            end = (
                texts.get(f"q.{question.key}.low")
                if v == question.scale_min
                else texts.get(f"q.{question.key}.high")
                if v == question.scale_max
                else ""
            )
            keys.append((str(v), f"{v} – {end}" if end else str(v)))
    elif question.kind == Question.Kind.YES_NO:
        keys = [("1", "Ja"), ("0", "Nej")]
    else:
        keys = [
            (o.value, texts.get(f"o.{question.key}.{o.value}", o.value))
            for o in question.options.all()
        ]
    counts: dict[tuple[str, str], int] = {}
    for a in answers:
        if a["question_id"] != question.pk:
            continue
        chosen = [str(a["number"])] if a["number"] is not None else list(a["choices"])
        for value in chosen:
            k = (value, group_of(a))
            counts[k] = counts.get(k, 0) + 1
    group_keys = [k for k, _ in groups]
    rows = []
    for value, label in keys:
        values = [counts.get((value, g), 0) for g in group_keys]
        rows.append(Row(value, label, [*values, sum(values)]))
    n = len(group_keys) + 1
    total = None
    if question.kind != Question.Kind.MULTIPLE:  # several choices per answer do not add up
        total = Row("totalt", "Totalt", [sum(r.values[i] for r in rows) for i in range(n)])
    return Table(
        title=f"Fördelning: {texts.get(f'q.{question.key}', question.key)}",
        columns=[f"svar_{_short(g)}" for g in group_keys] + ["totalt"],
        column_labels=[label for _, label in groups] + ["Totalt"],
        rows=rows,
        total=total,
        total_column=len(group_keys),
        additive_columns=set(range(n)) if total else set(),
    )


def survey_report(
    survey: Survey, filters: ReportFilters, *, activity=None, external: bool = False
) -> Report:
    """The computed report; ``external`` hides small cells with the federation's threshold."""
    threshold = int(require_federation().setting("small_cell_threshold"))
    table, extra, notes = compute(survey, filters, activity=activity)
    if external:
        table = suppress(table, threshold)
        extra = [suppress(t, threshold) for t in extra]
        notes = [*notes, f"Värden under {threshold} visas som <{threshold} (extern användning)."]
        if table.secondary or any(t.secondary for t in extra):
            notes.append("Värden som visas som .. är dolda så att små tal inte kan räknas fram.")
    return Report(
        definition=DEFINITION,
        filters=filters,
        table=table,
        extra_tables=extra,
        notes=notes,
        external=external,
        threshold=threshold,
    )


def measures(
    *, survey_code: str, question_key: str, occasion: str, enrolment_ids=None
) -> dict[int, int]:
    """One question's answers at one occasion per enrolment (the latest if answered twice):
    an outcome or covariate for the effect evaluation. Keys are enrolment ids, values the
    number given (scale value, or 1/0 for yes/no); only answers through personal links count.
    Call inside a federation scope; the caller logs what it shows."""
    if not Survey.objects.filter(code=survey_code).exists():
        raise UnknownSurvey(f"Enkäten '{survey_code}' finns inte i förbundet.")
    qs = Answer.objects.filter(
        question__survey__code=survey_code,
        question__key=question_key,
        response__occasion=occasion,
        response__enrolment__isnull=False,
        number__isnull=False,
    )
    if enrolment_ids is not None:
        qs = qs.filter(response__enrolment_id__in=list(enrolment_ids))
    found: dict[int, int] = {}
    for enrolment_id, number in qs.order_by("response__answered_on", "response_id").values_list(
        "response__enrolment_id", "number"
    ):
        found[enrolment_id] = number
    return found
