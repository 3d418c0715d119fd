"""A federation admin opens a report, filters it and downloads it as XLSX (issue: reports)."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.e2e.conftest import go_to, log_in


def test_admin_filters_a_report_and_downloads_xlsx(page, demo, screenshot):
    log_in(page, "admin", demo["password"])
    page.get_by_role("link", name="NAD Skåne – demoförbund").first.click()
    go_to(page, "Rapporter")
    expect(page.get_by_role("heading", name="Rapporter", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Resultatmål")).to_be_visible()
    screenshot(page, "reports-1-index")

    page.get_by_role("link", name="Avslutsorsak och kön").first.click()
    page.get_by_label("Insats").select_option("UTR-25")
    page.get_by_label("Från och med").fill("2024-01-01")
    page.get_by_label("Till och med").fill("2026-12-31")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Avslutsorsak och kön", level=1)).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("UTR-25 Utrikesfödda 25–55")
    expect(page.locator(".page-head")).to_contain_text("Period: 2024-01-01 – 2026-12-31")
    table = page.locator("table.report-table")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.locator("tbody tr").first).to_contain_text("Arbete")
    expect(page.locator("svg.chart rect.chart-bar").first).to_be_visible()
    expect(page.get_by_text("Andel till arbete eller studier")).to_be_visible()
    page_total = table.locator("tfoot td").last.inner_text()
    screenshot(page, "reports-2-exit-gender")

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "Kod"
    total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Totalt")
    assert str(total[-1]) == page_total.replace("\u202f", "")


def test_steering_sees_hidden_small_cells_and_downloads_them_hidden(page, demo, screenshot):
    log_in(page, "styrgrupp", demo["password"])
    page.goto(f"/f/{demo['slug']}/rapporter/age-gender/?intervention=UTR-25")
    expect(page.locator(".alert-info")).to_contain_text("Värden under 5 visas som <5")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        assert "<5" in handle.read()
    screenshot(page, "reports-3-steering")


def test_evaluator_compares_methods_with_their_step_progress(page, demo, screenshot):
    """The methods' results as the evaluator sees them: each method's step-wise progress is
    the one the results module computes for it (read once for every method)."""
    from stegvis.core.models import Federation
    from stegvis.core.tenancy import federation_scope
    from stegvis.knowledge.results import ranked_results

    with federation_scope(Federation.objects.get(slug=demo["slug"])):
        rated = [r for r in ranked_results() if r.progress]
    assert rated  # the demo rates people in interventions that work with methods

    log_in(page, "utvarderare", demo["password"])
    go_to(page, "Metoder")
    expect(page.get_by_role("columnheader", name="Stegförflyttning")).to_be_visible()
    for result in rated:
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=result.method.name))
        expect(row.first).to_contain_text(f"av {result.progress.people}")
    screenshot(page, "methods-1-results")
