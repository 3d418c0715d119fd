"""An intervention lead walks through the start checklist of a new intervention (issue #18):
sees what is open, fills in answers, is stopped from starting without measurable goals, and
starts with a logged reason."""

from playwright.sync_api import expect

from stegvis.core.models import Federation, Membership
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from tests.e2e.conftest import go_to, log_in


def new_intervention(slug: str) -> None:
    """A new intervention led by the demo's intervention lead, as the create form leaves it:
    no result goals, no answers yet."""
    with federation_scope(Federation.objects.get(slug=slug)):
        intervention = Intervention.objects.create(
            code="NAD-UNG", name="NAD Unga vuxna", target_group="Nyanlända 18–24 år"
        )
        Membership.objects.get(user__username="insatsledare").interventions.add(intervention)


def test_lead_walks_the_start_checklist(page, demo, screenshot):
    new_intervention(demo["slug"])
    log_in(page, "insatsledare", demo["password"])
    go_to(page, "Insatser")
    page.get_by_role("link", name="NAD-UNG").first.click()
    page.get_by_role("link", name="Startlista inför start").click()
    expect(page.get_by_role("heading", name="Inför start: NAD Unga vuxna")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("5 av 5 punkter är öppna")
    expect(page.locator("#punkt-goals")).to_contain_text("Öppen")
    screenshot(page, "checklist-1-open")

    page.get_by_label("Villkor och anvisning").fill("Anvisas av Arbetsförmedlingen")
    page.get_by_label("Huvudmännens roller och resurser").fill(
        "AF: arbetsförmedlare 100 %. Kommunerna: lokaler och samordnare."
    )
    page.get_by_label("Plan för uppföljning").fill("Avslutsorsak, uppföljning efter 6 och 12 mån.")
    page.get_by_label("Jämförelsegrupp").fill("Anvisade som väntar på plats")
    page.get_by_role("button", name="Spara startlistan").click()
    expect(page.locator(".lead")).to_contain_text("2 av 5 punkter är öppna")
    expect(page.locator("#punkt-target_group")).to_contain_text("Klar")
    expect(page.locator("#punkt-followup")).to_contain_text("Klar")

    # No measurable goals yet: starting needs a reason.
    page.get_by_role("button", name="Starta ändå").click()
    expect(page.get_by_text("Ange skälet att starta utan mätbara resultatmål")).to_be_visible()
    screenshot(page, "checklist-2-reason-needed")
    page.get_by_label("Skäl att starta ändå").fill(
        "Styrgruppen beslutade start 1/12; mål sätts i januari"
    )
    page.get_by_role("button", name="Starta ändå").click()
    expect(page.get_by_text("Insatsen är markerad som startad.")).to_be_visible()
    expect(page.get_by_text("Skäl: Styrgruppen beslutade start 1/12")).to_be_visible()
    screenshot(page, "checklist-3-started")


def test_checklist_on_a_phone(phone_page, demo, screenshot):
    log_in(phone_page, "insatsledare", demo["password"])
    phone_page.goto(f"/f/{demo['slug']}/insatser/NAD-MS/start/")
    expect(phone_page.get_by_role("heading", name="Inför start: NAD Mellanskåne")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(phone_page, "checklist-4-phone")
