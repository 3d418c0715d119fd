"""Everyday traps in the browser, as the demo roles meet them (issue: everyday flows without
traps). One demo federation per test; each step would fail on the code before the fix."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import go_to, log_in


def test_coordinator_cannot_save_a_failed_activity_twice(page, demo, screenshot):
    from stegvis.activities.models import Activity
    from stegvis.core.models import Federation
    from stegvis.core.tenancy import federation_scope

    log_in(page, "samordnare", demo["password"])
    go_to(page, "Aktiviteter")
    page.get_by_role("link", name="Ny aktivitet").first.click()
    expect(page.get_by_label("Förening")).to_have_value("")  # no preselected association
    page.get_by_label("Förening").select_option(label="Språkcaféet Kristianstad")
    page.get_by_label("Rubrik").fill("Kvällsfika med läxhjälp")
    page.get_by_label("Kategori").select_option("language")
    page.get_by_label("Antal platser").fill("")
    page.get_by_label("Första datum").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_label("Börjar").fill("18:00")
    page.get_by_label("Slutar").fill("17:00")
    for _ in range(2):
        page.get_by_role("button", name="Skapa aktivitet").click()
        # Every error at once: the activity's and the sessions'.
        expect(page.get_by_text("Sluttiden måste vara efter starttiden.")).to_be_visible()
        expect(page.get_by_text("Detta fält måste fyllas i.")).to_be_visible()
    screenshot(page, "everyday-activity-errors")
    with federation_scope(Federation.objects.get(slug=demo["slug"])):
        assert not Activity.objects.filter(title="Kvällsfika med läxhjälp").exists()


def test_admin_log_filter_and_swedish_labels(page, demo, screenshot):
    log_in(page, "admin", demo["password"])
    page.goto(f"/f/{demo['slug']}/logg/?date_from=2026-05-02&date_to=2026-05-01")
    expect(page.get_by_text("Slutdatumet ligger före startdatumet.")).to_be_visible()
    expect(page.get_by_text("0 poster")).to_be_visible()
    expect(page.get_by_text("Inga poster matchar filtret.")).to_be_visible()
    page.goto(f"/f/{demo['slug']}/logg/")
    page.get_by_label("Objekttyp").select_option(label="Deltagare")
    page.get_by_role("button", name="Filtrera").click()
    objects = page.locator("table tbody tr td:nth-child(4)")
    expect(objects.first).to_have_text(re.compile(r"^Deltagare D-\d{6}$"))
    screenshot(page, "everyday-audit-log")

    page.goto(f"/f/{demo['slug']}/admin/medarbetare/ny/")
    expect(page.get_by_label("Roll")).to_have_value("")
    expect(page.get_by_text("Lämna tomt för att behålla nuvarande")).to_have_count(0)

    page.goto(f"/f/{demo['slug']}/import/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner mall (CSV)").first.click()
    assert download_info.value.suggested_filename.startswith("mall-")

    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighetsredogörelse för stegvis"
    )
    assert page.request.get("/favicon.ico").ok


def test_api_docs_work_without_internet(page, demo):
    """Every request that leaves the server is refused: Swagger UI still renders."""
    page.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("stegvis API")


def test_leader_has_no_import_and_steering_downloads_reports(page, demo):
    log_in(page, "foreningsledare", demo["password"])
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_text("Import")).to_have_count(0)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "styrgrupp", demo["password"])
    page.goto(f"/f/{demo['slug']}/rapporter/age-gender/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.match(r"^nad-skane-alder-och-kon-\d{8}\.csv$", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        assert handle.read().startswith("\ufeffkod;benamning;".encode())


def test_no_to_consent_disables_the_consent_fields(page, demo):
    log_in(page, "handlaggare", demo["password"])
    page.goto(f"/f/{demo['slug']}/deltagare/ny/")
    page.get_by_label("Nej – registrera anonymt").check()
    expect(page.get_by_label("Samtycket lämnades")).to_be_disabled()
    expect(page.get_by_label("Datum för samtycke")).to_be_disabled()
    page.get_by_label("Ja – registrera personuppgifter").check()
    expect(page.get_by_label("Samtycket lämnades")).to_be_enabled()
