"""Reads of personal data. Every function checks the role and writes the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.participants.access import (
    active_consent_q,
    can_see_personal_data,
    intervention_ids_in_scope,
    require_personal_data,
    visible_intervention_ids,
    visible_q,
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
    return qs.filter(visible_q(intervention_ids_in_scope(membership), user=membership.user))


def in_scope(participant: Participant, membership: Membership) -> bool:
    """Whether ``participants_in_scope(membership)`` holds this person, decided from his
    consents, referrals and enrolments (read once per request, and needed by the page anyway)
    instead of the scope's subqueries, whose planning alone costs more than one person's page
    reads. The two are tested equal (tests/participants/test_scope_equivalence.py)."""
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return True
    if visible_intervention_ids(participant, membership):
        return True
    # A record just registered anonymously, before its referral: its registrant's.
    from stegvis.participants.access import enrolled_intervention_ids

    return (
        participant.is_anonymous
        and participant.created_by_id == membership.user_id
        and not consents_of(participant)
        and not referrals_of(participant)
        and not enrolled_intervention_ids(participant)
    )


def identity_visible_to(participant: Participant, membership: Membership) -> bool:
    """A protected identity's name and number are for the person's main contact alone (the
    main contact of an enrolment, or before any enrolment the one who registered him)."""
    if not participant.protected_identity:
        return True
    return is_main_contact(participant, membership)


def is_main_contact(participant: Participant, membership: Membership) -> bool:
    """The person's main contact: of an active enrolment, else of any, else the registrant."""
    enrolments = list(
        Enrolment.objects.filter(participant=participant)
        .exclude(main_contact=None)
        .values_list("main_contact_id", "end_date")
    )
    active = {c for c, end in enrolments if end is None}
    contacts = active or {c for c, _end in enrolments}
    if contacts:
        return membership.pk in contacts
    return participant.created_by_id == membership.user_id


def reveal_identity(participant: Participant, membership: Membership) -> Participant:
    """Mark what this viewer may see of the person's identity (display_name masks it)."""
    participant.identity_visible = identity_visible_to(participant, membership)
    return participant


def participant_get(*, membership: Membership, pk: int, reason: str = "") -> Participant:
    """One participant, or 404 when outside the membership's scope. Logged as a read.

    A referrer has no personal data: the people he referred do not exist for him (404), he
    sees only his own referrals (:mod:`stegvis.interventions.referrals`)."""
    from stegvis.core.emergency import read_reason

    if membership.has_perm(Perm.REFER_PARTICIPANTS) and not can_see_personal_data(membership):
        raise Http404("Sidan finns inte.")
    require_personal_data(membership)
    participant = Participant.objects.filter(pk=pk).first()
    if participant is None or not in_scope(participant, membership):
        raise Http404("Sidan finns inte.")
    reveal_identity(participant, membership)
    detail = {"protected_identity": True} if participant.protected_identity else None
    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=participant,
        reason=read_reason(membership, reason),
        detail=detail,
    )
    return participant


def require_visible(participant: Participant, intervention_id: int, membership: Membership):
    """404 unless the person's sections of this intervention are the membership's to see."""
    from django.http import Http404

    if intervention_id not in visible_intervention_ids(participant, membership):
        raise Http404("Hittades inte.")


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
    return qs.order_by(*Participant.LIST_ORDER)


def _name_query(query: str, prefix: str = "") -> Q:
    """Names by their parts; a D-number (D-000123) or a personnummer/samordningsnummer
    exactly, through the look-up hash. A protected identity is not found by name."""
    query = query.strip()
    reference = query.upper().replace(" ", "")
    if reference.startswith("D-") and reference[2:].isdigit():
        return Q(**{f"{prefix}pk": int(reference[2:])})
    digest = _number_digest(query)
    if digest:
        return Q(**{f"{prefix}personal_number_hash": digest})
    q = Q()
    for word in query.split():
        q &= Q(**{f"{prefix}first_name__icontains": word}) | Q(
            **{f"{prefix}last_name__icontains": word}
        )
    return q & Q(**{f"{prefix}protected_identity": False})


def _number_digest(query: str) -> str:
    from django.utils import timezone

    from stegvis.core.crypto import lookup_hash
    from stegvis.core.personnummer import PersonalNumberError, parse_personal_number

    compact = query.replace(" ", "")
    if sum(ch.isdigit() for ch in compact) < 10:
        return ""
    try:
        number = parse_personal_number(compact, timezone.localdate())
    except PersonalNumberError:
        return ""
    return lookup_hash(number)


@dataclass
class CaseloadFilters:
    intervention_id: int | None = None
    status: str = "active"  # active | exited | all
    mine: bool = True
    query: str = ""


def consented_rows_q() -> Q:
    """Enrolments and referrals whose person may be seen through their own intervention:
    anonymous, or with a consent in force for it, or (referrals) still open and not overtaken
    by a withdrawal."""
    return Q(participant__is_anonymous=True) | Exists(
        Consent.objects.filter(
            active_consent_q(),
            participant=OuterRef("participant"),
            intervention=OuterRef("intervention"),
        )
    )


def enrolments_in_scope(membership: Membership) -> QuerySet[Enrolment]:
    require_personal_data(membership)
    qs = Enrolment.objects.filter(intervention_id__in=intervention_ids_in_scope(membership))
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return qs
    return qs.filter(consented_rows_q())


def referrals_in_scope(membership: Membership) -> QuerySet[Referral]:
    from stegvis.participants.access import OPEN_REFERRAL

    require_personal_data(membership)
    qs = Referral.objects.filter(intervention_id__in=intervention_ids_in_scope(membership))
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return qs
    overtaken = Consent.objects.filter(
        participant=OuterRef("participant"),
        intervention=OuterRef("intervention"),
        withdrawn_on__lte=timezone.localdate(),
        withdrawn_on__gte=OuterRef("referred_on"),
    )
    return qs.filter(consented_rows_q() | (Q(status__in=OPEN_REFERRAL) & ~Exists(overtaken)))


def caseload(
    *, membership: Membership, filters: CaseloadFilters, reading: int | None = None
) -> QuerySet[Enrolment]:
    """Enrolments in the membership's interventions ("mina deltagare"). ``reading``: how many
    rows from the top of the list the caller reads (a page and the ones before it)."""
    qs = enrolments_in_scope(membership)
    if filters.intervention_id:
        qs = qs.filter(intervention_id=filters.intervention_id)
    if filters.status == "active":
        qs = qs.filter(end_date__isnull=True)
    elif filters.status == "exited":
        qs = qs.filter(end_date__isnull=False)
    if filters.mine:
        qs = qs.filter(main_contact=membership)
    if filters.query:
        qs = qs.filter(_name_query(filters.query, prefix="participant__"))
    # In the order of the index ``participant_fed_list``, so that a page of a long list (all
    # of an intervention's people) is read by walking that index and stops after its rows,
    # instead of sorting every matching row first; a short one (one's own 40) is found through
    # ``enrolment_fed_contact_end`` and sorted. The participant's federation is the
    # enrolment's; naming it lets the index's first column be used.
    qs = qs.filter(participant__federation_id=membership.federation_id)
    if reading is not None and not filters.mine and connection.vendor == "sqlite":
        # The first ``reading`` rows belong to the first ``reading`` people of the list at
        # most. Asked for those people alone, SQLite walks the index; asked for the rows, its
        # planner prefers sorting every ongoing enrolment of the interventions (37 000 in the
        # benchmark) over the walk, whose LIMIT it does not price in. PostgreSQL walks the
        # index for the rows as they are asked, while the people's subquery can make it
        # join every ongoing enrolment first when its estimates are off.
        people = (
            Participant.objects.filter(federation_id=membership.federation_id)
            .filter(Exists(qs.filter(participant_id=OuterRef("pk"))))
            .order_by(*Participant.LIST_ORDER)
            .values("pk")[:reading]
        )
        qs = qs.filter(participant_id__in=people)
    return (
        qs.select_related("participant", "intervention", "main_contact__user")
        .only(*CASELOAD_FIELDS)
        .order_by(*CASELOAD_ORDER)
    )


CASELOAD_ORDER = (*Participant.list_order("participant__"), "-start_date", "id")


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
    "participant__protected_identity",
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
        referrals_in_scope(membership)
        .filter(intervention=intervention, status=Referral.Status.WAITLISTED)
        .select_related("participant", "referring_authority")
        .order_by("waitlist_position", "referred_on")
    )


def pending_referrals(*, membership: Membership) -> QuerySet[Referral]:
    require_personal_data(membership)
    return (
        referrals_in_scope(membership)
        .filter(status=Referral.Status.PENDING)
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
    require_visible(referral.participant, referral.intervention_id, membership)
    reveal_identity(referral.participant, membership)
    _log_read(membership, referral.participant, "anvisning")
    return referral


def enrolment_get(*, membership: Membership, pk: int) -> Enrolment:
    require_personal_data(membership)
    enrolment = get_object_or_404(
        Enrolment.objects.filter(
            intervention_id__in=intervention_ids_in_scope(membership)
        ).select_related("participant", "intervention", "main_contact__user"),
        pk=pk,
    )
    require_visible(enrolment.participant, enrolment.intervention_id, membership)
    reveal_identity(enrolment.participant, membership)
    _log_read(membership, enrolment.participant, "deltagande")
    return enrolment


def followups_list(*, membership: Membership, status: str, today: date) -> QuerySet[FollowUp]:
    """Follow-up tasks in the membership's interventions: ``due`` (overdue or due within 30
    days), ``open`` (not done) or ``done``. Case workers see their own cases first."""
    from datetime import timedelta

    require_personal_data(membership)
    qs = FollowUp.objects.filter(enrolment__in=enrolments_in_scope(membership)).select_related(
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
    participant = followup.enrolment.participant
    require_visible(participant, followup.enrolment.intervention_id, membership)
    reveal_identity(participant, membership)
    _log_read(membership, participant, "uppföljning")
    return followup


def _log_read(membership: Membership, participant: Participant, reason: str) -> None:
    from stegvis.core.emergency import read_reason

    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=participant,
        reason=read_reason(membership, reason),
    )


@memoized(lambda participant: (participant.pk,))
def all_enrolments_of(participant: Participant) -> tuple[Enrolment, ...]:
    """All the person's enrolments, newest first, with intervention and main contact (callers
    keep those the viewer may see: ``enrolments_of``)."""
    return tuple(
        Enrolment.objects.filter(participant=participant).select_related(
            "intervention", "main_contact__user"
        )
    )


@memoized(lambda participant, membership: (participant.pk, membership.pk))
def enrolments_of(participant: Participant, membership: Membership) -> list[Enrolment]:
    """The person's enrolments in the viewer's interventions, with exit reason labels, their
    hand-overs and (for ended ones, the only ones that have them) their follow-ups."""
    from django.db.models import prefetch_related_objects

    from stegvis.core import reference

    ids = visible_intervention_ids(participant, membership)
    enrolments = [e for e in all_enrolments_of(participant) if e.intervention_id in ids]
    if not enrolments:
        return []
    prefetch_related_objects(
        enrolments,
        Prefetch(
            "handovers",
            queryset=HandOver.objects.select_related("from_contact__user", "to_contact__user"),
        ),
    )
    ended = [e for e in enrolments if e.end_date]
    prefetch_related_objects(ended, "followups")
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


@dataclass(frozen=True)
class ParticipantTab:
    """A tab of the participant page that another app adds: ``build(participant, membership)``
    returns a dict with "title" and "template" (the rest is the template's context as
    ``section``), or None when there is nothing to show there."""

    id: str
    title: str
    build: Callable[[Participant, Membership], dict | None]
    order: int = 50  # left to right, in the order of the work: assessment, plan, hand-over


# Other apps add their tabs to the participant page (``ParticipantTab``). The overview and the
# timeline are the page's own; each tab reads only what it shows, when it is opened.
PARTICIPANT_SECTIONS: list[ParticipantTab] = []
TIMELINE_TAB = "tidslinje"


def participant_tabs() -> list[tuple[str, str]]:
    """(id, title) of the participant page's tabs in order; the overview's id is ""."""
    return [
        ("", "Översikt"),
        *((tab.id, tab.title) for tab in sorted(PARTICIPANT_SECTIONS, key=lambda t: t.order)),
        (TIMELINE_TAB, "Tidslinje"),
    ]


@memoized(lambda participant: (participant.pk,))
def consents_of(participant: Participant) -> tuple[Consent, ...]:
    """All the person's consents with their interventions (callers keep those the viewer
    may see: ``visible_consents``)."""
    return tuple(participant.consents.select_related("intervention"))


@memoized(lambda participant: (participant.pk,))
def referrals_of(participant: Participant) -> tuple[Referral, ...]:
    return tuple(participant.referrals.select_related("intervention"))


def prime_people(participants) -> None:
    """Read the consents, referrals and enrolled interventions of a page of people in three
    queries, so that each row's scope check (``visible_intervention_ids``) costs none."""
    from collections import defaultdict

    from stegvis.core.memo import prime
    from stegvis.participants.access import enrolled_intervention_ids

    people = [p for p in participants if p.pk is not None]
    ids = [p.pk for p in people]
    if not ids:
        return
    consents, referrals, enrolled = defaultdict(list), defaultdict(list), defaultdict(set)
    for c in Consent.objects.filter(participant_id__in=ids).select_related("intervention"):
        consents[c.participant_id].append(c)
    for r in Referral.objects.filter(participant_id__in=ids).select_related("intervention"):
        referrals[r.participant_id].append(r)
    for person, intervention in Enrolment.objects.filter(participant_id__in=ids).values_list(
        "participant_id", "intervention_id"
    ):
        enrolled[person].add(intervention)
    for p in people:
        prime(consents_of, tuple(consents[p.pk]), p)
        prime(referrals_of, tuple(referrals[p.pk]), p)
        prime(enrolled_intervention_ids, frozenset(enrolled[p.pk]), p)


def visible_consents(participant: Participant, membership: Membership) -> list[Consent]:
    ids = visible_intervention_ids(participant, membership)
    return [c for c in consents_of(participant) if c.intervention_id in ids]


def visible_referrals(participant: Participant, membership: Membership) -> list[Referral]:
    ids = visible_intervention_ids(participant, membership)
    return [r for r in referrals_of(participant) if r.intervention_id in ids]


def consent_get(*, membership: Membership, pk: int) -> Consent:
    """A consent the membership may see (its person visible, its intervention in view)."""
    consent = get_object_or_404(
        Consent.objects.select_related("participant", "intervention").filter(
            participant__in=participants_in_scope(membership)
        ),
        pk=pk,
    )
    require_visible(consent.participant, consent.intervention_id, membership)
    return consent


def interventions_missing_consent(participant: Participant, membership: Membership):
    """The membership's interventions where this named person has no consent in force: the
    page offers to record one there."""
    from stegvis.participants.access import consent_is_active, interventions_in_scope

    if participant.is_anonymous and participant.anonymised_at:
        return []
    active = {c.intervention_id for c in consents_of(participant) if consent_is_active(c)}
    return [
        i
        for i in interventions_in_scope(membership).filter(kind="individual").order_by("code")
        if i.pk not in active
    ]


def participant_section(participant: Participant, membership: Membership, tab: str) -> dict | None:
    """The content of one app's tab of the participant page, or None when it has nothing."""
    for section in PARTICIPANT_SECTIONS:
        if section.id == tab:
            return section.build(participant, membership)
    raise LookupError(tab)


def timeline(participant: Participant, membership: Membership) -> list[TimelineEvent]:
    """Everything that happened to the person, newest first, within the viewer's scope."""
    from stegvis.core import reference

    ids = visible_intervention_ids(participant, membership)
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
        for f in e.followups.all() if e.end_date else ():
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


def participant_by_number(*, number) -> Participant | None:
    """The person with this (parsed) number in the current federation, by the look-up hash;
    for the subject-access extract, which logs what it does with it."""
    from stegvis.core.crypto import lookup_hash

    return (
        Participant.objects.exclude(personal_number_hash="")
        .filter(personal_number_hash=lookup_hash(number))
        .first()
    )


def corrections_of(participant: Participant, membership: Membership) -> list:
    from stegvis.participants.models import Correction

    return list(
        Correction.objects.filter(participant=participant).select_related(
            "proposed_by", "decided_by"
        )
    )


def correction_get(*, membership: Membership, pk: int):
    from stegvis.participants.models import Correction

    return get_object_or_404(
        Correction.objects.select_related("participant").filter(
            participant__in=participants_in_scope(membership)
        ),
        pk=pk,
    )
