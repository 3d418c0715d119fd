"""A database that does not answer: a Swedish 503 page (JSON under ``/api/``), never a stack
trace and never a hang.

When PostgreSQL restarts, or the connection drops, Django raises ``OperationalError`` or
``InterfaceError`` wherever the next query happens: in a view, in the session or authentication
middleware, while saving the session. ``server_error`` is the project's ``handler500`` and sees
every such exception, wherever it was raised; it answers 503 with ``Retry-After`` instead of
the general error page. The page is rendered without a request context: the layout's menus
would need the database that just failed.

Recovery needs nothing from here: a broken connection is closed at the end of the request, and
``CONN_HEALTH_CHECKS`` (settings) checks a reused connection before the next request uses it, so
the first request after the database is back gets a new connection.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

MESSAGE = "Databasen svarar inte just nu. Försök igen om en stund."
RETRY_AFTER_SECONDS = 5


_OUTAGE = (OperationalError, InterfaceError)
_OUTAGE_NAMES = tuple(f"{cls.__name__}:" for cls in _OUTAGE)


def is_outage(exc: BaseException | None) -> bool:
    """The database is down, restarting or unreachable (not a programming error).

    Also when the database error is wrapped: raised while handling it (``__context__``), or
    inside the API's serialisation, where pydantic reports a failed attribute read (a
    related row read for the answer) as its own validation error."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, _OUTAGE):
            return True
        errors = getattr(exc, "errors", None)
        if callable(errors) and type(exc).__name__ == "ValidationError":
            try:
                details = errors()
            except Exception:  # not pydantic's after all
                details = []
            for detail in details:
                cause = (detail.get("ctx") or {}).get("error")
                if isinstance(cause, _OUTAGE) or str(cause).startswith(_OUTAGE_NAMES):
                    return True
        exc = exc.__cause__ or exc.__context__
    return False


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def outage_response(request) -> HttpResponse:
    if wants_json(request):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": MESSAGE})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: 503 for a database outage, the general error page for anything else.

    Django calls it while handling the exception, so ``sys.exc_info()`` names it."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    if wants_json(request):
        return JsonResponse({"detail": "Något gick fel. Felet är loggat."}, status=500)
    return defaults.server_error(request, template_name)
