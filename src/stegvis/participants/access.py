"""Who may see which participants, and which of their interventions (SPEC §1, §3).

Consent is the gate. A case worker sees a named person only through an intervention he works
in where the person has an active consent (or an open referral to it that no withdrawal has
overtaken); anonymous records, which hold no identifying data, through any referral, consent or
enrolment in his interventions. Of a visible person he sees the sections of those
interventions, plus those of interventions whose consent has the scope ``sharing``. The
federation administrator sees no personal data; emergency access (``core.emergency``) lends the
right to see everyone for a few hours. Every other role sees no personal data at all.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention


def can_see_personal_data(membership: Membership | None) -> bool:
    return bool(membership) and (
        membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
    )


def require_personal_data(membership: Membership | None) -> None:
    if not can_see_personal_data(membership):
        raise PermissionDenied("Din roll har inte behörighet till personuppgifter.")


def interventions_in_scope(membership: Membership) -> QuerySet[Intervention]:
    """Interventions whose participants the membership may work with."""
    require_personal_data(membership)
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return Intervention.objects.all()
    return Intervention.objects.filter(staff=membership)


@memoized(
    lambda membership: (membership.pk, membership.roles, membership.emergency_access_active())
)
def intervention_ids_in_scope(membership: Membership) -> frozenset[int]:
    return frozenset(interventions_in_scope(membership).values_list("id", flat=True))


def require_intervention_in_scope(membership: Membership, intervention: Intervention) -> None:
    if intervention.id not in intervention_ids_in_scope(membership):
        raise PermissionDenied("Du arbetar inte i den här insatsen.")


OPEN_REFERRAL = ("pending", "waitlisted")


def active_consent_q(on: date | None = None, prefix: str = "") -> Q:
    """Consents in force on ``on``: given by then and not withdrawn by then."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}given_on__lte": on}) & (
        Q(**{f"{prefix}withdrawn_on__isnull": True}) | Q(**{f"{prefix}withdrawn_on__gt": on})
    )


def consent_is_active(consent, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return consent.given_on <= on and (consent.withdrawn_on is None or consent.withdrawn_on > on)


def visible_q(ids, on: date | None = None, user=None) -> Q:
    """The participants visible through the interventions ``ids`` (see the module text)."""
    from stegvis.participants.models import Consent, Enrolment, Referral

    on = on or timezone.localdate()
    person = OuterRef("pk")
    consent_in_force = Consent.objects.filter(
        active_consent_q(on), participant=person, intervention_id__in=ids
    )
    overtaken = Consent.objects.filter(
        participant=OuterRef("participant"),
        intervention=OuterRef("intervention"),
        withdrawn_on__lte=on,
        withdrawn_on__gte=OuterRef("referred_on"),
    )
    open_referral = Referral.objects.filter(
        participant=person, intervention_id__in=ids, status__in=OPEN_REFERRAL
    ).exclude(Exists(overtaken))
    named = Q(is_anonymous=False) & (Exists(consent_in_force) | Exists(open_referral))
    linked = {"participant": person, "intervention_id__in": ids}
    anonymous = Q(is_anonymous=True) & (
        Exists(Enrolment.objects.filter(**linked))
        | Exists(Referral.objects.filter(**linked))
        | Exists(Consent.objects.filter(**linked))
    )
    if user is not None:
        # A record just registered anonymously, before its referral: its registrant's.
        anywhere = {"participant": person}
        anonymous |= (
            Q(is_anonymous=True, created_by=user)
            & ~Exists(Enrolment.objects.filter(**anywhere))
            & ~Exists(Referral.objects.filter(**anywhere))
            & ~Exists(Consent.objects.filter(**anywhere))
        )
    return named | anonymous


def visible_intervention_ids(participant, membership: Membership) -> frozenset[int]:
    """The interventions whose sections of this person the membership may see (empty: the
    person is outside the membership's scope)."""
    return _visible_ids(participant, membership)


@memoized(
    lambda participant, membership: (
        participant.pk,
        membership.pk,
        membership.roles,
        membership.emergency_access_active(),
    )
)
def _visible_ids(participant, membership: Membership) -> frozenset[int]:
    from stegvis.participants.models import Consent
    from stegvis.participants.selectors import consents_of, referrals_of

    if not can_see_personal_data(membership) or participant.pk is None:
        return frozenset()
    consents = consents_of(participant)
    referrals = referrals_of(participant)
    enrolled = enrolled_intervention_ids(participant)
    linked = (
        {c.intervention_id for c in consents} | {r.intervention_id for r in referrals} | enrolled
    )
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return frozenset(linked)
    scope = intervention_ids_in_scope(membership)
    if participant.is_anonymous:
        return frozenset(linked & scope)
    today = timezone.localdate()
    in_force = {c.intervention_id: c for c in consents if consent_is_active(c, today)}
    own = {i for i in in_force if i in scope}
    withdrawn: dict[int, date] = {}
    for c in consents:
        if c.withdrawn_on and c.withdrawn_on <= today:
            withdrawn[c.intervention_id] = max(
                c.withdrawn_on, withdrawn.get(c.intervention_id, c.withdrawn_on)
            )
    for r in referrals:
        if r.intervention_id in scope and r.status in OPEN_REFERRAL:
            last = withdrawn.get(r.intervention_id)
            if last is None or last < r.referred_on:
                own.add(r.intervention_id)
    if not own:
        return frozenset()
    shared = {i for i, c in in_force.items() if c.scope == Consent.Scope.SHARING}
    return frozenset(own | shared)


@memoized(lambda participant: (participant.pk,))
def enrolled_intervention_ids(participant) -> frozenset[int]:
    from stegvis.participants.selectors import all_enrolments_of

    return frozenset(e.intervention_id for e in all_enrolments_of(participant))


class ConsentRequired(ValidationError):
    """A write of personal data in an intervention without the person's consent for it."""


def require_active_consent(participant, intervention, on: date | None = None) -> None:
    """Consent is the gate (SPEC §3): a named person's data is written in an intervention
    only while he has an active consent for that intervention. Anonymous records hold no
    identifying data and need none."""
    from stegvis.participants.models import Consent

    if participant.is_anonymous:
        return
    on = on or timezone.localdate()
    if (
        Consent.objects.filter(participant=participant, intervention=intervention)
        .filter(active_consent_q(on))
        .exists()
    ):
        return
    raise ConsentRequired(
        f"Samtycke saknas: personen har inget aktivt samtycke för insatsen "
        f"{intervention.code} ({intervention.name}). Registrera samtycket först; "
        "inget har sparats."
    )
