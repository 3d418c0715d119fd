"""Imports accept Swedish column names as well as the keys, and offer a template per kind."""

import pytest

from stegvis.imports.kinds import KINDS
from stegvis.imports.models import ImportJob
from stegvis.imports.tables import column_key, header_of
from tests.imports.conftest import commit, csv_bytes, job_of
from tests.imports.test_enrolments import HEADER, VALID, counts

pytestmark = pytest.mark.django_db

SWEDISH_HEADER = (
    "Personnummer;Kön;Startdatum;Slutdatum;Avslutsorsak;AF-kod före;AF-kod efter;"
    "Försörjning före;Försörjning efter"
)


def test_swedish_and_english_names_give_the_same_keys():
    assert header_of(SWEDISH_HEADER) == header_of(HEADER)
    assert column_key("  Tillfällets   datum ") == "session_date"
    assert column_key("session_date") == "session_date"
    assert column_key("okänd") == "okänd"


def test_enrolments_import_with_swedish_headers(federation, intervention, login, admin, upload):
    client = login(admin)
    rows = [row.replace(",", ";") for row in VALID]
    data = ("\ufeff" + "\r\n".join([SWEDISH_HEADER, *rows]) + "\r\n").encode()
    job = job_of(federation, upload("enrolments", data, intervention=intervention.pk))
    assert job.status == ImportJob.Status.VALID, job.errors
    job = commit(client, federation, job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert counts(federation) == (3, 3, 3)


def test_unknown_swedish_column_is_named_in_the_error(
    federation, intervention, login, admin, upload
):
    login(admin)
    data = csv_bytes(HEADER + ",Favoritfärg", *(row + "," for row in VALID))
    response = upload("enrolments", data, intervention=intervention.pk)
    assert "okänd kolumn &#x27;favoritfärg&#x27;" in response.content.decode()


def test_every_kind_offers_a_template_in_swedish(federation, login, admin):
    client = login(admin)
    index = client.get("/f/alfa/import/").content.decode()
    for key, kind in KINDS.items():
        if not kind.allowed(admin):
            continue
        assert f"/f/alfa/import/{key}/mall.csv" in index
        response = client.get(f"/f/alfa/import/{key}/mall.csv")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="mall-{key}.csv"'
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        header = text.lstrip("\ufeff").splitlines()[0]
        assert ";" in header
        assert header_of(header) == list(kind.columns.all)  # reads back as the kind's keys
    assert client.get("/f/alfa/import/okand/mall.csv").status_code == 404


def test_template_for_a_kind_the_role_may_not_import_is_refused(
    federation, login, leader, case_worker
):
    assert login(leader).get("/f/alfa/import/attendance/mall.csv").status_code == 403
    assert login(case_worker).get("/f/alfa/import/activities/mall.csv").status_code == 403
