"""The issue's must-show: 100 000 rows through the web path, with progress to 100 %."""

import time
from datetime import date, timedelta

import pytest

from stegvis.core.tenancy import federation_scope
from stegvis.core.validators import luhn_check_digit
from stegvis.imports import progress
from stegvis.imports.models import ImportJob
from stegvis.participants.models import Enrolment
from tests.imports.conftest import commit, job_of

pytestmark = pytest.mark.django_db

HEADER = (
    "personnummer,gender,start_date,end_date,exit_reason,af_code_before,af_code_after,"
    "income_source_before,income_source_after"
)


def enrolments_csv(rows: int) -> bytes:
    """Distinct valid personnummer: 100 birth numbers a day from 1960 on, Luhn check digit."""
    lines = [HEADER]
    day = date(1960, 1, 1)
    while len(lines) <= rows:
        yymmdd = f"{day.year % 100:02d}{day.month:02d}{day.day:02d}"
        for birth in range(1, 101):
            digits = f"{birth:03d}"
            number = f"{day.year}{yymmdd[2:]}-{digits}{luhn_check_digit(yymmdd + digits)}"
            gender = "man" if birth % 2 else "kvinna"
            lines.append(
                f"{number},{gender},2024-01-15,2024-09-30,arbete,11,33,ekonomiskt_bistand,lon"
            )
            if len(lines) > rows:
                break
        day += timedelta(days=1)
    return ("\n".join(lines) + "\n").encode()


def test_100000_row_csv_imports_through_the_web_with_progress(
    federation, intervention, admin, login, upload
):
    client = login(admin)
    data = enrolments_csv(100_000)
    started = time.perf_counter()
    job = job_of(
        federation, upload("enrolments", data, name="historik.csv", intervention=intervention.pk)
    )
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.total_rows == 100_000
    page = client.get(f"/f/alfa/import/jobb/{job.pk}/").content.decode()
    assert "Importera 100000 rader" in page
    job = commit(client, federation, job)
    elapsed = time.perf_counter() - started
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.result["created_enrolments"] == 100_000
    with federation_scope(federation):
        assert Enrolment.objects.filter(intervention=intervention).count() == 100_000
    assert progress.read(job.pk)["percent"] == 100
    page = client.get(f"/f/alfa/import/jobb/{job.pk}/", headers={"HX-Request": "true"})
    assert "100 %" in page.content.decode()
    print(f"100 000 rows: upload, check and import in {elapsed:.1f} s")
