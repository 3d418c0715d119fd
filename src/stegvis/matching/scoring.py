"""How well a participant fits an activity or place, and why (SPEC §6). Pure Python, no Django.

``score_pair`` adds up weighted factors — needs on the language/health/network triad that the
activity serves, shared interests, language, travel and gender preference — and returns the
score with one Swedish line per factor ("Behov: språk (+3,0)"). Hard constraints make the pair
not allowed (``None``): an activity for another gender, no common language and no interpreter,
or sessions outside the participant's known availability. ``pair_blockers`` names them.

Weights are a federation's to tune: pass overrides for any key of ``DEFAULT_WEIGHTS``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from stegvis.matching.engine import Pair

TRIAD = ("language", "health", "network")
_TRIAD_SV = {"language": "språk", "health": "hälsa", "network": "nätverk"}
_GENDER_GROUP_SV = {"kvinna": "kvinnor", "man": "män"}

DEFAULT_WEIGHTS = MappingProxyType(
    {
        # Per need level (0 = no need) in an area the activity serves.
        "need_language": 1.5,
        "need_health": 1.5,
        "need_network": 1.5,
        # Per interest the activity is about.
        "interest": 2.0,
        # Travel: one of these three applies when both locations are known.
        "same_municipality": 1.5,
        "same_hub": 0.5,
        "far": -1.0,
        # Once, when the activity is held in a language the participant speaks.
        "common_language": 0.5,
        # When only an interpreter makes it possible.
        "interpreter": -0.5,
        # A single-gender group for someone who asked for one.
        "gender_preference": 1.0,
    }
)


@dataclass(frozen=True)
class ParticipantFeatures:
    # Triad area ("language", "health", "network") -> need level, 0 (none) and up.
    needs: Mapping[str, int] = field(default_factory=dict)
    interests: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()  # languages the participant speaks
    municipality: str = ""
    hub: str = ""  # travel hub / local area the municipality belongs to
    # Weekday/part-of-day slots such as "mån-fm"; None when not known (then never a clash).
    availability: frozenset[str] | None = None
    gender: str = ""  # "kvinna", "man", or "" when not stated
    prefers_single_gender: bool = False

    def __post_init__(self):
        for area, level in self.needs.items():
            if area not in TRIAD:
                raise ValueError(f"Okänt behovsområde: {area!r} (välj bland {', '.join(TRIAD)})")
            if level < 0:
                raise ValueError(f"Behovsnivån för {area!r} kan inte vara negativ")


@dataclass(frozen=True)
class OpportunityFeatures:
    serves: frozenset[str] = frozenset()  # triad areas the activity plan covers
    topics: frozenset[str] = frozenset()  # what it is about, compared with interests
    languages: frozenset[str] = frozenset()  # languages it is held in; empty: no requirement
    interpreter: bool = False  # an interpreter can be present
    municipality: str = ""
    hub: str = ""
    schedule: frozenset[str] = frozenset()  # slots its sessions take; all must fit
    gender: str = ""  # only for this gender; "" when open to everyone
    # Weekdays (e.g. "tis") a mentor can meet; one of them must suit the participant.
    meeting_days: frozenset[str] = frozenset()


def pair_blockers(participant: ParticipantFeatures, opportunity: OpportunityFeatures) -> list[str]:
    """The hard constraints the pair breaks, in Swedish; empty when the pair is allowed."""
    blockers = []
    if opportunity.gender and _norm(participant.gender) != _norm(opportunity.gender):
        group = _GENDER_GROUP_SV.get(_norm(opportunity.gender), opportunity.gender)
        blockers.append(f"Aktiviteten är bara för {group}")
    if (
        opportunity.languages
        and not _common(participant.languages, opportunity.languages)
        and not opportunity.interpreter
    ):
        blockers.append("Inget gemensamt språk och ingen tolk")
    if participant.availability is not None:
        available = {_norm(s) for s in participant.availability}
        clash = sorted(s for s in opportunity.schedule if _norm(s) not in available)
        if clash:
            blockers.append(f"Krockar med schemat: {', '.join(clash)}")
        days = {_norm(d) for d in opportunity.meeting_days}
        if days and not any(slot.split("-")[0] in days for slot in available):
            blockers.append("Inga gemensamma dagar att träffas")
    return blockers


def score_pair(
    participant: ParticipantFeatures,
    opportunity: OpportunityFeatures,
    weights: Mapping[str, float] | None = None,
) -> tuple[float, list[str]] | None:
    """Return ``(score, explanation)``, or ``None`` when a hard constraint rules the pair out."""
    w = _weights(weights)
    if pair_blockers(participant, opportunity):
        return None
    factors: list[tuple[str, float]] = []

    served = {_norm(a) for a in opportunity.serves}
    for area in TRIAD:
        level = participant.needs.get(area, 0)
        if level and area in served:
            factors.append((f"Behov: {_TRIAD_SV[area]}", w[f"need_{area}"] * level))

    for topic in _common(participant.interests, opportunity.topics):
        factors.append((f"Intresse: {topic}", w["interest"]))

    if opportunity.languages:
        shared = _common(participant.languages, opportunity.languages)
        if shared:
            factors.append((f"Gemensamt språk: {shared[0]}", w["common_language"]))
        else:  # allowed only because an interpreter can come (see pair_blockers)
            factors.append(("Tolk behövs", w["interpreter"]))

    if participant.municipality and opportunity.municipality:
        if _norm(participant.municipality) == _norm(opportunity.municipality):
            factors.append(("Samma kommun", w["same_municipality"]))
        elif participant.hub and _norm(participant.hub) == _norm(opportunity.hub):
            factors.append(("Samma knutpunkt", w["same_hub"]))
        else:
            factors.append(("Lång resväg", w["far"]))

    if participant.prefers_single_gender and opportunity.gender:
        factors.append(("Enkönad grupp som önskat", w["gender_preference"]))

    factors = [(label, value) for label, value in factors if value]
    score = round(sum(value for _, value in factors), 6)
    return score, [f"{label} ({_signed_sv(value)})" for label, value in factors]


def score_pairs(
    participants: Mapping[Hashable, ParticipantFeatures],
    opportunities: Mapping[Hashable, OpportunityFeatures],
    weights: Mapping[str, float] | None = None,
) -> list[Pair]:
    """Every allowed pair with its score and explanation, ready for the solvers in engine."""
    pairs = []
    for pid, person in participants.items():
        for oid, place in opportunities.items():
            scored = score_pair(person, place, weights)
            if scored is not None:
                pairs.append(Pair(pid, oid, scored[0], tuple(scored[1])))
    return pairs


def _weights(overrides: Mapping[str, float] | None) -> Mapping[str, float]:
    if not overrides:
        return DEFAULT_WEIGHTS
    unknown = sorted(set(overrides) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ValueError(f"Okända vikter: {', '.join(unknown)}")
    return {**DEFAULT_WEIGHTS, **overrides}


def _norm(text: str) -> str:
    return text.strip().casefold()


def _common(mine: frozenset[str], theirs: frozenset[str]) -> list[str]:
    """Entries of ``theirs`` that ``mine`` also has, ignoring case, sorted as written there."""
    wanted = {_norm(x) for x in mine}
    return sorted({x for x in theirs if _norm(x) in wanted}, key=_norm)


def _signed_sv(value: float) -> str:
    """+3,0 / −1,5 / +0,25: Swedish decimal comma, one decimal unless a second is needed."""
    digits = f"{abs(value):.2f}"
    if digits.endswith("0"):
        digits = digits[:-1]
    return ("+" if value > 0 else "−") + digits.replace(".", ",")
