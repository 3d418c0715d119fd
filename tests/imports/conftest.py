"""Web import: jobs run inline (no thread) and keep their progress files in a temporary folder."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stegvis.core.tenancy import federation_scope
from stegvis.imports.models import ImportJob
from tests.activities.conftest import (  # noqa: F401  (shared fixtures)
    association,
    coordinator,
    hub,
    leader,
    make_activity,
    working_group,
)
from tests.participants.conftest import enrol, register, scope  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def _inline_imports(settings, tmp_path):
    settings.IMPORTS_IN_BACKGROUND = False
    settings.VAR_DIR = tmp_path


def csv_bytes(header: str, *rows: str, delimiter: str = ",", bom: bool = False) -> bytes:
    lines = [header, *rows]
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


@pytest.fixture
def upload(client):
    """POST a file to the upload page; returns the response (a redirect to the job if valid)."""

    def do(kind: str, data: bytes, name: str = "fil.csv", **options):
        return client.post(
            f"/f/alfa/import/{kind}/ny/", {"file": SimpleUploadedFile(name, data), **options}
        )

    return do


def job_of(federation, response) -> ImportJob:
    assert response.status_code == 302, _form_errors(response)
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    with federation_scope(federation):
        return ImportJob.objects.get(pk=pk)


def commit(client, federation, job: ImportJob) -> ImportJob:
    response = client.post(f"/f/alfa/import/jobb/{job.pk}/")
    assert response.status_code == 302
    with federation_scope(federation):
        job.refresh_from_db()
    return job


def _form_errors(response) -> str:
    import re

    return " | ".join(re.findall(r'<p class="error"[^>]*>(.*?)<', response.content.decode()))
