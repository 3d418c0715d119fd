"""The one NinjaAPI: auth, JSON errors in Swedish, pagination and role checks."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from stegvis.core.tenancy import TenantScopeError
from stegvis.participants.access import ConsentRequired

MAX_LIMIT = 500
# Identifiers are 64-bit integers in the database; anything larger is refused as a 422
# instead of reaching the database (PostgreSQL would fail on the comparison).
PK_MAX = 2**63 - 1
MAX_OFFSET = 10**9


PathId = Annotated[int, Path(ge=1, le=PK_MAX)]


ObjectId = Annotated[int, Field(ge=1, le=PK_MAX)]
Year = Annotated[int, Field(ge=1900, le=2100)]


class Page(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class TokenAuth(HttpBearer):
    """The middleware has already checked the token; this tells OpenAPI and refuses anonymous."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return request.api_token.user if getattr(request, "api_token", None) else None


class ErrorOut(Schema):
    detail: str | list | dict


class ValidationErrorOut(Schema):
    detail: str
    errors: list


# Every operation documents the errors the API can give.
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


api = NinjaAPI(
    title="stegvis API",
    version="1",
    description=(
        "REST-API för stegvis. Autentisering med `Authorization: Bearer <nyckel>` "
        "(skapa nyckeln i webben under API-nycklar eller med `stegvis create-token`). "
        "Samma behörigheter som i webben: objekt utanför din behörighet ger 404, "
        "en roll utan rätt ger 403. Alla läsningar av personuppgifter loggas."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class NotFound(Exception):
    """A 404 with its own Swedish message (``Http404`` always answers "Hittades inte.")."""


def require(request, perm: str) -> None:
    if not request.membership.has_perm(perm):
        raise PermissionDenied("Din roll har inte behörighet till detta.")


def paginate(qs, limit: int, offset: int) -> tuple[list, int]:
    """One page of a queryset (or of a list) and the total count."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    count = len(qs) if isinstance(qs, list) else qs.count()
    return list(qs[offset : offset + limit]), count


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Hittades inte."}, status=404)


@api.exception_handler(NotFound)
def not_found_named(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Hittades inte."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    detail = str(exc) or "Ingen behörighet."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(TenantScopeError)
def no_scope(request, exc):
    return api.create_response(request, {"detail": "Inget förbund valt."}, status=403)


@api.exception_handler(DjangoValidationError)
def invalid(request, exc):
    if hasattr(exc, "error_dict"):
        detail = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        detail = exc.messages
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(ConsentRequired)
def consent_missing(request, exc):
    """Consent is the gate: a write without it conflicts with the person's state (409)."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


@api.exception_handler(NinjaValidationError)
def malformed(request, exc):
    return api.create_response(
        request, {"detail": "Felaktig begäran.", "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Ange en giltig API-nyckel: Authorization: Bearer <nyckel>."},
        status=401,
    )
