"""Early-warning flags (varningsflaggor) and the priority score, SPEC §4. No Django in here.

Each flag is a rule over facts about one enrolment: the in-registration, the latest assessment,
the person's earlier enrolments and the latest step-wise ratings. The rules are code; the
federation decides the label, the weight and whether a flag is active (``RiskFlag`` rows).

The priority score is the sum of the weights of the active flags that apply. The explanation
lists every applied flag with its weight, e.g. "Lång tid utan arbete eller studier (2–5 år) +3",
so a case worker can always see why someone is at the top of the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# Swedish on a CEFR-like scale; "none" means no Swedish at all.
SWEDISH_LEVELS = ("none", "A1", "A2", "B1", "B2", "C1", "C2")
BELOW_A2 = frozenset({"none", "A1"})

# Exit reasons that the seeds' follow-ups read as a broken-off intervention.
DROPOUT_EXIT_REASONS = frozenset({"annat", "sjukskriven"})
DROPOUT_WITHIN_MONTHS = 3
LONG_TIME_OUTSIDE = frozenset({"2_5y", "gt_5y"})
SICKNESS_INCOME = frozenset({"sjukpenning", "sjuk_aktivitetsersattning"})
SHORT_SCHOOLING = frozenset({"forgymnasial_kort"})
LOW_SELF_CONFIDENCE = 2  # a latest rating at or below this raises the flag

# Score bands for the list and the participant page.
HIGH_FROM = 7
RAISED_FROM = 4


@dataclass(frozen=True)
class EarlierEnrolment:
    """Another, earlier episode of the same person (any intervention)."""

    start: date
    end: date | None
    exit_reason: str = ""
    # True when the exit counts as work or studies, or is excluded from statistics
    # (registered in error): neither is a broken-off intervention.
    neutral_exit: bool = False


@dataclass(frozen=True)
class Facts:
    """What the rules may look at. Empty strings and sets mean "not known"."""

    time_outside: str = ""
    time_outside_label: str = ""
    income_sources: frozenset[str] = frozenset()
    interpreter_needed: bool = False
    has_assessment: bool = False
    swedish_level: str = ""
    need_language: str = ""
    need_health: str = ""
    need_network: str = ""
    obstacles: frozenset[str] = frozenset()
    education_levels: frozenset[str] = frozenset()
    work_experience_count: int = 0
    earlier: tuple[EarlierEnrolment, ...] = ()
    latest_scores: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FlagSetting:
    """The federation's choice for one flag."""

    key: str
    label: str
    weight: int
    active: bool = True


@dataclass(frozen=True)
class AppliedFlag:
    key: str
    label: str
    weight: int
    detail: str = ""

    @property
    def text(self) -> str:
        label = f"{self.label} ({self.detail})" if self.detail else self.label
        sign = "+" if self.weight >= 0 else "−"
        return f"{label} {sign}{abs(self.weight)}"


@dataclass(frozen=True)
class Priority:
    score: int
    flags: tuple[AppliedFlag, ...]

    @property
    def level(self) -> str:
        if self.score >= HIGH_FROM:
            return "high"
        if self.score >= RAISED_FROM:
            return "raised"
        return "normal"

    @property
    def level_label(self) -> str:
        return {"high": "Hög prioritet", "raised": "Förhöjd", "normal": "Normal"}[self.level]

    @property
    def explanation(self) -> str:
        if not self.flags:
            return "Inga varningsflaggor."
        return "; ".join(flag.text for flag in self.flags) + f". Summa {self.score}."


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# Rules: facts -> None when the flag does not apply, else a short detail ("" for none).
Rule = Callable[[Facts], str | None]


def _long_time_outside(f: Facts) -> str | None:
    if f.time_outside in LONG_TIME_OUTSIDE:
        return f.time_outside_label or f.time_outside
    return None


def _no_swedish(f: Facts) -> str | None:
    if f.swedish_level in BELOW_A2:
        return "ingen svenska" if f.swedish_level == "none" else f"nivå {f.swedish_level}"
    return None


def _health_obstacle(f: Facts) -> str | None:
    parts = []
    if "health" in f.obstacles:
        parts.append("hälsa")
    if "disability" in f.obstacles:
        parts.append("funktionsnedsättning")
    if f.need_health == "high":
        parts.append("stort behov inom hälsa")
    return ", ".join(parts) if parts else None


def _no_network(f: Facts) -> str | None:
    return "stort behov inom nätverk" if f.need_network == "high" else None


def _earlier_dropout(f: Facts) -> str | None:
    count = 0
    for e in f.earlier:
        if e.end is None or e.neutral_exit:
            continue
        if e.exit_reason in DROPOUT_EXIT_REASONS or e.end < _add_months(
            e.start, DROPOUT_WITHIN_MONTHS
        ):
            count += 1
    if not count:
        return None
    return "1 tidigare insats" if count == 1 else f"{count} tidigare insatser"


def _sickness_benefit(f: Facts) -> str | None:
    return "vid start" if f.income_sources & SICKNESS_INCOME else None


def _interpreter(f: Facts) -> str | None:
    return "" if f.interpreter_needed else None


def _obstacle(key: str) -> Rule:
    def rule(f: Facts) -> str | None:
        return "" if key in f.obstacles else None

    return rule


def _short_schooling(f: Facts) -> str | None:
    return "kortare än 9 år" if f.education_levels & SHORT_SCHOOLING else None


def _no_work_experience(f: Facts) -> str | None:
    return "" if f.has_assessment and f.work_experience_count == 0 else None


def _low_self_confidence(f: Facts) -> str | None:
    score = f.latest_scores.get("self_confidence")
    if score is not None and score <= LOW_SELF_CONFIDENCE:
        return f"skattning {score} av 5"
    return None


@dataclass(frozen=True)
class FlagDefinition:
    key: str
    label: str
    weight: int
    rule: Rule
    description: str


# The default checklist, drawn from the seeds' warning signs. Order is the display order.
DEFAULT_FLAGS: tuple[FlagDefinition, ...] = (
    FlagDefinition(
        "long_time_outside",
        "Lång tid utan arbete eller studier",
        3,
        _long_time_outside,
        "Tid utan arbete eller studier vid start är 2 år eller mer.",
    ),
    FlagDefinition(
        "no_swedish",
        "Lite eller ingen svenska",
        3,
        _no_swedish,
        "Svenska under nivå A2 i den senaste kartläggningen.",
    ),
    FlagDefinition(
        "health_obstacle",
        "Hälsohinder",
        3,
        _health_obstacle,
        "Hälsa eller funktionsnedsättning är ett hinder, eller stort behov inom hälsa.",
    ),
    FlagDefinition(
        "no_network",
        "Saknar nätverk",
        2,
        _no_network,
        "Stort behov inom nätverk i den senaste kartläggningen.",
    ),
    FlagDefinition(
        "earlier_dropout",
        "Tidigare insats avbruten",
        2,
        _earlier_dropout,
        "Ett tidigare deltagande avslutades som Annat eller Sjukskriven, eller slutade inom "
        "3 månader utan arbete eller studier.",
    ),
    FlagDefinition(
        "sickness_benefit",
        "Sjukpenning eller sjuk-/aktivitetsersättning",
        2,
        _sickness_benefit,
        "Försörjning vid start är sjukpenning eller sjuk- eller aktivitetsersättning.",
    ),
    FlagDefinition(
        "housing",
        "Osäkert boende",
        2,
        _obstacle("housing"),
        "Boende är angivet som hinder.",
    ),
    FlagDefinition("interpreter_needed", "Behöver tolk", 1, _interpreter, "Personen behöver tolk."),
    FlagDefinition(
        "childcare",
        "Saknar barnomsorg",
        1,
        _obstacle("childcare"),
        "Barnomsorg är angivet som hinder.",
    ),
    FlagDefinition("debts", "Skulder", 1, _obstacle("debts"), "Skulder är angivet som hinder."),
    FlagDefinition(
        "short_schooling",
        "Kort skolbakgrund",
        1,
        _short_schooling,
        "Förgymnasial utbildning kortare än 9 år.",
    ),
    FlagDefinition(
        "no_work_experience",
        "Ingen arbetslivserfarenhet",
        1,
        _no_work_experience,
        "Kompetensportföljen i den senaste kartläggningen har ingen arbetslivserfarenhet.",
    ),
    FlagDefinition(
        "low_self_confidence",
        "Lågt självförtroende",
        1,
        _low_self_confidence,
        "Den senaste skattningen av självförtroende är 1 eller 2.",
    ),
)

DEFINITIONS: dict[str, FlagDefinition] = {d.key: d for d in DEFAULT_FLAGS}


def default_settings() -> list[FlagSetting]:
    return [FlagSetting(d.key, d.label, d.weight, True) for d in DEFAULT_FLAGS]


def evaluate(facts: Facts, settings: Iterable[FlagSetting] | None = None) -> Priority:
    """The priority for one enrolment: applied flags, heaviest first, and their sum.

    ``settings`` are the federation's flags; keys without a rule are ignored, inactive flags
    never apply.
    """
    settings = default_settings() if settings is None else settings
    applied = []
    for position, setting in enumerate(settings):
        definition = DEFINITIONS.get(setting.key)
        if definition is None or not setting.active:
            continue
        detail = definition.rule(facts)
        if detail is None:
            continue
        applied.append((position, AppliedFlag(setting.key, setting.label, setting.weight, detail)))
    applied.sort(key=lambda item: (-item[1].weight, item[0]))
    flags = tuple(flag for _, flag in applied)
    return Priority(score=sum(flag.weight for flag in flags), flags=flags)
