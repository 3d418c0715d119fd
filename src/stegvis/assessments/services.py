"""Writes for assessments, step-wise ratings and the federation's flags, scales and interests.

Each function runs in one transaction and writes its audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stegvis.assessments import defaults, risk
from stegvis.assessments.models import (
    Assessment,
    DrivingLicence,
    InterestOption,
    LanguageLevel,
    NeedLevel,
    Obstacle,
    ProgressDimension,
    RiskFlag,
    StepRating,
    SwedishLevel,
)
from stegvis.core import audit
from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.participants.access import require_active_consent, require_intervention_in_scope
from stegvis.participants.models import Enrolment

A = audit.Action


# --- Federation defaults ---------------------------------------------------------------------


@memoized(lambda: ())
def ensure_risk_flags() -> list[RiskFlag]:
    """The federation's flags; defaults missing from it are added (idempotent)."""
    flags = list(RiskFlag.objects.all())
    have = {f.key for f in flags}
    missing = [
        RiskFlag(
            federation_id=_federation_id(), key=d.key, label=d.label, weight=d.weight, position=i
        )
        for i, d in enumerate(risk.DEFAULT_FLAGS)
        if d.key not in have
    ]
    if missing:
        RiskFlag.objects.bulk_create(missing, ignore_conflicts=True)
        flags = list(RiskFlag.objects.all())
    return flags


@memoized(lambda: ())
def ensure_dimensions() -> list[ProgressDimension]:
    dimensions = list(ProgressDimension.objects.all())
    have = {d.key for d in dimensions}
    missing = [
        ProgressDimension(
            federation_id=_federation_id(),
            key=key,
            label=label,
            description=description,
            anchors=anchors,
            position=i,
        )
        for i, (key, label, description, anchors) in enumerate(defaults.DIMENSIONS)
        if key not in have
    ]
    if missing:
        ProgressDimension.objects.bulk_create(missing, ignore_conflicts=True)
        dimensions = list(ProgressDimension.objects.all())
    return dimensions


@memoized(lambda: ())
def ensure_interests() -> list[InterestOption]:
    """Add the default taxonomy once, to a federation that has no interests at all (a
    federation that removed or renamed entries keeps its own list)."""
    options = list(InterestOption.objects.all())
    if options:
        return options
    position = 0
    new = []
    for group, items in defaults.INTERESTS:
        for key, label in items:
            new.append(
                InterestOption(
                    federation_id=_federation_id(),
                    key=key,
                    label=label,
                    group=group,
                    position=position,
                )
            )
            position += 1
    InterestOption.objects.bulk_create(new, ignore_conflicts=True)
    return list(InterestOption.objects.all())


def ensure_defaults() -> None:
    ensure_risk_flags()
    ensure_dimensions()
    ensure_interests()


def _federation_id() -> int:
    from stegvis.core.tenancy import require_federation

    return require_federation().pk


# --- Assessment ------------------------------------------------------------------------------


@dataclass
class AssessmentData:
    assessed_on: date
    education: list[dict] = field(default_factory=list)
    work_experience: list[dict] = field(default_factory=list)
    skills: str = ""
    driving_licence: str = ""
    swedish_level: str = ""
    other_languages: list[dict] = field(default_factory=list)
    need_language: str = ""
    need_health: str = ""
    need_network: str = ""
    needs_note: str = ""
    interests: list[str] = field(default_factory=list)
    obstacles: list[str] = field(default_factory=list)
    obstacles_note: str = ""
    summary: str = ""


def _clean_rows(rows: list[dict], keys: tuple[str, ...], required: str) -> list[dict]:
    """Keep rows that name their ``required`` key; strip text and drop unknown keys."""
    cleaned = []
    for row in rows:
        item = {k: row.get(k) for k in keys}
        item = {k: v.strip() if isinstance(v, str) else v for k, v in item.items()}
        if item.get(required) not in ("", None):
            cleaned.append({k: v for k, v in item.items() if v not in ("", None)})
    return cleaned


def _validate(data: AssessmentData) -> None:
    errors = {}
    if data.assessed_on > timezone.localdate():
        errors["assessed_on"] = "Datumet kan inte ligga i framtiden."
    choices = [
        ("driving_licence", data.driving_licence, DrivingLicence.values),
        ("swedish_level", data.swedish_level, SwedishLevel.values),
        ("need_language", data.need_language, NeedLevel.values),
        ("need_health", data.need_health, NeedLevel.values),
        ("need_network", data.need_network, NeedLevel.values),
    ]
    for name, value, allowed in choices:
        if value and value not in allowed:
            errors[name] = "Välj ett av alternativen."
    if set(data.obstacles) - set(Obstacle.values):
        errors["obstacles"] = "Okänt hinder."
    known = set(InterestOption.objects.values_list("key", flat=True))
    if set(data.interests) - known:
        errors["interests"] = "Okänt intresse."
    for row in data.other_languages:
        if row.get("level") and row["level"] not in LanguageLevel.values:
            errors["other_languages"] = "Okänd språknivå."
    for row in data.work_experience:
        years = row.get("years")
        if years is not None and not (0 <= float(years) <= 60):
            errors["work_experience"] = "Antal år ska vara mellan 0 och 60."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_create(
    *, actor, membership: Membership, enrolment: Enrolment, data: AssessmentData
) -> Assessment:
    """Save a new version of the enrolment's assessment (earlier versions stay as they were)."""
    require_intervention_in_scope(membership, enrolment.intervention)
    require_active_consent(enrolment.participant, enrolment.intervention)
    _validate(data)
    # Lock the enrolment row so two saves at once cannot take the same version number.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    latest = Assessment.objects.filter(enrolment=enrolment).aggregate(v=Max("version"))["v"]
    assessment = Assessment.objects.create(
        enrolment=enrolment,
        version=(latest or 0) + 1,
        assessed_on=data.assessed_on,
        education=_clean_rows(data.education, ("level", "country", "field"), "level"),
        work_experience=_clean_rows(
            data.work_experience, ("occupation", "years", "country"), "occupation"
        ),
        skills=data.skills.strip(),
        driving_licence=data.driving_licence,
        swedish_level=data.swedish_level,
        other_languages=_clean_rows(data.other_languages, ("language", "level"), "language"),
        need_language=data.need_language,
        need_health=data.need_health,
        need_network=data.need_network,
        needs_note=data.needs_note.strip(),
        interests=sorted(set(data.interests)),
        obstacles=[key for key in Obstacle.values if key in set(data.obstacles)],
        obstacles_note=data.obstacles_note.strip(),
        summary=data.summary.strip(),
        created_by=actor,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=assessment,
        detail={
            "participant": enrolment.participant_id,
            "enrolment": enrolment.pk,
            "version": assessment.version,
        },
    )
    return assessment


# --- Step-wise ratings -----------------------------------------------------------------------


@transaction.atomic
def ratings_record(
    *,
    actor,
    membership: Membership,
    enrolment: Enrolment,
    rated_on: date,
    rater: str,
    scores: dict[int, int],
) -> list[StepRating]:
    """Record one rating occasion: ``scores`` maps dimension id to 1–5. A second recording on
    the same day by the same kind of rater replaces the first (a correction)."""
    require_intervention_in_scope(membership, enrolment.intervention)
    require_active_consent(enrolment.participant, enrolment.intervention)
    if rater not in StepRating.Rater.values:
        raise ValidationError({"rater": "Välj vem som skattar."})
    if rated_on > timezone.localdate():
        raise ValidationError({"rated_on": "Datumet kan inte ligga i framtiden."})
    scores = {dim: score for dim, score in scores.items() if score is not None}
    if not scores:
        raise ValidationError("Skatta minst ett område.")
    if any(not 1 <= int(score) <= 5 for score in scores.values()):
        raise ValidationError("Skattningen ska vara mellan 1 och 5.")
    dimensions = ProgressDimension.objects.in_bulk(list(scores))
    if len(dimensions) != len(scores):
        raise ValidationError("Okänt skattningsområde.")
    saved = []
    for dimension_id, score in scores.items():
        rating, _ = StepRating.objects.update_or_create(
            enrolment=enrolment,
            dimension=dimensions[dimension_id],
            rated_on=rated_on,
            rater=rater,
            defaults={"score": int(score), "created_by": actor},
        )
        saved.append(rating)
    audit.log(
        actor=actor,
        action=A.CREATE,
        object_type="steprating",
        object_id=enrolment.pk,
        detail={
            "participant": enrolment.participant_id,
            "enrolment": enrolment.pk,
            "rater": rater,
            "dimensions": len(saved),
        },
    )
    return saved


# --- Federation settings ---------------------------------------------------------------------


@transaction.atomic
def risk_flag_update(*, actor, flag: RiskFlag, label: str, weight: int, active: bool) -> bool:
    if not 0 <= weight <= 20:
        raise ValidationError({"weight": "Vikten ska vara mellan 0 och 20."})
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Ange en benämning."})
    changed = {
        name: value
        for name, value in (("label", label), ("weight", weight), ("active", active))
        if getattr(flag, name) != value
    }
    if not changed:
        return False
    for name, value in changed.items():
        setattr(flag, name, value)
    flag.save()
    audit.log(actor=actor, action=A.UPDATE, obj=flag, detail={"fields": sorted(changed)})
    return True


@transaction.atomic
def dimension_update(
    *,
    actor,
    dimension: ProgressDimension,
    label: str,
    description: str,
    anchors: list[str],
    active: bool,
) -> bool:
    label = label.strip()
    anchors = [a.strip() for a in anchors]
    if not label:
        raise ValidationError({"label": "Ange en benämning."})
    if len(anchors) != 5 or not all(anchors):
        raise ValidationError({"anchors": "Beskriv alla fem stegen."})
    values = {
        "label": label,
        "description": description.strip(),
        "anchors": anchors,
        "active": active,
    }
    changed = sorted(name for name, value in values.items() if getattr(dimension, name) != value)
    if not changed:
        return False
    for name, value in values.items():
        setattr(dimension, name, value)
    dimension.save()
    audit.log(actor=actor, action=A.UPDATE, obj=dimension, detail={"fields": changed})
    return True


@transaction.atomic
def interest_save(
    *,
    actor,
    interest: InterestOption | None,
    key: str,
    label: str,
    group: str,
    active: bool = True,
) -> InterestOption:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Ange en benämning."})
    if interest is None:
        if InterestOption.objects.filter(key=key).exists():
            raise ValidationError({"key": "Nyckeln finns redan."})
        last = InterestOption.objects.aggregate(p=Max("position"))["p"]
        interest = InterestOption(key=key, position=(last or 0) + 1)
        action = A.CREATE
    else:
        action = A.UPDATE
    interest.label = label
    interest.group = group.strip()
    interest.active = active
    interest.full_clean(exclude=["federation"])
    interest.save()
    audit.log(actor=actor, action=action, obj=interest, detail={"key": interest.key})
    return interest
