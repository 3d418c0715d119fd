"""The rules for an activity of each kind, and the NAD compensation, as pure functions (SPEC §6).

Nothing here touches the database: the caller gathers the facts, so the rules can be tested at
their boundaries and shown to the user with a Swedish reason each, passed or failed.

From the NAD project plan: the association gets a fixed sum per participant and activity
(``nad_compensation_sek``, 1 500 kr) when the activity has at least ``nad_min_sessions`` (5)
sessions, at least one leader per ``nad_participants_per_leader`` (10) participants, an activity
plan showing how it strengthens language, health and/or network, the working group's quality
approval, and no membership fee among its costs.

Attendance (``nad_min_attendance_share``, 0.5): a participant counts for compensation when
present at no less than that share of the activity's *held* sessions (sessions not cancelled
whose date has come). With 0.5 and 6 held sessions, 3 presences count and 2 do not; with 5
held sessions 3 are needed (2.5 rounded up). The comparison is exact (no floating point).

The NAD rules apply to NAD activities only. The other kinds have their own (``check_activity``
chooses by ``ActivityFacts.kind``), and none of them is compensated:

- own group activity (egen gruppaktivitet): run by the federation's staff, no association, at
  least one session, a purpose, and one staff leader per ``participants_per_leader``;
- study visit (studiebesök): at least one session, where it goes, a purpose, and leaders as
  above; a hosting association is allowed;
- mentorship (mentorskap): an active mentor paired with exactly one participant, the mentor
  not already meeting as many participants as he or she can take;
- workplace placement (arbetsplatsförlagd praktik): an open place at an employer, no more
  participants than the place has room for, and every session within the place's period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

MEMBERSHIP_FEE = "membership_fee"
_FEE_WORDS = ("medlemsavgift", "medlemskap", "årsavgift")


@dataclass(frozen=True)
class RuleSettings:
    min_sessions: int = 5
    participants_per_leader: int = 10
    compensation_sek: int = 1500
    min_attendance_share: Fraction = Fraction(1, 2)

    @classmethod
    def from_federation(cls, federation) -> RuleSettings:
        return cls(
            min_sessions=int(federation.setting("nad_min_sessions")),
            participants_per_leader=int(federation.setting("nad_participants_per_leader")),
            compensation_sek=int(federation.setting("nad_compensation_sek")),
            min_attendance_share=Fraction(str(federation.setting("nad_min_attendance_share"))),
        )


@dataclass(frozen=True)
class CostLine:
    kind: str
    description: str = ""


NAD = "nad"
GROUP = "group"
STUDY_VISIT = "study_visit"
MENTORSHIP = "mentorship"
PLACEMENT = "placement"


@dataclass(frozen=True)
class ActivityFacts:
    sessions: int  # planned sessions, not cancelled
    leaders: int
    planned_participants: int  # the places offered (capacity)
    actual_participants: int  # participants with a place now
    serves_language: bool = False
    serves_health: bool = False
    serves_network: bool = False
    plan: str = ""
    quality_approved: bool = False
    costs: tuple[CostLine, ...] = field(default_factory=tuple)
    kind: str = NAD
    description: str = ""
    address: str = ""
    has_association: bool = True  # an NAD activity always had one before there were kinds
    mentor: str = ""  # the mentor's name; empty when none is chosen
    mentor_active: bool = False
    mentor_other_mentees: int = 0  # in the mentor's other ongoing mentorships
    mentor_max_mentees: int = 1
    placement: str = ""  # the employer; empty when no place is chosen
    placement_active: bool = False
    placement_capacity: int = 0
    sessions_outside_placement: int = 0


@dataclass(frozen=True)
class RuleResult:
    key: str
    passed: bool
    explanation: str

    def as_tuple(self) -> tuple[str, bool, str]:
        return (self.key, self.passed, self.explanation)


RULE_LABELS = {
    "min_sessions": "Minst fem tillfällen",
    "leaders_planned": "Ledare per planerat antal deltagare",
    "leaders_actual": "Ledare per faktiskt antal deltagare",
    "activity_plan": "Aktivitetsplan för språk, hälsa eller nätverk",
    "quality_approved": "Samverkansgruppens kvalitetsgodkännande",
    "no_membership_fee": "Ingen medlemsavgift bland kostnaderna",
}

# The rules of the other kinds (and the NAD activity's association, shown only when missing).
KIND_RULE_LABELS = {
    "association": "Förening",
    "has_session": "Minst ett tillfälle",
    "purpose": "Syfte",
    "destination": "Vart besöket går",
    "mentor": "Mentor",
    "one_participant": "En deltagare per mentorskap",
    "mentor_load": "Mentorn har plats",
    "placement": "Plats hos arbetsgivare",
    "placement_capacity": "Platser hos arbetsgivaren",
    "placement_period": "Inom platsens period",
}
ALL_RULE_LABELS = {**RULE_LABELS, **KIND_RULE_LABELS}


def leaders_needed(participants: int, per_leader: int) -> int:
    """At least one leader, and one more for every started group of ``per_leader``."""
    return max(1, math.ceil(participants / per_leader))


def _leader_rule(key: str, what: str, participants: int, leaders: int, per_leader: int):
    needed = leaders_needed(participants, per_leader)
    if leaders >= needed:
        return RuleResult(
            key,
            True,
            f"{leaders} ledare räcker för {participants} {what} deltagare "
            f"(minst en ledare per {per_leader}).",
        )
    return RuleResult(
        key,
        False,
        f"{participants} {what} deltagare kräver minst {needed} ledare "
        f"(en per {per_leader}), men aktiviteten har {leaders}.",
    )


def _is_membership_fee(cost: CostLine) -> bool:
    text = cost.description.lower()
    return cost.kind == MEMBERSHIP_FEE or any(word in text for word in _FEE_WORDS)


def check_activity(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    """Every rule for approving an activity of its kind, each with its reason."""
    checks = {
        GROUP: _check_group,
        STUDY_VISIT: _check_study_visit,
        MENTORSHIP: _check_mentorship,
        PLACEMENT: _check_placement,
    }
    if facts.kind in checks:
        return checks[facts.kind](facts, rules)
    return _check_nad(facts, rules)


def _has_session(facts: ActivityFacts) -> RuleResult:
    if facts.sessions >= 1:
        return RuleResult("has_session", True, f"{facts.sessions} tillfällen är planerade.")
    return RuleResult("has_session", False, "Inget tillfälle är planerat; lägg till minst ett.")


def _purpose(facts: ActivityFacts, what: str) -> RuleResult:
    if facts.plan.strip() or facts.description.strip():
        return RuleResult("purpose", True, f"Syftet med {what} är beskrivet.")
    return RuleResult("purpose", False, f"Beskriv syftet med {what} i beskrivningen eller planen.")


def _planned_leaders(facts: ActivityFacts, rules: RuleSettings) -> RuleResult:
    return _leader_rule(
        "leaders_planned",
        "planerade",
        facts.planned_participants,
        facts.leaders,
        rules.participants_per_leader,
    )


def _check_group(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    if facts.has_association:
        association = RuleResult(
            "association",
            False,
            "En egen gruppaktivitet leds av förbundets personal och hör inte till någon "
            "förening; välj NAD-aktivitet om en förening driver den.",
        )
    else:
        association = RuleResult(
            "association", True, "Leds av förbundets personal, utan förening och ersättning."
        )
    return [
        association,
        _has_session(facts),
        _purpose(facts, "gruppen"),
        _planned_leaders(facts, rules),
    ]


def _check_study_visit(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    if facts.address.strip():
        destination = RuleResult("destination", True, f"Besöket går till {facts.address}.")
    else:
        destination = RuleResult(
            "destination", False, "Ange vart studiebesöket går (plats/adress)."
        )
    return [
        _has_session(facts),
        destination,
        _purpose(facts, "besöket"),
        _planned_leaders(facts, rules),
    ]


def _check_mentorship(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    results = []
    if not facts.mentor:
        results.append(RuleResult("mentor", False, "Välj en mentor."))
    elif not facts.mentor_active:
        results.append(RuleResult("mentor", False, f"{facts.mentor} är inte längre aktiv mentor."))
    else:
        results.append(RuleResult("mentor", True, f"Mentor: {facts.mentor}."))
    if facts.planned_participants == 1:
        results.append(RuleResult("one_participant", True, "Mentorn paras med en deltagare."))
    else:
        results.append(
            RuleResult(
                "one_participant",
                False,
                f"Ett mentorskap har en deltagare, inte {facts.planned_participants}: "
                "ange 1 plats.",
            )
        )
    if facts.mentor:
        taken = facts.mentor_other_mentees
        if taken < facts.mentor_max_mentees:
            results.append(
                RuleResult(
                    "mentor_load",
                    True,
                    f"Mentorn träffar {taken} andra av högst {facts.mentor_max_mentees}.",
                )
            )
        else:
            results.append(
                RuleResult(
                    "mentor_load",
                    False,
                    f"Mentorn träffar redan {taken} deltagare (högst {facts.mentor_max_mentees}).",
                )
            )
    return results


def _check_placement(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    results = []
    if not facts.placement:
        return [RuleResult("placement", False, "Välj platsen hos arbetsgivaren.")]
    if facts.placement_active:
        results.append(RuleResult("placement", True, f"Plats hos {facts.placement}."))
    else:
        results.append(RuleResult("placement", False, f"Platsen hos {facts.placement} är stängd."))
    if facts.planned_participants <= facts.placement_capacity:
        results.append(
            RuleResult(
                "placement_capacity",
                True,
                f"{facts.planned_participants} platser av arbetsgivarens "
                f"{facts.placement_capacity}.",
            )
        )
    else:
        results.append(
            RuleResult(
                "placement_capacity",
                False,
                f"Arbetsgivaren har {facts.placement_capacity} platser, men aktiviteten har "
                f"{facts.planned_participants}.",
            )
        )
    if facts.sessions_outside_placement:
        results.append(
            RuleResult(
                "placement_period",
                False,
                f"{facts.sessions_outside_placement} tillfällen ligger utanför platsens period.",
            )
        )
    else:
        results.append(
            RuleResult("placement_period", True, "Alla tillfällen ligger inom platsens period.")
        )
    results.append(_has_session(facts))
    return results


def _check_nad(facts: ActivityFacts, rules: RuleSettings) -> list[RuleResult]:
    """Every rule for approving an NAD activity, each with its reason."""
    results = []
    if not facts.has_association:  # reported only when missing
        results.append(
            RuleResult(
                "association", False, "En NAD-aktivitet drivs av en förening; välj föreningen."
            )
        )
    if facts.sessions >= rules.min_sessions:
        results.append(
            RuleResult(
                "min_sessions",
                True,
                f"{facts.sessions} tillfällen är planerade (minst {rules.min_sessions}).",
            )
        )
    else:
        results.append(
            RuleResult(
                "min_sessions",
                False,
                f"Bara {facts.sessions} tillfällen är planerade; minst {rules.min_sessions} "
                "krävs. Lägg till fler tillfällen.",
            )
        )
    per = rules.participants_per_leader
    results.append(
        _leader_rule("leaders_planned", "planerade", facts.planned_participants, facts.leaders, per)
    )
    results.append(
        _leader_rule("leaders_actual", "inskrivna", facts.actual_participants, facts.leaders, per)
    )
    serves = [
        name
        for flag, name in (
            (facts.serves_language, "språk"),
            (facts.serves_health, "hälsa"),
            (facts.serves_network, "nätverk"),
        )
        if flag
    ]
    if not serves:
        results.append(
            RuleResult(
                "activity_plan",
                False,
                "Aktivitetsplanen anger inte om aktiviteten stärker språk, hälsa eller nätverk.",
            )
        )
    elif not facts.plan.strip():
        results.append(
            RuleResult(
                "activity_plan",
                False,
                f"Aktiviteten ska stärka {' och '.join(serves)}, men aktivitetsplanen saknar "
                "en beskrivning av hur.",
            )
        )
    else:
        results.append(
            RuleResult(
                "activity_plan",
                True,
                f"Aktivitetsplanen beskriver hur aktiviteten stärker {' och '.join(serves)}.",
            )
        )
    if facts.quality_approved:
        results.append(
            RuleResult(
                "quality_approved", True, "Samverkansgruppen har kvalitetsgodkänt aktiviteten."
            )
        )
    else:
        results.append(
            RuleResult(
                "quality_approved",
                False,
                "Samverkansgruppen har ännu inte kvalitetsgodkänt aktiviteten.",
            )
        )
    fees = [c for c in facts.costs if _is_membership_fee(c)]
    if fees:
        results.append(
            RuleResult(
                "no_membership_fee",
                False,
                "Ersättningen får inte användas till medlemsavgifter; ta bort "
                f"{len(fees)} kostnadsrad{'er' if len(fees) > 1 else ''} för medlemsavgift.",
            )
        )
    else:
        results.append(
            RuleResult("no_membership_fee", True, "Ingen kostnad avser medlemsavgifter.")
        )
    return results


def all_passed(results: list[RuleResult]) -> bool:
    return all(r.passed for r in results)


def counts_for_compensation(present: int, held: int, share: Fraction) -> bool:
    """Whether a participant present at ``present`` of ``held`` sessions counts (see above)."""
    if held <= 0:
        return False
    return Fraction(present, held) >= share


def presences_needed(held: int, share: Fraction) -> int:
    return math.ceil(share * held) if held else 0


def compensation_amount(counted_participants: int, rules: RuleSettings) -> int:
    return counted_participants * rules.compensation_sek
