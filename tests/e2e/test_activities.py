"""NAD activities in the browser: a coordinator creates an activity that fails approval with
clear reasons, fixes it and gets it approved; a leader records attendance on a phone; a payout
report is produced (issue: NAD activities, matching, attendance, compensation)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import go_to, log_in


def test_coordinator_activity_fails_approval_then_is_fixed_and_approved(page, demo, screenshot):
    log_in(page, "samordnare", demo["password"])
    go_to(page, "Aktiviteter")
    page.get_by_role("link", name="Ny aktivitet").first.click()
    page.get_by_label("Förening").select_option(label="Språkcaféet Kristianstad")
    page.get_by_label("Rubrik").fill("Fikasamtal på torget")
    page.get_by_label("Kategori").select_option("language")
    page.get_by_label("Antal platser").fill("12")
    page.get_by_label("Antal ledare").fill("1")
    page.get_by_label("Samverkansgrupp").select_option(label="Samverkansgrupp Nordöst")
    first = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Första datum").fill(first.isoformat())
    page.get_by_label("Antal tillfällen").fill("4")
    screenshot(page, "activity-1-new")
    page.get_by_role("button", name="Skapa aktivitet").click()

    expect(page.get_by_text("Aktiviteten är skapad som utkast.")).to_be_visible()
    page.get_by_role("button", name="Godkänn aktiviteten").click()
    expect(page.get_by_text("Aktiviteten kan inte godkännas ännu:")).to_be_visible()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Bara 4 tillfällen är planerade; minst 5 krävs.")
    expect(messages).to_contain_text("12 planerade deltagare kräver minst 2 ledare")
    expect(messages).to_contain_text("Aktivitetsplanen anger inte om aktiviteten stärker")
    expect(messages).to_contain_text("Samverkansgruppen har ännu inte kvalitetsgodkänt")
    expect(page.locator(".checks li.fail")).to_have_count(4)
    screenshot(page, "activity-2-failed-checks")

    page.get_by_role("link", name="Ändra").click()
    page.get_by_label("Stärker språket").check()
    page.get_by_label("Bygger nätverk").check()
    page.get_by_label("Aktivitetsplan").fill("Samtal på svenska över en fika; nya bekantskaper.")
    page.get_by_label("Antal ledare").fill("2")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringarna är sparade.")).to_be_visible()

    page.locator("summary", has_text="Lägg till tillfällen").click()
    page.get_by_label("Första datum").fill((first + timedelta(days=28)).isoformat())
    page.get_by_label("Antal tillfällen").fill("1")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_text("1 tillfälle är tillagt.")).to_be_visible()
    page.get_by_role("button", name="Skicka för godkännande").click()
    expect(page.get_by_text("Aktiviteten är skickad till Samverkansgrupp Nordöst")).to_be_visible()
    expect(page.locator("select[name=working_group]")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Samverkansgruppens bedömning").fill("Bra upplägg, förankrat i föreningen.")
    page.get_by_role("button", name="Registrera samverkansgruppens kvalitetsgodkännande").click()
    expect(page.locator(".checks li.fail")).to_have_count(0)
    page.get_by_role("button", name="Godkänn aktiviteten").click()
    expect(page.get_by_text("Aktiviteten är godkänd som NAD-aktivitet.")).to_be_visible()
    expect(page.locator(".checks li.pass")).to_have_count(6)
    screenshot(page, "activity-3-approved")


def test_leader_records_attendance_on_a_phone(phone_page, demo, screenshot):
    page = phone_page
    log_in(page, "foreningsledare", demo["password"])
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Närvaro").click()
    screenshot(page, "attendance-1-sessions-phone")
    page.get_by_role("link", name="Samtalspromenader I dag").click()
    rows = page.locator(".attendance-row")
    expect(rows.first).to_be_visible()
    count = rows.count()
    assert count >= 2
    box = rows.first.locator(".attendance-toggle").bounding_box()
    assert box["height"] >= 44  # big tap targets
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Each tap is a mark sent at once (queued while offline); the row shows it present.
    rows.nth(0).locator("input").check()
    expect(rows.nth(0)).to_contain_text("Närvarande")
    rows.nth(1).locator("input").check()
    expect(page.locator(".attendance-row.is-present")).to_have_count(2)
    screenshot(page, "attendance-2-sheet-phone")
    page.get_by_role("button", name="Spara närvaron").click()
    expect(page.get_by_text("Närvaron är sparad.")).to_be_visible()
    expect(page.locator(".attendance-row.is-present")).to_have_count(2)
    body = page.locator("main").inner_text()
    # First names only; a person with protected identity appears by reference alone.
    assert body.count("D-0") <= 1


def test_payout_report_is_produced(page, demo, screenshot, tmp_path):
    log_in(page, "insatsledare", demo["password"])
    go_to(page, "Ersättningar")
    expect(page.get_by_role("heading", name="Ersättningar")).to_be_visible()
    page.get_by_label("Status").select_option("approved")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.locator("tbody tr").first).to_contain_text("kr")
    screenshot(page, "payout-1-list")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Utbetalningsunderlag (PDF)").click()
    path = tmp_path / "utbetalningar.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Utbetalningsunderlag (Excel)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")


def test_case_worker_runs_matching_and_accepts_a_proposal(page, demo, screenshot):
    log_in(page, "handlaggare", demo["password"])
    go_to(page, "Matchning")
    page.get_by_label("Knutpunkt").select_option(label="Nordöst")
    page.get_by_role("button", name="Ta fram förslag").click()
    # A place in an activity or a work placement (a mentor proposal's title has no link, and
    # which kind comes first depends on the solution).
    first = page.locator(".proposal").filter(has=page.locator("h2 a")).first
    expect(first.get_by_role("list", name="Varför just här")).to_contain_text("Behov: språk")
    screenshot(page, "matching-1-proposals")
    title = first.locator("h2 a").inner_text()
    first.get_by_role("button", name="Acceptera").click()
    # The proposal may be a place in an activity or a work placement; each says what it did.
    done = re.compile(rf"^(Platsen i {re.escape(title)} är skapad|Bokad på {re.escape(title)})\.$")
    expect(page.get_by_text(done)).to_be_visible()
    expect(page.locator(".proposal").filter(has_text=title).first).to_contain_text("Accepterad")
