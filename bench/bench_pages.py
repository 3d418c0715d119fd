"""Benchmark 4: the floor, the caseload, the participant page and the first page of each role
(the dashboards) under 50 concurrent clients against gunicorn, with 100 000 participants.

The federation has one case worker per 40 active enrolments (``bench.generate``); the caseload
is the benchmark case worker's "Mina deltagare" (about 40 active among 125 000 enrolments),
"alla" is the same list with ``?mine=all`` (every active enrolment of his 20 interventions,
about 37 000, read a page at a time), and the participant pages are 50 people picked at random
among all 100 000 (their overview, the page's first tab, and their timeline tab, the
heaviest of the others). The dashboards are those of the case worker, an intervention lead (one
intervention, about 6 000 enrolments), the steering group, an evaluator, an association
leader and the federation administrator. Every session has given its second factor, as a real
one has.

The bare view runs behind the same middleware (session, user, second factor, security
headers) and returns two bytes. The floor ("golv") is what every personal-data page pays
before its own content: the membership, the role check, one audit entry and the layout around
an empty body.

Targets (issue 22): the floor's p95 ≤ 2× the bare view's on PostgreSQL; every page's p95 ≤ 2×
the floor's; single-request server time, measured in one process without concurrency, ≤ 2× the
floor's too. The client is a bounded pool of threads on the same machine; all measurements
share it, so the ratios are fair even though absolute numbers include it.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import percentile, save

CLIENTS = 50
REQUESTS_PER_CLIENT = 10
SINGLE_REQUESTS = 30  # per page, in one process, for the server time
TIME_LIMIT = 120  # seconds per phase, whatever happens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(username: str) -> str:
    """A signed-in session that has given its second factor (a confirmed app device)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _role_members(federation, slug: str) -> dict[str, str]:
    """The benchmark's members of each role (created once, kept with the data): role label ->
    username."""
    from stegvis.activities.models import Activity
    from stegvis.core import services
    from stegvis.core.roles import Role
    from stegvis.core.tenancy import federation_scope
    from stegvis.interventions.models import Intervention

    wanted = {
        "insatsansvarig": Role.INTERVENTION_LEAD,
        "styrgrupp": Role.STEERING,
        "utvärderare": Role.EVALUATOR,
        "föreningsledare": Role.ASSOCIATION_LEADER,
        "administratör": Role.FEDERATION_ADMIN,
    }
    names = {"handläggare": f"{slug}-handlaggare"}
    with federation_scope(federation):
        first = Intervention.objects.order_by("code").first()
        activity = Activity.objects.order_by("pk").first()
        for label, role in wanted.items():
            username = f"{slug}-{role}"
            names[label] = username
            from django.contrib.auth import get_user_model

            if get_user_model().objects.filter(username=username).exists():
                continue
            extra = {}
            if role == Role.INTERVENTION_LEAD:
                extra["interventions"] = [first]
            if role == Role.ASSOCIATION_LEADER:
                extra["association"] = activity.association
            _user, membership = services.user_create_or_update(
                federation=federation,
                username=username,
                role=role,
                password="bench-losenord-123",  # noqa: S106 - benchmark account
                check_password=False,
                **extra,
            )
            if role == Role.ASSOCIATION_LEADER:
                activity.leaders.add(membership)
    return names


def _single(paths_by_page: dict[str, list[str]], cookies: dict[str, str]) -> dict[str, float]:
    """Median server time of each page in this process, one request at a time."""
    from django.db import connection
    from django.test import Client, override_settings

    medians = {}
    try:
        with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
            for page, paths in paths_by_page.items():
                medians[page] = _median_time(Client(HTTP_COOKIE=cookies[page]), paths)
    finally:
        connection.close()  # the test client keeps it open between requests
    return medians


def _median_time(client, paths: list[str]) -> float:
    for path in paths[:3]:
        client.get(path)  # warm-up
    times = []
    for i in range(SINGLE_REQUESTS):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {path}")
    return percentile(times, 0.5)


def _load(port: int, paths: list[str], cookie: str, *, warm_up: bool = False) -> list[float]:
    """``CLIENTS`` concurrent clients, each ``REQUESTS_PER_CLIENT`` requests; the latencies.
    A warm-up tolerates errors (workers still starting on a busy machine)."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT
    errors: list[str] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                break
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                errors.append(str(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors and not warm_up:
        raise RuntimeError(f"{len(errors)} fel, t.ex. {errors[:3]}")
    return latencies


def _ready(port: int, cookie: str) -> None:
    """Wait until the server answers (its workers import the product first, which takes long
    on a busy machine)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/bench/bare", headers={"Cookie": cookie, "Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(1)
        finally:
            conn.close()
    raise RuntimeError("gunicorn svarade inte")


def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn startade inte")


def run(participants: int = 100_000) -> dict:
    from bench.generate import generate
    from stegvis.core.models import Federation
    from stegvis.core.tenancy import federation_scope, unscoped
    from stegvis.participants.models import Enrolment, Participant

    slug = "bench-pages"
    if Federation.objects.filter(slug=slug).exists():  # the data is kept between runs
        federation = Federation.objects.get(slug=slug)
        with unscoped():
            count = Participant.objects.filter(federation=federation).count()
    else:
        generated = generate(slug=slug, enrolments=int(participants / 0.8))
        federation, count = generated.federation, generated.participants
    users = _role_members(federation, slug)
    username = users["handläggare"]
    with federation_scope(federation):
        ids = list(Participant.objects.values_list("pk", flat=True)[:2000])
        caseload = Enrolment.objects.filter(
            main_contact__user__username=username, end_date__isnull=True
        ).count()
    cookies = {label: _session_cookie(name) for label, name in users.items()}
    case_worker = cookies["handläggare"]
    base = f"/f/{slug}"
    # The case worker's own list ("Mina deltagare", the default view), the same list of all
    # his interventions, the pages of 50 people picked at random among all 100 000, and the
    # first page after login of each role.
    people = [f"{base}/deltagare/{pid}/" for pid in random.Random(4).sample(ids, 50)]
    pages: list[tuple[str, list[str], str]] = [
        ("caseload", [f"{base}/deltagare/"], case_worker),
        ("caseload alla", [f"{base}/deltagare/?mine=all"], case_worker),
        ("deltagarsida", people, case_worker),
        # The heaviest of the page's tabs: the timeline reads every app's events.
        ("deltagarsida tidslinje", [f"{p}?flik=tidslinje" for p in people], case_worker),
        *(
            (f"översikt {label}", [f"{base}/"], cookies[label])
            for label in (
                "handläggare",
                "insatsansvarig",
                "styrgrupp",
                "utvärderare",
                "föreningsledare",
                "administratör",
            )
        ),
    ]
    from django.db import connection

    connection.close()  # nothing of this process's stays open while the server runs
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "STEGVIS_HTTPS": "0"}
    workers = str((os.cpu_count() or 2) * 2 + 1)
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "stegvis.wsgi:application",
            "-w",
            workers,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        start_new_session=True,
    )
    loaded: dict[str, list[float]] = {}
    try:
        _wait_for(port)
        _ready(port, case_worker)
        _load(port, ["/bench/bare"], case_worker, warm_up=True)  # workers and connections
        _load(port, [f"{base}/deltagare/", *people[:5]], case_worker, warm_up=True)
        loaded["bare"] = _load(port, ["/bench/bare"], case_worker)
        loaded["golv"] = _load(port, [f"{base}/bench/golv"], case_worker)
        for label, paths, cookie in pages:
            loaded[label] = _load(port, paths, cookie)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    single = _single(
        {
            "bare": ["/bench/bare"],
            "golv": [f"{base}/bench/golv"],
            **{label: paths for label, paths, _cookie in pages},
        },
        {"bare": case_worker, "golv": case_worker, **{lb: c for lb, _p, c in pages}},
    )

    def ms(value: float) -> str:
        return f"{value * 1000:.1f} ms"

    postgres = connection_vendor() == "postgresql"
    measures = []
    # The floor against the bare view: the target holds on PostgreSQL (on SQLite, shown).
    for share, name in ((0.5, "p50"), (0.95, "p95")):
        subject, baseline = percentile(loaded["golv"], share), percentile(loaded["bare"], share)
        targeted = name == "p95" and postgres
        measures.append(
            {
                "measure": f"golv {name} (mot bar vy)",
                "subject": ms(subject),
                "baseline": ms(baseline) + " (bar vy)",
                "ratio": subject / baseline,
                "target": "≤ 2×" if targeted else "–",
                "met": subject / baseline <= 2 if targeted else True,
            }
        )
    measures.append(
        {
            "measure": "golv, servertid en åt gången (mot bar vy)",
            "subject": ms(single["golv"]),
            "baseline": ms(single["bare"]) + " (bar vy)",
            "ratio": single["golv"] / single["bare"],
            "target": "–",
            "met": True,
        }
    )
    # Every page against the floor: p95 under load and the server time of one request.
    for label, _paths, _cookie in pages:
        values = loaded[label]
        for share, name in ((0.5, "p50"), (0.95, "p95")):
            subject, baseline = percentile(values, share), percentile(loaded["golv"], share)
            targeted = name == "p95"
            measures.append(
                {
                    "measure": f"{label} {name}",
                    "subject": ms(subject),
                    "baseline": ms(baseline) + " (golv)",
                    "ratio": subject / baseline,
                    "target": "≤ 2×" if targeted else "–",
                    "met": subject / baseline <= 2 if targeted else True,
                }
            )
        ratio = single[label] / single["golv"]
        measures.append(
            {
                "measure": f"{label}, servertid en åt gången",
                "subject": ms(single[label]),
                "baseline": ms(single["golv"]) + " (golv)",
                "ratio": ratio,
                "target": "≤ 2×",
                "met": ratio <= 2,
            }
        )
    result = {
        "name": "pages",
        "participants": count,
        "caseload_active": caseload,
        "clients": CLIENTS,
        "requests_per_client": REQUESTS_PER_CLIENT,
        "gunicorn_workers": int(workers),
        "requests": sum(len(v) for v in loaded.values()),
        "single_request_ms": {k: round(v * 1000, 1) for k, v in single.items()},
        "measures": measures,
    }
    save(result)
    return result


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor
