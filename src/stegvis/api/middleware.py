"""Bearer-token authentication, federation scope and rate limiting for ``/api/``.

The token decides the user; the user's membership decides the federation (a user in several
federations names one with the ``X-Federation`` header). The whole request, serialisation
included, runs inside that federation's scope, exactly like a page under ``/f/<slug>/``.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone

from stegvis.core.access import memberships_for
from stegvis.core.memo import request_memo
from stegvis.core.models import ApiToken
from stegvis.core.tenancy import federation_scope


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _null_character(request) -> str:
    """A NUL character cannot be stored or searched for in PostgreSQL's text columns (the
    forms of the pages refuse it as Django's do); the API refuses it up front, naming where."""
    for name, values in request.GET.lists():
        if any("\x00" in value for value in values) or "\x00" in name:
            return f"Parametern '{name}' innehåller ett otillåtet tecken (NUL)."
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        # (A raw NUL is not valid JSON and is refused as such; the escape is valid JSON.)
        return "Innehållet innehåller ett otillåtet tecken (NUL)."
    return ""


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        request.api_token = None
        request.federation = None
        request.membership = None
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return self.get_response(request)  # docs and schema; endpoints answer 401
        key = header.removeprefix("Bearer ").strip()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return _error(401, "Ogiltig eller återkallad API-nyckel.")
        limited = self._rate_limited(token)
        if limited:
            response = _error(429, "För många anrop. Vänta en stund och försök igen.")
            response["Retry-After"] = str(limited)
            return response
        memberships = memberships_for(token.user)
        wanted = request.headers.get("X-Federation")
        if wanted:
            memberships = [m for m in memberships if m.federation.slug == wanted]
        if not memberships:
            return _error(403, "Nyckelns användare är inte medlem i något förbund.")
        if len(memberships) > 1:
            return _error(
                400, "Användaren finns i flera förbund: ange förbundets kortnamn i X-Federation."
            )
        membership = memberships[0]
        request.api_token = token
        request.user = token.user
        request.federation = membership.federation
        request.membership = membership
        self._touch(token)
        refused = _null_character(request)
        if refused:
            return _error(400, refused)
        with federation_scope(membership.federation), request_memo():
            return self.get_response(request)

    @staticmethod
    def _rate_limited(token: ApiToken) -> int:
        """Fixed one-minute window per token; returns seconds to wait, or 0."""
        limit = settings.API_RATE_LIMIT_PER_MINUTE
        window = int(time.time() // 60)
        key = f"api-rate:{token.pk}:{window}"
        count = cache.get_or_set(key, 0, timeout=70)
        if count >= limit:
            return 60 - int(time.time() % 60)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=70)
        return 0

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
