"""Sends a signed-in user who has not given the second factor to the verification page (or
to enrolment, where the federation requires it for the user's role)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from stegvis.security import twofactor

# Pages a user reaches before the second factor: the two-factor pages themselves, logging
# out, static files and the API (which authenticates with its own tokens, not sessions).
EXEMPT_PREFIXES = (
    "/tvafaktor/",
    "/logga-ut/",
    "/logga-in/",
    "/oidc/",
    "/static/",
    "/api/",
    "/healthz",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not twofactor.is_verified(request)
        ):
            if twofactor.has_device(user):
                return self._to("security:verify", request)
            if twofactor.required_for(user):
                return self._to("security:enrol", request)
        return self.get_response(request)

    @staticmethod
    def _to(name: str, request):
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
