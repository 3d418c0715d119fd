from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from stegvis.security import twofactor
from stegvis.security.forms import CodeForm, EnrolForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def enrol(request):
    """Set up the app: scan the QR code, type a code; then the recovery codes, once."""
    user = request.user
    enrolled = twofactor.has_device(user)
    if enrolled and not twofactor.is_verified(request):
        return redirect("security:verify")
    device = twofactor.pending_app_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.enrol_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(request, "security/codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", "Koden stämmer inte. Kontrollera att telefonens klocka går rätt.")
    context = {
        "form": form,
        "enrolled": enrolled,
        "required": twofactor.required_for(user),
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "codes_left": twofactor.recovery_codes_left(user) if enrolled else 0,
        "next": _next(request),
    }
    return render(request, "security/enrol.html", context)


@login_required
def verify(request):
    """The second step of logging in: a code from the app or a recovery code."""
    if not twofactor.has_device(request.user):
        return redirect("security:enrol")
    if twofactor.is_verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request=request, token=form.cleaned_data["code"]) is not None:
            return redirect(_next(request))
        form.add_error(
            "code",
            "Koden stämmer inte eller är redan använd. Efter flera fel får du vänta en stund.",
        )
    return render(request, "security/verify.html", {"form": form, "next": _next(request)})


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes for a verified user (the old ones stop working)."""
    if not twofactor.is_verified(request):
        return redirect("security:verify")
    codes = twofactor.recovery_codes_create(user=request.user)
    return render(request, "security/codes.html", {"codes": codes, "next": "/"})
