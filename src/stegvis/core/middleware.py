"""Request id, security headers, session idle timeout and the federation scope."""

from __future__ import annotations

import ipaddress
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from stegvis.core import audit
from stegvis.core.memo import request_memo
from stegvis.core.tenancy import federation_scope

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str | None:
    """The client's address: the connection's, or behind a reverse proxy the one it reports.

    ``STEGVIS_TRUSTED_PROXY_HEADER`` (off by default) names the header the proxy sets, e.g.
    ``X-Forwarded-For``; its last address is the one the proxy itself saw, so a client cannot
    choose it by sending the header too. Set it only when every request passes the proxy."""
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(key, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-ID) for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = audit.set_request_context(request_id=request.id, ip_address=client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            audit.reset_request_context(token)
        response["X-Request-ID"] = request.id
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and request.path.endswith("/docs"):
            # The interactive API docs load their own scripts and styles.
            return response
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class SessionIdleTimeoutMiddleware:
    """Logs the user out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request."""

    KEY = "stegvis_last_seen"
    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= self.TOUCH_SECONDS:
                # Written at most once a minute: a page view does not rewrite the session.
                request.session[self.KEY] = now
        return self.get_response(request)


class FederationMiddleware:
    """Resolves ``/f/<slug>/`` to the federation and the user's membership, and runs the view
    inside that federation's scope. Views outside ``/f/`` run without a scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.federation = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("federation_slug")
        if slug is None:
            return None
        from stegvis.core.access import memberships_for

        # The user's memberships, with their federations, are read once: the one for this
        # address and the federation switcher in the layout come from the same query.
        request.user_memberships = memberships_for(request.user)
        membership = next((m for m in request.user_memberships if m.federation.slug == slug), None)
        if membership is None:
            return None  # the view's decorator answers 404, member or not, federation or not
        federation = membership.federation
        request.federation = federation
        request.membership = membership
        view_kwargs.pop("federation_slug")
        with federation_scope(federation), request_memo():
            return view_func(request, *view_args, **view_kwargs)
