"""Demo participants with realistic histories: consent, referral, enrolment, hand-over, exit."""

from __future__ import annotations

from datetime import date, timedelta

from stegvis.core.personnummer import generate_personal_number
from stegvis.participants import services
from stegvis.participants.models import Consent

ORIGINS = [
    # country, languages, female names, male names, surnames
    (
        "Syrien",
        ["arabiska"],
        ["Amal", "Rasha", "Lina", "Nour", "Hiba"],
        ["Ahmad", "Mohammed", "Khaled", "Omar", "Yousef"],
        ["Al-Hassan", "Haddad", "Khalil", "Darwish"],
    ),
    (
        "Afghanistan",
        ["dari", "persiska"],
        ["Fatima", "Zahra", "Maryam", "Shabnam"],
        ["Ali", "Reza", "Hamid", "Mustafa"],
        ["Ahmadi", "Hosseini", "Rahimi", "Karimi"],
    ),
    (
        "Eritrea",
        ["tigrinja"],
        ["Senait", "Helen", "Selam", "Luwam"],
        ["Yonas", "Dawit", "Samuel", "Filmon"],
        ["Tesfay", "Gebremedhin", "Haile", "Kidane"],
    ),
    (
        "Somalia",
        ["somaliska"],
        ["Hodan", "Amina", "Faadumo", "Sahra"],
        ["Abdi", "Mahad", "Liban", "Hassan"],
        ["Warsame", "Farah", "Mohamud", "Jama"],
    ),
    (
        "Ukraina",
        ["ukrainska", "ryska"],
        ["Olena", "Iryna", "Kateryna", "Natalia"],
        ["Andrii", "Oleksandr", "Dmytro", "Serhii"],
        ["Shevchenko", "Kovalenko", "Bondarenko"],
    ),
    (
        "Irak",
        ["arabiska", "kurdiska"],
        ["Sara", "Noor", "Rana"],
        ["Karim", "Haider", "Ammar"],
        ["Al-Jabouri", "Hamid", "Aziz"],
    ),
]

EXIT_WEIGHTS = [
    ("arbete", 24),
    ("studier", 14),
    ("annan_malgrupp", 9),
    ("flyttat_inom_landet", 5),
    ("sjukskriven", 8),
    ("foraldrapenning", 6),
    ("a_kassa", 2),
    ("flyttat_utomlands", 2),
    ("annat", 27),
    ("felregistrering", 3),
]
PER_INTERVENTION = {"NAD-NO": 90, "NAD-NV": 80, "NAD-SYD": 70, "NAD-MS": 50, "UTR-25": 60}


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, weight in weighted:
        x -= weight
        if x <= 0:
            return value
    return weighted[-1][0]


def _outcome(rng, reason: str, before_af: str):
    if reason == "arbete":
        return ["lon"], rng.choice(["33", "42", "22", "EJ_AKTUELL", "EJ_AKTUELL"])
    if reason == "studier":
        return ["studiemedel"], rng.choice(["83", "81", "EJ_AKTUELL"])
    if reason == "sjukskriven":
        return ["sjukpenning"], "14"
    if reason == "foraldrapenning":
        return ["foraldrapenning"], "14"
    if reason == "a_kassa":
        return ["a_kassa"], "11"
    return [], before_af if rng.random() < 0.6 else rng.choice(["11", "14", "70"])


def seed(ctx) -> None:
    rng = ctx.rng
    for code, count in PER_INTERVENTION.items():
        intervention = ctx.interventions[code]
        hub = intervention.hub
        places = hub.municipalities if hub else ["Kristianstad", "Hässleholm"]
        staff = ctx.staff(code)
        # Each intervention's people are registered by its own case workers.
        seeder = staff[0]
        for _ in range(count):
            _seed_person(ctx, rng, seeder.user, seeder, intervention, places, staff)
    _seed_consent_cases(ctx)


def _seed_consent_cases(ctx) -> None:
    """The consent rules, each shown once: a person whose consent for one intervention is
    withdrawn while another stays in force, a protected identity, an anonymous registration
    that later became named."""
    today = ctx.today
    nad, utr = ctx.interventions["NAD-NO"], ctx.interventions["UTR-25"]
    nad_worker, utr_worker = ctx.staff("NAD-NO")[0], ctx.staff("UTR-25")[0]

    def consent(given_on, scope=Consent.Scope.SHARING):
        return services.ConsentDetails(
            scope=scope, method=Consent.Method.WRITTEN, given_on=given_on
        )

    # 1. Samtycket återkallat i NAD Nordöst; UTR-25 fortsätter med sitt samtycke.
    person, _ = services.participant_register(
        actor=nad_worker.user,
        membership=nad_worker,
        intervention=nad,
        details=services.PersonDetails(
            gender="kvinna",
            personal_number=generate_personal_number(ctx.rng, date(1988, 4, 12), "kvinna"),
            first_name="Samira",
            last_name="Haddad",
            municipality="Kristianstad",
            born_abroad=True,
            country_of_birth="Syrien",
            languages=["arabiska"],
        ),
        consent=consent(today - timedelta(days=200)),
    )
    for worker, intervention, days in ((nad_worker, nad, 190), (utr_worker, utr, 120)):
        if intervention != nad:
            services.consent_give(
                actor=worker.user,
                participant=person,
                intervention=intervention,
                details=consent(today - timedelta(days=days + 10), Consent.Scope.REGISTRATION),
            )
        referral = services.referral_create(
            actor=worker.user,
            membership=worker,
            participant=person,
            intervention=intervention,
            reason="Vill bygga nätverk och träna svenska inför arbete.",
            referred_on=today - timedelta(days=days + 5),
            unemployed=True,
        )
        services.referral_accept(
            actor=worker.user,
            membership=worker,
            referral=referral,
            start_date=today - timedelta(days=days),
            main_contact=worker,
            decided_on=today - timedelta(days=days + 2),
        )
    withdrawn = person.consents.get(intervention=nad)
    services.consent_withdraw(
        actor=nad_worker.user,
        consent=withdrawn,
        withdrawn_on=today - timedelta(days=10),
        note="Personen vill inte längre delta i NAD-verksamheten.",
    )
    # 2. Skyddad identitet: namnet ser bara huvudkontakten.
    protected, _ = services.participant_register(
        actor=nad_worker.user,
        membership=nad_worker,
        intervention=nad,
        details=services.PersonDetails(
            gender="kvinna",
            personal_number=generate_personal_number(ctx.rng, date(1994, 9, 3), "kvinna"),
            first_name="Leyla",
            last_name="Karimi",
            municipality="Hässleholm",
            protected_identity=True,
        ),
        consent=consent(today - timedelta(days=40), Consent.Scope.REGISTRATION),
    )
    referral = services.referral_create(
        actor=nad_worker.user,
        membership=nad_worker,
        participant=protected,
        intervention=nad,
        reason="Behöver en trygg mötesplats; skyddad identitet.",
        referred_on=today - timedelta(days=40),
    )
    services.referral_accept(
        actor=nad_worker.user,
        membership=nad_worker,
        referral=referral,
        start_date=today - timedelta(days=30),
        main_contact=nad_worker,
        decided_on=today - timedelta(days=35),
    )
    # 3. Registrerad anonymt, samtycke senare: fortsätter med namn.
    later, _ = services.participant_register(
        actor=nad_worker.user,
        membership=nad_worker,
        intervention=nad,
        details=services.PersonDetails(gender="man", birth_year=1990, municipality="Osby"),
        consent=None,
    )
    services.referral_create(
        actor=nad_worker.user,
        membership=nad_worker,
        participant=later,
        intervention=nad,
        reason="Ville först vara anonym; kommer tillbaka med samtycke.",
        referred_on=today - timedelta(days=20),
    )
    services.consent_record(
        actor=nad_worker.user,
        membership=nad_worker,
        participant=later,
        intervention=nad,
        details=consent(today - timedelta(days=6)),
        personal_number=generate_personal_number(ctx.rng, date(1990, 2, 17), "man"),
        first_name="Yonas",
        last_name="Tesfaye",
    )


def _seed_person(ctx, rng, actor, seeder, intervention, places, staff) -> None:
    today = ctx.today
    country, languages, women, men, surnames = rng.choice(ORIGINS)
    gender = "kvinna" if rng.random() < 0.48 else "man"
    low, high = (22, 58) if intervention.code == "UTR-25" else (19, 62)
    birth = date(today.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
    referred_on = today - timedelta(days=rng.randint(5, 1000))
    anonymous = rng.random() < 0.08
    protected = not anonymous and rng.random() < 0.01
    details = services.PersonDetails(
        gender=gender,
        birth_year=birth.year,
        municipality=rng.choice(places),
        personal_number=generate_personal_number(rng, birth, gender),
        first_name=rng.choice(women if gender == "kvinna" else men),
        last_name=rng.choice(surnames),
        born_abroad=True,
        country_of_birth=country,
        arrival_year=min(today.year, rng.randint(2016, 2025)),
        languages=[*languages, "svenska"] if rng.random() < 0.5 else list(languages),
        interpreter_needed=rng.random() < 0.4,
        interpreter_language=languages[0],
        education_level=rng.choice(
            ["forgymnasial_kort", "forgymnasial", "gymnasial", "eftergymnasial", "okand"]
        ),
        phone=f"07{rng.randint(0, 9)}-{rng.randint(100, 999)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}",
        protected_identity=protected,
    )
    consent = (
        None
        if anonymous
        else services.ConsentDetails(
            scope=Consent.Scope.SHARING,
            method=rng.choice(
                [Consent.Method.WRITTEN, Consent.Method.WRITTEN, Consent.Method.VERBAL]
            ),
            given_on=referred_on,
            language=rng.choice(["sv", "ar", "fa", "ti", "so", "uk"]),
        )
    )
    participant, _ = services.participant_register(
        actor=actor, membership=seeder, intervention=intervention, details=details, consent=consent
    )
    utr = intervention.code == "UTR-25"
    bistand = rng.choice([12, 11, 10, 10, 9, 6]) if utr else 0
    referral = services.referral_create(
        actor=actor,
        membership=seeder,
        participant=participant,
        intervention=intervention,
        reason=rng.choice(
            [
                "Behöver stöd att komma vidare mot arbete efter etableringsperioden.",
                "Långvarigt utanför arbetsmarknaden, behöver samordnade insatser.",
                "Vill träna svenska och bygga nätverk inför praktik.",
                "Har vårdkontakt och behöver anpassad takt.",
            ]
        ),
        referred_on=referred_on,
        planned_start=referred_on + timedelta(days=14),
        referring_authority=ctx.authorities["kristianstad" if utr else "af"],
        unemployed=True,
        income_months={"ekonomiskt_bistand": bistand} if utr else {"etableringsersattning": 12},
    )
    roll = rng.random()
    recent = (today - referred_on).days < 45
    if recent and roll < 0.5:
        return  # still waiting for a decision
    if roll < 0.06 or (recent and roll < 0.6):
        services.referral_waitlist(
            actor=actor,
            membership=seeder,
            referral=referral,
            decided_on=min(today, referred_on + timedelta(days=3)),
        )
        return
    if roll < 0.12 or (not referral.eligible and roll < 0.5):
        services.referral_decline(
            actor=actor,
            membership=seeder,
            referral=referral,
            reason="Uppfyller inte villkoren för insatsen."
            if not referral.eligible
            else "Annan insats passar bättre.",
            decided_on=min(today, referred_on + timedelta(days=5)),
        )
        return
    start = min(referral.planned_start, today)
    before_af = rng.choice(["11", "11", "14", "EJ_AKTUELL"] if utr else ["11", "11", "14"])
    contact = rng.choice(staff) if staff else None
    enrolment = services.referral_accept(
        actor=actor,
        membership=seeder,
        referral=referral,
        start_date=start,
        main_contact=contact,
        income_sources_before=["ekonomiskt_bistand"] if utr else ["etableringsersattning"],
        af_code_before=before_af,
        education_level=details.education_level,
        time_outside=rng.choice(["lt_6m", "6_12m", "1_2y", "2_5y", "gt_5y"]),
        decided_on=min(today, referred_on + timedelta(days=7)),
    )
    if contact and len(staff) > 1 and rng.random() < 0.15:
        other = rng.choice([s for s in staff if s.pk != contact.pk])
        services.enrolment_hand_over(
            actor=actor,
            membership=seeder,
            enrolment=enrolment,
            to_contact=other,
            handed_over_on=min(today, start + timedelta(days=rng.randint(20, 120))),
            note="Överlämning vid ändrad tjänstgöring. Personen är informerad.",
        )
    length = rng.randint(60, 540)
    if start + timedelta(days=length) < today and rng.random() < 0.75:
        reason = _pick(rng, EXIT_WEIGHTS)
        income_after, af_after = _outcome(rng, reason, before_af)
        services.enrolment_exit(
            actor=actor,
            membership=seeder,
            enrolment=enrolment,
            end_date=start + timedelta(days=length),
            exit_reason=reason,
            income_sources_after=income_after or list(enrolment.income_sources_before),
            af_code_after=af_after,
        )
        _seed_followups(rng, actor, seeder, enrolment, reason, income_after, af_after, today)


# Where people are at follow-up, given how they left (work mostly stays work).
FOLLOWUP_AFTER = {
    "arbete": [("arbete", 80), ("arbetssokande", 12), ("studier", 4), ("annat", 4)],
    "studier": [("studier", 65), ("arbete", 20), ("arbetssokande", 10), ("annat", 5)],
    "sjukskriven": [("sjukskriven", 60), ("insats", 20), ("arbetssokande", 15), ("annat", 5)],
    "foraldrapenning": [("foraldraledig", 70), ("arbetssokande", 20), ("arbete", 10)],
}
FOLLOWUP_OTHERWISE = [
    ("arbetssokande", 40),
    ("insats", 20),
    ("arbete", 18),
    ("studier", 10),
    ("annat", 12),
]


def _seed_followups(rng, actor, seeder, enrolment, reason, income_after, af_after, today) -> None:
    """Record most follow-ups that are due; leave some late ones for the case workers."""
    for followup in enrolment.followups.all():
        if followup.due_on > today or rng.random() < 0.2:
            continue
        done_on = min(today, followup.due_on + timedelta(days=rng.randint(0, 25)))
        reached = rng.random() > 0.15
        situation = _pick(rng, FOLLOWUP_AFTER.get(reason, FOLLOWUP_OTHERWISE)) if reached else ""
        income = {
            "arbete": ["lon"],
            "studier": ["studiemedel"],
            "sjukskriven": ["sjukpenning"],
            "foraldraledig": ["foraldrapenning"],
        }.get(situation, income_after or ["ekonomiskt_bistand"])
        services.followup_record(
            actor=actor,
            membership=seeder,
            followup=followup,
            done_on=done_on,
            reached=reached,
            situation=situation,
            income_sources=income if reached else [],
            af_code=af_after if reached else "",
        )
