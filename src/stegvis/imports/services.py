"""Running an import job: check every row, show what is wrong, then write all or nothing."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.tenancy import federation_scope
from stegvis.imports import progress
from stegvis.imports.kinds import KINDS, RowErrors
from stegvis.imports.models import ImportJob
from stegvis.imports.tables import preview_rows

MAX_SHOWN_ERRORS = 200


def _run(func, *args) -> None:
    """In the background (a thread of this process) unless configured to run inline."""
    if not settings.IMPORTS_IN_BACKGROUND:
        func(*args)
        return

    def target():
        close_old_connections()
        try:
            func(*args)
        finally:
            connection.close()

    threading.Thread(target=target, daemon=True).start()


def job_create(
    *, actor, membership, kind: str, options: dict, file_name: str, text: str
) -> ImportJob:
    job = ImportJob.objects.create(
        kind=kind,
        options=options,
        file_name=file_name[:200],
        content=text,
        preview=preview_rows(text),
        created_by=actor,
        total_rows=max(0, sum(1 for line in text.splitlines() if line.strip()) - 1),
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=job,
        detail={"kind": kind, "rows": job.total_rows},
    )
    _run(_validate, job.pk, membership.pk)
    return job


def _membership(job: ImportJob, membership_id: int):
    from stegvis.core.models import Membership

    return Membership.objects.select_related("user").get(pk=membership_id)


def _validate(job_id: int, membership_id: int) -> None:
    with federation_scope(ImportJob.unscoped_federation(job_id)):
        job = ImportJob.objects.get(pk=job_id)
        membership = _membership(job, membership_id)
        progress.write(job.pk, phase="validating", done=0, total=job.total_rows)
        try:
            rows = KINDS[job.kind].parse(job.content, options=job.options, membership=membership)
        except RowErrors as exc:
            job.status = ImportJob.Status.INVALID
            job.errors = exc.messages[:MAX_SHOWN_ERRORS]
            job.content = ""
            job.finished_at = timezone.now()
        else:
            job.status = ImportJob.Status.VALID
            job.total_rows = len(rows)
        job.save()
        progress.write(job.pk, phase="validated", done=job.total_rows, total=job.total_rows)


def job_commit(*, actor, membership, job: ImportJob) -> ImportJob:
    if job.status != ImportJob.Status.VALID:
        from django.core.exceptions import ValidationError

        raise ValidationError("Bara en kontrollerad fil utan fel kan importeras.")
    job.status = ImportJob.Status.IMPORTING
    job.save(update_fields=["status"])
    _run(_commit, job.pk, membership.pk, actor.pk)
    return job


def _commit(job_id: int, membership_id: int, actor_id: int) -> None:
    with federation_scope(ImportJob.unscoped_federation(job_id)):
        job = ImportJob.objects.get(pk=job_id)
        membership = _membership(job, membership_id)
        kind = KINDS[job.kind]
        total = job.total_rows

        def report(done: int) -> None:
            progress.write(job.pk, phase="importing", done=done, total=total)

        report(0)
        try:
            rows = kind.parse(job.content, options=job.options, membership=membership)
            result = kind.commit(
                rows,
                options=job.options,
                actor=membership.user,
                membership=membership,
                progress=report,
            )
        except RowErrors as exc:
            job.status = ImportJob.Status.FAILED
            job.errors = exc.messages[:MAX_SHOWN_ERRORS]
        except Exception as exc:  # the job must end visibly whatever happened
            job.status = ImportJob.Status.FAILED
            job.errors = [f"Importen avbröts: {exc}. Inget skrevs."]
        else:
            job.status = ImportJob.Status.DONE
            job.result = result
            audit.log(
                actor=membership.user,
                action=audit.Action.CREATE,
                obj=job,
                reason="import",
                detail={"kind": job.kind, **result},
            )
        job.content = ""
        job.finished_at = timezone.now()
        job.save()
        progress.write(job.pk, phase=job.status, done=total, total=total)
