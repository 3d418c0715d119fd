"""The load test's federation and its people, and the session cookies and API keys the Locust
clients use. Generated once with ``bench.generate`` (100 000 participants by default) and
reused; the users the clients act as are added on top:

- case workers: the generator's, each with a realistic caseload of about 40 active enrolments;
- association leaders, each leading a few of the generated activities (ten places, eight past
  sessions each), who take attendance;
- members of the steering group, who read reports;
- an API key for an integration reading participants and activities as a case worker.

The clients get a logged-in session straight from the session store (as ``bench_pages`` does),
so the load measures pages, not password hashing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench.common import DATA

SLUG = "bench-load"
CASE_WORKERS = 60
LEADERS = 24
ACTIVITIES_PER_LEADER = 3
STEERING = 4
REPORTS = ("age-gender", "exit-gender", "flow", "volume", "af-code-change", "income-change")
FIXTURE = DATA / "load-clients.json"


def ensure_federation(participants: int):
    """The generated federation (made once; a second run reuses it)."""
    from bench.generate import generate
    from stegvis.core.models import Federation

    federation = Federation.objects.filter(slug=SLUG).first()
    if federation is None:
        print(f"Genererar {participants} deltagare i {SLUG} …", flush=True)
        generated = generate(slug=SLUG, enrolments=int(participants / 0.8))
        federation = generated.federation
        print(f"… klart på {generated.seconds:.0f} s", flush=True)
    # Benchmark accounts log in without a second factor, as in the demo federations.
    if federation.settings.get("two_factor_required") is not False:
        federation.settings = {**federation.settings, "two_factor_required": False}
        federation.save(update_fields=["settings"])
    return federation


def _member(federation, username: str, role: str, **kwargs):
    from stegvis.core import services
    from stegvis.core.models import Membership

    existing = (
        Membership.objects.filter(federation=federation, user__username=username)
        .select_related("user")
        .first()
    )
    if existing is not None:
        return existing
    _user, membership = services.user_create_or_update(
        federation=federation,
        username=username,
        role=role,
        password=None,
        check_password=False,
        first_name=kwargs.pop("first_name", "Last"),
        last_name=kwargs.pop("last_name", username.rsplit("-", 1)[-1]),
        **kwargs,
    )
    return membership


def session_cookie(user) -> str:
    """A logged-in session for ``user``, as the login view would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(participants: int = 100_000, seed: int = 22) -> dict:
    """Write the clients' fixture (cookies, keys, ids) and return it."""
    from stegvis.activities.models import Activity, ActivityEnrolment, Session
    from stegvis.core import services
    from stegvis.core.models import Membership
    from stegvis.core.roles import Role
    from stegvis.core.tenancy import federation_scope
    from stegvis.participants.models import Enrolment, Participant
    from stegvis.reports.definitions import REPORTS as DEFINED

    rng = random.Random(seed)
    federation = ensure_federation(participants)
    with federation_scope(federation):
        workers = list(
            Membership.objects.filter(federation=federation, role=Role.CASE_WORKER)
            .select_related("user")
            .order_by("pk")[:CASE_WORKERS]
        )
        case_workers = []
        for membership in workers:
            caseload = list(
                Enrolment.objects.filter(main_contact=membership, end_date__isnull=True)
                .values_list("participant_id", flat=True)
                .order_by("participant_id")
            )
            if caseload:
                case_workers.append(
                    {"cookie": session_cookie(membership.user), "caseload": caseload}
                )
        activities = list(
            Activity.objects.filter(status="approved").order_by("pk")[
                : LEADERS * ACTIVITIES_PER_LEADER
            ]
        )
        leaders = []
        for n in range(LEADERS):
            mine = activities[n * ACTIVITIES_PER_LEADER : (n + 1) * ACTIVITIES_PER_LEADER]
            if not mine:
                break
            leader = _member(
                federation,
                f"{SLUG}-ledare-{n + 1}",
                Role.ASSOCIATION_LEADER,
                association=mine[0].association,
            )
            for activity in mine:
                activity.leaders.add(leader)
            sessions = list(
                Session.objects.filter(activity__in=mine, cancelled=False)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            leaders.append({"cookie": session_cookie(leader.user), "sessions": sessions})
        steering = []
        for n in range(STEERING):
            member = _member(federation, f"{SLUG}-styrgrupp-{n + 1}", Role.STEERING)
            steering.append({"cookie": session_cookie(member.user)})
        api_member = workers[0]
        _token, key = services.token_create(user=api_member.user, name="lasttest")
        sample = list(Participant.objects.values_list("pk", flat=True).order_by("pk")[:20000])
        api_people = list(
            Enrolment.objects.filter(main_contact=api_member)
            .values_list("participant_id", flat=True)
            .distinct()
        )
        places = ActivityEnrolment.objects.filter(activity__in=activities).count()
    fixture = {
        "slug": SLUG,
        "participants": participants,
        "case_workers": case_workers,
        "leaders": leaders,
        "steering": steering,
        "reports": [name for name in REPORTS if name in DEFINED],
        "api": {"key": key, "participants": api_people or rng.sample(sample, 200)},
        "places_per_session": places // max(1, len(activities)),
    }
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture))
    FIXTURE.chmod(0o600)
    return fixture


def load_fixture(path: Path | str | None = None) -> dict:
    return json.loads(Path(path or FIXTURE).read_text())
