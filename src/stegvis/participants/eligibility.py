"""Declarative eligibility rules and their plain-Swedish explanation (SPEC §2, §3).

Pure functions: no Django. An intervention stores its rules as a list of dicts, e.g. the seed
"Utrikesfödda" intervention::

    [{"type": "age", "min": 25, "max": 55},
     {"type": "born_abroad"},
     {"type": "unemployed"},
     {"type": "income_source", "source": "ekonomiskt_bistand", "months": 10, "window": 12}]

Each rule is evaluated on its own and explained, passed or not ("ålder 57 > 55").
"""

from __future__ import annotations

from dataclasses import dataclass, field

INCOME_LABELS = {
    "ekonomiskt_bistand": "ekonomiskt bistånd",
    "etableringsersattning": "etableringsersättning",
    "aktivitetsstod": "aktivitetsstöd",
    "sjukpenning": "sjukpenning",
    "sjuk_aktivitetsersattning": "sjuk- eller aktivitetsersättning",
    "a_kassa": "a-kassa",
    "lon": "lön",
    "studiemedel": "studiemedel",
    "foraldrapenning": "föräldrapenning",
    "ingen": "ingen försörjning",
    "annan": "annan försörjning",
}

RULE_TYPES = ("age", "born_abroad", "unemployed", "income_source", "municipality")


@dataclass(frozen=True)
class Facts:
    """What is known about the person at referral."""

    age: int | None
    born_abroad: bool | None = None
    unemployed: bool | None = None
    income_months: dict[str, int] = field(default_factory=dict)
    municipality: str = ""


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    explanation: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "passed": self.passed, "explanation": self.explanation}


class RuleError(ValueError):
    pass


def _age(rule: dict, facts: Facts) -> RuleResult:
    low, high = rule.get("min"), rule.get("max")
    span = f"{low if low is not None else ''}–{high if high is not None else ''}"
    if facts.age is None:
        return RuleResult("age", False, f"ålder okänd (krav {span})")
    if low is not None and facts.age < low:
        return RuleResult("age", False, f"ålder {facts.age} < {low}")
    if high is not None and facts.age > high:
        return RuleResult("age", False, f"ålder {facts.age} > {high}")
    return RuleResult("age", True, f"ålder {facts.age} inom {span}")


def _born_abroad(rule: dict, facts: Facts) -> RuleResult:
    if facts.born_abroad is None:
        return RuleResult("born_abroad", False, "uppgift saknas om födelseland")
    if facts.born_abroad:
        return RuleResult("born_abroad", True, "född utomlands")
    return RuleResult("born_abroad", False, "född i Sverige, insatsen kräver född utomlands")


def _unemployed(rule: dict, facts: Facts) -> RuleResult:
    if facts.unemployed is None:
        return RuleResult("unemployed", False, "uppgift saknas om arbetslöshet")
    if facts.unemployed:
        return RuleResult("unemployed", True, "arbetslös")
    return RuleResult("unemployed", False, "inte arbetslös")


def _income_source(rule: dict, facts: Facts) -> RuleResult:
    source = rule["source"]
    needed = int(rule.get("months", 1))
    window = int(rule.get("window", 12))
    label = INCOME_LABELS.get(source, source)
    held = int(facts.income_months.get(source, 0) or 0)
    if held >= needed:
        return RuleResult("income_source", True, f"{label} {held} av {window} månader ≥ {needed}")
    return RuleResult("income_source", False, f"{label} {held} av {window} månader < {needed}")


def _municipality(rule: dict, facts: Facts) -> RuleResult:
    allowed = list(rule.get("in", []))
    if facts.municipality and facts.municipality in allowed:
        return RuleResult("municipality", True, f"bor i {facts.municipality}")
    where = facts.municipality or "okänd kommun"
    return RuleResult("municipality", False, f"{where} ingår inte i {', '.join(allowed)}")


_EVALUATORS = {
    "age": _age,
    "born_abroad": _born_abroad,
    "unemployed": _unemployed,
    "income_source": _income_source,
    "municipality": _municipality,
}


def validate_rules(rules: list[dict]) -> None:
    """Raise :class:`RuleError` with a Swedish message for a malformed rule list."""
    if not isinstance(rules, list):
        raise RuleError("Villkoren ska vara en lista.")
    for index, rule in enumerate(rules, start=1):
        kind = rule.get("type") if isinstance(rule, dict) else None
        if kind not in _EVALUATORS:
            raise RuleError(f"Villkor {index}: okänd typ {kind!r}.")
        if kind == "age":
            low, high = rule.get("min"), rule.get("max")
            if low is None and high is None:
                raise RuleError(f"Villkor {index}: ålder kräver min eller max.")
            if low is not None and high is not None and low > high:
                raise RuleError(f"Villkor {index}: min-ålder är större än max-ålder.")
        if kind == "income_source":
            if rule.get("source") not in INCOME_LABELS:
                raise RuleError(f"Villkor {index}: okänd försörjningskälla {rule.get('source')!r}.")
            months, window = int(rule.get("months", 1)), int(rule.get("window", 12))
            if not 1 <= months <= window:
                raise RuleError(f"Villkor {index}: antal månader ska vara 1–{window}.")
        if kind == "municipality" and not rule.get("in"):
            raise RuleError(f"Villkor {index}: ange minst en kommun.")


def evaluate(rules: list[dict], facts: Facts) -> list[RuleResult]:
    return [_EVALUATORS[rule["type"]](rule, facts) for rule in rules]


def is_eligible(results: list[RuleResult]) -> bool:
    return all(r.passed for r in results)


def describe_rule(rule: dict) -> str:
    """The rule itself in plain Swedish, for the intervention page."""
    kind = rule.get("type")
    if kind == "age":
        return f"Ålder {rule.get('min', '')}–{rule.get('max', '')} år vid start"
    if kind == "born_abroad":
        return "Född utomlands"
    if kind == "unemployed":
        return "Arbetslös"
    if kind == "income_source":
        label = INCOME_LABELS.get(rule["source"], rule["source"])
        months, window = rule.get("months", 1), rule.get("window", 12)
        return f"{label.capitalize()} minst {months} av de senaste {window} månaderna"
    if kind == "municipality":
        return "Bor i " + ", ".join(rule.get("in", []))
    return str(rule)
