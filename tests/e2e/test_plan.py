"""A case worker assesses a participant, builds a plan from the five-step template, records the
three-party meeting and downloads the plan as a PDF (issue: assessment and individual plan)."""

import io
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from stegvis.assessments.models import Assessment, StepRating
from stegvis.core.models import Federation
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment
from stegvis.plans.models import Meeting, Plan
from tests.e2e.conftest import log_in


def _fresh_enrolment(slug: str) -> Enrolment:
    """An ongoing enrolment of the demo case worker, cleared of assessment, ratings and plan."""
    with federation_scope(Federation.objects.get(slug=slug)):
        enrolment = (
            Enrolment.objects.filter(
                main_contact__user__username="handlaggare",
                end_date__isnull=True,
                participant__is_anonymous=False,
            )
            .select_related("participant")
            .order_by("pk")
            .first()
        )
        Assessment.objects.filter(enrolment=enrolment).delete()
        StepRating.objects.filter(enrolment=enrolment).delete()
        Plan.objects.filter(enrolment=enrolment).delete()
        Meeting.objects.filter(enrolment=enrolment).delete()
        return enrolment


def test_case_worker_assesses_plans_meets_and_prints(page, demo, screenshot):
    enrolment = _fresh_enrolment(demo["slug"])
    person = enrolment.participant
    log_in(page, "handlaggare", demo["password"])
    page.goto(f"/f/{demo['slug']}/deltagare/{person.pk}/")
    tabs = page.get_by_role("navigation", name="Personens sida")
    tabs.get_by_role("link", name="Kartläggning").click()
    page.locator("#kartlaggning").get_by_role("link", name="Gör kartläggning").click()

    # The assessment: portfolio, language, the NAD triad, interests and obstacles.
    expect(page.get_by_role("heading", name="Kartläggning", exact=True)).to_be_visible()
    page.locator('[name="education-0-level"]').select_option(label="Gymnasial")
    page.locator('[name="education-0-field"]').fill("Ekonomi")
    page.locator('[name="education-0-country"]').fill("Syrien")
    page.locator('[name="work-0-occupation"]').fill("Kock")
    page.locator('[name="work-0-years"]').fill("5")
    page.get_by_label("Körkort").select_option("none")
    page.get_by_label("Svenska", exact=True).select_option("A1")
    page.locator('[name="languages-0-language"]').fill("arabiska")
    page.locator('[name="languages-0-level"]').select_option("native")
    page.locator('[name="need_language"]').select_option("high")
    page.locator('[name="need_health"]').select_option("medium")
    page.locator('[name="need_network"]').select_option("high")
    page.get_by_label("Matlagning").check()
    page.get_by_role("checkbox", name="Barnomsorg").check()
    page.get_by_label("Sammanfattning").fill("Vill arbeta som kock och lära sig svenska.")
    screenshot(page, "plan-1-assessment")
    page.get_by_role("button", name="Spara kartläggningen").click()

    expect(page.get_by_text("Kartläggningen är sparad (version 1).")).to_be_visible()
    expect(page.get_by_text("Lite eller ingen svenska (nivå A1) +3")).to_be_visible()
    expect(page.get_by_text("Saknar nätverk (stort behov inom nätverk) +2")).to_be_visible()
    screenshot(page, "plan-2-priority")

    # The plan from the five-step template.
    page.get_by_role("link", name=person.display_name).click()
    tabs.get_by_role("link", name="Plan och möten").click()
    page.locator("#plan").get_by_role("link", name="Gör en plan").click()
    expect(page.get_by_label("Fem steg mot arbete")).to_be_checked()
    page.get_by_label("Deltagarens egna mål").fill("Arbeta som kock.")
    page.get_by_role("button", name="Skapa planen").click()
    expect(page.get_by_text("Planen är skapad.")).to_be_visible()
    for step in ("Kompetensportfölj", "Vilka yrken?", "CV och ansökan", "Arbete eller praktik"):
        expect(page.get_by_role("heading", name=step)).to_be_visible()
    row = page.locator("tr", has_text="Gå igenom utbildning och arbetslivserfarenhet")
    row.get_by_role("button", name="Klar").click()
    expect(page.get_by_text("Åtgärden är markerad som klar.")).to_be_visible()
    screenshot(page, "plan-3-plan")

    # The three-party meeting agrees the plan and sets the next follow-up.
    follow_up = timezone.localdate() + timedelta(weeks=8)
    page.get_by_role("link", name="Nytt möte").first.click()
    page.get_by_label("Typ av möte").select_option(label="Trepartssamtal")
    page.get_by_role("checkbox", name="Arbetsförmedlingen", exact=True).check()
    page.get_by_role("checkbox", name="Kristianstads kommun", exact=True).check()
    page.get_by_label("Övriga deltagare").fill("Tolk (arabiska)")
    page.get_by_label("Anteckningar").fill("Gick igenom kartläggningen.")
    page.get_by_label("Beslut").fill("Börja med kompetensportföljen.")
    page.get_by_label("Nästa uppföljning").fill(follow_up.isoformat())
    page.get_by_label("Planen godkändes på mötet").check()
    screenshot(page, "plan-4-meeting")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_text("Mötet är sparat.")).to_be_visible()
    expect(page.get_by_text(follow_up.isoformat()).first).to_be_visible()

    # The printable plan.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner planen (PDF)").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in (
        "Min plan",
        person.display_name,
        "Kompetensportfölj",
        "Vilka yrken?",
        "Behövs mer kompetens?",
        "CV och ansökan",
        "Arbete eller praktik",
        "Samla betyg, intyg och referenser",
        "Skriva CV och personligt brev",
        "Arbeta som kock.",
        follow_up.isoformat(),
    ):
        assert expected in text, expected
    assert person.personal_number not in text
    assert "Gick igenom kartläggningen." not in text

    page.get_by_role("link", name="Historik (version 3)").click()
    expect(page.get_by_text("Planen skapades från mallen Fem steg mot arbete")).to_be_visible()
    screenshot(page, "plan-5-history")

    # The person's timeline tab tells the story in order, the plan and the meeting in it.
    page.goto(f"/f/{demo['slug']}/deltagare/{person.pk}/?flik=tidslinje")
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_text("Trepartssamtal").first).to_be_visible()
    expect(timeline.get_by_text("Kartläggning (version 1)")).to_be_visible()
    expect(page.get_by_role("link", name="Tidslinje")).to_have_attribute("aria-current", "page")
    screenshot(page, "plan-6-timeline")
