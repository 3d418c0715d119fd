"""Demo activities: each of the twelve demo associations runs two or three activities, with
sessions over the past months and to come, participants from the NAD demo enrolments,
attendance, compensations in every status (one paid compensation with a correction), a few
internship/work-training places, and one of every other kind: an own group activity, a study
visit, a workplace placement, and mentors, one of them paired with a participant.

Rows are written with bulk_create where many are needed, so seeding stays fast."""

from __future__ import annotations

from datetime import time, timedelta

from stegvis.activities import services
from stegvis.activities.models import (
    Activity,
    ActivityCost,
    ActivityEnrolment,
    Attendance,
    Session,
    WorkflowStep,
)
from stegvis.core.models import WorkingGroup
from stegvis.participants.models import Enrolment

# title, category, (language, health, network), plan, languages
THEMES = {
    "Språkcaféet Kristianstad": [
        (
            "Språkcafé på biblioteket",
            "language",
            (1, 0, 1),
            "Samtal på enkel svenska i små grupper om vardagen; deltagarna lär känna volontärerna.",
            ["svenska", "arabiska"],
        ),
        (
            "Samtalspromenader",
            "language",
            (1, 1, 1),
            "Promenader i stadsparken där vi pratar svenska; rörelse och frisk luft.",
            ["svenska"],
        ),
        (
            "Läsecirkel lättläst",
            "language",
            (1, 0, 1),
            "Vi läser lättlästa böcker och samtalar om dem.",
            ["svenska", "tigrinja"],
        ),
    ],
    "Hässleholms Trädgårdsförening": [
        (
            "Odla tillsammans",
            "gardening",
            (1, 1, 1),
            "Gemensam odlingslott; ord för växter och verktyg, arbete utomhus och nya bekanta.",
            ["svenska"],
        ),
        (
            "Skördefest och kompost",
            "gardening",
            (0, 1, 1),
            "Skörd, kompostering och en avslutande fest med grannar.",
            ["svenska", "dari"],
        ),
    ],
    "IK Osby Friidrott": [
        (
            "Löpgrupp för nybörjare",
            "sport",
            (0, 1, 1),
            "Gemensam löpträning två gånger i veckan; hälsa och lagkänsla.",
            ["svenska"],
        ),
        (
            "Stavgång för kvinnor",
            "sport",
            (1, 1, 1),
            "Stavgång i lugnt tempo med samtal på svenska, bara för kvinnor.",
            ["svenska", "somaliska"],
        ),
    ],
    "Helsingborgs Schackklubb": [
        (
            "Schack och svenska",
            "culture",
            (1, 0, 1),
            "Schackkvällar där spelets ord och regler tränar språket; möten med medlemmarna.",
            ["svenska", "persiska"],
        ),
        (
            "Turneringsgrupp",
            "culture",
            (0, 0, 1),
            "Deltagarna spelar i klubbens interna turnering.",
            ["svenska"],
        ),
    ],
    "Kvinnonätverket Landskrona": [
        (
            "Kvinnocafé",
            "civic",
            (1, 1, 1),
            "Mötesplats för kvinnor: samtal om hälsa, samhälle och vardag på svenska.",
            ["svenska", "arabiska"],
        ),
        (
            "Sy och prata",
            "culture",
            (1, 0, 1),
            "Syträffar där vi pratar svenska medan vi syr.",
            ["svenska", "tigrinja"],
        ),
    ],
    "Ängelholms Cykelförening": [
        (
            "Cykelskola för vuxna",
            "sport",
            (1, 1, 0),
            "Lär dig cykla och trafikregler; ord för trafik och kroppen.",
            ["svenska", "arabiska"],
        ),
        (
            "Cykelturer i Skåne",
            "sport",
            (0, 1, 1),
            "Turer på 20–40 km med fika och föreningens medlemmar.",
            ["svenska"],
        ),
    ],
    "Malmö Kulturförening Möllan": [
        (
            "Kör för alla",
            "culture",
            (1, 1, 1),
            "Vi sjunger svenska visor; uttal, andning och gemenskap.",
            ["svenska"],
        ),
        (
            "Teaterverkstad",
            "culture",
            (1, 0, 1),
            "Improvisation och korta scener på svenska.",
            ["svenska", "ukrainska"],
        ),
        (
            "Föreningskunskap",
            "civic",
            (1, 0, 1),
            "Hur en förening fungerar: möten, styrelse och att bli volontär.",
            ["svenska", "arabiska"],
        ),
    ],
    "Trelleborgs Simsällskap": [
        (
            "Simskola för vuxna",
            "sport",
            (0, 1, 1),
            "Simundervisning i små grupper med tolk vid behov.",
            ["svenska", "arabiska", "dari"],
        ),
        (
            "Simning för kvinnor",
            "sport",
            (1, 1, 1),
            "Simträning i en grupp för kvinnor med kvinnliga ledare.",
            ["svenska", "somaliska"],
        ),
    ],
    "Ystads Hembygdsförening": [
        (
            "Lokalhistoriska vandringar",
            "nature",
            (1, 0, 1),
            "Vandringar i Ystad där vi lär oss om platsens historia på svenska.",
            ["svenska"],
        ),
        (
            "Hantverksdagar",
            "gardening",
            (1, 0, 1),
            "Traditionellt hantverk med föreningens medlemmar.",
            ["svenska"],
        ),
    ],
    "Lunds Föreningsliv i Samverkan": [
        (
            "Volontär i föreningslivet",
            "civic",
            (1, 0, 1),
            "Prova på volontärsuppdrag i olika föreningar med stöd av en fadder.",
            ["svenska", "engelska"],
        ),
        (
            "Föreningsmässa",
            "civic",
            (0, 0, 1),
            "Träffa föreningar i Lund och hitta din.",
            ["svenska"],
        ),
    ],
    "Eslövs Fotbollsallians": [
        (
            "Fotboll för vuxna",
            "sport",
            (0, 1, 1),
            "Träning och matcher med föreningens motionslag.",
            ["svenska", "arabiska"],
        ),
        (
            "Domarkurs",
            "sport",
            (1, 0, 1),
            "Kurs i att döma barnfotboll; regler och ledarskap på svenska.",
            ["svenska"],
        ),
    ],
    "Höörs Naturskyddsförening": [
        (
            "Naturvandringar",
            "nature",
            (1, 1, 1),
            "Vandringar i Höörs skogar; namn på växter och djur, rörelse och samtal.",
            ["svenska"],
        ),
        (
            "Fågelskådning",
            "nature",
            (1, 0, 1),
            "Vi lär oss känna igen fåglar och pratar svenska.",
            ["svenska", "dari"],
        ),
    ],
}

HUB_INTERVENTION = {
    "nordost": "NAD-NO",
    "nordvast": "NAD-NV",
    "syd": "NAD-SYD",
    "mellanskane": "NAD-MS",
}

PLACEMENTS = [
    ("internship", "ICA Kvantum Kristianstad", "Butiksbiträde", "Kristianstad", "nordost", 2, "af"),
    (
        "work_training",
        "Kristianstads kommun, parkförvaltningen",
        "Parkarbete",
        "Kristianstad",
        "nordost",
        3,
        "kristianstad",
    ),
    ("internship", "Helsingborgs lasarett", "Vårdbiträde, kök", "Helsingborg", "nordvast", 1, "af"),
    ("work_training", "Returbutiken Malmö", "Sortering och försäljning", "Malmö", "syd", 2, "af"),
    ("internship", "Bygg-Lund AB", "Hantverkare, lärling", "Lund", "mellanskane", 1, "af"),
]

# employer -> sector, requirements, languages at the workplace (for matching)
PLACEMENT_DETAILS = {
    "ICA Kvantum Kristianstad": ("retail", ["arbetsskor"], ["svenska", "arabiska"]),
    "Kristianstads kommun, parkförvaltningen": ("green", ["körkort B (önskvärt)"], ["svenska"]),
    "Helsingborgs lasarett": ("care", ["hygienkurs första veckan"], ["svenska"]),
    "Returbutiken Malmö": ("retail", [], ["svenska", "arabiska", "dari"]),
    "Bygg-Lund AB": ("construction", ["skyddsskor", "ID06-kort"], ["svenska"]),
}


def seed(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    coordinator = ctx.users["samordnare"]
    case_worker = ctx.users["handlaggare"]
    process_lead = ctx.users["insatsledare"]
    admin = ctx.users["admin"]
    leader = ctx.users["foreningsledare"]
    groups = {g.hub_id: g for g in WorkingGroup.objects.all()}
    pools = {
        code: list(
            Enrolment.objects.filter(
                intervention=ctx.interventions[code], participant__is_anonymous=False
            ).select_related("participant")
        )
        for code in HUB_INTERVENTION.values()
    }
    used: set[int] = set()  # each enrolment gets at most one place in the demo
    created: list[tuple[Activity, str]] = []
    for index, association in enumerate(ctx.associations):
        themes = THEMES.get(association.name, [])
        hub_slug = next(slug for slug, hub in ctx.hubs.items() if hub.pk == association.hub_id)
        intervention = ctx.interventions[HUB_INTERVENTION[hub_slug]]
        # Phases give each association a history: finished, running and starting soon.
        phases = ["past", "running", "upcoming"] if len(themes) > 2 else ["past", "running"]
        if index % 4 == 3:
            phases = ["past", "upcoming"]
        for (title, category, triad, plan, languages), phase in zip(themes, phases, strict=False):
            capacity = rng.choice([8, 10, 12, 15, 16, 20])
            gender = "kvinna" if "kvinnor" in title.lower() else ""
            activity = services.activity_create(
                actor=coordinator.user,
                membership=None,
                association=association,
                details=services.ActivityDetails(
                    title=title,
                    category=category,
                    description=association.description,
                    serves_language=bool(triad[0]),
                    serves_health=bool(triad[1]),
                    serves_network=bool(triad[2]),
                    plan=plan,
                    address=f"{ctx.faker.street_address()}, {association.municipality}",
                    languages=languages,
                    capacity=capacity,
                    leader_count=max(1, -(-capacity // 10)),
                    gender_restriction=gender,
                    working_group_id=groups[association.hub_id].pk,
                    intervention_id=intervention.pk,
                ),
            )
            if index == 0:
                activity.leaders.add(leader)
            created.append((activity, phase))
            _sessions(ctx, activity, phase)
            ActivityCost.objects.bulk_create(
                [
                    ActivityCost(
                        activity=activity,
                        federation=ctx.federation,
                        kind=kind,
                        description=text,
                        amount_sek=amount,
                    )
                    for kind, text, amount in (
                        ("premises", "Hyra av lokal", rng.choice([1500, 2400, 3000])),
                        ("food", "Fika", rng.choice([600, 900, 1200])),
                        ("material", "Material", rng.choice([500, 800, 1500])),
                    )
                ]
            )
            _steps(ctx, activity, phase, case_worker, coordinator, process_lead)
    # Two upcoming activities stay drafts that do not yet pass the rules, to show the checks:
    # one with too few leaders, one with a membership fee among its costs.
    upcoming = [a for a, phase in created if phase == "upcoming"]
    too_few_leaders, with_fee = upcoming[0], upcoming[-1]
    too_few_leaders.capacity, too_few_leaders.leader_count = 16, 1
    too_few_leaders.save(update_fields=["capacity", "leader_count"])
    ActivityCost.objects.create(
        activity=with_fee, kind="membership_fee", description="Medlemsavgift 2026", amount_sek=200
    )
    for activity, _phase in created:
        if activity in (too_few_leaders, with_fee):
            continue
        services.activity_submit(
            actor=coordinator.user,
            membership=None,
            activity=activity,
            on=activity.sessions.order_by("date").first().date - timedelta(days=14),
        )
        services.activity_quality_approve(
            actor=process_lead.user,
            membership=None,
            activity=activity,
            note="Väl förankrad i föreningen; tydlig plan för språk och nätverk.",
            on=activity.sessions.order_by("date").first().date - timedelta(days=10),
        )
        services.activity_approve(
            actor=coordinator.user,
            membership=None,
            activity=activity,
            on=activity.sessions.order_by("date").first().date - timedelta(days=7),
        )

    for activity, phase in created:
        if phase == "upcoming" or activity.status != Activity.Status.APPROVED:
            continue
        _places_and_attendance(ctx, activity, phase, pools[activity.intervention.code], used)

    # Compensations for finished activities: paid, approved and draft.
    finished = [
        a for a, phase in created if phase == "past" and a.status == Activity.Status.APPROVED
    ]
    for position, activity in enumerate(finished):
        compensation = services.compensation_compute(
            actor=coordinator.user, membership=None, activity=activity, as_of=today
        )
        if position % 3 == 2 or not compensation.participant_count:
            continue  # left as a draft
        services.compensation_approve(
            actor=process_lead.user,
            membership=None,
            compensation=compensation,
            on=compensation.period_end + timedelta(days=7),
        )
        if position % 3 == 0:
            services.compensation_mark_paid(
                actor=admin.user,
                membership=None,
                compensation=compensation,
                paid_on=compensation.period_end + timedelta(days=21),
                reference=f"VER-{2000 + position}",
            )
    placements = _placements(ctx, pools, used, case_worker)
    _correction(ctx, process_lead)
    _other_kinds(ctx, pools, used, coordinator, admin, placements)
    _shared_matching(coordinator, case_worker)


def _correction(ctx, process_lead) -> None:
    """A paid compensation corrected afterwards: the association's paper list shows a
    participant present at a session the leader had left unmarked, which lifts the person
    to the attendance needed. The difference goes on the next payout file as a debit."""
    from fractions import Fraction

    from stegvis.activities import rules
    from stegvis.activities.models import Compensation

    for compensation in Compensation.objects.filter(status=Compensation.Status.PAID).order_by("pk"):
        needed = rules.presences_needed(
            compensation.sessions_held, Fraction(str(compensation.min_attendance_share))
        )
        for row in compensation.basis:
            if row["counts"] or row["present"] != needed - 1:
                continue
            absent = (
                Attendance.objects.filter(
                    place_id=row["place"],
                    present=False,
                    session__date__lte=compensation.period_end,
                    session__cancelled=False,
                )
                .select_related("session", "place")
                .order_by("session__date")
                .first()
            )
            if absent is None:
                continue
            services.compensation_correct(
                actor=process_lead.user,
                membership=None,
                compensation=compensation,
                session=absent.session,
                place=absent.place,
                present=True,
                reason="Föreningens närvarolista på papper visar att deltagaren var där; "
                "ledaren hade missat att bocka i.",
            )
            return


def _take(pool, used, n, start):
    """``n`` enrolments active from ``start``: those without a place first, then others (a
    person may take part in an NAD activity and a group, a visit or a mentorship)."""
    active = [e for e in pool if e.end_date is None and e.start_date <= start]
    chosen = ([e for e in active if e.pk not in used] + [e for e in active if e.pk in used])[:n]
    used.update(e.pk for e in chosen)
    return chosen


def _held(ctx, activity, enrolments, first) -> None:
    """Places from ``first`` and attendance at the sessions held so far."""
    sessions = [s for s in activity.sessions.order_by("date") if s.date < ctx.today]
    places = ActivityEnrolment.objects.bulk_create(
        [
            ActivityEnrolment(
                federation=ctx.federation, activity=activity, enrolment=e, start_date=first
            )
            for e in enrolments
        ]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                federation=ctx.federation,
                session=session,
                place=place,
                present=ctx.rng.random() < 0.85,
            )
            for place in places
            for session in sessions
        ]
    )


def _other_kinds(ctx, pools, used, coordinator, admin, placements) -> None:
    today, hub = ctx.today, ctx.hubs["nordost"]
    pool = pools["NAD-NO"]

    def create(kind, title, category, first, count, every=7, hour=9, **details):
        activity = services.activity_create(
            actor=coordinator.user,
            membership=None,
            association=details.pop("association", None),
            details=services.ActivityDetails(
                title=title, category=category, kind=kind, municipality="Kristianstad", **details
            ),
        )
        if activity.hub_id is None:
            activity.hub = hub
            activity.save(update_fields=["hub"])
        services.sessions_create(
            actor=coordinator.user,
            membership=None,
            activity=activity,
            first_date=first,
            count=count,
            every_days=every,
            start_time=time(hour, 0),
            end_time=time(hour + 2, 0),
        )
        services.activity_approve(
            actor=coordinator.user, membership=None, activity=activity, on=first - timedelta(7)
        )
        return activity

    first = today - timedelta(days=21)
    group = create(
        "group",
        "Jobbsökargrupp",
        "civic",
        first,
        8,
        description="Cv, personligt brev och intervjuträning i grupp, ledd av förbundets "
        "arbetskonsulenter.",
        address="Medborgarhuset, Kristianstad",
        languages=["svenska", "arabiska"],
        capacity=10,
        leader_count=2,
    )
    _held(ctx, group, _take(pool, used, 6, first), first)
    create(
        "group",
        "Hälsokurs: sömn, kost och rörelse",
        "sport",
        today + timedelta(days=9),
        4,
        description="Kurs med vårdcentralens hälsopedagog.",
        address="Vårdcentralen Näsby",
        capacity=12,
        leader_count=2,
    )
    visit_day = today - timedelta(days=12)
    visit = create(
        "study_visit",
        "Studiebesök på Centralsjukhuset",
        "civic",
        visit_day,
        1,
        description="Yrken inom vården: undersköterska, lokalvårdare och kock berättar.",
        address="Centralsjukhuset Kristianstad, J A Hedlunds väg 5",
        capacity=15,
        leader_count=2,
    )
    _held(ctx, visit, _take(pool, used, 9, visit_day), visit_day)
    if placements:
        place = placements[0]
        start = max(place.start_date, today - timedelta(days=14))
        practice = create(
            "placement",
            f"Språkpraktik: {place.title.lower()}",
            "language",
            start,
            6,
            every=2,
            hour=8,
            placement_id=place.pk,
            description="Svenska på arbetsplatsen med handledare; ord och fraser i butiken.",
            capacity=min(2, place.capacity),
        )
        _held(ctx, practice, _take(pool, used, 1, start), start)
    mentors = [
        services.mentor_create(
            actor=coordinator.user,
            membership=None,
            name=name,
            kind=kind,
            municipality="Kristianstad",
            hub=hub,
            languages=languages,
            interests=interests,
            availability=days,
            max_mentees=room,
        )
        for name, kind, languages, interests, days, room in (
            (
                "Birgitta Holm",
                "volunteer",
                ["svenska", "engelska"],
                ["nature", "culture"],
                [1, 3],
                1,
            ),
            ("Yusuf Karimi", "municipal", ["svenska", "dari", "persiska"], ["sport"], [0, 2, 4], 3),
            ("Elin Strand", "volunteer", ["svenska", "tigrinja"], ["gardening"], [5], 1),
            ("Ahmad Nasser", "volunteer", ["svenska", "arabiska"], ["language", "civic"], [2], 2),
        )
    ]
    start = today - timedelta(days=35)
    candidates = _take(pool, used, 1, start)
    if not candidates:
        return
    mentee = candidates[0]
    pair = services.mentorship_pair(
        actor=admin.user, membership=None, mentor=mentors[0], enrolment=mentee, start_date=start
    )
    for days_ago, note, attended in (
        (33, "Första mötet: fika och presentation", True),
        (26, "Promenad i Hammarsjöområdet", True),
        (19, "Inställt av deltagaren (sjuk)", False),
        (12, "Besök på biblioteket, lånekort", True),
        (5, "Övade inför anställningsintervju", True),
    ):
        services.meeting_log(
            actor=admin.user,
            membership=None,
            activity=pair.activity,
            on=today - timedelta(days=days_ago),
            note=note,
            attended=attended,
        )


def _shared_matching(coordinator, case_worker) -> None:
    """The coordinator's matching run, partly decided by a case worker: the proposals are
    shared, and the coordinator sees what became of them."""
    from stegvis.matching import selectors as matching_selectors
    from stegvis.matching import services as matching

    run = matching.run_create(actor=coordinator.user, membership=coordinator)
    mine = list(matching_selectors.run_proposals(run, case_worker)[:2])
    if mine:
        matching.proposal_accept(actor=case_worker.user, membership=case_worker, proposal=mine[0])
    if len(mine) > 1:
        matching.proposal_reject(
            actor=case_worker.user,
            membership=case_worker,
            proposal=mine[1],
            note="Börjar på SFI samma kvällar; tar nästa omgång.",
        )


def _sessions(ctx, activity, phase) -> None:
    rng, today = ctx.rng, ctx.today
    count = rng.choice([6, 7, 8])
    if phase == "past":
        first = today - timedelta(days=7 * count + rng.randint(14, 80))
    elif phase == "running":
        # The Språkcafé meets today, so the leader has a list to fill in.
        first = (
            today - timedelta(days=7 * (count // 2))
            if activity.leaders.exists()
            else (today - timedelta(days=7 * rng.randint(2, 4) + rng.randint(1, 6)))
        )
    else:
        first = today + timedelta(days=rng.randint(5, 20))
    hour = rng.choice([10, 13, 17, 18])
    Session.objects.bulk_create(
        [
            Session(
                federation=ctx.federation,
                activity=activity,
                date=first + timedelta(days=7 * i),
                start_time=time(hour, 0),
                end_time=time(hour + 2, 0),
            )
            for i in range(count)
        ]
    )
    if phase == "running" and activity.leaders.exists():
        # Today's meeting has no set time, so it has begun whenever the demo is loaded and the
        # leader can fill in the list (attendance is refused before a session starts).
        Session.objects.filter(activity=activity, date=today).update(start_time=None, end_time=None)


def _steps(ctx, activity, phase, case_worker, coordinator, process_lead) -> None:
    first = activity.sessions.order_by("date").first().date
    notes = {
        1: (
            "Flera deltagare vill träna svenska i vardagliga sammanhang och träffa fler.",
            case_worker,
            -50,
        ),
        2: (
            f"Kontakt med {activity.association.name}; föreningen vill ta emot nya medlemmar.",
            coordinator,
            -40,
        ),
        3: ("Upplägg, tider och ledare bestämda med föreningen på dess villkor.", coordinator, -25),
        4: (
            "Deltagare valda efter behov och intresse; aktiviteten läggs in i etableringsplanen.",
            case_worker,
            -7,
        ),
        5: ("Uppföljning i samverkansgruppen: god närvaro, deltagarna nöjda.", process_lead, 60),
    }
    steps = list(activity.steps.all())
    last_step = {"past": 5, "running": 4, "upcoming": 3}[phase]
    for step in steps:
        text, owner, offset = notes[step.step]
        step.owner = owner
        if step.step <= last_step:
            step.done_on = min(ctx.today, first + timedelta(days=offset))
            step.notes = text
    WorkflowStep.objects.bulk_update(steps, ["owner", "done_on", "notes"])


def _places_and_attendance(ctx, activity, phase, pool, used) -> None:
    rng, today = ctx.rng, ctx.today
    sessions = list(activity.sessions.order_by("date"))
    start = sessions[0].date
    candidates = [
        e
        for e in pool
        if e.pk not in used
        and e.start_date <= start
        and (e.end_date is None or e.end_date >= sessions[-1].date)
        and (not activity.gender_restriction or e.participant.gender == activity.gender_restriction)
    ]
    rng.shuffle(candidates)
    # Running activities keep a few places free for the matching demo.
    room = activity.capacity - rng.randint(1, 3) if phase == "past" else activity.capacity // 2
    take = candidates[: max(0, room)]
    places = ActivityEnrolment.objects.bulk_create(
        [
            ActivityEnrolment(
                federation=ctx.federation, activity=activity, enrolment=e, start_date=start
            )
            for e in take
        ]
    )
    used.update(e.pk for e in take)
    rows = []
    for place in places:
        reliability = rng.choice([0.3, 0.6, 0.8, 0.9, 0.95])
        for session in sessions:
            if session.date < today or (session.date == today and not activity.leaders.exists()):
                rows.append(
                    Attendance(
                        federation=ctx.federation,
                        session=session,
                        place=place,
                        present=rng.random() < reliability,
                    )
                )
    Attendance.objects.bulk_create(rows)


def _placements(ctx, pools, used, case_worker) -> list:
    today = ctx.today
    created = []
    # A person may take part in an activity and do an internship at the same time.
    free = [e for e in pools["NAD-NO"] if e.end_date is None]
    for i, (kind, employer, title, municipality, hub, capacity, authority) in enumerate(PLACEMENTS):
        sector, requirements, languages = PLACEMENT_DETAILS.get(employer, ("", [], []))
        placement = services.placement_create(
            actor=case_worker.user,
            membership=None,
            kind=kind,
            employer=employer,
            title=title,
            sector=sector,
            requirements=requirements,
            languages=languages,
            supervisor_name=ctx.faker.name(),
            supervisor_phone=ctx.faker.phone_number(),
            municipality=municipality,
            hub=ctx.hubs[hub],
            start_date=today - timedelta(days=30 - 10 * i),
            end_date=today + timedelta(days=90 + 15 * i),
            capacity=capacity,
            offered_by=ctx.authorities[authority],
        )
        created.append(placement)
        if hub == "nordost" and free:
            enrolment = free.pop()
            services.placement_book(
                actor=case_worker.user,
                membership=case_worker,
                placement=placement,
                enrolment=enrolment,
                start_date=max(placement.start_date, today),
                end_date=min(placement.end_date, today + timedelta(days=60)),
            )
            used.add(enrolment.pk)
    return created
