"""A referrer at Försäkringskassan refers a person to NAD Nordöst; the intervention's case
worker decides; the referrer sees the decision (issue: interventions, referrals, chain)."""

import random
from datetime import date

from playwright.sync_api import expect

from stegvis.core.personnummer import generate_personal_number
from tests.e2e.conftest import log_in


def test_referrer_refers_case_worker_decides_referrer_sees_decision(page, demo, screenshot):
    number = generate_personal_number(random.Random(1919), date(1991, 8, 21), "kvinna")
    log_in(page, "anvisare", demo["password"])
    page.get_by_role("link", name="Ny anvisning").first.click()
    expect(page.get_by_role("heading", name="Ny anvisning", level=1)).to_be_visible()
    # The eligibility rules of every open intervention are shown to the referrer.
    expect(page.get_by_role("heading", name="NAD-NO NAD Nordöst")).to_be_visible()
    page.get_by_label("Insats").select_option(label="NAD-NO NAD Nordöst")
    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_label("Förnamn").fill("Selma")
    page.get_by_label("Efternamn").fill("Ekdahl")
    page.get_by_role("textbox", name="Kommun", exact=True).fill("Kristianstad")
    page.get_by_label("Född utomlands").select_option("true")
    page.get_by_label("Arbetslös").select_option("true")
    page.get_by_label("Skäl till anvisningen").fill("Sjukskriven, vill pröva arbetsträning.")
    screenshot(page, "chain-1-referral")
    page.get_by_role("button", name="Skicka anvisningen").click()
    expect(page.get_by_text("Anvisningen är skickad till insatsen.")).to_be_visible()
    expect(page.get_by_text("Ej beslutad").first).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "handlaggare", demo["password"])
    page.get_by_role("link", name="Mina deltagare").first.click()
    page.get_by_role("link", name="Selma Ekdahl").first.click()
    expect(page.get_by_role("heading", name="Anvisning: NAD Nordöst")).to_be_visible()
    expect(page.get_by_text("Uppfyller alla villkor")).to_be_visible()
    page.get_by_label("Inskrivningskod hos AF vid start").select_option("14")
    screenshot(page, "chain-2-decision")
    page.get_by_role("button", name="Skriv in").click()
    expect(page.get_by_text("Personen är inskriven.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "anvisare", demo["password"])
    page.get_by_role("link", name="Mina anvisningar").first.click()
    row = page.locator("tbody tr", has_text="Selma Ekdahl")
    expect(row).to_contain_text("Antagen")
    expect(row).to_contain_text("NAD-NO")
    row.get_by_role("link", name="Selma Ekdahl").click()
    expect(page.get_by_text("Antagen").first).to_be_visible()
    screenshot(page, "chain-3-referrer-sees-decision")
    # The staff's page of the referral is not the referrer's.
    participant_link = page.url.replace("mina-anvisningar", "anvisningar")
    assert page.goto(participant_link).status == 403


def test_demo_shows_a_transfer_and_a_lead_time_breach(page, demo, screenshot):
    log_in(page, "handlaggare", demo["password"])
    expect(page.get_by_text("har väntat på beslut längre än målet 14 dagar")).to_be_visible()
    page.goto(f"/f/{demo['slug']}/overlamningar/")
    expect(page.get_by_text("Mottagen, startar")).to_be_visible()
    screenshot(page, "chain-4-transfers")
    page.goto(f"/f/{demo['slug']}/ledtider/")
    expect(page.get_by_role("heading", name="Över målet")).to_be_visible()
    expect(page.locator("tbody tr", has_text="Väntar").first).to_be_visible()
    screenshot(page, "chain-5-lead-times")
