"""Running an import job: check every row, show what is wrong, then write all or nothing.

The write and the job's "done" state are one transaction: if anything fails (or the process
dies) nothing of the file is in the database and the job ends as failed.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.tenancy import federation_scope
from stegvis.imports import progress
from stegvis.imports.kinds import KINDS, RowErrors
from stegvis.imports.models import ImportJob
from stegvis.imports.tables import check_header, count_rows, preview_rows

logger = logging.getLogger(__name__)

MAX_SHOWN_ERRORS = 200
# A running job whose progress has not moved for this long belongs to a process that died.
STALE_AFTER = timedelta(minutes=15)
# An uploaded file that was never imported is forgotten after this long. `stegvis cleanup`,
# run every hour, thus removes every file within 24 hours of its upload.
KEEP_UNCOMMITTED = timedelta(hours=23)
FORGOTTEN = "Filen importerades aldrig och har tagits bort."
ABORTED = "Importen avbröts av ett tekniskt fel. Inget har skrivits; försök igen."


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

    # Start only once the job row is committed, or the thread might not see it.
    transaction.on_commit(lambda: threading.Thread(target=target, daemon=True).start())


def job_create(
    *, actor, membership, kind: str, options: dict, file_name: str, text: str
) -> ImportJob:
    """Save the uploaded file as a job and check it (in the background)."""
    import_kind = KINDS[kind]
    if not import_kind.allowed(membership):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Din roll får inte importera detta.")
    problems = check_header(text, import_kind.columns)
    if problems:
        raise ValidationError(problems)
    _forget_uncommitted()
    job = ImportJob.objects.create(
        kind=kind,
        options=options,
        file_name=file_name[:200],
        content=text,
        preview=preview_rows(text),
        created_by=actor,
        total_rows=count_rows(text),
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=job,
        detail={"kind": kind, "rows": job.total_rows},
    )
    progress.write(job.pk, phase="validating", done=0, total=job.total_rows)
    _run(_validate, job.pk, membership.pk)
    return job


def _forget_uncommitted() -> int:
    """Files hold personal data: drop those uploaded long ago and never imported (in the
    current federation, or in all of them when run without a scope)."""
    return ImportJob.objects.filter(
        status__in=[
            ImportJob.Status.VALIDATING,
            ImportJob.Status.VALID,
            ImportJob.Status.IMPORTING,
        ],
        created_at__lt=timezone.now() - KEEP_UNCOMMITTED,
    ).update(
        status=ImportJob.Status.FAILED,
        content="",
        preview=[],
        errors=[FORGOTTEN],
        finished_at=timezone.now(),
    )


def cleanup() -> dict:
    """Every federation's forgotten files and finished jobs' progress files (`stegvis
    cleanup`). Returns counts."""
    from stegvis.core.tenancy import unscoped

    with unscoped():
        forgotten = _forget_uncommitted()
        running = set(
            ImportJob.objects.filter(
                status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING]
            ).values_list("pk", flat=True)
        )
    removed = progress.remove_finished(keep=running, older_than=KEEP_UNCOMMITTED)
    return {"import_files": forgotten, "progress_files": removed}


def _membership(membership_id: int):
    from stegvis.core.models import Membership

    return Membership.objects.select_related("user").get(pk=membership_id)


def _fail(job: ImportJob, messages: list[str]) -> None:
    job.status = ImportJob.Status.FAILED
    job.errors = messages[:MAX_SHOWN_ERRORS]
    job.result = {}
    job.content = ""
    job.preview = []
    job.finished_at = timezone.now()
    job.save()
    progress.write(job.pk, phase=job.status, done=0, total=job.total_rows)


def _validate(job_id: int, membership_id: int) -> None:
    with federation_scope(ImportJob.unscoped_federation(job_id)):
        job = ImportJob.objects.get(pk=job_id)
        membership = _membership(membership_id)

        def report(done: int) -> None:
            progress.write(job.pk, phase="validating", done=done, total=job.total_rows)

        try:
            rows = KINDS[job.kind].parse(
                job.content, options=job.options, membership=membership, progress=report
            )
        except RowErrors as exc:
            job.status = ImportJob.Status.INVALID
            job.errors = exc.messages[:MAX_SHOWN_ERRORS]
            job.content = ""
            job.preview = []
            job.finished_at = timezone.now()
        except Exception:  # the job must end visibly whatever happened
            logger.exception("Import job %s could not be checked", job_id)
            _fail(job, [ABORTED])
            return
        else:
            job.status = ImportJob.Status.VALID
            job.total_rows = len(rows)
        job.save()
        progress.write(job.pk, phase=job.status, done=job.total_rows, total=job.total_rows)


def job_commit(*, actor, membership, job: ImportJob) -> ImportJob:
    """Start writing a checked job. Only one request can start it."""
    kind = KINDS.get(job.kind)
    if kind is None or not kind.allowed(membership):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Din roll får inte importera detta.")
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
        status=ImportJob.Status.IMPORTING
    )
    if not started:
        raise ValidationError("Bara en kontrollerad fil utan fel kan importeras, och bara en gång.")
    job.status = ImportJob.Status.IMPORTING
    progress.write(job.pk, phase="checking", done=0, total=job.total_rows)
    _run(_commit, job.pk, membership.pk)
    return job


def _commit(job_id: int, membership_id: int) -> None:
    with federation_scope(ImportJob.unscoped_federation(job_id)):
        job = ImportJob.objects.get(pk=job_id)
        membership = _membership(membership_id)
        kind = KINDS[job.kind]
        total = job.total_rows

        def phase(name: str):
            def report(done: int) -> None:
                progress.write(job.pk, phase=name, done=done, total=total)

            return report

        try:
            with transaction.atomic():
                # Checked again inside the transaction: the data may have changed since.
                rows = kind.parse(
                    job.content,
                    options=job.options,
                    membership=membership,
                    progress=phase("checking"),
                )
                phase("importing")(0)
                result = kind.commit(
                    rows,
                    options=job.options,
                    actor=membership.user,
                    membership=membership,
                    progress=phase("importing"),
                )
                job.status = ImportJob.Status.DONE
                job.result = result
                job.errors = []
                job.content = ""
                job.preview = []
                job.finished_at = timezone.now()
                job.save()
                audit.log(
                    actor=membership.user,
                    action=audit.Action.UPDATE,
                    obj=job,
                    reason="import",
                    detail={"kind": job.kind, **result},
                )
        except RowErrors as exc:
            _fail(job, [*exc.messages, "Inget har skrivits."])
            return
        except Exception:  # the job must end visibly whatever happened
            logger.exception("Import job %s failed while writing", job_id)
            _fail(job, [ABORTED])
            return
        progress.write(job.pk, phase=job.status, done=total, total=total)


def job_check_stale(job: ImportJob) -> ImportJob:
    """End a job whose worker died (a restart); its transaction never committed."""
    if job.running and progress.age(job.pk) > STALE_AFTER.total_seconds():
        updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportJob.Status.FAILED,
            content="",
            preview=[],
            errors=[ABORTED],
            finished_at=timezone.now(),
        )
        if updated:
            job.refresh_from_db()
    return job
