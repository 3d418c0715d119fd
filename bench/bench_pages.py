"""Benchmark 4: caseload and participant pages under 50 concurrent clients against gunicorn,
with 100 000 participants, p50/p95 against a bare Django view served the same way.

The federation has one case worker per 40 active enrolments (``bench.generate``); the caseload
is the benchmark case worker's "Mina deltagare" (about 40 active among 125 000 enrolments) and
the participant pages are 50 people picked at random among all 100 000. The bare view runs
behind the same middleware (session, user, security headers) and returns two bytes. The floor
("golv", no target) is what every personal-data page pays before its own content: the
membership, the role check, one audit entry and the layout around an empty body.

Target: p95 ≤ 3× the bare view. The client is a bounded pool of threads on the same machine;
both measurements share it, so the ratio is fair even though absolute numbers include it.
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
REQUESTS_PER_CLIENT = 20
TIME_LIMIT = 120  # seconds per phase, whatever happens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _load(port: int, paths: list[str], cookie: str) -> list[float]:
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
    if errors:
        raise RuntimeError(f"{len(errors)} fel, t.ex. {errors[:3]}")
    return latencies


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
    from stegvis.core.tenancy import federation_scope, unscoped
    from stegvis.participants.models import Enrolment, Participant

    slug = "bench-pages"
    from stegvis.core.models import Federation

    if Federation.objects.filter(slug=slug).exists():
        federation = Federation.objects.get(slug=slug)
        with unscoped():
            count = Participant.objects.filter(federation=federation).count()
        username = f"{slug}-handlaggare"
    else:
        generated = generate(slug=slug, enrolments=int(participants / 0.8))
        federation, count = generated.federation, generated.participants
        username = generated.case_worker.user.username
    with federation_scope(federation):
        ids = list(Participant.objects.values_list("pk", flat=True)[:2000])
        caseload = Enrolment.objects.filter(
            main_contact__user__username=username, end_date__isnull=True
        ).count()
    cookie = _session_cookie(username)
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
    try:
        _wait_for(port)
        # The case worker's own list ("Mina deltagare", the default view) and the pages of 50
        # people picked at random among all 100 000.
        own = [f"/f/{slug}/deltagare/"]
        people = [f"/f/{slug}/deltagare/{pid}/" for pid in random.Random(4).sample(ids, 50)]
        _load(port, ["/bench/bare"], cookie)  # warm-up of workers and connections
        _load(port, own + people[:5], cookie)
        bare = _load(port, ["/bench/bare"], cookie)
        floor = _load(port, [f"/f/{slug}/bench/golv"], cookie)
        caseload_times = _load(port, own, cookie)
        participant = _load(port, people, cookie)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    def ms(value: float) -> str:
        return f"{value * 1000:.1f} ms"

    measures = []
    pages = (
        ("golv", floor, False),
        ("caseload", caseload_times, True),
        ("deltagarsida", participant, True),
    )
    for label, values, has_target in pages:
        for share, name in ((0.5, "p50"), (0.95, "p95")):
            subject, baseline = percentile(values, share), percentile(bare, share)
            ratio = subject / baseline
            targeted = has_target and name == "p95"
            measures.append(
                {
                    "measure": f"{label} {name}",
                    "subject": ms(subject),
                    "baseline": ms(baseline),
                    "ratio": ratio,
                    "target": "≤ 3×" if targeted else "–",
                    "met": ratio <= 3 if targeted else True,
                }
            )
    result = {
        "name": "pages",
        "participants": count,
        "caseload_active": caseload,
        "clients": CLIENTS,
        "gunicorn_workers": int(workers),
        "requests": len(floor) + len(caseload_times) + len(participant),
        "measures": measures,
    }
    save(result)
    return result
