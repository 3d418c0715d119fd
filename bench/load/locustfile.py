"""Locust: a working day's mix of roles against one federation (see ``bench.load.data``).

Per eleven clients: six case workers (their caseload, the people on it, their start page),
two association leaders (the attendance overview, a session's list, and the real POST of the
list with its CSRF token), one member of the steering group (reports) and two integrations on
the API (bearer key: participant lists and records, activities). Every client thinks one to
three seconds between pages.

``LOAD_FIXTURE`` names the clients' fixture (``bench/data/load-clients.json``); with
``LOAD_EVENTS`` every request is also written to that file (time, name, status, duration, request
id), which the fault scenarios read to time an outage and to check writes afterwards.
"""

from __future__ import annotations

import csv
import os
import random
import re
import threading
import time
import uuid

from locust import HttpUser, between, events, task

from bench.load.data import load_fixture

FIXTURE = load_fixture(os.environ.get("LOAD_FIXTURE"))
BASE = f"/f/{FIXTURE['slug']}"
OUTAGE_TEXT = "Databasen svarar inte just nu"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACE_RE = re.compile(r'name="present" value="(\d+)"')

_events_file = None
_events_writer = None
_events_lock = threading.Lock()
if os.environ.get("LOAD_EVENTS"):
    _events_file = open(os.environ["LOAD_EVENTS"], "a", newline="")  # noqa: SIM115
    _events_writer = csv.writer(_events_file)


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, context, **kwargs):
    if _events_writer is None:
        return
    status = getattr(response, "status_code", 0) or 0
    text = ""
    if status == 503:
        text = "swedish" if OUTAGE_TEXT in (response.text or "") else "other"
    with _events_lock:
        _events_writer.writerow(
            [
                f"{time.time():.3f}",
                request_type,
                name,
                status,
                f"{response_time:.1f}",
                (context or {}).get("request_id", ""),
                text,
                type(exception).__name__ if exception else "",
                (context or {}).get("places", ""),
            ]
        )
        _events_file.flush()


class _Member(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    pool = "case_workers"

    def on_start(self):
        self.me = random.choice(FIXTURE[self.pool])
        self.client.cookies.set("sessionid", self.me["cookie"])


class CaseWorker(_Member):
    weight = 6

    @task(3)
    def caseload(self):
        self.client.get(f"{BASE}/deltagare/", name="handläggare: mina deltagare")

    @task(6)
    def participant(self):
        pid = random.choice(self.me["caseload"])
        self.client.get(f"{BASE}/deltagare/{pid}/", name="handläggare: deltagarsida")

    @task(1)
    def dashboard(self):
        self.client.get(f"{BASE}/", name="handläggare: startsida")


class Leader(_Member):
    weight = 2
    pool = "leaders"

    @task(1)
    def overview(self):
        self.client.get(f"{BASE}/narvaro/", name="ledare: närvaro, översikt")

    @task(2)
    def take_attendance(self):
        session = random.choice(self.me["sessions"])
        url = f"{BASE}/narvaro/{session}/"
        page = self.client.get(url, name="ledare: närvarolista")
        token = CSRF_RE.search(page.text or "")
        places = PLACE_RE.findall(page.text or "")
        if page.status_code != 200 or not token or not places:
            return
        present = [p for p in places if random.random() < 0.8]
        request_id = uuid.uuid4().hex
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1), "present": present},
            headers={"Referer": f"{self.host}{url}", "X-Request-ID": request_id},
            name="ledare: spara närvaro (POST)",
            allow_redirects=False,
            catch_response=True,
            context={"request_id": request_id, "places": len(places)},
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{response.status_code}")


class Steering(_Member):
    weight = 1
    pool = "steering"

    @task
    def report(self):
        name = random.choice(FIXTURE["reports"])
        self.client.get(f"{BASE}/rapporter/{name}/", name="styrgrupp: rapport")


class Integration(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {FIXTURE['api']['key']}"

    @task(2)
    def participants(self):
        offset = random.randrange(0, 5000, 50)
        self.client.get(
            f"/api/v1/participants?limit=50&offset={offset}", name="API: deltagare, lista"
        )

    @task(3)
    def participant(self):
        pid = random.choice(FIXTURE["api"]["participants"])
        self.client.get(f"/api/v1/participants/{pid}", name="API: deltagare")

    @task(1)
    def activities(self):
        self.client.get("/api/v1/activities?limit=50", name="API: aktiviteter")
