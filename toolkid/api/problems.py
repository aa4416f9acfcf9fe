"""Errors as Problem Details (RFC 9457), in Dutch (docs/adr/0007 §4).

Every refusal an API client can meet has a ``type`` (a URN: RFC 9457 §3.1.1 allows URIs that
do not resolve), a Dutch ``title`` per type and the exception's own Dutch message as
``detail``. Absent and invisible answer the same 404 body, so a client cannot learn that another
organisation's request exists. Never a stack trace or an internal id.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from toolkid.errors import Conflict, DomainError, IllegalMove, Incomplete, RuleViolation

CONTENT_TYPE = "application/problem+json"
PREFIX = "urn:toolkid:probleem:"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Het verzoek is intussen veranderd. Haal het opnieuw op en kijk of deze stap nog past."
    )
    default_code = "verouderd"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _("Stuur de ETag van het verzoek mee in de header If-Match.")
    default_code = "if-match-ontbreekt"


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("De cursor klopt niet (meer). Begin opnieuw bij de eerste pagina.")
    default_code = "ongeldige-cursor"


#: type slug → (HTTP status, Dutch title). The OpenAPI description lists these.
TYPES: dict[str, tuple[int, str]] = {
    "niet-gevonden": (404, _("Niet gevonden")),
    "geen-toegang": (403, _("Geen toegang")),
    "niet-ingelogd": (401, _("Niet aangemeld")),
    "ongeldige-stap": (409, _("Deze stap kan nu niet")),
    "conflict": (409, _("Iemand anders was u voor")),
    "verouderd": (412, _("Verouderde versie")),
    "if-match-ontbreekt": (428, _("Versie ontbreekt")),
    "onvolledig": (422, _("Niet alle verplichte gegevens zijn ingevuld")),
    "regel": (422, _("Niet toegestaan volgens de regels")),
    "ongeldig-verzoek": (400, _("Ongeldig verzoek")),
    "ongeldige-cursor": (400, _("Ongeldige cursor")),
    "methode-niet-toegestaan": (405, _("Methode niet toegestaan")),
    "niet-aanvaardbaar": (406, _("Formaat niet beschikbaar")),
    "mediatype-niet-ondersteund": (415, _("Mediatype niet ondersteund")),
    "te-veel-verzoeken": (429, _("Te veel verzoeken")),
    "serverfout": (500, _("Er ging iets mis")),
}


def _classify(exc: Exception) -> tuple[str, str, dict]:
    """(type slug, Dutch detail, extensions) of an exception, or raise it on."""
    if isinstance(exc, Http404 | exceptions.NotFound):
        return "niet-gevonden", str(_("Dit bestaat niet of u hebt er geen toegang toe.")), {}
    if isinstance(exc, Incomplete):
        # ``code`` tells a client what was kept (``answer_saved_not_sent``: the text was saved).
        return "onvolledig", str(exc.message), {
            "code": exc.code, "fouten": {k: str(v) for k, v in exc.errors.items()},
        }
    if isinstance(exc, Conflict):
        return "conflict", str(exc.message), {}
    if isinstance(exc, RuleViolation):
        return "regel", str(exc.message), {"code": exc.code}
    if isinstance(exc, IllegalMove):
        return "ongeldige-stap", str(exc.message), {"code": exc.code}
    if isinstance(exc, DomainError):
        return "regel", str(exc.message), {"code": exc.code}
    if isinstance(exc, DjangoPermissionDenied):
        detail = str(exc) or str(_("U hebt geen toegang tot deze handeling."))
        return "geen-toegang", detail, {}
    return _classify_drf(exc)


def _classify_drf(exc: exceptions.APIException) -> tuple[str, str, dict]:
    if isinstance(exc, exceptions.ValidationError):
        return "ongeldig-verzoek", str(_("Het verzoek klopt niet; zie de fouten per veld.")), {
            "fouten": exc.detail if isinstance(exc.detail, dict) else {"algemeen": exc.detail}
        }
    by_class = (
        (exceptions.NotAuthenticated, "niet-ingelogd"),
        (exceptions.AuthenticationFailed, "niet-ingelogd"),
        (exceptions.PermissionDenied, "geen-toegang"),
        (exceptions.Throttled, "te-veel-verzoeken"),
        (exceptions.MethodNotAllowed, "methode-niet-toegestaan"),
        (exceptions.NotAcceptable, "niet-aanvaardbaar"),
        (exceptions.UnsupportedMediaType, "mediatype-niet-ondersteund"),
        (exceptions.ParseError, "ongeldig-verzoek"),
    )
    for cls, slug in by_class:
        if isinstance(exc, cls):
            return slug, _dutch_detail(exc, slug), {}
    if isinstance(exc, PreconditionFailed | PreconditionRequired | InvalidCursor):
        return exc.default_code, str(exc.detail), {}
    return "serverfout", str(TYPES["serverfout"][1]), {}


def _dutch_detail(exc: exceptions.APIException, slug: str) -> str:
    """DRF's own English defaults are replaced by our Dutch ones; our own messages stay."""
    own = {
        "niet-ingelogd": _("Meld u aan met een geldige API-sleutel of een sessie met tweede factor."),
        "te-veel-verzoeken": _("Te veel verzoeken. Probeer het over %(seconds)s seconden opnieuw."),
        "methode-niet-toegestaan": _("Deze methode is hier niet toegestaan."),
        "niet-aanvaardbaar": _("Dit formaat kan niet worden geleverd; vraag om application/json."),
        "mediatype-niet-ondersteund": _("Stuur de gegevens als application/json."),
        "ongeldig-verzoek": _("De gegevens konden niet worden gelezen (geen geldige JSON)."),
        "geen-toegang": _("U hebt geen toegang tot deze handeling."),
    }
    if str(exc.detail) != str(type(exc).default_detail) or slug not in own:
        return str(exc.detail)
    if slug == "te-veel-verzoeken":
        return str(own[slug] % {"seconds": int(getattr(exc, "wait", None) or 60)})
    return str(own[slug])


def problem_response(slug: str, detail: str, *, instance: str, extensions: dict | None = None) -> Response:
    http_status, title = TYPES[slug]
    body = {"type": PREFIX + slug, "title": str(title), "status": http_status, "detail": detail,
            "instance": instance, **(extensions or {})}
    response = Response(body, status=http_status, content_type=CONTENT_TYPE)
    response["Content-Language"] = "nl"
    return response


def handler(exc: Exception, context: dict) -> Response | None:
    if not isinstance(exc, Http404 | DjangoPermissionDenied | DomainError | exceptions.APIException):
        return None  # a real bug: Django's 500 handling and logging
    slug, detail, extensions = _classify(exc)
    request = context.get("request")
    response = problem_response(slug, detail, instance=request.path if request else "", extensions=extensions)
    if slug == "niet-ingelogd":
        # Set by DRF from the first authentication class: Bearer, for the systems.
        response["WWW-Authenticate"] = getattr(exc, "auth_header", None) or 'Bearer realm="toolKID"'
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response
