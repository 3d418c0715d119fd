"""Demo assessments and step-wise ratings: most named participants are assessed soon after
they start, and are rated one to four times with a plausible, uneven improvement."""

from __future__ import annotations

from datetime import timedelta

from stegvis.assessments import services
from stegvis.assessments.models import Assessment, InterestOption, ProgressDimension, StepRating
from stegvis.participants.models import Enrolment

SWEDISH = [("none", 8), ("A1", 25), ("A2", 25), ("B1", 25), ("B2", 12), ("C1", 5)]
OCCUPATIONS = [
    "Undersköterska",
    "Lärare",
    "Snickare",
    "Elektriker",
    "Kock",
    "Butiksbiträde",
    "Lastbilschaufför",
    "Frisör",
    "Sömmerska",
    "Jordbrukare",
    "Mekaniker",
    "Städare",
    "Barnskötare",
    "Ingenjör",
    "Sjuksköterska",
]
FIELDS = ["", "", "Ekonomi", "Vård", "Bygg", "Pedagogik", "Teknik", "Handel"]
SKILLS = [
    "Van vid datorer och smartphone.",
    "Har lagat mat för många, t.ex. vid högtider.",
    "Har tagit hand om barn och äldre i familjen.",
    "Praktiskt lagd, tycker om att bygga och reparera.",
    "Har sålt varor på marknad i hemlandet.",
    "Talar flera språk och hjälper ofta andra att tolka.",
]
SUMMARIES = [
    "Vill lära sig svenska snabbare och komma ut i praktik.",
    "Vill arbeta inom sitt gamla yrke men behöver validering.",
    "Behöver först stöd med hälsan, sedan språk och nätverk.",
    "Motiverad, vill ha ett sammanhang med andra utanför hemmet.",
    "Vill börja studera och behöver vägledning om vägar dit.",
]
LANGUAGE_NEED = {"none": "high", "A1": "high", "A2": "medium", "B1": "medium", "B2": "low"}
LANGUAGE_SCORE = {"none": 1, "A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 4}
NEED_SCORE = {"high": 1, "medium": 2, "low": 3, "none": 4}


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, weight in weighted:
        x -= weight
        if x <= 0:
            return value
    return weighted[-1][0]


def _profile(rng, enrolment, interests: list[str]) -> dict:
    participant = enrolment.participant
    swedish = _pick(rng, SWEDISH)
    obstacles = [
        key
        for key, p in (
            ("health", 0.25),
            ("disability", 0.06),
            ("childcare", 0.12),
            ("housing", 0.12),
            ("debts", 0.08),
        )
        if rng.random() < p
    ]
    need_health = "high" if "health" in obstacles else rng.choice(["none", "low", "low", "medium"])
    education = []
    level = enrolment.education_level or participant.education_level
    if level and level != "okand":
        education.append(
            {"level": level, "country": participant.country_of_birth, "field": rng.choice(FIELDS)}
        )
    if rng.random() < 0.15:
        education.append({"level": "gymnasial", "country": "Sverige", "field": "Vård"})
    work = [
        {
            "occupation": rng.choice(OCCUPATIONS),
            "years": rng.choice([1, 2, 3, 5, 8, 12]),
            "country": participant.country_of_birth,
        }
        for _ in range(rng.choice([0, 1, 1, 2]))
    ]
    return {
        "education": [{k: v for k, v in e.items() if v} for e in education],
        "work_experience": work,
        "skills": rng.choice(SKILLS),
        "driving_licence": rng.choice(["none", "none", "b", "foreign", "learning"]),
        "swedish_level": swedish,
        "other_languages": [
            {"language": lang, "level": "native" if i == 0 else "good"}
            for i, lang in enumerate(participant.languages or [])
            if lang != "svenska"
        ],
        "need_language": LANGUAGE_NEED.get(swedish, "none"),
        "need_health": need_health,
        "need_network": rng.choice(["low", "medium", "high", "high"]),
        "interests": sorted(rng.sample(interests, k=min(len(interests), rng.randint(2, 4)))),
        "obstacles": obstacles,
        "summary": rng.choice(SUMMARIES),
    }


def _better(profile: dict) -> dict:
    """A later version: Swedish one step up, needs a little smaller."""
    levels = ["none", "A1", "A2", "B1", "B2", "C1", "C2"]
    swedish = levels[min(levels.index(profile["swedish_level"]) + 1, len(levels) - 1)]
    down = {"high": "medium", "medium": "low", "low": "low", "none": "none"}
    return {
        **profile,
        "swedish_level": swedish,
        "need_language": LANGUAGE_NEED.get(swedish, "low"),
        "need_network": down[profile["need_network"]],
    }


def seed(ctx) -> None:
    rng = ctx.rng
    services.ensure_defaults()
    dimensions = list(ProgressDimension.objects.order_by("position"))
    interests = list(InterestOption.objects.values_list("key", flat=True))
    admin_user = ctx.users["admin"].user
    assessments: list[Assessment] = []
    ratings: list[StepRating] = []
    enrolments = Enrolment.objects.filter(participant__is_anonymous=False).select_related(
        "participant", "main_contact__user"
    )
    for enrolment in enrolments.order_by("pk"):
        if enrolment.exit_reason == "felregistrering" or rng.random() < 0.12:
            continue  # not assessed (yet)
        until = min(enrolment.end_date or ctx.today, ctx.today)
        author = enrolment.main_contact.user if enrolment.main_contact else admin_user
        first = min(enrolment.start_date + timedelta(days=rng.randint(3, 21)), until)
        profile = _profile(rng, enrolment, interests)
        versions = [(first, profile)]
        second = first + timedelta(days=rng.randint(120, 180))
        if second <= until and rng.random() < 0.35:
            versions.append((second, _better(profile)))
        for number, (day, data) in enumerate(versions, start=1):
            assessments.append(
                Assessment(
                    federation=ctx.federation,
                    enrolment=enrolment,
                    version=number,
                    assessed_on=day,
                    created_by=author,
                    **data,
                )
            )
        ratings += _ratings(ctx, rng, enrolment, profile, dimensions, first, until, author)
    Assessment.objects.bulk_create(assessments, batch_size=500)
    StepRating.objects.bulk_create(ratings, batch_size=1000)


def _ratings(ctx, rng, enrolment, profile, dimensions, first, until, author) -> list[StepRating]:
    days = [first]
    while len(days) < 4:
        nxt = days[-1] + timedelta(days=rng.randint(70, 110))
        if nxt > until:
            break
        days.append(nxt)
    start = {
        "language": LANGUAGE_SCORE.get(profile["swedish_level"], 3),
        "health": NEED_SCORE[profile["need_health"]],
        "network": NEED_SCORE[profile["need_network"]],
        "work_readiness": rng.randint(1, 3),
        "self_confidence": rng.randint(1, 4),
    }
    # Some people move quickly, some slowly, a few go backwards for a while.
    pace = rng.choice([0.2, 0.35, 0.5, 0.5, 0.65])
    scores = {d.pk: start.get(d.key, rng.randint(1, 3)) for d in dimensions}
    self_rating = rng.random() < 0.55
    result = []
    for index, day in enumerate(days):
        if index:
            for d in dimensions:
                roll = rng.random()
                if roll < pace:
                    scores[d.pk] = min(5, scores[d.pk] + 1)
                elif roll > 0.94:
                    scores[d.pk] = max(1, scores[d.pk] - 1)
        for d in dimensions:
            result.append(
                StepRating(
                    federation=ctx.federation,
                    enrolment=enrolment,
                    dimension=d,
                    rated_on=day,
                    rater=StepRating.Rater.STAFF,
                    score=scores[d.pk],
                    created_by=author,
                )
            )
            if self_rating:
                own = max(1, min(5, scores[d.pk] + rng.choice([-1, 0, 0, 1])))
                result.append(
                    StepRating(
                        federation=ctx.federation,
                        enrolment=enrolment,
                        dimension=d,
                        rated_on=day,
                        rater=StepRating.Rater.PARTICIPANT,
                        score=own,
                        created_by=author,
                    )
                )
    return result
