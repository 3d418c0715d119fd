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
from stegvis.participants.access import require_intervention_in_scope
from stegvis.participants.models import (
    Consent,
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


@transaction.atomic
def participant_register(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    details: PersonDetails,
    consent: ConsentDetails | None,
) -> tuple[Participant, bool]:
    """Register a person for an intervention, or find them again by their number.

    Without consent, or with protected identity, only an anonymous record is created.
    Returns ``(participant, created)``.
    """
    require_intervention_in_scope(membership, intervention)
    anonymous = consent is None or details.protected_identity
    participant = None
    number = None
    if not anonymous:
        if not details.personal_number:
            raise ValidationError({"personal_number": "Ange personnummer eller samordningsnummer."})
        try:
            number = parse_personal_number(details.personal_number, timezone.localdate())
        except PersonalNumberError as exc:
            raise ValidationError({"personal_number": str(exc)}) from exc
        digest = lookup_hash(number)
        participant = by_number_hash(Participant.objects.select_for_update(), digest).first()
    created = participant is None
    if created:
        participant = Participant(created_by=actor)
    if anonymous:
        if details.birth_year is None:
            raise ValidationError({"birth_year": "Ange födelseår."})
        participant.is_anonymous = True
        participant.protected_identity = details.protected_identity
        participant.birth_year = details.birth_year
        participant.gender = details.gender
        participant.municipality = details.municipality
    else:
        participant.is_anonymous = False
        participant.personal_number = number.formatted
        participant.personal_number_hash = lookup_hash(number)
        participant.is_coordination_number = number.is_coordination_number
        participant.birth_date = number.birth_date
        participant.birth_year = number.birth_year
        participant.gender = details.gender or number.gender
        participant.municipality = details.municipality or participant.municipality
        for name in _PERSONAL_FIELDS:
            value = getattr(details, name)
            if value not in ("", None, []) or created:
                setattr(participant, name, value)
    participant.full_clean(exclude=["personal_number_hash"])
    participant.save()
    if consent is not None and not details.protected_identity:
        consent_give(
            actor=actor, participant=participant, intervention=intervention, details=consent
        )
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=participant,
        detail={"intervention": intervention.code, "anonymous": participant.is_anonymous},
    )
    return participant, created


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
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: date, note: str = "") -> Participant:
    """Withdraw a consent. When no active consent remains, the record becomes anonymous."""
    if consent.withdrawn_on is not None:
        raise ValidationError("Samtycket är redan återkallat.")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Återkallelsen kan inte ligga före samtycket."})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_recorded_by = actor
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawn_recorded_by", "withdrawal_note"])
    audit.log(actor=actor, action=A.UPDATE, obj=consent, detail={"withdrawn": True})
    participant = consent.participant
    if not participant.consents.filter(withdrawn_on__isnull=True).exists():
        participant_anonymise(actor=actor, participant=participant, reason="consent_withdrawn")
    return participant


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
    Referral.objects.filter(participant=participant).update(notes="", reason="(avidentifierad)")
    HandOver.objects.filter(enrolment__participant=participant).update(note="")
    FollowUp.objects.filter(enrolment__participant=participant).update(note="")
    Enrolment.objects.filter(participant=participant).update(exit_note="")
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
    membership: Membership,
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
    require_intervention_in_scope(membership, intervention)
    if not reason.strip():
        raise ValidationError({"reason": "Ange skälet till anvisningen."})
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
        referring_authority=referring_authority or membership.authority,
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
    referral.status = status
    referral.decided_on = decided_on or timezone.localdate()
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
    candidates = (
        Participant.objects.filter(is_anonymous=False)
        .exclude(recent)
        .exclude(open_referrals)
        .exclude(recent_referrals)
        .exclude(consents__given_on__gte=cutoff)
        .distinct()
        .order_by("pk")
    )
    report = PurgeReport(cutoff=cutoff)
    for participant in candidates:
        report.anonymised.append(participant.pk)
        if not dry_run:
            participant_anonymise(actor=actor, participant=participant, reason="gallring")
    audit.log(
        actor=actor,
        action=A.DELETE,
        object_type="purge",
        object_id=str(today),
        reason="gallring" + (" (provkörning)" if dry_run else ""),
        detail={"count": report.count, "cutoff": cutoff.isoformat(), "dry_run": dry_run},
    )
    return report
