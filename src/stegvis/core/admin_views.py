"""The federation administrator's pages: staff and roles, organisations, code lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from stegvis.core import services
from stegvis.core.access import federation_view
from stegvis.core.admin_forms import (
    AssociationForm,
    AuthorityForm,
    HubForm,
    MemberForm,
    ReferenceCodeForm,
    WorkingGroupForm,
)
from stegvis.core.forms import apply_errors
from stegvis.core.models import (
    Association,
    Authority,
    Hub,
    Membership,
    ReferenceCode,
    WorkingGroup,
)
from stegvis.core.roles import Perm, Role

ORGANISATION_KINDS = {
    "huvudman": (Authority, AuthorityForm, "huvudman", Perm.MANAGE_FEDERATION),
    "knutpunkt": (Hub, HubForm, "knutpunkt", Perm.MANAGE_FEDERATION),
    "samverkansgrupp": (WorkingGroup, WorkingGroupForm, "samverkansgrupp", Perm.MANAGE_FEDERATION),
    "forening": (Association, AssociationForm, "förening", Perm.MANAGE_ASSOCIATIONS),
}


@federation_view(Perm.MANAGE_FEDERATION)
def members(request):
    people = (
        Membership.objects.select_related("user", "authority", "association")
        .prefetch_related("interventions")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )
    role = request.GET.get("roll")
    if role in Role.values:
        people = [m for m in people if m.has_role(role)]
    return render(
        request, "core/admin/members.html", {"people": people, "roles": Role.choices, "role": role}
    )


@federation_view(Perm.MANAGE_FEDERATION)
def member_edit(request, pk: int | None = None):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk) if pk else None
    initial = {}
    managed = True
    if membership:
        user = membership.user
        managed = services.account_is_managed_by(user, request.federation)
        initial = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "title": user.title,
            "role": membership.role,
            "extra_roles": list(membership.roles[1:]),
            "authority": membership.authority,
            "association": membership.association,
            "hub": membership.hub,
            "interventions": list(membership.interventions.all()),
            "responsibilities": membership.responsibilities,
            "is_active": membership.is_active,
        }
    form = MemberForm(
        request.POST or None, initial=initial, existing=membership, account_managed=managed
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_save(
                actor=request.user,
                federation=request.federation,
                membership=membership,
                username=data["username"],
                roles=form.roles,
                account={name: data.get(name, "") for name in services.ACCOUNT_FIELDS},
                password=(data["password"] or None) if managed else None,
                interventions=list(data["interventions"]),
                authority=data["authority"],
                association=data["association"],
                hub=data["hub"],
                responsibilities=data["responsibilities"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Medarbetaren är sparad.")
            return redirect("core:members", request.federation.slug)
    return render(
        request,
        "core/admin/member_edit.html",
        {"form": form, "membership": membership, "account_managed": managed},
    )


@federation_view()
def organisation_edit(request, kind: str, pk: int | None = None):
    if kind not in ORGANISATION_KINDS:
        from django.http import Http404

        raise Http404("Okänd typ.")
    model, form_class, label, perm = ORGANISATION_KINDS[kind]
    if not request.membership.has_perm(perm):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Din roll har inte behörighet till detta.")
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.organisation_save(actor=request.user, form=form)
        messages.success(request, f"{label.capitalize()} sparad.")
        return redirect("core:organisation", request.federation.slug)
    return render(
        request,
        "core/admin/organisation_edit.html",
        {"form": form, "label": label, "instance": instance},
    )


@federation_view(Perm.MANAGE_FEDERATION)
def reference_codes(request):
    kind = request.GET.get("lista") or ReferenceCode.Kind.EXIT_REASON
    if kind not in ReferenceCode.Kind.values:
        kind = ReferenceCode.Kind.EXIT_REASON
    codes = list(ReferenceCode.objects.filter(kind=kind).order_by("position", "key"))
    forms = [ReferenceCodeForm(request.POST or None, instance=c, prefix=str(c.pk)) for c in codes]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        for form in forms:
            if form.has_changed():
                services.organisation_save(actor=request.user, form=form)
        messages.success(request, "Kodlistan är sparad.")
        return redirect(f"{request.path}?lista={kind}")
    return render(
        request,
        "core/admin/reference_codes.html",
        {
            "kinds": ReferenceCode.Kind.choices,
            "kind": kind,
            "rows": list(zip(codes, forms, strict=True)),
        },
    )
