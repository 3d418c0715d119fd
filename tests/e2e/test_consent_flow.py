"""A case worker registers a person anonymously, later records the consent on the person's
page and continues with the person named (issue: tenant boundaries and consent)."""

import random
from datetime import date

from playwright.sync_api import expect

from stegvis.core.personnummer import generate_personal_number
from tests.e2e.conftest import log_in


def test_anonymous_registration_then_consent_then_named(page, demo, screenshot):
    number = generate_personal_number(random.Random(7), date(1991, 3, 8), "man")
    log_in(page, "handlaggare", demo["password"])
    page.get_by_role("link", name="Ny deltagare").first.click()
    page.get_by_label("Insats").select_option(label="NAD-NO NAD Nordöst")
    page.get_by_label("Nej – registrera anonymt (kön, födelseår, kommun)").check()
    page.get_by_role("combobox", name="Kön", exact=True).select_option("man")
    page.get_by_role("textbox", name="Kommun", exact=True).fill("Osby")
    page.get_by_label("Födelseår (anonym registrering)").fill("1991")
    page.get_by_role("button", name="Fortsätt till anvisning").click()

    # Step 2 opens for the anonymous record (it used to end on a 404).
    expect(page.get_by_role("heading", name="Anvisning till NAD Nordöst")).to_be_visible()
    page.get_by_label("Skäl till anvisningen").fill("Vill först vara anonym.")
    page.get_by_role("button", name="Pröva villkoren").click()
    expect(page.get_by_role("heading", name="Anta och skriv in")).to_be_visible()
    screenshot(page, "consent-1-anonymous-referral")

    page.get_by_role("link", name="Anonym D-").first.click()
    expect(page.get_by_text("Personen är registrerad anonymt")).to_be_visible()
    page.get_by_role("link", name="Registrera samtycke").first.click()
    page.get_by_label("Insats").select_option(label="NAD-NO NAD Nordöst")
    page.get_by_label("Samtycket lämnades").select_option("written")
    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_label("Förnamn").fill("Dawit")
    page.get_by_label("Efternamn").fill("Gebre")
    screenshot(page, "consent-2-record")
    page.get_by_role("button", name="Spara samtycket").click()

    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dawit Gebre")).to_be_visible()
    screenshot(page, "consent-3-named")

    # The referral continues with the person named.
    page.locator("a", has_text="NAD-NO").last.click()
    page.get_by_label("Inskrivningskod hos AF vid start").select_option("11")
    page.get_by_role("button", name="Skriv in").click()
    expect(page.get_by_text("Personen är inskriven.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dawit Gebre")).to_be_visible()
