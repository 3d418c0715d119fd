"""Every demo login reaches its dashboard in a real browser (issue: foundation)."""

import pytest
from playwright.sync_api import expect

from stegvis.core.demo import USERS
from tests.e2e.conftest import go_to, log_in


@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_every_demo_role_reaches_its_dashboard(page, demo, screenshot, username):
    log_in(page, username, demo["password"])
    if username == "admin":
        # The admin is a member of two federations and chooses one first.
        page.get_by_role("link", name="NAD Skåne – demoförbund").first.click()
    page.wait_for_url(f"**/f/{demo['slug']}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hej ")
    assert page.locator(".user-name").inner_text()
    screenshot(page, f"dashboard-{username}")


def test_wrong_password_shows_swedish_error(page, demo):
    log_in(page, "admin", "fel-losenord")
    assert page.get_by_role("alert").inner_text().startswith("Fel användarnamn eller lösenord")


def test_admin_switches_federation_and_opens_audit_log(page, demo, screenshot):
    log_in(page, "admin", demo["password"])
    page.get_by_role("link", name="NAD Skåne – demoförbund").first.click()
    page.locator(".nav-group summary", has_text="Administration").click()
    page.get_by_role("link", name="Logg", exact=True).click()
    # The click navigates: wait for the new page rather than look at once.
    expect(page.get_by_role("heading", name="Logg")).to_be_visible()
    expect(page.get_by_role("cell", name="Inloggning").first).to_be_visible()
    screenshot(page, "audit-log")
    page.locator(".switcher summary").click()
    page.get_by_role("link", name="Samordningsförbundet Mittbygd").click()
    page.wait_for_url("**/f/finsam-mittbygd/")
    assert "Samordningsförbundet Mittbygd" in page.locator(".switcher summary").inner_text()


def test_directory_search_narrows_the_list(page, demo):
    log_in(page, "handlaggare", demo["password"])
    go_to(page, "Vem gör vad")
    page.get_by_label("Sök namn, roll eller organisation").fill("Försäkringskassan")
    # The steering member and the referrer work at Försäkringskassan.
    expect(page.locator("#directory-rows tr")).to_have_count(2)
    assert "Karin Holm" in page.locator("#directory-rows").inner_text()
