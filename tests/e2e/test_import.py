"""Spreadsheet import in the browser: a file with one bad row is refused with the row and field
named; the corrected file is checked, imported and shown as done (issue 8, import part)."""

import random
from datetime import date

import pytest
from playwright.sync_api import expect

from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

HEADER = (
    "personnummer;gender;start_date;end_date;exit_reason;af_code_before;af_code_after;"
    "income_source_before;income_source_after"
)


@pytest.fixture
def inline_imports(settings, tmp_path):
    # The live server's test database is not shared with a background thread of its own.
    settings.IMPORTS_IN_BACKGROUND = False
    settings.VAR_DIR = tmp_path


def write_csv(path, rows):
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_admin_fixes_a_bad_row_and_imports_the_file(
    page, screenshot, federation, intervention, make_member, inline_imports, tmp_path
):
    # Enrolments are imported by a case worker of the intervention (the administrator alone
    # sees no personal data).
    make_member(
        federation,
        Role.FEDERATION_ADMIN,
        "alice",
        extra_roles=[Role.CASE_WORKER],
        interventions=[intervention],
    )
    rng = random.Random(5)
    numbers = [generate_personal_number(rng, date(1980 + i, 2, 3), "kvinna") for i in range(4)]
    rows = [f"{n};kvinna;2024-0{i + 1}-10;;;11;;ekonomiskt_bistand;" for i, n in enumerate(numbers)]
    bad = rows.copy()
    bad[2] = bad[2].replace("2024-03-10", "2024-03-32")

    log_in(page, "alice", PASSWORD)
    page.goto("/f/alfa/import/")
    screenshot(page, "import-1-kinds")
    page.get_by_role("link", name="Ladda upp").first.click()
    page.get_by_label("Insats").select_option(label=str(intervention))
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(write_csv(tmp_path / "fel.csv", bad))
    page.get_by_role("button", name="Kontrollera filen").click()

    status = page.locator("#import-status")
    expect(status).to_contain_text("Fel i filen")
    expect(status).to_contain_text(
        "Rad 4, fält start_date: Ogiltigt datum '2024-03-32': använd ÅÅÅÅ-MM-DD."
    )
    expect(status).to_contain_text("Inget har skrivits.")
    screenshot(page, "import-2-row-error")

    page.get_by_role("link", name="Ladda upp en rättad fil").click()
    page.get_by_label("Insats").select_option(label=str(intervention))
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        write_csv(tmp_path / "ratt.csv", rows)
    )
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(status).to_contain_text("Alla 4 rader är korrekta. Inget är skrivet än.")
    expect(page.get_by_role("table")).to_contain_text("2024-04-10")
    screenshot(page, "import-3-preview")

    page.get_by_role("button", name="Importera 4 rader").click()
    expect(status).to_contain_text("Importerad")
    expect(status).to_contain_text("Klart: alla 4 rader är importerade (100 %).")
    expect(status.locator("progress")).to_have_attribute("value", "100")
    expect(status).to_contain_text("Nya deltaganden")
    screenshot(page, "import-4-done")
    with federation_scope(federation):
        assert Enrolment.objects.filter(intervention=intervention).count() == 4
