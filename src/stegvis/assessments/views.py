from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from stegvis.assessments import forms, risk, selectors, services
from stegvis.assessments.models import Assessment, InterestOption, ProgressDimension
from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import interventions_in_scope, require_personal_data

EXTRA_ROWS = 2


def _rows(formset) -> list[dict]:
    rows = []
    for form in formset:
        data = {
            k: (float(v) if isinstance(v, Decimal) else v) for k, v in form.cleaned_data.items()
        }
        rows.append(data)
    return rows


def _formsets(data, latest: Assessment | None):
    def initial(rows):
        return [*rows, *({} for _ in range(EXTRA_ROWS))]

    return {
        "education": forms.EducationFormSet(
            data, prefix="education", initial=initial(latest.education if latest else [])
        ),
        "work": forms.WorkFormSet(
            data, prefix="work", initial=initial(latest.work_experience if latest else [])
        ),
        "languages": forms.LanguageFormSet(
            data, prefix="languages", initial=initial(latest.other_languages if latest else [])
        ),
    }


@federation_view()
def assessment_index(request, enrolment_pk: int):
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    versions = selectors.assessments_of(enrolment)
    priority = selectors.priorities_for([enrolment])[enrolment.pk]
    return render(
        request,
        "assessments/index.html",
        {
            "enrolment": enrolment,
            "versions": versions,
            "assessment": selectors.present(versions[0]) if versions else None,
            "priority": priority,
        },
    )


@federation_view()
def assessment_detail(request, pk: int):
    assessment = selectors.assessment_get(membership=request.membership, pk=pk)
    return render(
        request,
        "assessments/detail.html",
        {"assessment": selectors.present(assessment), "enrolment": assessment.enrolment},
    )


@federation_view()
def assessment_new(request, enrolment_pk: int):
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    latest = selectors.latest_assessment(enrolment)
    initial = {}
    if latest is not None:
        initial = {
            name: getattr(latest, name)
            for name in (
                "skills",
                "driving_licence",
                "swedish_level",
                "need_language",
                "need_health",
                "need_network",
                "needs_note",
                "interests",
                "obstacles",
                "obstacles_note",
                "summary",
            )
        }
    data = request.POST if request.method == "POST" else None
    form = forms.AssessmentForm(
        data,
        initial=initial,
        interest_choices=selectors.interest_choices(include=latest.interests if latest else ()),
    )
    formsets = _formsets(data, latest)
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        cleaned = form.cleaned_data
        try:
            assessment = services.assessment_create(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                data=services.AssessmentData(
                    assessed_on=cleaned["assessed_on"],
                    education=_rows(formsets["education"]),
                    work_experience=_rows(formsets["work"]),
                    skills=cleaned["skills"],
                    driving_licence=cleaned["driving_licence"],
                    swedish_level=cleaned["swedish_level"],
                    other_languages=_rows(formsets["languages"]),
                    need_language=cleaned["need_language"],
                    need_health=cleaned["need_health"],
                    need_network=cleaned["need_network"],
                    needs_note=cleaned["needs_note"],
                    interests=cleaned["interests"],
                    obstacles=cleaned["obstacles"],
                    obstacles_note=cleaned["obstacles_note"],
                    summary=cleaned["summary"],
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Kartläggningen är sparad (version {assessment.version}).")
            return redirect("assessments:index", request.federation.slug, enrolment.pk)
    return render(
        request,
        "assessments/form.html",
        {"enrolment": enrolment, "form": form, "latest": latest, **formsets},
    )


@federation_view()
def progress(request, enrolment_pk: int):
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    dimensions = selectors.dimensions()
    form = forms.RatingForm(request.POST or None, dimensions=dimensions)
    if request.method == "POST" and form.is_valid():
        try:
            services.ratings_record(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                rated_on=form.cleaned_data["rated_on"],
                rater=form.cleaned_data["rater"],
                scores=form.scores(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Skattningen är sparad.")
            return redirect("assessments:progress", request.federation.slug, enrolment.pk)
    all_dimensions = selectors.dimensions(active_only=False)
    return render(
        request,
        "assessments/progress.html",
        {
            "enrolment": enrolment,
            "form": form,
            "staff_chart": selectors.progress_chart(enrolment),
            "own_chart": selectors.progress_chart(enrolment, rater="participant"),
            "occasions": selectors.rating_occasions(enrolment, all_dimensions),
            "dimensions": all_dimensions,
        },
    )


@federation_view()
def priority_list(request):
    membership = request.membership
    require_personal_data(membership)
    interventions = interventions_in_scope(membership).filter(kind="individual").order_by("code")
    form = forms.PriorityFilterForm(request.GET or None, interventions=interventions)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.priority_list(
        membership=membership,
        mine=data.get("mine") == "me",
        intervention_id=data["intervention"].pk if data.get("intervention") else None,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("sida"))
    participant_selectors.log_listed(
        membership=membership,
        participants=[enrolment.participant for enrolment, _ in page],
        reason="extra stöd",
    )
    return render(
        request,
        "assessments/priority_list.html",
        {
            "form": form,
            "page": page,
            "high_from": risk.HIGH_FROM,
            "raised_from": risk.RAISED_FROM,
        },
    )


@federation_view(Perm.VIEW_AGGREGATES)
def distance(request):
    """Distance travelled per intervention: aggregates only, small cells suppressed."""
    form = forms.DistanceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    interventions = list(Intervention.objects.filter(kind="individual").order_by("code"))
    results = selectors.distance_travelled_for(
        [i.pk for i in interventions],
        data.get("date_from"),
        data.get("date_to"),
        rater=data.get("rater") or "staff",
    )
    threshold = request.federation.setting("small_cell_threshold")
    labels = selectors.dimension_labels()
    rows = []
    for intervention in interventions:
        for key, result in results[intervention.pk].items():
            rows.append(
                {
                    "intervention": intervention,
                    "dimension": labels.get(key, key),
                    "result": result,
                    "suppressed": result.n_with_two_or_more < threshold,
                    "mean_change": _signed(result.mean_change),
                    "share_improved": _percent(result.share_improved),
                }
            )
    return render(
        request,
        "assessments/distance.html",
        {"form": form, "rows": rows, "threshold": threshold},
    )


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace(".", ",").replace("-", "−")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


# --- Federation settings ---------------------------------------------------------------------


@federation_view(Perm.MANAGE_FEDERATION)
def settings_index(request):
    return render(request, "assessments/settings_index.html")


@federation_view(Perm.MANAGE_FEDERATION)
def risk_flags(request):
    flags = services.ensure_risk_flags()
    rows = [
        (
            flag,
            forms.RiskFlagForm(
                request.POST or None,
                prefix=f"flag-{flag.pk}",
                initial={"label": flag.label, "weight": flag.weight, "active": flag.active},
            ),
            risk.DEFINITIONS.get(flag.key),
        )
        for flag in flags
    ]
    if request.method == "POST" and all(form.is_valid() for _, form, _ in rows):
        changed = 0
        try:
            for flag, form, _ in rows:
                changed += services.risk_flag_update(
                    actor=request.user,
                    flag=flag,
                    label=form.cleaned_data["label"],
                    weight=form.cleaned_data["weight"],
                    active=form.cleaned_data["active"],
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Sparat. {changed} flaggor ändrades.")
            return redirect("assessments:risk_flags", request.federation.slug)
    return render(request, "assessments/risk_flags.html", {"rows": rows})


@federation_view(Perm.MANAGE_FEDERATION)
def dimensions(request):
    services.ensure_dimensions()
    dims = list(ProgressDimension.objects.all())
    rows = []
    for d in dims:
        initial = {"label": d.label, "description": d.description, "active": d.active}
        initial.update({f"anchor_{i}": d.anchor(i) for i in range(1, 6)})
        data = request.POST if request.POST.get("dimension") == str(d.pk) else None
        rows.append((d, forms.DimensionForm(data, prefix=f"dim-{d.pk}", initial=initial)))
    if request.method == "POST":
        for d, form in rows:
            if form.is_bound and form.is_valid():
                try:
                    services.dimension_update(
                        actor=request.user,
                        dimension=d,
                        label=form.cleaned_data["label"],
                        description=form.cleaned_data["description"],
                        anchors=form.anchors(),
                        active=form.cleaned_data["active"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, f"{d.label} är sparat.")
                    return redirect("assessments:dimensions", request.federation.slug)
    return render(request, "assessments/dimensions.html", {"rows": rows})


@federation_view(Perm.MANAGE_FEDERATION)
def interests(request):
    services.ensure_interests()
    options = list(InterestOption.objects.all())
    editing = None
    if request.GET.get("andra"):
        editing = get_object_or_404(InterestOption, pk=request.GET["andra"])
    initial = (
        {
            "key": editing.key,
            "label": editing.label,
            "group": editing.group,
            "active": editing.active,
        }
        if editing
        else None
    )
    form = forms.InterestForm(request.POST or None, initial=initial)
    if editing:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.interest_save(
                actor=request.user,
                interest=editing,
                key=editing.key if editing else form.cleaned_data["key"],
                label=form.cleaned_data["label"],
                group=form.cleaned_data["group"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Intresset är sparat.")
            return redirect("assessments:interests", request.federation.slug)
    return render(
        request,
        "assessments/interests.html",
        {"options": options, "form": form, "editing": editing},
    )
