from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from stegvis.core.access import federation_view
from stegvis.imports import progress, services
from stegvis.imports.forms import UploadForm, kinds_for
from stegvis.imports.kinds import KINDS
from stegvis.imports.models import ImportJob
from stegvis.imports.tables import UnreadableFile, read_upload


def _kind(request, key: str):
    kind = KINDS.get(key)
    if kind is None:
        raise Http404("Okänd importtyp.")
    if not kind.allowed(request.membership):
        raise PermissionDenied("Din roll får inte importera detta.")
    return kind


def _own_job(request, pk: int) -> ImportJob:
    """The user's own job; anyone else's (or another federation's) is answered 404."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk:
        raise Http404("Importen finns inte.")
    kind = KINDS.get(job.kind)
    if kind is None or not kind.allowed(request.membership):
        raise PermissionDenied("Din roll får inte importera detta.")
    return job


@federation_view()
def index(request):
    kinds = kinds_for(request.membership)
    if not kinds:
        raise PermissionDenied("Din roll får inte importera.")
    jobs = ImportJob.objects.filter(created_by=request.user)[:20]
    return render(request, "imports/index.html", {"kinds": kinds, "jobs": jobs})


@federation_view()
def template(request, kind: str):
    """An empty file with the kind's columns in Swedish, ready to fill in Excel."""
    from django.http import HttpResponse

    from stegvis.imports.tables import template_csv

    import_kind = _kind(request, kind)
    response = HttpResponse(
        template_csv(import_kind.columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mall-{import_kind.key}.csv"'
    return response


@federation_view()
def upload(request, kind: str):
    import_kind = _kind(request, kind)
    # Bound on every POST: a kind without options posts nothing but the file.
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = UploadForm(data, files)
    options = import_kind.options_form(data, membership=request.membership)
    if request.method == "POST" and form.is_valid() and options.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = read_upload(upload.name, upload.read())
            job = services.job_create(
                actor=request.user,
                membership=request.membership,
                kind=import_kind.key,
                options=options.as_options(),
                file_name=upload.name,
                text=text,
            )
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("imports:job", request.federation.slug, job.pk)
    return render(
        request, "imports/upload.html", {"kind": import_kind, "form": form, "options": options}
    )


@federation_view()
def job(request, pk: int):
    import_job = _own_job(request, pk)
    if request.method == "POST":
        try:
            services.job_commit(actor=request.user, membership=request.membership, job=import_job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("imports:job", request.federation.slug, import_job.pk)
    services.job_check_stale(import_job)
    kind = KINDS.get(import_job.kind)
    context = {
        "job": import_job,
        "kind": kind,
        "progress": progress.read(import_job.pk),
        "result_rows": kind.result_rows(import_job.result) if import_job.result else [],
    }
    if request.headers.get("HX-Request"):
        return render(request, "imports/_status.html", context)
    return render(request, "imports/job.html", context)
