"""The federation's survey pages: questionnaires, links and results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.roles import Perm
from stegvis.participants.access import require_personal_data
from stegvis.reports import access, exports
from stegvis.reports.charts import report_chart
from stegvis.surveys import results, selectors, services
from stegvis.surveys.forms import GroupLinkForm, PageLinkForm, PersonalLinkForm, ResultFilterForm
from stegvis.surveys.models import Audience, Survey, SurveyText


@federation_view(Perm.VIEW_AGGREGATES)
def index(request):
    surveys = selectors.surveys_published(request.membership)
    review = {}
    for survey_id in SurveyText.objects.filter(
        survey__in=surveys, machine_translated=True
    ).values_list("survey_id", flat=True):
        review[survey_id] = review.get(survey_id, 0) + 1
    titles = {
        t.survey_id: t.text
        for t in SurveyText.objects.filter(survey__in=surveys, language="sv", key="title")
    }
    drafts = dict(Survey.objects.filter(status=Survey.Status.DRAFT).values_list("code", "version"))
    for survey in surveys:
        survey.title = titles.get(survey.pk, survey.code)
        survey.needs_review = review.get(survey.pk, 0)
        survey.draft_version = drafts.get(survey.code)
    return render(
        request,
        "surveys/index.html",
        {
            "surveys": surveys,
            "link_form": GroupLinkForm(),
            "may_manage": request.membership.has_perm(Perm.MANAGE_INTERVENTIONS),
        },
    )


def _survey_or_404(code: str, version: int | None = None) -> Survey:
    try:
        return results.survey_for_results(code, version)
    except results.UnknownSurvey as exc:
        raise Http404(str(exc)) from exc


def _report(request, code: str):
    survey = _survey_or_404(code)
    form = ResultFilterForm(request.GET or None)
    filters = form.filters()
    asked = form.is_valid() and form.cleaned_data.get("external")
    hide = access.must_hide_small_cells(request.membership, filters, asked=bool(asked))
    report = results.survey_report(
        survey, filters, activity=form.selected_activity(), external=hide
    )
    return survey, form, report, hide and not asked


@federation_view(Perm.VIEW_AGGREGATES)
def result(request, code: str):
    survey, form, report, forced = _report(request, code)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "form": form,
            "report": report,
            "query": request.GET.urlencode(),
            "forced_external": forced,
            "chart": mark_safe(report_chart(report)),  # noqa: S308 - built with escaped text
        },
    )


@federation_view(Perm.EXPORT_REPORTS)
def download(request, code: str, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404("Formatet finns inte.")
    survey, _form, report, _forced = _report(request, code)
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        object_type="report",
        object_id=results.NAME,
        reason="rapport",
        detail={
            "format": fmt,
            "survey": f"{survey.code} v{survey.version}",
            "external": report.is_suppressed,
            "filters": report.filters.describe(),
        },
    )
    created = timezone.localtime()
    build = exports.reports_xlsx if fmt == "xlsx" else exports.reports_pdf
    content = build([report], federation_name=request.federation.name, created=created)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    stem = f"{request.federation.slug}-enkat-{survey.code}-{created:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@federation_view(Perm.MANAGE_INTERVENTIONS)
@require_POST
def group_link(request, code: str):
    survey = _survey_or_404(code)
    form = GroupLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Kontrollera svarsgrupp, språk och antal svar.")
        return redirect("surveys:index", request.federation.slug)
    try:
        link = services.anonymous_link_create(
            actor=request.user, survey=survey, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:index", request.federation.slug)
    return render(
        request,
        "surveys/link_created.html",
        {
            "survey": survey,
            "link": request.build_absolute_uri(link.path),
            "invitation": link.invitation,
            "group": dict(Audience.choices).get(link.invitation.respondent_group, ""),
        },
    )


@federation_view()
@require_POST
def personal_link(request, pk: int):
    require_personal_data(request.membership)
    surveys = [
        s for s in selectors.surveys_published(request.membership) if s.audience == "participant"
    ]
    form = PersonalLinkForm(request.POST, surveys=surveys)
    if not form.is_valid():
        messages.error(request, "Välj enkät, tillfälle och språk.")
        return _back_to_surveys_tab(request, pk)
    survey = next(s for s in surveys if s.code == form.cleaned_data["survey"])
    try:
        link = services.invitation_create(
            actor=request.user,
            membership=request.membership,
            survey=survey,
            participant_id=pk,
            occasion=form.cleaned_data["occasion"],
            language=form.cleaned_data["language"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_surveys_tab(request, pk)
    return render(
        request,
        "surveys/link_created.html",
        {
            "survey": survey,
            "link": request.build_absolute_uri(link.path),
            "invitation": link.invitation,
            "participant": link.invitation.participant,
        },
    )


@federation_view()
@require_POST
def page_link(request, pk: int):
    require_personal_data(request.membership)
    form = PageLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Välj ett språk.")
        return _back_to_surveys_tab(request, pk)
    language = form.cleaned_data["language"]
    try:
        link = services.page_link_create(
            actor=request.user, membership=request.membership, participant_id=pk, language=language
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_surveys_tab(request, pk)
    return render(
        request,
        "surveys/link_created.html",
        {
            "page_link": True,
            "link": request.build_absolute_uri(link.path),
            "invitation": link.invitation,
            "participant": link.invitation.participant,
        },
    )


def _back_to_surveys_tab(request, pk: int):
    """The participant page's survey tab, where the links were asked for."""
    url = reverse("participants:detail", args=[request.federation.slug, pk])
    return redirect(f"{url}?flik=enkater")
