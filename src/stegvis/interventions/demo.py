"""Demo financiers, budgets with booked outcome, result goals, and a structural intervention's
activities, so every report has something to show (SPEC §2, §8)."""

from __future__ import annotations

from datetime import date, timedelta

from stegvis.core.dates import add_months
from stegvis.interventions.models import (
    Budget,
    Financier,
    OutcomeBooking,
    ResultGoal,
    StructuralActivity,
)

# intervention code -> [(financier name or authority key, kind, yearly budget in kr)]
FINANCIERS = {
    "NAD-NO": [("af", "member", 900_000), ("region", "member", 400_000)],
    "NAD-NV": [("af", "member", 850_000), ("region", "member", 350_000)],
    "NAD-SYD": [("af", "member", 700_000), ("region", "member", 300_000)],
    "NAD-MS": [("af", "member", 500_000), ("region", "member", 250_000)],
    "UTR-25": [
        ("kristianstad", "member", 600_000),
        ("af", "member", 300_000),
        ("fk", "member", 200_000),
        ("Europeiska socialfonden (ESF+)", "esf", 1_100_000),
    ],
    "SAMV-KOMP": [("region", "member", 450_000), ("fk", "member", 150_000)],
}

GOALS = {
    **{
        code: [
            ("work_or_studies", 20, 12, ""),
            ("participants", 40, None, "Minst 40 nya deltagare per år"),
        ]
        for code in ("NAD-NO", "NAD-NV", "NAD-SYD", "NAD-MS")
    },
    "UTR-25": [("work_or_studies", 50, 12, "")],
    "SAMV-KOMP": [
        ("activities", 12, None, "Minst 12 utbildnings- och nätverkstillfällen per år"),
        ("attendees", 250, None, "Minst 250 medarbetare deltar per år"),
    ],
}

ACTIVITIES = [
    ("training", "Utbildning i motiverande samtal (MI)"),
    ("training", "Lösningsfokuserat arbetssätt, grundkurs"),
    ("network", "Nätverksträff för handläggare i samverkan"),
    ("method", "Metodverkstad: gemensam kartläggning"),
    ("information", "Informationsdag om Finsam för nya chefer"),
    ("training", "Trepartssamtal i praktiken"),
    ("network", "Regional träff för föreningssamordnare"),
]


def _title(metric: str, target: int, months: int | None, title: str) -> str:
    if title:
        return title
    window = f" inom {months} månader från start" if months else ""
    return f"Minst {target} % till arbete eller studier{window}"


def seed(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    for code, financiers in FINANCIERS.items():
        intervention = ctx.interventions[code]
        start = intervention.start_date or date(today.year, 1, 1)
        for position, (who, kind, yearly) in enumerate(financiers):
            authority = ctx.authorities.get(who)
            financier = Financier.objects.create(
                intervention=intervention,
                name=authority.name if authority else who,
                kind=kind,
                authority=authority,
                position=position,
            )
            Budget.objects.bulk_create(
                Budget(federation=ctx.federation, financier=financier, year=year, amount=yearly)
                for year in range(start.year, (intervention.end_date or today).year + 1)
            )
            bookings = []
            month = start
            while month <= today:
                # Monthly costs around a twelfth of the budget; a little under in spring.
                amount = round(yearly / 12 * rng.uniform(0.75, 1.1), -2)
                bookings.append(
                    OutcomeBooking(
                        federation=ctx.federation,
                        financier=financier,
                        booked_on=min(today, add_months(month, 1) - timedelta(days=1)),
                        amount=int(amount),
                        note=f"Kostnader {month:%Y-%m}",
                    )
                )
                month = add_months(month, 1)
            OutcomeBooking.objects.bulk_create(bookings)
    for code, goals in GOALS.items():
        ResultGoal.objects.bulk_create(
            ResultGoal(
                federation=ctx.federation,
                intervention=ctx.interventions[code],
                title=_title(metric, target, months, title),
                metric=metric,
                target=target,
                within_months=months,
                position=i,
            )
            for i, (metric, target, months, title) in enumerate(goals)
        )
    structural = ctx.interventions["SAMV-KOMP"]
    day = structural.start_date or date(today.year - 1, 1, 1)
    activities = []
    while day <= today:
        kind, title = rng.choice(ACTIVITIES)
        activities.append(
            StructuralActivity(
                federation=ctx.federation,
                intervention=structural,
                held_on=day,
                title=title,
                kind=kind,
                attendees=rng.randint(8, 45),
                organisations=rng.randint(2, 7),
                hours=rng.choice([2, 3, 3.5, 6, 7]),
            )
        )
        day += timedelta(days=rng.randint(18, 40))
    StructuralActivity.objects.bulk_create(activities)


# --- The chain: a referrer at FK, transfers and a lead-time breach (runs after participants) --

REFERRER_PEOPLE = [
    # first, last, born, gender, intervention, days ago, outcome, decided after days
    ("Maja", "Lindgren", date(1988, 4, 12), "kvinna", "UTR-25", 40, "decline", 21),
    ("Johan", "Sjöberg", date(1979, 9, 3), "man", "NAD-NV", 60, "accept", 6),
    ("Elin", "Håkansson", date(1993, 1, 27), "kvinna", "NAD-NO", 25, None, None),
    ("Omar", "Farah", date(1985, 6, 30), "man", "NAD-NO", 4, None, None),
]


def seed_last(ctx) -> None:
    from stegvis.core.personnummer import generate_personal_number
    from stegvis.interventions import referrals, transfers
    from stegvis.participants import services as ps
    from stegvis.participants.models import Enrolment

    today, rng = ctx.today, ctx.rng
    referrer = ctx.users["anvisare"]
    cw_nad, cw_utr = ctx.users["handlaggare"], ctx.users["handlaggare2"]
    for first, last, born, gender, code, ago, outcome, after in REFERRER_PEOPLE:
        referred_on = today - timedelta(days=ago)
        referral = referrals.referral_send(
            actor=referrer.user,
            membership=referrer,
            intervention=ctx.interventions[code],
            person=referrals.SentPerson(
                personal_number=generate_personal_number(rng, born, gender),
                first_name=first,
                last_name=last,
                municipality="Kristianstad",
                born_abroad=True,
            ),
            consent_method="written",
            consent_given_on=referred_on,
            reason="Sjukskriven sedan länge och behöver samordnat stöd tillbaka mot arbete.",
            referred_on=referred_on,
            unemployed=True,
            income_months={"sjukpenning": 12},
        )
        decider = cw_utr if code == "UTR-25" else cw_nad
        if outcome == "decline":
            ps.referral_decline(
                actor=decider.user,
                membership=decider,
                referral=referral,
                reason="Uppfyller inte villkoret om ekonomiskt bistånd; kontakta Jobbtorget.",
                decided_on=referred_on + timedelta(days=after),
            )
        elif outcome == "accept":
            ps.referral_accept(
                actor=decider.user,
                membership=decider,
                referral=referral,
                start_date=referred_on + timedelta(days=after + 7),
                main_contact=decider,
                income_sources_before=["sjukpenning"],
                af_code_before="14",
                decided_on=referred_on + timedelta(days=after),
            )
    # Transfers from NAD Nordöst (AF) to the municipality's intervention.
    steps = list(
        Enrolment.objects.filter(
            intervention=ctx.interventions["NAD-NO"],
            end_date__isnull=True,
            main_contact=cw_nad,
            start_date__lte=today - timedelta(days=90),
            participant__is_anonymous=False,
        ).order_by("start_date", "pk")[:3]
    )
    utr = ctx.interventions["UTR-25"]
    plans = [
        # days ago proposed, start in days from today (None: not answered yet)
        (35, -20, "Etableringstiden är slut; försörjs nu av ekonomiskt bistånd."),
        (10, 12, "Behöver kommunens arbetsträning efter etableringen."),
        (3, None, "Ny försörjning: ekonomiskt bistånd sedan två månader."),
    ]
    for enrolment, (ago, start_in, reason) in zip(steps, plans, strict=False):
        proposed_on = max(enrolment.start_date, today - timedelta(days=ago))
        transfer = transfers.transfer_propose(
            actor=cw_nad.user,
            membership=cw_nad,
            enrolment=enrolment,
            to_intervention=utr,
            reason=reason,
            proposed_on=proposed_on,
            receiving_contact=cw_utr,
            consent_method="written",
            consent_given_on=proposed_on,
        )
        if start_in is None:
            continue
        transfers.transfer_meeting_book(
            actor=cw_nad.user,
            membership=cw_nad,
            transfer=transfer,
            held_on=min(today, proposed_on + timedelta(days=4)),
            notes="Trepartssamtal: personen, handläggaren på AF och socialsekreteraren.",
        )
        transfers.transfer_accept(
            actor=cw_utr.user,
            membership=cw_utr,
            transfer=transfer,
            start_date=max(proposed_on, today + timedelta(days=start_in)),
            receiving_contact=cw_utr,
            decided_on=min(today, proposed_on + timedelta(days=5)),
        )
