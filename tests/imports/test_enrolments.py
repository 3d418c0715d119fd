"""Enrolment history through the web: upload, check, commit; all or nothing, idempotent."""

import html
import random
from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.imports import progress
from stegvis.imports.models import ImportJob
from stegvis.participants.models import Consent, Enrolment, Participant
from tests.imports.conftest import commit, csv_bytes, job_of

pytestmark = pytest.mark.django_db

HEADER = (
    "personnummer,gender,start_date,end_date,exit_reason,af_code_before,af_code_after,"
    "income_source_before,income_source_after"
)
RNG = random.Random(11)
ANNA = generate_personal_number(RNG, date(1985, 4, 2), "kvinna")
OMAR = generate_personal_number(RNG, date(1999, 11, 20), "man")
SARA = generate_personal_number(RNG, date(1970, 1, 5), "kvinna")
VALID = [
    f"{ANNA},kvinna,2024-01-15,2024-09-30,arbete,11,33,ekonomiskt_bistand|a_kassa,lon",
    f"{OMAR},man,2024-03-01,,,14,,etableringsersattning,",
    f"{SARA},annat,2023-05-01,2023-05-01,felregistrering,,,,",
]


def bad_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def counts(federation) -> tuple[int, int, int]:
    with federation_scope(federation):
        return (Participant.objects.count(), Enrolment.objects.count(), Consent.objects.count())


@pytest.fixture
def as_admin(login, admin):
    return login(admin)


def test_valid_file_imports_with_the_right_counts(federation, intervention, as_admin, upload):
    job = job_of(
        federation, upload("enrolments", csv_bytes(HEADER, *VALID), intervention=intervention.pk)
    )
    assert job.status == ImportJob.Status.VALID
    assert job.total_rows == 3
    assert counts(federation) == (0, 0, 0)  # checked, nothing written yet
    job = commit(as_admin, federation, job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.result["created_enrolments"] == 3
    assert job.result["created_participants"] == 3
    assert (job.content, job.preview) == ("", [])  # the file's personal data does not stay
    assert counts(federation) == (3, 3, 3)
    page = as_admin.get(f"/f/alfa/import/jobb/{job.pk}/").content.decode()
    assert "Nya deltaganden" in page
    assert "100 %" in page
    with federation_scope(federation):
        entry = AuditEntry.objects.get(object_type="enrolment_import")
        assert entry.detail["enrolments"] == 3
        assert ANNA not in str(entry.detail)


@pytest.mark.parametrize(
    ("row", "field", "text"),
    [
        (f"{bad_check_digit(OMAR)},man,2024-03-01,,,,,,", "personnummer", "Kontrollsiffran"),
        (f"{OMAR},man,2024-02-30,,,,,,", "start_date", "Ogiltigt datum"),
        (f"{OMAR},man,2024-03-01,2024-04-01,,,,,", "exit_reason", "Avslutsorsak saknas"),
        (f"{OMAR},man,2024-03-01,,,99x,,,", "af_code_before", "Okänd AF-kod"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_row_and_field(
    federation, intervention, as_admin, upload, row, field, text
):
    data = csv_bytes(HEADER, VALID[0], row, VALID[2])
    job = job_of(federation, upload("enrolments", data, intervention=intervention.pk))
    assert job.status == ImportJob.Status.INVALID
    assert len(job.errors) == 1
    assert job.errors[0].startswith(f"Rad 3, fält {field}:")
    assert text in job.errors[0]
    assert counts(federation) == (0, 0, 0)
    page = as_admin.get(f"/f/alfa/import/jobb/{job.pk}/").content.decode()
    assert "Rad 3, fält " + field in page
    assert "Inget har skrivits" in page
    # A file in error cannot be committed.
    assert commit(as_admin, federation, job).status == ImportJob.Status.INVALID
    assert counts(federation) == (0, 0, 0)


def test_reimporting_the_same_file_adds_nothing(federation, intervention, as_admin, upload):
    data = csv_bytes(HEADER, *VALID)
    commit(
        as_admin,
        federation,
        job_of(federation, upload("enrolments", data, intervention=intervention.pk)),
    )
    before = counts(federation)
    job = commit(
        as_admin,
        federation,
        job_of(federation, upload("enrolments", data, intervention=intervention.pk)),
    )
    assert job.status == ImportJob.Status.DONE
    assert job.result["already_present"] == 3
    assert job.result["created_enrolments"] == 0
    assert counts(federation) == before


def test_semicolon_csv_with_bom_and_xlsx_both_import(federation, intervention, as_admin, upload):
    from tests.imports.test_tables import xlsx

    data = csv_bytes(HEADER, VALID[0], delimiter=";", bom=True)
    job = commit(
        as_admin,
        federation,
        job_of(federation, upload("enrolments", data, intervention=intervention.pk)),
    )
    assert job.status == ImportJob.Status.DONE
    sheet = xlsx(
        HEADER.split(","),
        (OMAR, "man", date(2024, 3, 1)),
        (),
        (SARA, "annat", "2023-05-01", "2023-05-01", "felregistrering"),
    )
    job = job_of(
        federation, upload("enrolments", sheet, name="historik.xlsx", intervention=intervention.pk)
    )
    assert job.status == ImportJob.Status.VALID, job.errors
    assert [row[0] for row in job.preview] == ["Rad", "2", "4"]
    job = commit(as_admin, federation, job)
    assert job.status == ImportJob.Status.DONE
    assert counts(federation)[1] == 3


def test_xlsx_error_names_the_spreadsheet_row(federation, intervention, as_admin, upload):
    from tests.imports.test_tables import xlsx

    sheet = xlsx(
        HEADER.split(","), (OMAR, "man", "2024-03-01"), (), (), (SARA, "annat", "2023-13-01")
    )
    job = job_of(
        federation, upload("enrolments", sheet, name="historik.xlsx", intervention=intervention.pk)
    )
    assert job.errors == ["Rad 5, fält start_date: Ogiltigt datum '2023-13-01': använd ÅÅÅÅ-MM-DD."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "filen är tom"),
        (csv_bytes("personnummer,gender", f"{ANNA},kvinna"), "Rad 1: kolumn saknas: start_date"),
        (csv_bytes(HEADER + ",namn", VALID[0] + ",Anna"), "Rad 1: okänd kolumn 'namn'"),
    ],
)
def test_empty_file_and_wrong_columns_are_refused_at_upload(
    federation, intervention, as_admin, upload, data, message
):
    response = upload("enrolments", data, intervention=intervention.pk)
    assert response.status_code == 200
    assert message.lower() in html.unescape(response.content.decode()).lower()
    with federation_scope(federation):
        assert not ImportJob.objects.exists()


def test_overlap_found_while_writing_names_the_absolute_row_and_writes_nothing(
    federation, intervention, as_admin, upload
):
    commit(
        as_admin,
        federation,
        job_of(
            federation,
            upload("enrolments", csv_bytes(HEADER, VALID[1]), intervention=intervention.pk),
        ),
    )
    before = counts(federation)
    rows = [generate_personal_number(RNG, date(1980, 1, 1 + i), "man") for i in range(6)]
    data = csv_bytes(
        HEADER,
        *[f"{number},man,2024-01-01,,,,,," for number in rows],
        f"{OMAR},man,2024-05-01,,,,,,",  # row 8: Omar is still enrolled since 2024-03-01
    )
    job = job_of(federation, upload("enrolments", data, intervention=intervention.pk))
    assert job.status == ImportJob.Status.VALID
    job = commit(as_admin, federation, job)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0].startswith("Rad 8, fält start_date: Personen har redan ett deltagande")
    assert "Inget har skrivits." in job.errors
    assert counts(federation) == before


def test_failure_during_commit_rolls_back_everything(
    federation, intervention, as_admin, upload, monkeypatch
):
    from stegvis.core import bulk

    real = bulk.insert_many

    def failing(model, *args, **kwargs):
        if model is Enrolment:  # after people and consents were inserted
            raise RuntimeError("disk full")
        return real(model, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert_many", failing)
    job = commit(
        as_admin,
        federation,
        job_of(
            federation,
            upload("enrolments", csv_bytes(HEADER, *VALID), intervention=intervention.pk),
        ),
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == ["Importen avbröts av ett tekniskt fel. Inget har skrivits; försök igen."]
    assert "disk full" not in str(job.errors)
    assert job.content == ""
    assert counts(federation) == (0, 0, 0)
    with federation_scope(federation):
        assert not AuditEntry.objects.filter(object_type="enrolment_import").exists()


def test_a_job_is_committed_only_once(federation, intervention, as_admin, upload):
    job = commit(
        as_admin,
        federation,
        job_of(
            federation,
            upload("enrolments", csv_bytes(HEADER, *VALID), intervention=intervention.pk),
        ),
    )
    assert commit(as_admin, federation, job).status == ImportJob.Status.DONE
    assert counts(federation) == (3, 3, 3)


def test_progress_file_advances_to_100_percent(
    federation, intervention, as_admin, upload, monkeypatch
):
    from stegvis.participants import importing

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen = []
    real = progress.write

    def record(job_id, *, phase, done, total):
        seen.append((phase, done, total))
        real(job_id, phase=phase, done=done, total=total)

    monkeypatch.setattr(progress, "write", record)
    numbers = [generate_personal_number(RNG, date(1960, 1, 1 + i), "man") for i in range(9)]
    data = csv_bytes(HEADER, *[f"{n},man,2024-01-01,,,,,," for n in numbers])
    job = commit(
        as_admin,
        federation,
        job_of(federation, upload("enrolments", data, intervention=intervention.pk)),
    )
    assert job.status == ImportJob.Status.DONE
    writing = [done for phase, done, _total in seen if phase == "importing"]
    assert writing == sorted(writing)
    assert (writing[0], writing[-1]) == (0, 9)
    assert len(writing) >= 3
    assert [d for p, d, _t in seen if p == "checking"] == sorted(
        d for p, d, _t in seen if p == "checking"
    )
    assert progress.read(job.pk) == {"phase": "done", "done": 9, "total": 9, "percent": 100}


def test_stale_running_job_ends_as_failed(federation, intervention, as_admin, upload, monkeypatch):
    job = job_of(
        federation, upload("enrolments", csv_bytes(HEADER, *VALID), intervention=intervention.pk)
    )
    with federation_scope(federation):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    monkeypatch.setattr(progress, "age", lambda job_id: 3600.0)
    page = as_admin.get(f"/f/alfa/import/jobb/{job.pk}/").content.decode()
    assert "Importen avbröts" in page
    with federation_scope(federation):
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED


# --- Who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FEDERATION_ADMIN, 403),
        (Role.CASE_WORKER, 200),
        (Role.INTERVENTION_LEAD, 403),
        (Role.ASSOCIATION_COORDINATOR, 403),
        (Role.ASSOCIATION_LEADER, 403),
        (Role.STEERING, 403),
        (Role.EVALUATOR, 403),
    ],
)
def test_enrolment_upload_page_per_role(federation, intervention, make_member, login, role, status):
    member = make_member(federation, role, "pelle", interventions=[intervention])
    assert login(member).get("/f/alfa/import/enrolments/ny/").status_code == status


def test_case_worker_cannot_import_into_an_intervention_outside_his_scope(
    federation, other_intervention, case_worker, login, upload
):
    login(case_worker)
    response = upload("enrolments", csv_bytes(HEADER, *VALID), intervention=other_intervention.pk)
    assert response.status_code == 200  # the choice is refused by the form
    assert counts(federation) == (0, 0, 0)


def test_someone_elses_job_is_404_for_colleague_and_outsider(
    federation, intervention, admin, make_member, outsider, login, upload, client
):
    login(admin)
    job = job_of(
        federation, upload("enrolments", csv_bytes(HEADER, *VALID), intervention=intervention.pk)
    )
    colleague = make_member(federation, Role.FEDERATION_ADMIN, "greta")
    login(colleague)
    assert client.get(f"/f/alfa/import/jobb/{job.pk}/").status_code == 404
    assert client.post(f"/f/alfa/import/jobb/{job.pk}/").status_code == 404
    login(outsider)
    assert client.get(f"/f/alfa/import/jobb/{job.pk}/").status_code == 404
    assert client.get(f"/f/beta/import/jobb/{job.pk}/").status_code == 404
    assert counts(federation) == (0, 0, 0)
