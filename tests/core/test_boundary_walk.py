"""The tenant boundary, walked: every URL pattern and every API operation, as each role of
federation A, against the objects and accounts of federation B.

Each request is made with A's slug and B's ids, with B's slug, and with A's own ids but a body
full of B's values (ids, codes, usernames, personnummer), as GET and as POST. Writes that find
an object by a natural key (a username for a new staff member, a personnummer in a
registration, in the API or in an import) are made with B's keys. After every request:

(a) no response body (zip and PDF contents included) holds any of B's secret markers, nor B's
    decrypted personnummer unless the request itself carried it;
(b) all of B's rows (every tenant table, and the accounts of B's members: username, names,
    e-mail, password hash, active) are as they were;
(c) no server error.

A route or API parameter the walk cannot fill fails the test: a new page is walked, or the
walk is taught how.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from stegvis.core import audit
from stegvis.core import services as core_services
from stegvis.core.export import _owned_tables
from stegvis.core.fields import EncryptedTextField
from stegvis.core.models import Association, Hub, Membership
from stegvis.core.personnummer import parse_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.participants import services as participant_services
from stegvis.participants.models import Participant

PASSWORD = "ett-langt-testlosenord-7"
ROLES = [role.value for role in Role]

# Every text of federation B carries this marker; A's carry their own.
MARKER = {"alfa": "Zqalfa", "beta": "Zqbeta"}
PERSONAL_NUMBER = {"alfa": "19121212-1212", "beta": "19850402-7940"}

# Text fields that are keys an attacker types (codes, slugs, usernames), not secrets: they get
# plain values so that an echo of what the caller sent is no false alarm.
KEY_FIELDS = {
    "code",
    "slug",
    "key",
    "kind",
    "username",
    "organisation_number",
    "municipality_code",
    "file_name",
    "language",
    "template_key",
    "af_code",
    "af_code_before",
    "af_code_after",
    "exit_reason",
    "education_level",
    "time_outside",
    "metric",
    "status",
    "category",
    "payment_kind",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "actor_username",
}


# --- The two federations --------------------------------------------------------------------


@dataclass
class World:
    slug: str
    federation: object
    members: dict = field(default_factory=dict)  # role -> Membership
    ids: dict = field(default_factory=dict)  # model label -> first pk
    values: dict = field(default_factory=dict)  # model label -> {field: value} of that row
    participant: Participant | None = None
    intervention: Intervention | None = None
    personal_number: str = ""


def _text(marker: str, model, field_obj) -> str:
    name = field_obj.name
    if name in KEY_FIELDS:
        return f"{model._meta.model_name[:6]}{name[:3]}1"[: field_obj.max_length or 50]
    value = f"{marker} {model._meta.model_name} {name}"
    limit = field_obj.max_length or 1000
    if limit < len(marker) + 1:
        return "1"[:limit]
    return value[:limit]


def _value(world: World, marker: str, model, field_obj, ensure):
    """A plausible value for one field of a generated row."""
    today = timezone.localdate()
    if field_obj.is_relation:
        related = field_obj.related_model
        if related is get_user_model():
            return world.members[Role.FEDERATION_ADMIN].user
        if related._meta.label_lower == "core.federation":
            return world.federation
        return ensure(related)
    if field_obj.choices:
        return field_obj.choices[0][0]
    if field_obj.name.endswith("_max"):
        return 5  # above its *_min, which gets 1
    if isinstance(field_obj, models.JSONField):
        return field_obj.get_default() if field_obj.has_default() else {}
    if isinstance(field_obj, models.EmailField):
        return f"{marker.lower()}.{model._meta.model_name}@example.se"
    if isinstance(field_obj, models.URLField):
        return f"https://example.se/{marker}"
    if isinstance(field_obj, models.SlugField):
        return f"{world.slug}-{model._meta.model_name}"[: field_obj.max_length]
    if isinstance(field_obj, models.GenericIPAddressField):
        return "192.0.2.1"
    if isinstance(field_obj, EncryptedTextField | models.CharField | models.TextField):
        return _text(marker, model, field_obj)
    # An end, expiry or "until" lies after the start (check constraints say so).
    later = timedelta(days=1) if re.search(r"end|until|expir|_to$", field_obj.name) else timedelta()
    if isinstance(field_obj, models.DateTimeField):
        return timezone.now() + later
    if isinstance(field_obj, models.DateField):
        return today - timedelta(days=30) + later
    if isinstance(field_obj, models.TimeField):
        return time(10, 0)
    if isinstance(field_obj, models.DecimalField):
        return Decimal("1")
    if isinstance(field_obj, models.FloatField):
        return 1.0
    if isinstance(field_obj, models.IntegerField):
        return 1 if "year" not in field_obj.name else today.year - 30
    if isinstance(field_obj, models.BooleanField):
        return False
    return field_obj.get_default()


def _build(slug: str) -> World:
    """A small but complete federation: a member of every role, a named person with consent,
    referral and enrolment, and at least one row in every tenant table."""
    marker = MARKER[slug]
    federation, _ = core_services.federation_create(slug=slug, name=f"Förbundet {marker}")
    world = World(slug=slug, federation=federation, personal_number=PERSONAL_NUMBER[slug])
    with federation_scope(federation):
        hub = Hub.objects.create(
            slug=f"{slug}-hub", name=f"{marker} knutpunkt", municipalities=["Lund"]
        )
        association = Association.objects.create(
            name=f"{marker} förening",
            organisation_number="802400-0001",
            hub=hub,
            contact_name=f"{marker} kontakt",
            contact_phone=f"{marker}-telefon",
        )
        world.intervention = Intervention.objects.create(
            code=f"{slug.upper()}-1", name=f"{marker} insats", kind="individual"
        )
        for role in ROLES:
            _user, membership = core_services.user_create_or_update(
                federation=federation,
                username=f"{slug}-{role}",
                role=role,
                password=PASSWORD,
                first_name=f"{marker}förnamn",
                last_name=f"{marker}efternamn",
                email=f"{marker.lower()}.{role}@example.se",
                phone=f"{marker}-tel",
                interventions=[world.intervention],
                association=association if role == Role.ASSOCIATION_LEADER else None,
                hub=hub if role == Role.ASSOCIATION_COORDINATOR else None,
                check_password=False,
            )
            world.members[role] = membership
        # The case worker registers (the administrator alone sees no personal data).
        admin = world.members[Role.CASE_WORKER]
        participant, _ = participant_services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=world.intervention,
            details=participant_services.PersonDetails(
                gender="kvinna",
                municipality="Lund",
                personal_number=world.personal_number,
                first_name=f"{marker}fornamn",
                last_name=f"{marker}efternamn",
            ),
            consent=participant_services.ConsentDetails(
                scope="sharing", method="written", given_on=date(2026, 1, 2)
            ),
        )
        Participant.objects.filter(pk=participant.pk).update(
            phone=f"{marker}-0701",
            email=f"{marker.lower()}@example.se",
            address=f"{marker}gatan 1",
        )
        participant_services.enrolment_create(
            actor=admin.user,
            membership=admin,
            participant=participant,
            intervention=world.intervention,
            start_date=date(2026, 1, 5),
            main_contact=world.members[Role.CASE_WORKER],
        )
        world.participant = participant
        audit.log(actor=admin.user, action=audit.Action.READ, obj=participant, reason=marker)

        made: dict = {}

        def ensure(model):
            label = model._meta.label_lower
            if label in made:
                return made[label]
            existing = model.objects.order_by("pk").first()
            if existing is None:
                values = {}
                for f in model._meta.concrete_fields:
                    if f.primary_key or f.name == "federation" or f.generated:
                        continue
                    if f.null and not f.is_relation and not isinstance(f, models.CharField):
                        continue
                    values[f.name] = _value(world, marker, model, f, ensure)
                existing = model(**values)
                existing.save()
            made[label] = existing
            return existing

        # Rows the generator cannot satisfy (a check across columns), made by hand.
        from stegvis.evaluation.models import BenefitPayment

        made["evaluation.benefitpayment"] = BenefitPayment.objects.create(
            participant=participant, month=date(2026, 1, 1), amount=9000
        )
        for model in _owned_tables():
            ensure(model)
        # A method's published figures are meant for other federations (an explicit, logged
        # decision); the walk keeps B's withdrawn so any B text seen in A is a leak.
        from stegvis.knowledge.models import MethodPublication

        MethodPublication.objects.update(withdrawn_at=timezone.now())
        for label, row in made.items():
            world.ids[label] = row.pk
            world.values[label] = {
                f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields
            }
    return world


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """A and B, built once for the module inside a transaction that is rolled back at the end;
    every test runs in a savepoint of its own inside it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build("alfa"), _build("beta")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def walk_settings(settings, tmp_path):
    settings.API_RATE_LIMIT_PER_MINUTE = 10**6
    settings.IMPORTS_IN_BACKGROUND = False
    settings.VAR_DIR = tmp_path


# --- What must not change, and what must not leak -------------------------------------------


def snapshot(world: World) -> dict:
    """Every row of the federation and the accounts of its members."""
    rows = {}
    with federation_scope(world.federation):
        for model in _owned_tables():
            columns = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label_lower] = sorted(
                model.objects.order_by("pk").values_list(*columns), key=repr
            )
        for model in {
            f.remote_field.through for m in _owned_tables() for f in m._meta.local_many_to_many
        }:
            columns = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label_lower] = sorted(
                model.objects.order_by("pk").values_list(*columns), key=repr
            )
        user_ids = list(Membership.objects.values_list("user_id", flat=True))
    rows["core.user"] = sorted(
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "username", "first_name", "last_name", "email", "password", "is_active")
    )
    return rows


def _personal_number_forms(number: str) -> set[str]:
    parsed = parse_personal_number(number)
    twelve = parsed.number12
    return {twelve, f"{twelve[:8]}-{twelve[8:]}", f"{twelve[2:8]}-{twelve[8:]}"}


def body_text(response) -> str:
    """The text a person could read in the response: zip members unpacked, PDF text extracted."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    parts = [content]
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [archive.read(name) for name in archive.namelist()]
    elif content.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        parts = [content, *(page.extract_text().encode() for page in reader.pages)]
    return "\n".join(part.decode("utf-8", "replace") for part in parts)


@dataclass
class Walker:
    """Makes requests as one member of A and collects every breach of (a), (b) and (c)."""

    client: Client
    member: Membership
    beta: World
    before: dict
    secrets: set
    failures: list = field(default_factory=list)
    count: int = 0
    api_headers: dict = field(default_factory=dict)

    def login(self):
        self.client.force_login(self.member.user)

    def request(
        self, method: str, path: str, data=None, *, api=False, headers=None, label="", supplied=""
    ):
        """One request; ``supplied`` is what the caller sent earlier and may see again (the
        personnummer A typed into its own registration)."""
        self.count += 1
        what = f"{method} {path} {label}".strip()
        kwargs = dict(headers or {})
        try:
            if api:
                kwargs.update(self.api_headers)
                if method == "GET":
                    response = self.client.get(path, data or {}, **kwargs)
                else:
                    response = self.client.post(
                        path, data or {}, content_type="application/json", **kwargs
                    )
            elif method == "GET":
                response = self.client.get(path, data or {}, **kwargs)
            else:
                response = self.client.post(path, data or {}, **kwargs)
        except Exception as exc:  # every server error is a finding
            self.failures.append(f"(c) {what}: server error {type(exc).__name__}: {exc}")
            self.login()
            return None
        if response.status_code >= 500:
            self.failures.append(f"(c) {what}: status {response.status_code}")
        sent = f"{path} {data!r} {supplied}".lower()
        text = body_text(response).lower()
        for secret in self.secrets:
            if secret in text and secret not in sent:
                self.failures.append(
                    f"(a) {what}: the response ({response.status_code}) shows B's {secret!r}"
                )
        if not path.startswith("/api/"):
            self.login()  # a logout or login page may have ended the session
        return response

    def check_unchanged(self, after_what: str):
        after = snapshot(self.beta)
        for table, rows in self.before.items():
            if after.get(table) != rows:
                gone = [r for r in rows if r not in after.get(table, [])]
                new = [r for r in after.get(table, []) if r not in rows]
                self.failures.append(
                    f"(b) after {after_what}: B's {table} changed: "
                    f"rows gone {gone!r}, rows new or changed {new!r}"
                )
        self.before = after


def _walker(client, worlds, role) -> Walker:
    alfa, beta = worlds
    secrets = {MARKER["beta"].lower()} | _personal_number_forms(beta.personal_number)
    walker = Walker(
        client=client,
        member=alfa.members[role],
        beta=beta,
        before=snapshot(beta),
        secrets={s.lower() for s in secrets},
    )
    walker.login()
    _token, key = core_services.token_create(user=walker.member.user, name="grans")
    walker.api_headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return walker


def _report(walker: Walker) -> str:
    shown = walker.failures[:60]
    more = len(walker.failures) - len(shown)
    tail = f"\n… and {more} more" if more > 0 else ""
    return (
        f"{len(walker.failures)} breaches in {walker.count} requests:\n" + "\n".join(shown) + tail
    )


# --- Filling URL patterns -------------------------------------------------------------------

# The model whose id a parameter named ``pk`` takes, by the path segment before it.
PK_MODEL = {
    "aktiviteter": "activities.activity",
    "ersattningar": "activities.compensation",
    "platser": "activities.placement",
    "kartlaggningar": "assessments.assessment",
    "medarbetare": "core.membership",
    "jobb": "imports.importjob",
    "forslag": "matching.proposal",
    "deltagare": "participants.participant",
    "anvisningar": "participants.referral",
    "samtycken": "participants.consent",
    "deltaganden": "participants.enrolment",
    "uppfoljningar": "participants.followup",
    "planer": "plans.plan",
    "moten": "plans.meeting",
    "planmallar": "plans.plantemplate",
    "rattelser": "participants.correction",
    "overlamningar": "interventions.transfer",
    "mina-anvisningar": "participants.referral",
}
ORGANISATION_MODEL = {
    "huvudman": "core.authority",
    "knutpunkt": "core.hub",
    "samverkansgrupp": "core.workinggroup",
    "forening": "core.association",
}
NAMED_MODEL = {
    "enrolment_pk": "participants.enrolment",
    "intervention_pk": "interventions.intervention",
    "session_pk": "activities.session",
    "place_pk": "activities.activityenrolment",
    "cost_pk": "activities.activitycost",
    "goal_pk": "plans.plangoal",
    "action_pk": "plans.planaction",
    "correction_pk": "activities.compensationcorrection",
}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_patterns(resolvers=None, prefix=""):
    """Every route of the site as (route with <converter:name> parameters, pattern name)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/"):
                continue  # walked through the OpenAPI schema
            yield from url_patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.name


def _string_choices(route: str, name: str) -> list[str]:
    from stegvis.imports.kinds import KINDS
    from stegvis.reports.definitions import REPORTS

    if name == "kind" and route.startswith("f/<slug:federation_slug>/import/"):
        return sorted(KINDS)
    if name == "kind":
        return sorted(ORGANISATION_MODEL)
    if name == "fmt" and "rapporter/" in route:
        return ["csv", "xlsx", "pdf", "json", "zip"]
    if name == "fmt":
        return ["json", "pdf", "csv"]
    if name == "name":
        return sorted(REPORTS)[:2]
    return []


def fill(route: str, world: World, slug: str) -> list[str]:
    """The route as paths for ``world``'s objects under ``slug``; one path per choice of a
    string parameter (report formats, import kinds)."""
    paths = [route]
    previous = ""
    for match in PARAMETER.finditer(route):
        name = match.group("name")
        segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if name == "federation_slug":
            values = [slug]
        elif name == "pk" and segment in PK_MODEL:
            values = [str(world.ids[PK_MODEL[segment]])]
        elif name == "pk" and previous == "kind":
            values = None  # filled together with the kind below
        elif name in NAMED_MODEL:
            values = [str(world.ids[NAMED_MODEL[name]])]
        elif name == "code" and "/enkater/" in route:
            values = [world.values["surveys.survey"]["code"]]
        elif name == "key" and "/enkater/" in route:
            values = [world.values["surveys.question"]["key"]]
        elif name == "code" and "/metoder/" in route:
            values = [world.values["knowledge.method"]["code"]]
        elif name == "code":
            values = [world.intervention.code]
        elif name == "step":
            values = [str(world.values["activities.workflowstep"]["step"])]
        elif name == "token":
            values = ["en-lank-som-inte-finns"]  # answer links: a guess opens nothing
        else:
            values = _string_choices(route, name)
            if not values:
                raise AssertionError(f"the walk cannot fill <{name}> in {route}: teach it")
        previous = name
        token = match.group(0)
        if values is None:
            continue
        paths = [p.replace(token, v, 1) for p in paths for v in values]
    final = []
    for path in paths:
        if "<int:pk>" in path:  # organisation/<kind>/<pk>
            kind = path.split("organisation/", 1)[1].split("/", 1)[0]
            path = path.replace("<int:pk>", str(world.ids[ORGANISATION_MODEL[kind]]))
        final.append("/" + path)
    return final


def b_body(alfa: World, beta: World) -> dict:
    """A form body built from B's values: every field of B's rows under its own name (ids for
    foreign keys, codes, dates, numbers), and B's natural keys where forms take them. B's
    secret texts are not sent: A cannot know them, and an echo of them would hide a leak."""
    body: dict = {}
    marker = MARKER["beta"].lower()
    for values in beta.values.values():
        for attname, value in values.items():
            name = attname.removesuffix("_id")
            if value is None or name in body or isinstance(value, dict | list):
                continue
            if marker in str(value).lower():
                continue
            body[name] = str(value)
    body.update(
        {
            "username": beta.members[Role.CASE_WORKER].user.username,
            "password": "kapat-konto-losenord-99",
            "role": Role.CASE_WORKER,
            "personal_number": beta.personal_number,
            "participant": str(beta.participant.pk),
            "intervention": str(beta.intervention.pk),
            "interventions": str(beta.intervention.pk),
            "code": beta.intervention.code,
            "insats": beta.intervention.code,
            "has_consent": "yes",
            "consent_scope": "sharing",
            "consent_method": "written",
            "consent_date": "2026-01-02",
            "gender": "kvinna",
            "birth_year": "1985",
            "municipality": "Lund",
            "is_active": "on",
            "decision": "accept",
            "q": beta.personal_number,
        }
    )
    return body


def b_query(beta: World) -> dict:
    return {
        "intervention": beta.intervention.code,
        "insats": beta.intervention.code,
        "participant": beta.participant.pk,
        "enrolment": beta.ids["participants.enrolment"],
        "activity": beta.ids["activities.activity"],
        "q": beta.personal_number,
    }


# --- The web walk ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_each_role_of_a_against_b(worlds, role, client, walk_settings):
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    body = b_body(alfa, beta)
    query = b_query(beta)
    for route, name in url_patterns():
        variants = [
            ("A's slug, B's ids", fill(route, beta, alfa.slug)),
            ("B's slug and ids", fill(route, beta, beta.slug)),
            ("A's ids, B's values", fill(route, alfa, alfa.slug)),
        ]
        for label, paths in variants:
            for path in paths:
                walker.request("GET", path, query, label=f"[{name}; {label}]")
                walker.request("POST", path, body, label=f"[{name}; {label}]")
        walker.check_unchanged(f"walking {route}")
    assert not walker.failures, _report(walker)


# --- The API walk ---------------------------------------------------------------------------

API_PATH_MODEL = {
    "intervention_id": "interventions.intervention",
    "participant_id": "participants.participant",
    "referral_id": "participants.referral",
    "enrolment_id": "participants.enrolment",
    "assessment_id": "assessments.assessment",
    "plan_id": "plans.plan",
    "meeting_id": "plans.meeting",
    "activity_id": "activities.activity",
    "session_id": "activities.session",
    "placement_id": "activities.placement",
    "consent_id": "participants.consent",
    "followup_id": "participants.followup",
    "handover_id": "participants.handover",
    "place_id": "activities.activityenrolment",
    "compensation_id": "activities.compensation",
    "correction_id": "activities.compensationcorrection",
    "membership_id": "core.membership",
    "member_id": "core.membership",
    "job_id": "imports.importjob",
}


def _api_schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        node = _resolve(schema, options[0]) if options else node
    if "allOf" in node:
        node = _resolve(schema, node["allOf"][0])
    return node


def _api_value(schema: dict, name: str, node: dict, beta: World):
    """A value for one property, taken from B where the name says what it is."""
    node = _resolve(schema, node)
    kind = node.get("type")
    if kind == "object":
        return {
            prop: _api_value(schema, prop, sub, beta)
            for prop, sub in node.get("properties", {}).items()
        }
    if kind == "array":
        return [_api_value(schema, name, node.get("items", {}), beta)]
    key = name.removesuffix("_id").removesuffix("s")
    ids = {
        "participant": beta.participant.pk,
        "enrolment": beta.ids["participants.enrolment"],
        "activity": beta.ids["activities.activity"],
        "session": beta.ids["activities.session"],
        "place": beta.ids["activities.activityenrolment"],
        "dimension": beta.ids["assessments.progressdimension"],
        "main_contact": beta.members[Role.CASE_WORKER].pk,
        "authority": beta.ids["core.authority"],
        "referring_authority": beta.ids["core.authority"],
        "association": beta.ids["core.association"],
        "hub": beta.ids["core.hub"],
        "attendee": beta.members[Role.CASE_WORKER].user.pk,
    }
    if kind == "integer":
        if key == "intervention":
            return beta.intervention.pk
        if key in ids:
            return ids[key]
        if "year" in name:
            return 1985
        return max(node.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if "enum" in node:
        return node["enum"][0]
    if node.get("format") == "date" or name.endswith(("_on", "_date")) or name in ("from", "to"):
        return "2026-01-10"
    strings = {
        "intervention": beta.intervention.code,
        "personal_number": beta.personal_number,
        "gender": "kvinna",
        "municipality": "Lund",
        "scope": "sharing",
        "method": "written",
        "decision": "accept",
        "rater": "participant",
        "kind": "individual",
    }
    if name in strings:
        return strings[name]
    if key in ids:
        return str(ids[key])
    return "1"


def api_operations(client):
    schema = _api_schema(client)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield schema, path, method.upper(), operation


def _api_path(path: str, world: World) -> str:
    def replace(match):
        name = match.group(1)
        if name == "name":
            from stegvis.reports.definitions import REPORTS

            return sorted(REPORTS)[0]
        if name == "code" and "/surveys/" in path:
            return world.values["surveys.survey"]["code"]
        if name not in API_PATH_MODEL:
            raise AssertionError(f"the walk cannot fill {{{name}}} in {path}: teach it")
        return str(world.ids[API_PATH_MODEL[name]])

    return re.sub(r"\{(\w+)\}", replace, path)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_as_each_role_of_a_against_b(worlds, role, client, walk_settings):
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    for schema, path, method, operation in api_operations(client):
        query = {
            p["name"]: _api_value(schema, p["name"], p.get("schema", {}), beta)
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] not in ("limit", "offset")
        }
        body_schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        body = _api_value(schema, "", body_schema, beta) if body_schema else {}
        for label, world, headers in [
            ("A, B's ids", beta, {}),
            ("B's federation", beta, {"HTTP_X_FEDERATION": beta.slug}),
            ("A's ids, B's values", alfa, {}),
        ]:
            target = _api_path(path, world)
            data = query if method == "GET" else body
            walker.request(method, target, data, api=True, headers=headers, label=f"[{label}]")
            if method == "POST":
                walker.request("GET", target, query, api=True, headers=headers, label=f"[{label}]")
        walker.check_unchanged(f"{method} {path}")
    assert not walker.failures, _report(walker)


# --- Writes that find an object by a natural key --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_new_member_with_the_username_of_bs_user(worlds, role, client, walk_settings):
    """ "Ny medarbetare" in A naming an account of B: B's account stays B's."""
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    taken = beta.members[Role.CASE_WORKER].user
    walker.request(
        "POST",
        f"/f/{alfa.slug}/admin/medarbetare/ny/",
        {
            "username": taken.username,
            "first_name": "Kapad",
            "last_name": "Användare",
            "email": "kapad@example.se",
            "role": Role.CASE_WORKER,
            "interventions": str(alfa.intervention.pk),
            "password": "kapat-konto-losenord-99",
            "is_active": "on",
        },
        label="[core:member_new with B's username]",
    )
    walker.check_unchanged("creating a member with B's username")
    # Nor can the new password open B's account.
    if Client().login(username=taken.username, password="kapat-konto-losenord-99"):
        walker.failures.append("(b) A's password opens B's account")
    assert not walker.failures, _report(walker)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_member_edit_of_a_user_with_bs_username(worlds, role, client, walk_settings):
    """Editing one of A's members and renaming him to B's username changes nothing of B."""
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    own = alfa.members[Role.STEERING]
    walker.request(
        "POST",
        f"/f/{alfa.slug}/admin/medarbetare/{own.pk}/",
        {
            "username": beta.members[Role.CASE_WORKER].user.username,
            "first_name": "Byter",
            "last_name": "Namn",
            "role": Role.STEERING,
            "password": "kapat-konto-losenord-99",
            "is_active": "on",
        },
        label="[core:member_edit with B's username]",
    )
    walker.check_unchanged("renaming a member of A to B's username")
    assert not walker.failures, _report(walker)


def _registration(alfa: World, beta: World) -> dict:
    return {
        "intervention": str(alfa.intervention.pk),
        "has_consent": "yes",
        "consent_scope": "sharing",
        "consent_method": "written",
        "consent_date": "2026-02-01",
        "consent_language": "sv",
        "personal_number": beta.personal_number,
        "first_name": "Ny",
        "last_name": "Registrering",
        "gender": "kvinna",
        "birth_year": "1985",
        "municipality": "Malmö",
        "born_abroad": "unknown",
        "phone": "0700-000000",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_registering_bs_personnummer_on_the_web(worlds, role, client, walk_settings):
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    response = walker.request(
        "POST",
        f"/f/{alfa.slug}/deltagare/ny/",
        _registration(alfa, beta),
        label="[participants:register with B's personnummer]",
    )
    if response is not None and response.status_code == 302:
        walker.request(
            "GET",
            response["Location"],
            label="[the page registration led to]",
            supplied=beta.personal_number,
        )
    walker.check_unchanged("registering B's personnummer in A")
    assert not walker.failures, _report(walker)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_registering_bs_personnummer_through_the_api(worlds, role, client, walk_settings):
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    response = walker.request(
        "POST",
        "/api/v1/participants",
        {
            "intervention": alfa.intervention.code,
            "personal_number": beta.personal_number,
            "first_name": "Ny",
            "last_name": "Registrering",
            "gender": "kvinna",
            "municipality": "Malmö",
            "birth_year": 1985,
            "consent": {"scope": "sharing", "method": "written", "given_on": "2026-02-01"},
        },
        api=True,
        label="[POST /participants with B's personnummer]",
    )
    if response is not None and response.status_code in (200, 201):
        person = response.json()
        walker.request(
            "GET",
            f"/api/v1/participants/{person['id']}",
            api=True,
            supplied=beta.personal_number,
        )
    walker.check_unchanged("registering B's personnummer in A through the API")
    assert not walker.failures, _report(walker)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_importing_enrolments_with_bs_personnummer(worlds, role, client, walk_settings):
    alfa, beta = worlds
    walker = _walker(client, worlds, role)
    csv_text = (
        "personnummer,gender,start_date,end_date,exit_reason,af_code_before,af_code_after,"
        f"income_source_before,income_source_after\n{beta.personal_number},kvinna,2025-03-01,,,,,,\n"
    )
    response = walker.request(
        "POST",
        f"/f/{alfa.slug}/import/enrolments/ny/",
        {
            "file": SimpleUploadedFile("deltaganden.csv", csv_text.encode()),
            "intervention": str(alfa.intervention.pk),
        },
        label="[imports:upload enrolments with B's personnummer]",
    )
    if response is not None and response.status_code == 302:
        job = response["Location"]
        for method, step in [("GET", "check"), ("POST", "commit"), ("GET", "result")]:
            walker.request(
                method, job, label=f"[the import's {step}]", supplied=beta.personal_number
            )
    walker.check_unchanged("importing B's personnummer in A")
    assert not walker.failures, _report(walker)


@pytest.mark.django_db
def test_the_checks_see_a_leak_and_a_change(worlds, client, walk_settings):
    """The detectors work: B's own case worker does see B's markers and personnummer, in the
    page and in the register extract's PDF, and a change to B's rows is noticed."""
    _alfa, beta = worlds
    walker = _walker(client, worlds, Role.CASE_WORKER)
    walker.member = beta.members[Role.CASE_WORKER]
    walker.login()
    person = beta.participant.pk
    walker.request("GET", f"/f/{beta.slug}/deltagare/{person}/")
    walker.request("GET", f"/f/{beta.slug}/deltagare/{person}/utdrag.pdf")
    seen = "\n".join(walker.failures)
    assert f"GET /f/{beta.slug}/deltagare/{person}/: " in seen
    assert "'zqbeta'" in seen
    assert "utdrag.pdf" in seen
    assert "'19850402-7940'" in seen
    walker.failures.clear()
    walker.before = snapshot(beta)  # B's own reads wrote B's audit log: that is B's business
    with federation_scope(beta.federation):
        Participant.objects.filter(pk=person).update(municipality="Ystad")
    walker.check_unchanged("a change made on purpose")
    assert len(walker.failures) == 1
    assert "participants.participant changed" in walker.failures[0]


def test_walk_reaches_every_tenant_table(worlds):
    """B has a row in every tenant table, so every id the walk uses exists."""
    _alfa, beta = worlds
    missing = [m._meta.label_lower for m in _owned_tables() if m._meta.label_lower not in beta.ids]
    assert not missing
