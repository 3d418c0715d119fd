"""The leader takes attendance on a phone without a connection: the day's list is cached while
online, marks are queued in the browser and shown as not yet sent, survive a reload offline,
and reach the server when the connection returns; a session frozen meanwhile refuses them and
the phone says so."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stegvis.activities import services
from stegvis.activities.models import Attendance, AttendanceMark
from stegvis.core.roles import Role
from tests.activities.conftest import (  # noqa: F401  (shared fixtures)
    association,
    coordinator,
    hub,
    leader,
    make_activity,
    working_group,
)
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.participants.conftest import enrol, register, scope  # noqa: F401

TODAY = timezone.localdate()


@pytest.fixture
def today_list(make_activity, leader, scope, intervention, register, enrol, admin):  # noqa: F811
    """An approved activity meeting today, led by ``leader``, with three participants; Amal
    was present at every earlier session (so a compensation would count her)."""
    activity = make_activity(sessions=5, first=TODAY - timedelta(days=28))
    activity.leaders.add(leader)
    places = []
    for name in ("Amal", "Bashir", "Cyrus"):
        enrolment = enrol(
            register(intervention, first_name=name), intervention, TODAY - timedelta(90)
        )
        places.append(
            services.place_create(
                actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
            )
        )
    sessions = list(activity.sessions.order_by("date"))
    for session in sessions[:-1]:
        services.attendance_record(
            actor=admin.user, membership=None, session=session, place=places[0], present=True
        )
    return activity, places, sessions[-1]


CACHED = "(path) => caches.match(path, { ignoreVary: true }).then((r) => Boolean(r))"


def _cached(page, path: str) -> bool:
    return page.evaluate(CACHED, path)


def test_attendance_taken_offline_reaches_the_server_when_back_online(
    phone_page,
    live_server,
    today_list,
    leader,  # noqa: F811
    federation,
    coordinator,  # noqa: F811
    screenshot,
):
    page = phone_page
    context = page.context
    activity, (amal, bashir, cyrus), session = today_list
    home = f"/f/{federation.slug}/narvaro/"
    sheet = f"{home}{session.pk}/"
    log_in(page, leader.user.username, PASSWORD)

    # Online: the service worker starts and keeps the day's list.
    page.goto(home)
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)
    page.wait_for_function(CACHED, arg=sheet, timeout=15_000)
    page.goto(sheet)
    page.wait_for_function("Boolean(navigator.serviceWorker.controller)")
    assert _cached(page, sheet)

    # Offline: two marks, queued and shown as not yet sent.
    context.set_offline(True)
    rows = page.locator(".attendance-row")
    rows.filter(has_text="Amal").locator("input").check()
    rows.filter(has_text="Bashir").locator("input").check()
    expect(page.locator(".attendance-row.is-pending")).to_have_count(2)
    expect(rows.filter(has_text="Amal")).to_contain_text("inte skickad än")
    expect(page.locator("[data-sync-status]")).to_contain_text("2 markeringar inte skickade än")
    expect(page.locator("[data-sync-status]")).to_contain_text("Ingen uppkoppling")
    assert not Attendance.objects.filter(session=session).exists()

    # A reload without a connection: the list comes from the phone, the marks are still there.
    page.reload()
    expect(page.get_by_role("heading", name=activity.title)).to_be_visible()
    expect(page.locator(".attendance-row.is-pending")).to_have_count(2)
    expect(rows.filter(has_text="Bashir").locator("input")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "attendance-offline-1-not-sent-phone")

    # Back online: the marks are sent and the rows say so.
    context.set_offline(False)
    expect(page.locator("[data-sync-status]")).to_contain_text("Allt är skickat.")
    expect(page.locator(".attendance-row.is-pending")).to_have_count(0)
    screenshot(page, "attendance-offline-2-sent-phone")
    present = dict(Attendance.objects.filter(session=session).values_list("place_id", "present"))
    assert present == {amal.pk: True, bashir.pk: True}
    assert AttendanceMark.objects.filter(session=session, outcome="applied").count() == 2

    # Offline again, one more mark; meanwhile the compensation is approved and freezes the
    # session. Back online, the server refuses the mark and the phone shows why.
    context.set_offline(True)
    rows.filter(has_text="Cyrus").locator("input").check()
    expect(page.locator(".attendance-row.is-pending")).to_have_count(1)
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    lead = leader.__class__.objects.get(user__username="alice")  # the federation admin
    assert lead.role == Role.FEDERATION_ADMIN
    services.compensation_approve(actor=lead.user, membership=lead, compensation=compensation)
    context.set_offline(False)
    cyrus_row = rows.filter(has_text="Cyrus")
    expect(cyrus_row).to_contain_text("Ej registrerad – avvisad av servern")
    expect(cyrus_row.locator("input")).not_to_be_checked()
    expect(page.locator("[data-sync-status]")).to_contain_text("låst")
    screenshot(page, "attendance-offline-3-refused-phone")
    assert not Attendance.objects.filter(session=session, place=cyrus).exists()
    assert AttendanceMark.objects.get(place=cyrus).outcome == "refused"


def test_list_works_without_javascript(browser, live_server, today_list, leader, federation):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    try:
        log_in(page, leader.user.username, PASSWORD)
        _activity, (amal, _b, _c), session = today_list
        page.goto(f"/f/{federation.slug}/narvaro/{session.pk}/")
        page.locator(".attendance-row", has_text="Amal").locator("input").check()
        page.get_by_role("button", name="Spara närvaron").click()
        expect(page.get_by_text("Närvaron är sparad.")).to_be_visible()
        assert Attendance.objects.get(session=session, place=amal).present is True
    finally:
        context.close()
