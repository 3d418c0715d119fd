"""The demo federation: organisations and a user for every role (SPEC §1).

Other apps add participants, plans, activities and outcomes in their own ``demo.py`` with a
``seed(context)`` function; ``stegvis seed-demo`` calls them in the order of INSTALLED_APPS.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from faker import Faker

from stegvis.core import services
from stegvis.core.models import Association, Authority, Federation, Hub, Membership, WorkingGroup
from stegvis.core.roles import Role
from stegvis.core.validators import luhn_check_digit
from stegvis.interventions.models import Intervention

DEMO_SLUG = "nad-skane"
DEMO_NAME = "NAD Skåne – demoförbund"
SECOND_SLUG = "finsam-mittbygd"
SECOND_NAME = "Samordningsförbundet Mittbygd"
DEMO_PASSWORD = "demo-stegvis-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass
class DemoContext:
    federation: Federation
    rng: random.Random
    faker: Faker
    # Histories are laid out backwards from the day the demo is loaded, so it always looks current.
    today: date = field(default_factory=timezone.localdate)
    authorities: dict[str, Authority] = field(default_factory=dict)
    hubs: dict[str, Hub] = field(default_factory=dict)
    associations: list[Association] = field(default_factory=list)
    interventions: dict[str, Intervention] = field(default_factory=dict)
    users: dict[str, Membership] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def staff(self, code: str) -> list[Membership]:
        """The demo's case workers of an intervention (main or extra role): they register and
        write its participants' data, as in real work; the administrator sees none."""
        return [
            m
            for m in self.users.values()
            if m.has_role(Role.CASE_WORKER) and code in {i.code for i in m.interventions.all()}
        ]


HUBS = [
    ("nordost", "Nordöst", "Kristianstad", ["Kristianstad", "Hässleholm", "Bromölla", "Osby"]),
    ("nordvast", "Nordväst", "Helsingborg", ["Helsingborg", "Landskrona", "Höganäs", "Ängelholm"]),
    ("syd", "Syd", "Malmö", ["Malmö", "Trelleborg", "Vellinge", "Ystad"]),
    ("mellanskane", "Mellanskåne", "Lund", ["Lund", "Eslöv", "Höör", "Hörby"]),
]

AUTHORITIES = [
    ("af", "af", "Arbetsförmedlingen"),
    ("fk", "fk", "Försäkringskassan"),
    ("kristianstad", "kommun", "Kristianstads kommun"),
    ("helsingborg", "kommun", "Helsingborgs stad"),
    ("region", "region", "Region Skåne"),
]

ASSOCIATIONS = [
    ("Språkcaféet Kristianstad", "nordost", "Kristianstad", "Samtalsgrupper på svenska"),
    ("Hässleholms Trädgårdsförening", "nordost", "Hässleholm", "Odling och trädgårdsarbete"),
    ("IK Osby Friidrott", "nordost", "Osby", "Promenader och löpgrupper"),
    ("Helsingborgs Schackklubb", "nordvast", "Helsingborg", "Schack och samtal"),
    ("Kvinnonätverket Landskrona", "nordvast", "Landskrona", "Mötesplats för kvinnor"),
    ("Ängelholms Cykelförening", "nordvast", "Ängelholm", "Cykelskola och cykelturer"),
    ("Malmö Kulturförening Möllan", "syd", "Malmö", "Musik, teater och föreningskunskap"),
    ("Trelleborgs Simsällskap", "syd", "Trelleborg", "Simundervisning för vuxna"),
    ("Ystads Hembygdsförening", "syd", "Ystad", "Lokalhistoria och natur"),
    ("Lunds Föreningsliv i Samverkan", "mellanskane", "Lund", "Föreningskunskap och volontärskap"),
    ("Eslövs Fotbollsallians", "mellanskane", "Eslöv", "Fotboll och ledarskap"),
    ("Höörs Naturskyddsförening", "mellanskane", "Höör", "Naturvandringar och friluftsliv"),
]

INTERVENTIONS = [
    ("NAD-NO", "NAD Nordöst", "individual", "nordost", "af", 120),
    ("NAD-NV", "NAD Nordväst", "individual", "nordvast", "af", 120),
    ("NAD-SYD", "NAD Syd", "individual", "syd", "af", 100),
    ("NAD-MS", "NAD Mellanskåne", "individual", "mellanskane", "af", 80),
    ("UTR-25", "Utrikesfödda 25–55 med ekonomiskt bistånd", "individual", None, "kristianstad", 60),
    ("SAMV-KOMP", "Kompetensutveckling i samverkan", "structural", None, "region", None),
]

ELIGIBILITY = {
    "UTR-25": [
        {"type": "age", "min": 25, "max": 55},
        {"type": "born_abroad"},
        {"type": "unemployed"},
        {"type": "income_source", "source": "ekonomiskt_bistand", "months": 10, "window": 12},
    ],
    **{
        code: [{"type": "age", "min": 18, "max": 65}, {"type": "born_abroad"}]
        for code in ("NAD-NO", "NAD-NV", "NAD-SYD", "NAD-MS")
    },
}

# username, role, first, last, title, authority key, responsibilities, intervention codes
USERS = [
    (
        "admin",
        Role.FEDERATION_ADMIN,
        "Anna",
        "Lindqvist",
        "Förbundschef",
        None,
        "Administrerar förbundet, användare och insatser",
        [],
    ),
    (
        "insatsledare",
        Role.INTERVENTION_LEAD,
        "Jonas",
        "Berg",
        "Processledare",
        "af",
        "Leder NAD-insatserna, budget och rapporter",
        ["NAD-NO", "NAD-NV", "NAD-SYD", "NAD-MS"],
    ),
    (
        "handlaggare",
        Role.CASE_WORKER,
        "Sara",
        "Nilsson",
        "Handläggare etablering",
        "af",
        "Deltagaransvarig NAD Nordöst och Nordväst",
        ["NAD-NO", "NAD-NV"],
    ),
    (
        "adminhandlaggare",
        Role.FEDERATION_ADMIN,
        "Lena",
        "Ekström",
        "Utvecklingsledare",
        "helsingborg",
        "Administrerar kodlistor och är handläggare i NAD Syd och Mellanskåne",
        ["NAD-SYD", "NAD-MS"],
    ),
    (
        "handlaggare2",
        Role.CASE_WORKER,
        "Ali",
        "Hassan",
        "Socialsekreterare",
        "kristianstad",
        "Deltagaransvarig Utrikesfödda",
        ["UTR-25"],
    ),
    (
        "samordnare",
        Role.ASSOCIATION_COORDINATOR,
        "Maria",
        "Ekström",
        "Föreningssamordnare",
        None,
        "Utforskar föreningar och planerar aktiviteter",
        [],
    ),
    (
        "foreningsledare",
        Role.ASSOCIATION_LEADER,
        "Erik",
        "Persson",
        "Ledare",
        None,
        "Leder Språkcaféets samtalsgrupper",
        [],
    ),
    ("styrgrupp", Role.STEERING, "Karin", "Holm", "Enhetschef", "fk", "Ledamot i styrgruppen", []),
    (
        "anvisare",
        Role.REFERRER,
        "Lena",
        "Åberg",
        "Handläggare sjukförsäkring",
        "fk",
        "Anvisar personer till förbundets insatser",
        [],
    ),
    (
        "utvarderare",
        Role.EVALUATOR,
        "Per",
        "Sandberg",
        "Utvärderare",
        "region",
        "Följeforskning och effektutvärdering",
        [],
    ),
]


# Roles held besides the main one: the administrator who is also a case worker holds both,
# explicitly (SPEC §1).
EXTRA_ROLES = {"adminhandlaggare": [Role.CASE_WORKER]}


def demo_orgnr(rng: random.Random) -> str:
    """A syntactically valid organisationsnummer for a non-profit association (802…)."""
    first_nine = "802" + "".join(str(rng.randint(0, 9)) for _ in range(6))
    digits = first_nine + str(luhn_check_digit(first_nine))
    return f"{digits[:6]}-{digits[6:]}"


def seed(ctx: DemoContext) -> None:
    rng, fake = ctx.rng, ctx.faker
    for key, kind, name in AUTHORITIES:
        ctx.authorities[key] = Authority.objects.create(kind=kind, name=name)
    for slug, name, seat, municipalities in HUBS:
        ctx.hubs[slug] = Hub.objects.create(
            slug=slug, name=name, seat=seat, municipalities=municipalities
        )
    for name, hub_slug, municipality, description in ASSOCIATIONS:
        contact = fake.name()
        ctx.associations.append(
            Association.objects.create(
                name=name,
                organisation_number=demo_orgnr(rng),
                hub=ctx.hubs[hub_slug],
                municipality=municipality,
                contact_name=contact,
                contact_email=f"{contact.split()[0].lower()}@{name.split()[0].lower()}.example",
                contact_phone=fake.phone_number(),
                payment_kind=Association.PaymentKind.PLUSGIRO,
                payment_number=_plusgiro(rng),
                description=description,
            )
        )
    for code, name, kind, hub_slug, owner, capacity in INTERVENTIONS:
        ctx.interventions[code] = Intervention.objects.create(
            code=code,
            name=name,
            kind=kind,
            hub=ctx.hubs.get(hub_slug) if hub_slug else None,
            owner_authority=ctx.authorities[owner],
            start_date=date(2024, 1, 1),
            end_date=date(2027, 12, 31),
            capacity=capacity,
            target_group=(
                "Nyanlända med etableringsplan hos Arbetsförmedlingen"
                if code.startswith("NAD")
                else "Utrikesfödda 25–55 år, arbetslösa, med ekonomiskt bistånd"
                if code == "UTR-25"
                else ""
            ),
            eligibility_rules=ELIGIBILITY.get(code, []),
        )
    for username, role, first, last, title, authority, duties, codes in USERS:
        user, membership = services.user_create_or_update(
            federation=ctx.federation,
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.stegvis.example",
            authority=ctx.authorities.get(authority) if authority else None,
            association=ctx.associations[0] if role == Role.ASSOCIATION_LEADER else None,
            hub=ctx.hubs["nordost"] if role == Role.ASSOCIATION_COORDINATOR else None,
            interventions=[ctx.interventions[c] for c in codes],
            responsibilities=duties,
            check_password=False,
            extra_roles=EXTRA_ROLES.get(username, []),
        )
        user.title = title
        user.phone = fake.phone_number()
        user.save(update_fields=["title", "phone"])
        ctx.users[username] = membership
        ctx.logins.append((username, DEMO_PASSWORD, membership.get_role_display()))
    # Working groups: association coordinator + AF case worker + process lead, per hub.
    for hub in ctx.hubs.values():
        group = WorkingGroup.objects.create(
            hub=hub, name=f"Samverkansgrupp {hub.name}", meets="Varannan tisdag kl. 9–11"
        )
        group.members.set(
            [ctx.users["samordnare"], ctx.users["handlaggare"], ctx.users["insatsledare"]]
        )


def _plusgiro(rng: random.Random) -> str:
    body = str(rng.randint(100000, 9999999))
    for digit in range(10):
        candidate = body + str(digit)
        from stegvis.core.validators import luhn_checksum_ok

        if luhn_checksum_ok(candidate):
            return f"{body}-{digit}"
    raise AssertionError("unreachable")  # pragma: no cover
