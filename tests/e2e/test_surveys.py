"""A participant answers the participant questionnaire in Arabic on a 375 px phone: the page
runs right to left, every tap target is large, and after sending the link is used up (issue #17).
"""

import random
import re
from datetime import date

from playwright.sync_api import expect

from stegvis.core.personnummer import generate_personal_number
from stegvis.core.tenancy import federation_scope
from stegvis.surveys import services
from stegvis.surveys.models import Answer, Response

ARABIC_FIRST = "ما مدى قدرتك على التعامل باللغة السويدية في الحياة اليومية؟"


def _arabic_link(federation, admin, intervention) -> str:
    from stegvis.participants import services as participant_services

    with federation_scope(federation):
        participant, _ = participant_services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            details=participant_services.PersonDetails(
                gender="kvinna",
                birth_year=1991,
                municipality="Kristianstad",
                personal_number=generate_personal_number(
                    random.Random(3), date(1991, 4, 2), "kvinna"
                ),
                first_name="Rasha",
                last_name="Darwish",
                born_abroad=True,
                languages=["arabiska"],
            ),
            consent=participant_services.ConsentDetails(
                scope="sharing", method="written", given_on=date(2026, 1, 10)
            ),
        )
        participant_services.enrolment_create(
            actor=admin.user,
            membership=admin,
            participant=participant,
            intervention=intervention,
            start_date=date(2026, 1, 12),
        )
        services.ensure_default_surveys(actor=admin.user)
        link = services.invitation_create(
            actor=admin.user,
            membership=admin,
            survey=services.published("deltagare"),
            participant_id=participant.pk,
            occasion="start",
            language="ar",
        )
    return link.path


def test_participant_answers_in_arabic_on_a_phone(
    transactional_db, phone_page, federation, admin, intervention, screenshot
):
    path = _arabic_link(federation, admin, intervention)
    page = phone_page
    page.goto(path)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(ARABIC_FIRST)).to_be_visible()
    expect(page.get_by_text("مرحباً Rasha!")).to_be_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Right to left: the first scale step sits to the right of the last.
    first_question = page.locator("fieldset").first
    steps = first_question.locator("label.scale-step")
    one, five = steps.nth(0).bounding_box(), steps.nth(4).bounding_box()
    assert one["x"] > five["x"]
    # Large tap targets (at least 44 × 44 CSS pixels).
    for i in range(5):
        box = steps.nth(i).bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 44, box
    screenshot(page, "survey-arabic-phone-empty")

    for key, value in [("svenska", 2), ("halsa", 3), ("natverk", 1), ("formaga", 4), ("arbete", 2)]:
        page.locator(f"#fraga-{key} label.scale-step").nth(value - 1).click()
    page.locator("textarea").fill("أريد أن أعمل في مطبخ")
    screenshot(page, "survey-arabic-phone-filled")
    submit = page.get_by_role("button", name="أرسل الإجابات")
    assert submit.bounding_box()["height"] >= 44
    submit.click()
    expect(page.get_by_role("heading", name="شكراً على إجاباتك!")).to_be_visible()
    screenshot(page, "survey-arabic-phone-thanks")

    with federation_scope(federation):
        response = Response.objects.get()
        assert response.language == "ar"
        assert Answer.objects.get(response=response, question__key="svenska").number == 2
    # The same link no longer takes answers.
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("status")).to_contain_text("لم يعد من الممكن استخدام هذا الرابط")
    screenshot(page, "survey-arabic-phone-closed")


def test_administrator_reviews_a_translation_adds_a_question_and_publishes(page, demo, screenshot):
    from tests.e2e.conftest import log_in

    log_in(page, "admin", demo["password"])
    page.goto(f"/f/{demo['slug']}/enkater/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Deltagarenkät"))
    row.get_by_role("button", name="Ändra").click()
    expect(page.get_by_role("heading", name="Utkast: deltagare, version 2")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("kopierat från version 1")

    page.get_by_role("link", name=re.compile("^Arabiska")).click()
    field = page.locator('textarea[name="t:q.svenska"]')
    expect(field).to_have_attribute("dir", "rtl")
    field.fill("كيف تتدبر أمورك باللغة السويدية؟")
    page.locator('input[name="r:q.svenska"]').check()
    screenshot(page, "survey-editor-1-arabic")
    page.get_by_role("button", name="Spara texterna (arabiska)").click()
    expect(page.get_by_role("status")).to_contain_text("1 texter sparade (Arabiska)")
    expect(field).to_have_value("كيف تتدبر أمورك باللغة السويدية؟")

    page.get_by_role("link", name="Svenska", exact=True).click()
    page.get_by_text("Lägg till en fråga").click()
    page.get_by_label("Fråga (svenska)").fill("Hur trivs du i gruppen?")
    page.get_by_label("Nyckel").fill("trivsel")
    page.get_by_label("Typ").select_option("yes_no")
    page.get_by_role("button", name="Lägg till frågan").click()
    expect(page.get_by_role("status")).to_contain_text("Frågan trivsel är tillagd")
    expect(page.get_by_role("rowheader", name="trivsel")).to_be_visible()
    screenshot(page, "survey-editor-2-questions")

    page.get_by_role("button", name="Publicera version 2").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 är publicerad")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Deltagarenkät"))
    expect(row.get_by_role("cell", name="2", exact=True)).to_be_visible()
