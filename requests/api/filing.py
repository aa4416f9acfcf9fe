"""Filing through the API (docs/adr/0007 §2; R6, R22-R24): a draft in one body, then submit.

The body is the wizard's steps at once; the view calls the same services in the same order as
the pages (``request_draft_create`` then ``request_draft_update``, later ``request_submit``), so
every rule the wizard holds stays where it is: the role and the organisation's side (R1) in
the policy, the phone call before the written request (R6, R22), the consent path's
explanations (R24, R30, R33) and everything else ``rules.missing_for_submit`` names, answered
as 422 ``onvolledig`` with ``fouten`` per API field in Dutch.

Also the write API's shared parts: the ``ETag`` of a request as the actor sees it
(``W/"<access.status_for>"``, so it cannot tell a requester that a refusal waits, R11), the
``If-Match`` check, and the small body a write answers.

Idempotency, as the pages guard a double click: ``Idempotency-Key`` (a UUID) on
``POST /verzoeken`` is the wizard's start token (the same key gives the same draft), on
``POST /verzoeken/{id}/indienen`` the submit token (the same key gives the same submitted
request, one event). Without a key a second submit is refused as ``409 ongeldige-stap``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from consent.models import ConsentDeclaration
from requests.api.write_serializers import DraftSerializer, WrittenSerializer, api_key_of
from requests.core import access
from requests.core.models import InformationRequest
from requests.detail.actions import allowed_actions
from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.services import request_submit
from toolkid.actors import Actor
from toolkid.api.models import Scope
from toolkid.api.problems import PreconditionFailed, PreconditionRequired
from toolkid.api.views import ApiView
from toolkid.errors import Incomplete
from toolkid.models import Organisation

# --------------------------------------------------------------------------------------------
# ETag / If-Match and the body of a write
# --------------------------------------------------------------------------------------------


def etag_for(actor: Actor, req: InformationRequest) -> str:
    return f'W/"{access.status_for(actor, req).value}"'


def expected_status(request, actor: Actor, req: InformationRequest) -> str:
    """The state the client saw, from ``If-Match``: missing → 428, not the state now → 412.
    The action pages' hidden ``expected_status`` in HTTP's words; the service compares it again
    under the row lock (a colleague who acts in between makes it 412 too)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    now = access.status_for(actor, req).value
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return now
    seen = {tag.removeprefix("W/").strip('"') for tag in tags}
    if now not in seen:
        raise PreconditionFailed()
    return now


def request_url(request, req: InformationRequest) -> str:
    base = reverse("api:me").removesuffix("ik")
    return request.build_absolute_uri(f"{base}verzoeken/{req.public_id}")


def written(request, req: InformationRequest, *, status: int = 200) -> Response:
    """The request after a write as ``request.actor`` may see it now, with its new ETag."""
    actor = request.actor
    visible = access.status_for(actor, req)
    url = request_url(request, req)
    response = Response({
        "id": str(req.public_id),
        "kenmerk": req.reference or None,
        "status": visible.value,
        "statusLabel": str(visible.label),
        "acties": allowed_actions(actor, req),
        "url": url,
    }, status=status)
    response["ETag"] = etag_for(actor, req)
    if status == 201:
        response["Location"] = url
    return response


@contextmanager
def api_field_names(serializer: serializers.Serializer) -> Iterator[None]:
    """A service's ``Incomplete`` names its fields as the models do; the client knows the API's."""
    try:
        yield
    except Incomplete as exc:
        errors = {api_key_of(serializer, key): message for key, message in exc.errors.items()}
        raise Incomplete(errors, code=exc.code) from exc


def idempotency_key(request) -> uuid.UUID | None:
    value = request.headers.get("Idempotency-Key", "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({"Idempotency-Key": [_("Gebruik een UUID als Idempotency-Key.")]}) from None


# --------------------------------------------------------------------------------------------
# The body → the draft service's arguments
# --------------------------------------------------------------------------------------------


def _pk_of(model, **lookup) -> int:
    """The row's pk, or 0 (no row has it): the service answers "Onbekende …" in Dutch and checks
    that the row may be used here (the organisation's own declaration, R24)."""
    return model.objects.filter(**lookup).values_list("pk", flat=True).first() or 0


def draft_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """``request_draft_update``'s keyword arguments from a validated :class:`DraftSerializer` body."""
    data = dict(data)
    arguments: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for nested in ("telefonischContact", "padB", "padC"):
        fields.update(data.pop(nested, None) or {})
    if "parent" in data:
        arguments["parent"] = dict(data.pop("parent"))
    if "children" in data:
        arguments["children"] = [dict(child) for child in data.pop("children")]
    if "topics" in data:
        arguments["topics"] = [{"question": "", **topic} for topic in data.pop("topics")]
    if "receiving_organisation" in data:
        name = data.pop("receiving_organisation")
        fields["receiving_organisation"] = _pk_of(Organisation, name=name) if name else None
    if "consent_declaration" in data:
        public_id = data.pop("consent_declaration")
        fields["consent_declaration"] = _pk_of(ConsentDeclaration, public_id=public_id) if public_id else None
    fields.update(data)
    arguments["fields"] = fields
    return arguments


def update_draft(actor: Actor, req: InformationRequest, serializer: DraftSerializer) -> InformationRequest:
    arguments = draft_arguments(serializer.validated_data)
    if not arguments["fields"] and len(arguments) == 1:
        return req  # nothing sent: nothing to save
    with api_field_names(serializer):
        return request_draft_update(actor=actor, request=req, **arguments)


# --------------------------------------------------------------------------------------------
# The views
# --------------------------------------------------------------------------------------------

_IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=False,
    description=str(_("Dezelfde sleutel nog eens geeft hetzelfde resultaat, geen tweede verzoek.")),
)


class FileRequest(ApiView):
    """``POST /api/v1/verzoeken``: a new draft of the actor's organisation, filled from the body."""

    required_scopes = (Scope.REQUESTS_WRITE,)

    @extend_schema(
        operation_id="verzoek_concept_aanmaken",
        summary="Nieuw informatieverzoek (concept)",
        description=(
            "Maakt een concept-informatieverzoek en slaat op wat is meegestuurd, zoals de stappen "
            "op de website. Volledigheid (eerst bellen, dan schrijven: telefonischContact; R22-R24) "
            "wordt gecontroleerd bij indienen."
        ),
        parameters=[_IDEMPOTENCY],
        request=DraftSerializer,
        responses={
            201: WrittenSerializer,
            200: OpenApiResponse(WrittenSerializer, "Dezelfde Idempotency-Key: hetzelfde concept"),
        },
    )
    def post(self, request):
        actor = request.actor
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = idempotency_key(request)
        started = timezone.now()
        # One transaction: a body the draft service refuses leaves no empty draft behind.
        with transaction.atomic():
            req = request_draft_create(actor=actor, start_token=token)
            if req.created_at < started:
                return written(request, req)  # the same key again: the same draft, untouched
            req = update_draft(actor, req, serializer)
        return written(request, req, status=201)


class UpdateDraft(ApiView):
    """``PATCH /api/v1/verzoeken/{id}/concept``: save part of a draft (one or more steps)."""

    required_scopes = (Scope.REQUESTS_WRITE,)

    @extend_schema(
        operation_id="verzoek_concept_bijwerken",
        summary="Concept bijwerken",
        description="Slaat de meegestuurde velden op; wat niet is meegestuurd blijft zoals het was.",
        request=DraftSerializer,
        responses={200: WrittenSerializer},
    )
    def patch(self, request, id):
        actor = request.actor
        req = access.request_get_for(actor=actor, pk_or_public_id=id, purpose="api")
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        req = update_draft(actor, req, serializer)
        return written(request, req)


class SubmitRequest(ApiView):
    """``POST /api/v1/verzoeken/{id}/indienen``: send the draft (R22)."""

    required_scopes = (Scope.REQUESTS_WRITE,)

    @extend_schema(
        operation_id="verzoek_indienen",
        summary="Concept indienen",
        description=(
            "Verstuurt het concept naar de ontvangende organisatie. Ontbreekt er iets, dan antwoordt "
            "de API 422 met de meldingen per veld. Een teruggestuurd verzoek dient u opnieuw in met "
            "de actie `edit`."
        ),
        parameters=[_IDEMPOTENCY],
        request=None,
        responses={200: WrittenSerializer},
    )
    def post(self, request, id):
        actor = request.actor
        req = access.request_get_for(actor=actor, pk_or_public_id=id, purpose="api")
        token = idempotency_key(request) or uuid.uuid4()
        with api_field_names(DraftSerializer()):
            sent = request_submit(actor=actor, request=req, submit_token=token)
        return written(request, sent)

