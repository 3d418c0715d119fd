from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stegvis.core import selectors, services
from stegvis.core.access import federation_view, memberships_for
from stegvis.core.dashboard import dashboard_context
from stegvis.core.emergency import has_emergency_access
from stegvis.core.forms import AuditFilterForm, DirectorySearchForm, LoginForm, apply_errors
from stegvis.core.middleware import client_ip
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Perm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        if settings.SSO_ENABLED:
            context["sso_label"] = settings.STEGVIS_OIDC_LABEL
        return context

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if services.login_is_throttled(username=username, ip_address=client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            context = self.get_context_data(form=form, throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.login_failure_record(
            username=self.request.POST.get("username", ""), ip_address=client_ip(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_success_record(user=form.get_user(), ip_address=client_ip(self.request))
        return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, "Du är utloggad.")
    return redirect("login")


def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) the law on accessible digital
    public services asks for: open to everyone, signed in or not."""
    return render(request, "core/accessibility.html")


@login_required
def home(request):
    """Send the user to their federation, or let them choose when they have several."""
    memberships = memberships_for(request.user)
    if len(memberships) == 1:
        return redirect("core:dashboard", memberships[0].federation.slug)
    return render(request, "core/choose_federation.html", {"memberships": memberships})


@federation_view()
def dashboard(request):
    return render(request, "core/dashboard.html", dashboard_context(request))


@federation_view(Perm.VIEW_DIRECTORY)
def directory(request):
    form = DirectorySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = selectors.directory_memberships(membership=request.membership, query=query)
    template = "core/_directory_rows.html" if request.headers.get("HX-Request") else None
    context = {"form": form, "people": people, "query": query}
    return render(request, template or "core/directory.html", context)


@federation_view(Perm.VIEW_DIRECTORY)
def organisation(request):
    return render(request, "core/organisation.html", selectors.organisation_overview())


@federation_view(Perm.VIEW_AUDIT_LOG)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be met shows its error and no rows, never the whole log.
        entries = AuditEntry.objects.none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        entries = selectors.audit_entries(membership=request.membership, filters=filters)
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})


def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@federation_view()
def api_tokens(request):
    """The user's own API keys: create (the key is shown once) and revoke."""
    from stegvis.core.models import ApiToken

    new_key = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            services.token_revoke(token=token)
            messages.success(request, f"Nyckeln {token.key_prefix}… är återkallad.")
            return redirect("core:api_tokens", request.federation.slug)
        name = (request.POST.get("name") or "").strip()[:100] or "namnlös"
        _token, new_key = services.token_create(user=request.user, name=name)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key})


@federation_view(Perm.EXPORT_ALL_DATA)
def export_all(request):
    """Everything the federation owns as one zip (federation admins only, audit-logged).

    Pseudonymised; with personal identifiers only under emergency access and with a reason."""
    from django.http import HttpResponse
    from django.utils import timezone

    from stegvis.core.export import export_federation

    emergency = has_emergency_access(request.membership)
    context = {"emergency": emergency, "reason": ""}
    if request.method != "POST":
        return render(request, "core/export.html", context)
    identified = bool(request.POST.get("identified"))
    reason = (request.POST.get("reason") or "").strip()
    context.update(reason=reason, identified=identified)
    if identified and not emergency:
        context["error"] = "Export med personuppgifter kräver nödåtkomst."
        return render(request, "core/export.html", context, status=403)
    if identified and not reason:
        context["error"] = "Ange skälet till att exporten ska innehålla personuppgifter."
        return render(request, "core/export.html", context, status=400)
    data = export_federation(
        request.federation, actor=request.user, identified=identified, reason=reason
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    kind = "identifierad" if identified else "pseudonymiserad"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="stegvis-{request.federation.slug}-{kind}-{stamp}.zip"'
    )
    return response


@federation_view(Perm.EMERGENCY_ACCESS)
def emergency_access(request):
    """Nödåtkomst: start (with a reason, for a few hours) or end it early."""
    from stegvis.core import emergency
    from stegvis.core.forms import EmergencyAccessForm

    membership = request.membership
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("end"):
            emergency.emergency_access_end(actor=request.user, membership=membership)
            messages.success(request, "Nödåtkomsten är avslutad.")
            return redirect("core:emergency_access", request.federation.slug)
        if form.is_valid():
            try:
                emergency.emergency_access_start(
                    actor=request.user,
                    membership=membership,
                    reason=form.cleaned_data["reason"],
                    hours=form.cleaned_data["hours"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.warning(
                    request,
                    "Nödåtkomsten gäller nu. Varje läsning loggas med skälet och granskas.",
                )
                return redirect("participants:caseload", request.federation.slug)
    active = emergency.active_emergency_access(membership)
    return render(request, "core/emergency_access.html", {"form": form, "active": active})


@federation_view(Perm.VIEW_AUDIT_LOG)
def log_review(request):
    """The data-protection officer's review: emergency access and unusual reads."""
    from datetime import timedelta

    from django.utils import timezone

    from stegvis.core.forms import LogReviewForm

    today = timezone.localdate()
    form = LogReviewForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or date_to - timedelta(days=30)
    if form.is_bound and not form.is_valid():
        review = None
    else:
        review = selectors.log_review(
            membership=request.membership, date_from=date_from, date_to=date_to
        )
        review["outside_hours"] = Paginator(review["outside_hours"], 50).get_page(
            request.GET.get("sida")
        )
    return render(
        request,
        "core/log_review.html",
        {"form": form, "review": review, "date_from": date_from, "date_to": date_to},
    )


@login_required
def account(request):
    """Mitt konto: the person's own name, contact details and password."""
    from django.contrib.auth import update_session_auth_hash

    from stegvis.core.forms import AccountForm, SwedishPasswordChangeForm

    user = request.user
    which = request.POST.get("form") if request.method == "POST" else None
    profile = AccountForm(
        request.POST if which == "profile" else None,
        initial={name: getattr(user, name) for name in services.ACCOUNT_PROFILE_FIELDS},
    )
    password = SwedishPasswordChangeForm(user, request.POST if which == "password" else None)
    if which == "profile" and profile.is_valid():
        services.account_update(user=user, changes=profile.cleaned_data)
        messages.success(request, "Dina uppgifter är sparade.")
        return redirect("account")
    if which == "password" and password.is_valid():
        password.save()
        update_session_auth_hash(request, password.user)
        services.account_password_changed(user=user)
        messages.success(request, "Lösenordet är bytt.")
        return redirect("account")
    return render(
        request,
        "core/account.html",
        {"profile": profile, "password": password, "memberships": memberships_for(user)},
    )
