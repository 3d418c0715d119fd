"""A case worker registers a participant with consent, refers and enrols them, and finds them in
the caseload (issue: participants and intake)."""

import random
from datetime import date

from playwright.sync_api import expect

from stegvis.core.personnummer import generate_personal_number
from tests.e2e.conftest import log_in


def test_case_worker_registers_enrols_and_finds_participant(page, demo, screenshot):
    number = generate_personal_number(random.Random(99), date(1988, 4, 12), "kvinna")
    log_in(page, "handlaggare", demo["password"])
    page.get_by_role("link", name="Ny deltagare").first.click()
    page.get_by_label("Insats").select_option(label="NAD-NO NAD Nordöst")
    page.get_by_label("Samtycket lämnades").select_option("written")
    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_label("Förnamn").fill("Selam")
    page.get_by_label("Efternamn").fill("Tesfaye")
    page.get_by_role("combobox", name="Kön", exact=True).select_option("kvinna")
    page.get_by_role("textbox", name="Kommun", exact=True).fill("Kristianstad")
    page.get_by_label("Född utomlands").select_option("true")
    page.get_by_label("Födelseland").fill("Eritrea")
    screenshot(page, "intake-1-person")
    page.get_by_role("button", name="Fortsätt till anvisning").click()

    expect(page.get_by_role("heading", name="Anvisning till NAD Nordöst")).to_be_visible()
    page.get_by_label("Skäl till anvisningen").fill("Vill träna svenska och bygga nätverk.")
    page.get_by_label("Arbetslös").select_option("true")
    screenshot(page, "intake-2-referral")
    page.get_by_role("button", name="Pröva villkoren").click()

    expect(page.locator(".checks li.pass")).to_have_count(2)
    expect(page.get_by_text("Uppfyller alla villkor")).to_be_visible()
    page.get_by_label("Inskrivningskod hos AF vid start").select_option("11")
    page.get_by_label("Etableringsersättning").check()
    screenshot(page, "intake-3-decision")
    page.get_by_role("button", name="Skriv in").click()

    expect(page.get_by_text("Personen är inskriven.")).to_be_visible()
    expect(page.get_by_role("heading", name="Selam Tesfaye")).to_be_visible()
    screenshot(page, "intake-4-participant")

    page.get_by_role("link", name="Mina deltagare").first.click()
    page.get_by_label("Sök namn").fill("Tesfaye")
    page.get_by_role("button", name="Filtrera").click()
    row = page.locator("tbody tr", has_text="Selam Tesfaye")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("NAD-NO")
    screenshot(page, "intake-5-caseload")


def test_invalid_personal_number_is_explained_on_the_field(page, demo):
    log_in(page, "handlaggare", demo["password"])
    page.goto(f"/f/{demo['slug']}/deltagare/ny/")
    page.get_by_label("Personnummer eller samordningsnummer").fill("19900230-1234")
    page.get_by_label("Förnamn").fill("Test")
    page.get_by_label("Efternamn").fill("Person")
    page.get_by_role("textbox", name="Kommun", exact=True).fill("Osby")
    page.get_by_role("button", name="Fortsätt till anvisning").click()
    expect(page.locator(".field-error .error")).to_contain_text("1990-02-30")
