"""Business operations on participants: registration, consent, referral, enrolment, exit.

Each function runs in one transaction and writes its audit entry (STYLE: ``<entity>_<verb>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.crypto import lookup_hash
from stegvis.core.dates import add_months
from stegvis.core.models import AuditEntry, Membership
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number
from stegvis.interventions.models import Intervention
from stegvis.participants import eligibility, hooks
from stegvis.participants.access import (
    active_consent_q,
    require_active_consent,
    require_intervention_in_scope,
)
from stegvis.participants.models import (
    Consent,
    Correction,
    Enrolment,
    FollowUp,
    HandOver,
    Participant,
    Referral,
)

A = AuditEntry.Action


@dataclass
class PersonDetails:
    """Personal data registered with consent. Anonymous records keep only gender, birth year
    and municipality."""

    gender: str
    birth_year: int | None = None
    municipality: str = ""
    personal_number: str = ""
    first_name: str = ""
    last_name: str = ""
    born_abroad: bool | None = None
    country_of_birth: str = ""
    arrival_year: int | None = None
    languages: list[str] = field(default_factory=list)
    interpreter_needed: bool = False
    interpreter_language: str = ""
    education_level: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    protected_identity: bool = False


@dataclass
class ConsentDetails:
    scope: str
    method: str
    given_on: date
    language: str = "sv"
    witnessed_by: str = ""


_PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "born_abroad",
    "country_of_birth",
    "arrival_year",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "education_level",
    "phone",
    "email",
    "address",
)


def by_number_hash(qs, digest: str):
    """Rows with this look-up hash. The "not empty" term lets SQLite use the partial unique
    index on (federation, hash), the only index on the hash."""
    return qs.exclude(personal_number_hash="").filter(personal_number_hash=digest)


def find_by_personal_number(value: str) -> Participant | None:
    """The participant with this number in the current federation (duplicate detection)."""
    number = parse_personal_number(value, timezone.localdate())
    return by_number_hash(Participant.objects.all(), lookup_hash(number)).first()


CORRECTABLE_FIELDS = ("gender", "municipality", *_PERSONAL_FIELDS)


@transaction.atomic
def participant_register(
    *,
    actor,
    membership: Membership,
    intervention: Intervention | None,
    details: PersonDetails,
    consent: ConsentDetails | None,
) -> tuple[Participant, bool]:
    """Register a person for an intervention, or find them again by their number.

    Without consent only an anonymous record is created (gender, birth year, municipality).
    A number that is already registered discloses nothing and overwrites nothing: the consent
    is linked to the existing person, and details that differ become a correction proposal for
    the person's main contact. Returns ``(participant, created)``.
    """
    if intervention is not None:
        require_intervention_in_scope(membership, intervention)
    anonymous = consent is None
    if anonymous:
        if details.birth_year is None:
            raise ValidationError({"birth_year": "Ange födelseår."})
        participant = Participant(
            created_by=actor,
            is_anonymous=True,
            protected_identity=details.protected_identity,
            birth_year=details.birth_year,
            gender=details.gender,
            municipality=details.municipality,
        )
        participant.full_clean(exclude=["personal_number_hash"])
        participant.save()
        audit.log(
            actor=actor,
            action=A.CREATE,
            obj=participant,
            detail={
                "intervention": intervention.code if intervention else "",
                "anonymous": True,
            },
        )
        return participant, True
    if intervention is None:
        raise ValidationError({"intervention": "Välj den insats som samtycket gäller."})
    if not details.personal_number:
        raise ValidationError({"personal_number": "Ange personnummer eller samordningsnummer."})
    try:
        number = parse_personal_number(details.personal_number, timezone.localdate())
    except PersonalNumberError as exc:
        raise ValidationError({"personal_number": str(exc)}) from exc
    digest = lookup_hash(number)
    existing = by_number_hash(Participant.objects.select_for_update(), digest).first()
    if existing is None:
        participant = Participant(created_by=actor)
        participant.is_anonymous = False
        participant.protected_identity = details.protected_identity
        participant.personal_number = number.formatted
        participant.personal_number_hash = digest
        participant.is_coordination_number = number.is_coordination_number
        participant.birth_date = number.birth_date
        participant.birth_year = number.birth_year
        participant.gender = details.gender or number.gender
        participant.municipality = details.municipality
        for name in _PERSONAL_FIELDS:
            setattr(participant, name, getattr(details, name))
        participant.full_clean(exclude=["personal_number_hash"])
        participant.save()
        correction = None
    else:
        participant = existing
        supplied = {name: getattr(details, name) for name in CORRECTABLE_FIELDS}
        correction = correction_propose(
            actor=actor,
            participant=participant,
            changes=supplied,
            source=Correction.Source.REGISTRATION,
        )
        if details.protected_identity and not participant.protected_identity:
            # Protection is never lowered by a registration, only raised.
            participant.protected_identity = True
            participant.save(update_fields=["protected_identity"])
    has_consent = Consent.objects.filter(
        active_consent_q(), participant=participant, intervention=intervention
    ).exists()
    if not has_consent:
        consent_give(
            actor=actor, participant=participant, intervention=intervention, details=consent
        )
    audit.log(
        actor=actor,
        action=A.CREATE if existing is None else A.UPDATE,
        obj=participant,
        detail={
            "intervention": intervention.code,
            "anonymous": False,
            "matched_existing": existing is not None,
            "correction": correction.pk if correction else None,
        },
    )
    return participant, existing is None


def registration_echo(participant: Participant, details: PersonDetails) -> Participant:
    """What a registration that found an existing person answers: the id and reference, and
    no more than the caller supplied (an unsaved copy, never written)."""
    echo = Participant(
        pk=participant.pk,
        federation_id=participant.federation_id,
        is_anonymous=False,
        protected_identity=details.protected_identity,
        gender=details.gender,
        birth_year=participant.birth_year,
        municipality=details.municipality,
    )
    echo.personal_number = details.personal_number
    for name in _PERSONAL_FIELDS:
        setattr(echo, name, getattr(details, name))
    echo.identity_visible = True
    return echo


def _differences(participant: Participant, changes: dict) -> dict:
    """{field: [old, new]} for supplied values that differ from the stored ones."""
    diffs = {}
    for name, value in changes.items():
        if name not in CORRECTABLE_FIELDS and name != "personal_number":
            raise ValidationError(f"Fältet {name} kan inte rättas här.")
        if value in ("", None, []):
            continue
        old = getattr(participant, name)
        if old != value:
            diffs[name] = [_jsonable(old), _jsonable(value)]
    return diffs


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def _save_correction(**kwargs) -> Correction:
    import json

    diffs = kwargs.pop("diffs")
    return Correction.objects.create(
        fields=sorted(diffs), values=json.dumps(diffs, ensure_ascii=False), **kwargs
    )


@transaction.atomic
def correction_propose(
    *, actor, participant: Participant, changes: dict, source: str, note: str = ""
) -> Correction | None:
    """Record details that differ from the stored ones as a proposal; nothing else changes."""
    diffs = _differences(participant, changes)
    diffs.pop("personal_number", None)
    if not diffs:
        return None
    correction = _save_correction(
        participant=participant,
        source=source,
        status=Correction.Status.PROPOSED,
        diffs=diffs,
        note=note,
        proposed_by=actor,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=correction,
        detail={"participant": participant.pk, "fields": correction.fields, "source": source},
    )
    return correction


def _apply(participant: Participant, diffs: dict) -> None:
    for name, (_old, new) in diffs.items():
        if name == "personal_number":
            try:
                number = parse_personal_number(new, timezone.localdate())
            except PersonalNumberError as exc:
                raise ValidationError({"personal_number": str(exc)}) from exc
            digest = lookup_hash(number)
            if by_number_hash(Participant.objects.exclude(pk=participant.pk), digest).exists():
                raise ValidationError(
                    {"personal_number": "Numret hör redan till en annan registrerad person."}
                )
            participant.personal_number = number.formatted
            participant.personal_number_hash = digest
            participant.is_coordination_number = number.is_coordination_number
            participant.birth_date = number.birth_date
            participant.birth_year = number.birth_year
        else:
            setattr(participant, name, new)
    participant.full_clean(exclude=["personal_number_hash"])
    participant.save()


@transaction.atomic
def participant_correct(
    *, actor, membership: Membership, participant: Participant, changes: dict, note: str = ""
) -> Correction | None:
    """Rättelse (GDPR art. 16) by staff who see the person: applied at once and recorded with
    the old and new values. An anonymous record keeps only gender, birth year, municipality."""
    from stegvis.participants.selectors import identity_visible_to

    if participant.is_anonymous:
        allowed = {"gender", "birth_year", "municipality"}
        if set(changes) - allowed:
            raise ValidationError("En anonym registrering har bara kön, födelseår och kommun.")
    elif not identity_visible_to(participant, membership):
        raise ValidationError("Bara huvudkontakten kan rätta en person med skyddad identitet.")
    if participant.is_anonymous:
        diffs = {
            k: [getattr(participant, k), v]
            for k, v in changes.items()
            if v not in ("", None) and getattr(participant, k) != v
        }
    else:
        diffs = _differences(participant, changes)
    if not diffs:
        return None
    _apply(participant, diffs)
    correction = _save_correction(
        participant=participant,
        source=Correction.Source.MANUAL,
        status=Correction.Status.APPLIED,
        diffs=diffs,
        note=note,
        proposed_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=participant,
        reason="rättelse",
        detail={"fields": correction.fields, "correction": correction.pk},
    )
    return correction


@transaction.atomic
def correction_decide(
    *, actor, membership: Membership, correction: Correction, apply: bool
) -> Correction:
    """The main contact confirms (applies) or rejects a proposed correction."""
    from stegvis.participants.selectors import is_main_contact

    if correction.status != Correction.Status.PROPOSED:
        raise ValidationError("Rättelsen är redan hanterad.")
    participant = correction.participant
    if not is_main_contact(participant, membership):
        raise ValidationError("Bara personens huvudkontakt kan bekräfta rättelsen.")
    if apply:
        current = {
            name: [getattr(participant, name), new]
            for name, (_o, new) in correction.changes.items()
        }
        _apply(participant, current)
    correction.status = Correction.Status.APPLIED if apply else Correction.Status.REJECTED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=participant if apply else correction,
        reason="rättelse",
        detail={
            "fields": correction.fields,
            "correction": correction.pk,
            "status": correction.status,
        },
    )
    return correction


@transaction.atomic
def participant_update(*, actor, participant: Participant, changes: dict) -> Participant:
    if participant.is_anonymous:
        allowed = {"gender", "birth_year", "municipality"}
    else:
        allowed = set(_PERSONAL_FIELDS) | {"gender", "municipality"}
    changed = []
    for name, value in changes.items():
        if name not in allowed:
            raise ValidationError(f"Fältet {name} kan inte ändras här.")
        if getattr(participant, name) != value:
            setattr(participant, name, value)
            changed.append(name)
    if changed:
        participant.full_clean(exclude=["personal_number_hash"])
        participant.save()
        audit.log(actor=actor, action=A.UPDATE, obj=participant, detail={"fields": changed})
    return participant


@transaction.atomic
def consent_give(
    *, actor, participant: Participant, intervention: Intervention, details: ConsentDetails
) -> Consent:
    """Record a consent for one intervention (a new intervention needs a new consent)."""
    if participant.is_anonymous and participant.anonymised_at:
        raise ValidationError("Personen är avidentifierad; registrera en ny person i stället.")
    if details.scope not in Consent.Scope.values:
        raise ValidationError({"scope": "Välj omfattning: registrering eller informationsutbyte."})
    if details.method not in Consent.Method.values:
        raise ValidationError({"method": "Välj hur samtycket gavs: skriftligt eller muntligt."})
    if details.given_on > timezone.localdate():
        raise ValidationError({"given_on": "Samtycket kan inte vara givet i framtiden."})
    consent = Consent.objects.create(
        participant=participant,
        intervention=intervention,
        scope=details.scope,
        method=details.method,
        given_on=details.given_on,
        language=details.language,
        witnessed_by=details.witnessed_by,
        recorded_by=actor,
    )
    audit.log(actor=actor, action=A.CREATE, obj=consent, detail={"participant": participant.pk})
    return consent


@transaction.atomic
def consent_record(
    *,
    actor,
    membership: Membership,
    participant: Participant,
    intervention: Intervention,
    details: ConsentDetails,
    personal_number: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Consent:
    """Record consent later, on the spot. An anonymous record becomes named with it: the
    person's number (and name) are added, or, when the number is already registered, the
    anonymous record's history moves to that person."""
    require_intervention_in_scope(membership, intervention)
    if Consent.objects.filter(
        active_consent_q(), participant=participant, intervention=intervention
    ).exists():
        raise ValidationError("Personen har redan ett aktivt samtycke för insatsen.")
    if participant.is_anonymous:
        if not personal_number:
            raise ValidationError(
                {
                    "personal_number": "Ange personnummer eller samordningsnummer för att "
                    "registrera personen med namn."
                }
            )
        try:
            number = parse_personal_number(personal_number, timezone.localdate())
        except PersonalNumberError as exc:
            raise ValidationError({"personal_number": str(exc)}) from exc
        digest = lookup_hash(number)
        if by_number_hash(Participant.objects.all(), digest).exists():
            raise ValidationError(
                {
                    "personal_number": "Numret är redan registrerat. Registrera personen med "
                    "numret under Ny deltagare; den anonyma registreringen finns kvar."
                }
            )
        participant.is_anonymous = False
        participant.personal_number = number.formatted
        participant.personal_number_hash = digest
        participant.is_coordination_number = number.is_coordination_number
        participant.birth_date = number.birth_date
        participant.birth_year = number.birth_year
        participant.first_name = first_name.strip()
        participant.last_name = last_name.strip()
        participant.full_clean(exclude=["personal_number_hash"])
        participant.save()
        audit.log(
            actor=actor,
            action=A.UPDATE,
            obj=participant,
            reason="samtycke",
            detail={"named": True, "intervention": intervention.code},
        )
    return consent_give(
        actor=actor, participant=participant, intervention=intervention, details=details
    )


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: date, note: str = "") -> Participant:
    """Withdraw a consent (SPEC §3). From that day the intervention's staff no longer see the
    person (unless another consent of theirs is in force), its active enrolment ends on that
    day, and no new registration is accepted there. The enrolment stays in the statistics;
    the identifying data goes at the next ``stegvis purge`` once no consent is in force and
    the federation's grace period has passed (docs/consent.md)."""
    if consent.withdrawn_on is not None:
        raise ValidationError("Samtycket är redan återkallat.")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Återkallelsen kan inte ligga före samtycket."})
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": "Återkallelsen kan inte ligga i framtiden."})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_recorded_by = actor
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawn_recorded_by", "withdrawal_note"])
    ended = []
    for enrolment in Enrolment.objects.filter(
        participant=consent.participant, intervention=consent.intervention, end_date__isnull=True
    ):
        enrolment.end_date = max(withdrawn_on, enrolment.start_date)
        enrolment.exit_reason = "annat"
        enrolment.exit_note = "Samtycket återkallat"
        enrolment.save(update_fields=["end_date", "exit_reason", "exit_note"])
        ended.append(enrolment.pk)
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=consent,
        detail={"withdrawn": True, "participant": consent.participant_id, "ended": ended},
    )
    return consent.participant


@transaction.atomic
def participant_anonymise(*, actor, participant: Participant, reason: str) -> Participant:
    """Reduce the record to gender, birth year and municipality; keep statistics intact.

    Other apps remove their free text about the person through ``hooks.on_anonymise``.
    """
    if participant.is_anonymous and not participant.personal_number:
        return participant
    if participant.birth_date:
        participant.birth_year = participant.birth_date.year
    participant.is_anonymous = True
    participant.personal_number = ""
    participant.personal_number_hash = ""
    participant.birth_date = None
    for name in _PERSONAL_FIELDS:
        default = Participant._meta.get_field(name).get_default()
        setattr(participant, name, default)
    participant.anonymised_at = timezone.now()
    participant.save()
    Referral.objects.filter(participant=participant).update(
        notes="", reason="(avidentifierad)", decline_reason=""
    )
    Consent.objects.filter(participant=participant).update(witnessed_by="", withdrawal_note="")
    HandOver.objects.filter(enrolment__participant=participant).update(note="")
    FollowUp.objects.filter(enrolment__participant=participant).update(note="")
    Enrolment.objects.filter(participant=participant).update(exit_note="")
    Consent.objects.filter(participant=participant).update(witnessed_by="", withdrawal_note="")
    Correction.objects.filter(participant=participant).update(values="", note="")
    hooks.run_anonymise(participant)
    audit.log(
        actor=actor, action=A.DELETE, obj=participant, reason=reason, detail={"anonymised": True}
    )
    return participant


def _facts(participant: Participant, referral: Referral) -> eligibility.Facts:
    on = referral.planned_start or referral.referred_on
    return eligibility.Facts(
        age=participant.age_on(on),
        born_abroad=participant.born_abroad,
        unemployed=referral.unemployed,
        income_months=referral.income_months or {},
        municipality=participant.municipality,
    )


def evaluate_referral(referral: Referral) -> list[eligibility.RuleResult]:
    rules = referral.intervention.eligibility_rules or []
    return eligibility.evaluate(rules, _facts(referral.participant, referral))


@transaction.atomic
def referral_create(
    *,
    actor,
    membership: Membership | None,
    participant: Participant,
    intervention: Intervention,
    reason: str,
    referred_on: date,
    planned_start: date | None = None,
    referring_authority=None,
    unemployed: bool | None = None,
    income_months: dict | None = None,
    notes: str = "",
) -> Referral:
    """A referral by staff in the intervention. ``membership`` None: the caller has checked
    the right to refer (a referrer at a member authority, stegvis.interventions.referrals)."""
    if membership is not None:
        require_intervention_in_scope(membership, intervention)
    if not reason.strip():
        raise ValidationError({"reason": "Ange skälet till anvisningen."})
    if intervention.closed_on is not None and referred_on >= intervention.closed_on:
        raise ValidationError(
            {"referred_on": f"Insatsen är stängd sedan {intervention.closed_on:%Y-%m-%d}."}
        )
    open_referral = Referral.objects.filter(
        participant=participant,
        intervention=intervention,
        status__in=[Referral.Status.PENDING, Referral.Status.WAITLISTED],
    ).exists()
    if open_referral:
        raise ValidationError("Personen har redan en öppen anvisning till insatsen.")
    referral = Referral(
        participant=participant,
        intervention=intervention,
        reason=reason,
        notes=notes,
        referred_on=referred_on,
        planned_start=planned_start,
        referring_authority=referring_authority or (membership.authority if membership else None),
        referred_by=actor,
        unemployed=unemployed,
        income_months={k: int(v) for k, v in (income_months or {}).items() if v not in ("", None)},
    )
    results = evaluate_referral(referral)
    referral.eligibility = [r.as_dict() for r in results]
    referral.eligible = eligibility.is_eligible(results)
    referral.save()
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=referral,
        detail={"participant": participant.pk, "eligible": referral.eligible},
    )
    return referral


def _decide(referral: Referral, actor, status: str, decided_on: date | None) -> None:
    if referral.status not in (Referral.Status.PENDING, Referral.Status.WAITLISTED):
        raise ValidationError("Anvisningen är redan beslutad.")
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on < referral.referred_on:
        raise ValidationError({"decided_on": "Beslutsdatumet ligger före anvisningsdatumet."})
    if decided_on > today:
        raise ValidationError({"decided_on": "Beslutsdatumet ligger i framtiden."})
    referral.status = status
    referral.decided_on = decided_on
    referral.decided_by = actor


@transaction.atomic
def referral_accept(
    *,
    actor,
    membership: Membership,
    referral: Referral,
    start_date: date,
    main_contact: Membership | None = None,
    income_sources_before: list[str] = (),
    af_code_before: str = "",
    education_level: str = "",
    time_outside: str = "",
    decided_on: date | None = None,
) -> Enrolment:
    require_intervention_in_scope(membership, referral.intervention)
    require_active_consent(referral.participant, referral.intervention)
    _decide(referral, actor, Referral.Status.ACCEPTED, decided_on)
    referral.waitlist_position = None
    referral.save()
    audit.log(actor=actor, action=A.UPDATE, obj=referral, detail={"status": referral.status})
    return enrolment_create(
        actor=actor,
        membership=membership,
        participant=referral.participant,
        intervention=referral.intervention,
        referral=referral,
        start_date=start_date,
        main_contact=main_contact,
        income_sources_before=list(income_sources_before),
        af_code_before=af_code_before,
        education_level=education_level or referral.participant.education_level,
        time_outside=time_outside,
    )


@transaction.atomic
def referral_waitlist(
    *, actor, membership: Membership, referral: Referral, decided_on: date | None = None
) -> Referral:
    require_intervention_in_scope(membership, referral.intervention)
    if referral.status != Referral.Status.PENDING:
        raise ValidationError("Bara en obeslutad anvisning kan sättas på väntelistan.")
    _decide(referral, actor, Referral.Status.WAITLISTED, decided_on)
    last = Referral.objects.filter(
        intervention=referral.intervention, status=Referral.Status.WAITLISTED
    ).aggregate(m=Max("waitlist_position"))["m"]
    referral.waitlist_position = (last or 0) + 1
    referral.save()
    audit.log(actor=actor, action=A.UPDATE, obj=referral, detail={"status": referral.status})
    return referral


@transaction.atomic
def referral_decline(
    *,
    actor,
    membership: Membership,
    referral: Referral,
    reason: str,
    decided_on: date | None = None,
) -> Referral:
    require_intervention_in_scope(membership, referral.intervention)
    if not reason.strip():
        raise ValidationError({"decline_reason": "Ange skälet till att anvisningen avböjs."})
    _decide(referral, actor, Referral.Status.DECLINED, decided_on)
    referral.decline_reason = reason
    referral.waitlist_position = None
    referral.save()
    _renumber_waitlist(referral.intervention)
    audit.log(actor=actor, action=A.UPDATE, obj=referral, detail={"status": referral.status})
    return referral


def _renumber_waitlist(intervention: Intervention) -> None:
    queue = list(
        Referral.objects.select_for_update()
        .filter(intervention=intervention, status=Referral.Status.WAITLISTED)
        .order_by("waitlist_position", "referred_on", "id")
    )
    for position, item in enumerate(queue, start=1):
        if item.waitlist_position != position:
            item.waitlist_position = position
            item.save(update_fields=["waitlist_position"])


@transaction.atomic
def waitlist_move(*, actor, membership: Membership, referral: Referral, steps: int) -> None:
    """Move a waiting referral up (negative steps) or down the intervention's queue."""
    require_intervention_in_scope(membership, referral.intervention)
    if referral.status != Referral.Status.WAITLISTED:
        raise ValidationError("Anvisningen står inte på väntelistan.")
    _renumber_waitlist(referral.intervention)
    queue = list(
        Referral.objects.filter(
            intervention=referral.intervention, status=Referral.Status.WAITLISTED
        ).order_by("waitlist_position")
    )
    index = next(i for i, r in enumerate(queue) if r.pk == referral.pk)
    new_index = max(0, min(len(queue) - 1, index + steps))
    queue.insert(new_index, queue.pop(index))
    for position, item in enumerate(queue, start=1):
        if item.waitlist_position != position:
            item.waitlist_position = position
            item.save(update_fields=["waitlist_position"])
    audit.log(
        actor=actor, action=A.UPDATE, obj=referral, detail={"waitlist_position": new_index + 1}
    )


def _check_overlap(
    participant: Participant,
    intervention: Intervention,
    start: date,
    end: date | None,
    exclude_pk: int | None = None,
) -> None:
    """One person cannot have two overlapping enrolments in the same intervention."""
    others = Enrolment.objects.filter(participant=participant, intervention=intervention)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    # Two periods overlap when each starts before (or on the day) the other ends.
    overlapping = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start_date__lte=end)
    if overlapping.exists():
        raise ValidationError(
            {"start_date": "Personen har redan ett deltagande i insatsen som överlappar perioden."}
        )


def enrolment_date_errors(
    *, referral: Referral | None, start_date: date, end_date: date | None
) -> dict[str, str]:
    """The date order of an enrolment: not before its referral, not ending before it starts."""
    errors = {}
    if referral is not None and referral.referred_on and start_date < referral.referred_on:
        errors["start_date"] = (
            f"Deltagandet kan inte börja före anvisningen ({referral.referred_on:%Y-%m-%d})."
        )
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "Slutdatumet ligger före startdatumet."
    return errors


@transaction.atomic
def enrolment_create(
    *,
    actor,
    membership: Membership | None,
    participant: Participant,
    intervention: Intervention,
    start_date: date,
    referral: Referral | None = None,
    main_contact: Membership | None = None,
    income_sources_before: list[str] = (),
    af_code_before: str = "",
    education_level: str = "",
    time_outside: str = "",
    end_date: date | None = None,
    imported: bool = False,
) -> Enrolment:
    if membership is not None:
        require_intervention_in_scope(membership, intervention)
    if not intervention.is_individual:
        raise ValidationError("En strukturinriktad insats har inga deltagare.")
    if not imported:
        require_active_consent(participant, intervention)
    errors = enrolment_date_errors(referral=referral, start_date=start_date, end_date=end_date)
    if errors:
        raise ValidationError(errors)
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    _check_overlap(participant, intervention, start_date, end_date)
    enrolment = Enrolment.objects.create(
        participant=participant,
        intervention=intervention,
        referral=referral,
        start_date=start_date,
        end_date=end_date,
        main_contact=main_contact,
        income_sources_before=list(income_sources_before),
        af_code_before=af_code_before,
        education_level=education_level,
        time_outside=time_outside,
        imported=imported,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=enrolment,
        detail={"participant": participant.pk, "intervention": intervention.code},
    )
    return enrolment


@transaction.atomic
def enrolment_hand_over(
    *,
    actor,
    membership: Membership,
    enrolment: Enrolment,
    to_contact: Membership,
    handed_over_on: date,
    note: str = "",
) -> HandOver:
    require_intervention_in_scope(membership, enrolment.intervention)
    require_active_consent(enrolment.participant, enrolment.intervention)
    if to_contact.pk == enrolment.main_contact_id:
        raise ValidationError({"to_contact": "Personen är redan huvudkontakt."})
    if not to_contact.is_active:
        raise ValidationError({"to_contact": "Medarbetaren är inte aktiv."})
    handover = HandOver.objects.create(
        enrolment=enrolment,
        from_contact_id=enrolment.main_contact_id,
        to_contact=to_contact,
        handed_over_on=handed_over_on,
        note=note,
        recorded_by=actor,
    )
    enrolment.main_contact = to_contact
    enrolment.save(update_fields=["main_contact"])
    audit.log(actor=actor, action=A.UPDATE, obj=enrolment, detail={"main_contact": to_contact.pk})
    return handover


def enrolment_exit_errors(
    *, enrolment: Enrolment, end_date: date | None, exit_reason: str | None
) -> dict[str, str]:
    """Every reason an exit is refused, at once, for the form, the API and the import alike."""
    from stegvis.core import reference

    errors = {}
    if end_date is not None and end_date < enrolment.start_date:
        errors["end_date"] = "Slutdatumet ligger före startdatumet."
    if exit_reason is not None and exit_reason not in reference.keys(reference.Kind.EXIT_REASON):
        errors["exit_reason"] = "Välj en avslutsorsak."
    return errors


@transaction.atomic
def enrolment_exit(
    *,
    actor,
    membership: Membership | None,
    enrolment: Enrolment,
    end_date: date,
    exit_reason: str,
    income_sources_after: list[str] = (),
    af_code_after: str = "",
    note: str = "",
) -> Enrolment:
    """End an enrolment with its reason and out-registration (SPEC §7)."""
    from stegvis.core import reference

    if membership is not None:
        require_intervention_in_scope(membership, enrolment.intervention)
        require_active_consent(enrolment.participant, enrolment.intervention)
    if enrolment.end_date is not None:
        raise ValidationError("Deltagandet är redan avslutat.")
    errors = enrolment_exit_errors(enrolment=enrolment, end_date=end_date, exit_reason=exit_reason)
    if errors:
        raise ValidationError(errors)
    enrolment.end_date = end_date
    enrolment.exit_reason = exit_reason
    enrolment.income_sources_after = list(income_sources_after)
    enrolment.af_code_after = af_code_after
    enrolment.exit_note = note
    enrolment.save()
    followups = []
    if exit_reason not in reference.keys_with_flag(
        reference.Kind.EXIT_REASON, "excluded_from_statistics"
    ):
        followups = followups_plan(enrolment)
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=enrolment,
        detail={"exit_reason": exit_reason, "followups": len(followups)},
    )
    return enrolment


def followups_plan(enrolment: Enrolment, *, only_from: date | None = None) -> list[FollowUp]:
    """Create the 6- and 12-month follow-up tasks of an exited enrolment (SPEC §7).

    ``only_from`` skips tasks due before that day (imported history: nobody will follow up
    people who left years ago).
    """
    existing = set(enrolment.followups.values_list("months", flat=True))
    new = [
        FollowUp(
            federation_id=enrolment.federation_id,
            enrolment=enrolment,
            months=months,
            due_on=add_months(enrolment.end_date, months),
        )
        for months in FollowUp.MONTHS
        if months not in existing
    ]
    if only_from is not None:
        new = [f for f in new if f.due_on >= only_from]
    return FollowUp.objects.bulk_create(new)


@transaction.atomic
def enrolment_mark_error(
    *, actor, membership: Membership | None, enrolment: Enrolment
) -> Enrolment:
    """Felregistrering: the enrolment was registered in error. It leaves every statistic, and
    its open follow-ups are dropped. An active enrolment ends on its start date."""
    from stegvis.core import reference

    if membership is not None:
        require_intervention_in_scope(membership, enrolment.intervention)
    keys = reference.keys_with_flag(reference.Kind.EXIT_REASON, "excluded_from_statistics")
    if not keys:
        raise ValidationError("Förbundets lista över avslutsorsaker saknar felregistrering.")
    if enrolment.exit_reason in keys:
        raise ValidationError("Deltagandet är redan markerat som felregistrering.")
    enrolment.exit_reason = sorted(keys)[0]
    if enrolment.end_date is None:
        enrolment.end_date = enrolment.start_date
    enrolment.save(update_fields=["exit_reason", "end_date"])
    dropped, _ = enrolment.followups.filter(status=FollowUp.Status.PLANNED).delete()
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=enrolment,
        detail={"exit_reason": enrolment.exit_reason, "followups_dropped": dropped},
    )
    return enrolment


@transaction.atomic
def followup_record(
    *,
    actor,
    membership: Membership | None,
    followup: FollowUp,
    done_on: date,
    reached: bool,
    situation: str = "",
    income_sources: list[str] = (),
    af_code: str = "",
    note: str = "",
) -> FollowUp:
    """Register a 6- or 12-month follow-up: what the person does now, or that they could not
    be reached. May be corrected later (the last registration counts)."""
    from stegvis.core import reference

    enrolment = followup.enrolment
    if membership is not None:
        require_intervention_in_scope(membership, enrolment.intervention)
        require_active_consent(enrolment.participant, enrolment.intervention)
    if done_on < enrolment.end_date:
        raise ValidationError({"done_on": "Uppföljningen kan inte göras före avslutet."})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Datumet ligger i framtiden."})
    if reached:
        if situation not in FollowUp.Situation.values:
            raise ValidationError({"situation": "Ange vad personen gör nu."})
        unknown = set(income_sources) - set(reference.keys(reference.Kind.INCOME_SOURCE))
        if unknown:
            raise ValidationError({"income_sources": "Okänd försörjningskälla."})
        if af_code and af_code not in reference.keys(reference.Kind.AF_CODE):
            raise ValidationError({"af_code": "Okänd AF-kod."})
    else:
        situation, income_sources, af_code = "", [], ""
    followup.status = FollowUp.Status.DONE if reached else FollowUp.Status.NOT_REACHED
    followup.done_on = done_on
    followup.situation = situation
    followup.income_sources = list(income_sources)
    followup.af_code = af_code
    followup.note = note
    followup.recorded_by = actor
    followup.save()
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=followup,
        detail={"enrolment": enrolment.pk, "months": followup.months, "status": followup.status},
    )
    return followup


@dataclass
class PurgeReport:
    anonymised: list[int] = field(default_factory=list)
    cutoff: date | None = None

    @property
    def count(self) -> int:
        return len(self.anonymised)


@transaction.atomic
def participants_purge(*, actor, today: date, dry_run: bool) -> PurgeReport:
    """Gallring: anonymise people whose last enrolment ended longer ago than the federation's
    retention time (more than N days ago), and people with only declined referrals that old.
    Statistics are kept."""
    from stegvis.core.tenancy import require_federation

    federation = require_federation()
    days = int(federation.setting("retention_days_after_exit"))
    cutoff = today - timedelta(days=days)
    recent = Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=cutoff)
    open_referrals = Q(referrals__status__in=[Referral.Status.PENDING, Referral.Status.WAITLISTED])
    recent_referrals = Q(referrals__referred_on__gte=cutoff)
    retained = set(
        Participant.objects.filter(is_anonymous=False)
        .exclude(recent)
        .exclude(open_referrals)
        .exclude(recent_referrals)
        .exclude(consents__given_on__gte=cutoff)
        .values_list("pk", flat=True)
    )
    # Withdrawn consent: once no consent is in force and the grace period has passed, the
    # identifying data goes, whatever the retention time (docs/consent.md).
    grace = int(federation.setting("purge_days_after_withdrawal"))
    withdrawn_by = today - timedelta(days=grace)
    withdrawn = set(
        Participant.objects.filter(is_anonymous=False, consents__withdrawn_on__lte=withdrawn_by)
        .exclude(consents__in=Consent.objects.filter(active_consent_q(today)))
        .exclude(consents__withdrawn_on__gt=withdrawn_by)
        .values_list("pk", flat=True)
    )
    candidates = Participant.objects.filter(pk__in=retained | withdrawn).order_by("pk")
    report = PurgeReport(cutoff=cutoff)
    for participant in candidates:
        report.anonymised.append(participant.pk)
        if not dry_run:
            reason = "samtycke återkallat" if participant.pk in withdrawn else "gallring"
            participant_anonymise(actor=actor, participant=participant, reason=reason)
    audit.log(
        actor=actor,
        action=A.DELETE,
        object_type="purge",
        object_id=str(today),
        reason="gallring" + (" (provkörning)" if dry_run else ""),
        detail={
            "count": report.count,
            "withdrawn": len(withdrawn),
            "cutoff": cutoff.isoformat(),
            "dry_run": dry_run,
        },
    )
    return report
