"""Reads of personal data. Every function checks the role and writes the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from stegvis.core import audit
from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.participants.access import (
    can_see_personal_data,
    intervention_ids_in_scope,
    require_personal_data,
)
from stegvis.participants.models import (
    Consent,
    Enrolment,
    FollowUp,
    HandOver,
    Participant,
    Referral,
)


def participants_in_scope(membership: Membership) -> QuerySet[Participant]:
    """Participants the membership may see, unread (callers log what they show)."""
    require_personal_data(membership)
    qs = Participant.objects.all()
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return qs
    ids = intervention_ids_in_scope(membership)
    return qs.filter(
        Exists(Enrolment.objects.filter(participant=OuterRef("pk"), intervention_id__in=ids))
        | Exists(Referral.objects.filter(participant=OuterRef("pk"), intervention_id__in=ids))
        | Exists(Consent.objects.filter(participant=OuterRef("pk"), intervention_id__in=ids))
    )


def participant_get(*, membership: Membership, pk: int, reason: str = "") -> Participant:
    """One participant, or 404 when outside the membership's scope. Logged as a read.

    A referrer has no personal data: the people he referred do not exist for him (404), he
    sees only his own referrals (:mod:`stegvis.interventions.referrals`)."""
    if membership.has_perm(Perm.REFER_PARTICIPANTS) and not can_see_personal_data(membership):
        raise Http404("Sidan finns inte.")
    participant = get_object_or_404(participants_in_scope(membership), pk=pk)
    audit.log(actor=membership.user, action=audit.Action.READ, obj=participant, reason=reason)
    return participant


def participants_list(
    *, membership: Membership, query: str = "", intervention_id: int | None = None
) -> QuerySet[Participant]:
    qs = participants_in_scope(membership)
    if intervention_id:
        linked = {"participant": OuterRef("pk"), "intervention_id": intervention_id}
        qs = qs.filter(
            Exists(Enrolment.objects.filter(**linked))
            | Exists(Referral.objects.filter(**linked))
            | Exists(Consent.objects.filter(**linked))
        )
    if query:
        qs = qs.filter(_name_query(query))
    return qs.order_by("is_anonymous", "last_name", "first_name", "pk")


def _name_query(query: str) -> Q:
    q = Q()
    for word in query.split():
        q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    if query.upper().startswith("D-") and query[2:].isdigit():
        q = Q(pk=int(query[2:]))
    return q


@dataclass
class CaseloadFilters:
    intervention_id: int | None = None
    status: str = "active"  # active | exited | all
    mine: bool = True
    query: str = ""


def caseload(*, membership: Membership, filters: CaseloadFilters) -> QuerySet[Enrolment]:
    """Enrolments in the membership's interventions ("mina deltagare")."""
    require_personal_data(membership)
    qs = Enrolment.objects.filter(intervention_id__in=intervention_ids_in_scope(membership))
    if filters.intervention_id:
        qs = qs.filter(intervention_id=filters.intervention_id)
    if filters.status == "active":
        qs = qs.filter(end_date__isnull=True)
    elif filters.status == "exited":
        qs = qs.filter(end_date__isnull=False)
    if filters.mine:
        qs = qs.filter(main_contact=membership)
    if filters.query:
        words = Q()
        for word in filters.query.split():
            words &= Q(participant__first_name__icontains=word) | Q(
                participant__last_name__icontains=word
            )
        qs = qs.filter(words)
    return (
        qs.select_related("participant", "intervention", "main_contact__user")
        .only(*CASELOAD_FIELDS)
        .order_by(
            "participant__is_anonymous",
            "participant__last_name",
            "participant__first_name",
            "-start_date",
        )
    )


# What a caseload row shows: a person's encrypted personnummer, contact details and background
# are not read for a list of 40. (The query-count test catches a row reading anything else.)
CASELOAD_FIELDS = (
    "federation_id",
    "start_date",
    "end_date",
    "participant__federation_id",
    "participant__first_name",
    "participant__last_name",
    "participant__is_anonymous",
    "participant__gender",
    "participant__birth_year",
    "intervention__federation_id",
    "intervention__code",
    "intervention__name",
    "main_contact__federation_id",
    "main_contact__user__username",
    "main_contact__user__first_name",
    "main_contact__user__last_name",
)


def log_listed(*, membership: Membership, participants, reason: str) -> None:
    """One read entry per person shown, however many of the listed rows are theirs."""
    people = {p.pk: p for p in participants}
    audit.log_reads(actor=membership.user, objects=list(people.values()), reason=reason)


def waitlist(*, membership: Membership, intervention) -> QuerySet[Referral]:
    require_personal_data(membership)
    from stegvis.participants.access import require_intervention_in_scope

    require_intervention_in_scope(membership, intervention)
    return (
        Referral.objects.filter(intervention=intervention, status=Referral.Status.WAITLISTED)
        .select_related("participant", "referring_authority")
        .order_by("waitlist_position", "referred_on")
    )


def pending_referrals(*, membership: Membership) -> QuerySet[Referral]:
    require_personal_data(membership)
    return (
        Referral.objects.filter(
            intervention_id__in=intervention_ids_in_scope(membership),
            status=Referral.Status.PENDING,
        )
        .select_related("participant", "intervention")
        .order_by("referred_on")
    )


def referral_get(*, membership: Membership, pk: int) -> Referral:
    require_personal_data(membership)
    referral = get_object_or_404(
        Referral.objects.filter(
            intervention_id__in=intervention_ids_in_scope(membership)
        ).select_related("participant", "intervention", "referring_authority"),
        pk=pk,
    )
    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=referral.participant,
        reason="anvisning",
    )
    return referral


def enrolment_get(*, membership: Membership, pk: int) -> Enrolment:
    require_personal_data(membership)
    enrolment = get_object_or_404(
        Enrolment.objects.filter(
            intervention_id__in=intervention_ids_in_scope(membership)
        ).select_related("participant", "intervention", "main_contact__user"),
        pk=pk,
    )
    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=enrolment.participant,
        reason="deltagande",
    )
    return enrolment


def followups_list(*, membership: Membership, status: str, today: date) -> QuerySet[FollowUp]:
    """Follow-up tasks in the membership's interventions: ``due`` (overdue or due within 30
    days), ``open`` (not done) or ``done``. Case workers see their own cases first."""
    from datetime import timedelta

    require_personal_data(membership)
    qs = FollowUp.objects.filter(
        enrolment__intervention_id__in=intervention_ids_in_scope(membership)
    ).select_related(
        "enrolment__participant", "enrolment__intervention", "enrolment__main_contact__user"
    )
    if status == "done":
        return qs.exclude(status=FollowUp.Status.PLANNED).order_by("-done_on", "-id")
    qs = qs.filter(status=FollowUp.Status.PLANNED)
    if status == "due":
        qs = qs.filter(due_on__lte=today + timedelta(days=30))
    return qs.order_by("due_on", "id")


def followup_get(*, membership: Membership, pk: int) -> FollowUp:
    require_personal_data(membership)
    followup = get_object_or_404(
        FollowUp.objects.filter(
            enrolment__intervention_id__in=intervention_ids_in_scope(membership)
        ).select_related("enrolment__participant", "enrolment__intervention"),
        pk=pk,
    )
    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=followup.enrolment.participant,
        reason="uppföljning",
    )
    return followup


@memoized(lambda participant, membership: (participant.pk, membership.pk))
def enrolments_of(participant: Participant, membership: Membership) -> list[Enrolment]:
    """The person's enrolments in the viewer's interventions, with exit reason labels."""
    from stegvis.core import reference

    ids = intervention_ids_in_scope(membership)
    enrolments = list(
        participant.enrolments.filter(intervention_id__in=ids)
        .select_related("intervention", "main_contact__user")
        .prefetch_related(
            Prefetch(
                "handovers",
                queryset=HandOver.objects.select_related("from_contact__user", "to_contact__user"),
            ),
            "followups",
        )
    )
    labels = reference.labels(reference.Kind.EXIT_REASON)
    for enrolment in enrolments:
        enrolment.exit_reason_label = labels.get(enrolment.exit_reason, enrolment.exit_reason)
    return enrolments


@dataclass(frozen=True)
class TimelineEvent:
    when: date | datetime
    title: str
    text: str = ""
    kind: str = ""


# Other apps add providers: function(participant, membership) -> iterable of TimelineEvent.
TIMELINE_PROVIDERS: list = []

# Other apps add sections to the participant page: function(participant, membership) -> dict
# with "title" and "template" (the rest is the template's context as ``section``), or None.
PARTICIPANT_SECTIONS: list = []


@memoized(lambda participant: (participant.pk,))
def consents_of(participant: Participant) -> tuple[Consent, ...]:
    """All the person's consents with their interventions (the page lists every one; the
    timeline keeps those in scope)."""
    return tuple(participant.consents.select_related("intervention"))


@memoized(lambda participant: (participant.pk,))
def referrals_of(participant: Participant) -> tuple[Referral, ...]:
    return tuple(participant.referrals.select_related("intervention"))


def participant_sections(participant: Participant, membership: Membership) -> list[dict]:
    built = (section(participant, membership) for section in PARTICIPANT_SECTIONS)
    return [section for section in built if section]


def timeline(participant: Participant, membership: Membership) -> list[TimelineEvent]:
    """Everything that happened to the person, newest first, within the viewer's scope."""
    from stegvis.core import reference

    ids = intervention_ids_in_scope(membership)
    exit_labels = reference.labels(reference.Kind.EXIT_REASON)
    events: list[TimelineEvent] = []
    for c in (c for c in consents_of(participant) if c.intervention_id in ids):
        events.append(
            TimelineEvent(
                c.given_on,
                f"Samtycke ({c.get_method_display().lower()})",
                f"{c.intervention.name}: {c.get_scope_display()}",
                "consent",
            )
        )
        if c.withdrawn_on:
            events.append(
                TimelineEvent(c.withdrawn_on, "Samtycke återkallat", c.intervention.name, "consent")
            )
    for r in (r for r in referrals_of(participant) if r.intervention_id in ids):
        events.append(TimelineEvent(r.referred_on, "Anvisad", r.intervention.name, "referral"))
        if r.decided_on:
            events.append(
                TimelineEvent(
                    r.decided_on,
                    f"Beslut: {r.get_status_display()}",
                    r.decline_reason or r.intervention.name,
                    "referral",
                )
            )
    for e in enrolments_of(participant, membership):
        events.append(TimelineEvent(e.start_date, "Inskriven", e.intervention.name, "enrolment"))
        for h in e.handovers.all():
            to = h.to_contact.user.display_name() if h.to_contact else "–"
            events.append(TimelineEvent(h.handed_over_on, "Ny huvudkontakt", to, "handover"))
        if e.end_date:
            reason = exit_labels.get(e.exit_reason, e.exit_reason)
            events.append(
                TimelineEvent(e.end_date, f"Avslutad: {reason}", e.intervention.name, "exit")
            )
        for f in e.followups.all():
            if f.done_on:
                text = f.get_situation_display() if f.situation else f.get_status_display()
                events.append(
                    TimelineEvent(
                        f.done_on, f"Uppföljning efter {f.months} månader", text, "followup"
                    )
                )
    for provider in TIMELINE_PROVIDERS:
        events.extend(provider(participant, membership))

    def sort_key(event: TimelineEvent):
        when = event.when
        return when.date() if isinstance(when, datetime) else when

    return sorted(events, key=sort_key, reverse=True)
