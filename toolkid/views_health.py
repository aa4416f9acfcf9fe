"""Availability: the health endpoints and the answer when the database is gone.

``/gezond/`` (liveness) and ``/gereed/`` (readiness) are for docker compose, a load balancer or
any orchestrator: JSON, no login, no personal data, not logged as reads (they read no case
data). What they check is in ``toolkid/health.py``.

``server_error`` is the project's ``handler500``. Django calls it for every exception no view
or middleware handled, wherever it was raised: in a view, but also in the session or
authentication middleware, which are the first to touch the database on most requests. That
is why this is a handler and not a middleware's ``process_exception`` (which only sees a
view's exceptions). A lost or unusable database connection is not a bug in toolKID and not
permanent: the user gets a 503 with ``Retry-After`` and a page saying so; anything else
still gets the ordinary 500 page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.http import require_safe

from toolkid import health

logger = logging.getLogger("toolkid.availability")

#: Seconds a client (or a proxy) is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 120

# DB-API: errors of the database's operation, not of the program (a lost connection, a server
# that refuses or is shutting down, a lock that was not granted in time).
_UNAVAILABLE = (OperationalError, InterfaceError)


@login_not_required
@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    """The process answers. Asks nothing else: a database outage must not get the web
    containers restarted."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_safe
def readiness(request: HttpRequest) -> HttpResponse:
    """Ready for work: database, broker and the deadline sweep's heartbeat (503 if not)."""
    report = health.readiness()
    return JsonResponse(report.as_dict(), status=200 if report.ok else 503)


def _database_unavailable(exc: BaseException | None) -> BaseException | None:
    """The database error in ``exc`` or the exceptions it was raised from, if any."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _UNAVAILABLE):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _language(request: HttpRequest) -> str:
    """The language the user chose (the cookie), as DutchFirstLocaleMiddleware would have set
    it: the failure may have come before that middleware ran."""
    try:
        return translation.get_supported_language_variant(
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or translation.get_language()
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 "tijdelijk niet beschikbaar" when the database is unreachable, else 500.

    The 503 page is rendered without the request (no context processors, no ``request.user``:
    they would ask the database) and links its stylesheet by plain path, like 500.html.
    """
    exc = _database_unavailable(sys.exc_info()[1])
    if exc is None:
        return defaults.server_error(request)
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        # The session could not be loaded. On the way out SessionMiddleware reads it once more
        # (before it sees the 503 and skips saving): let it read an empty one instead of
        # trying the database again, and failing again, for the same request.
        session._session_cache = {}
    if not getattr(request, "_toolkid_unavailable_logged", False):
        # One line per request, instead of Django's traceback: the method and path (ids, no
        # names or query string) and the error class and first line (no SQL parameters).
        request._toolkid_unavailable_logged = True
        message = str(exc).splitlines()[0] if str(exc) else ""
        logger.error(
            "Database unavailable, answered 503: %s %s (%s: %s)",
            request.method, request.path, type(exc).__name__, message[:200],
        )
    with translation.override(_language(request)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # django.request would log the same failure again, with the traceback, at ERROR.
    response._has_been_logged = True
    return response
