"""The consent resources of the API (docs/adr/0007 §3): ``/api/v1/toestemmingen/{id}`` (the
declaration's metadata) and ``…/document`` (the signed document).

Both read through ``consent_get_for``, the pages' one access helper: another organisation's
declaration is a 404 like one that does not exist, and every read is the page's audit event
(READ ``consent.read``; the document an EXPORT ``consent.document_downloaded``), with the system
it came through as ``via``. The document is the page's own streamed response
(``consent/download.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from consent.download import document_response
from consent.models import ConsentDeclaration, ConsentGiver
from consent.selectors import ConsentPurpose, consent_get_for
from consent.workflow import ConsentStatus
from requests.core.models import Topic
from toolkid.api.models import Scope
from toolkid.api.views import ApiView


class ConsentLink(serializers.Serializer):
    href = serializers.URLField()


class ConsentLinks(serializers.Serializer):
    self = ConsentLink()
    document = ConsentLink(required=False,
                           help_text="Alleen als er een ondertekende verklaring is opgeslagen.")


class Declaration(serializers.Serializer):
    """Shape only: what the declaration's page shows."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    ouder = serializers.CharField()
    gegevenDoor = serializers.ChoiceField(choices=ConsentGiver.choices)
    naamVertegenwoordiger = serializers.CharField(allow_blank=True)
    organisatie = serializers.CharField(help_text="De organisatie die de verklaring bewaart.")
    ontvanger = serializers.CharField(help_text="De organisatie die de gegevens mag verstrekken.")
    onderwerpen = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices))
    doel = serializers.CharField()
    gegevenOp = serializers.DateField()
    geldigTot = serializers.DateField()
    ingetrokkenOp = serializers.DateField(allow_null=True)
    _links = ConsentLinks()


def _shape(request, declaration: ConsentDeclaration) -> dict[str, Any]:
    def link(name: str) -> dict[str, str]:
        path = reverse(name, kwargs={"public_id": declaration.public_id})
        return {"href": request.build_absolute_uri(path)}

    links = {"self": link("api:toestemming")}
    if declaration.document:
        links["document"] = link("api:toestemming-document")
    return {
        "id": declaration.public_id,
        "status": declaration.status,
        "ouder": declaration.parent.name,
        "gegevenDoor": declaration.given_by,
        "naamVertegenwoordiger": declaration.representative_name,
        "organisatie": declaration.organisation.name,
        "ontvanger": declaration.recipient.name,
        "onderwerpen": list(declaration.topics),
        "doel": declaration.purpose,
        "gegevenOp": declaration.given_on,
        "geldigTot": declaration.valid_until,
        "ingetrokkenOp": declaration.revoked_on,
        "_links": links,
    }


class ConsentDetail(ApiView):
    required_scopes = (Scope.CONSENT_READ,)

    @extend_schema(operation_id="toestemming_lezen", summary="Een toestemmingsverklaring (gegevens)",
                   responses={200: Declaration})
    def get(self, request, public_id):
        declaration = consent_get_for(actor=request.actor, public_id=public_id, purpose=ConsentPurpose.VIEW)
        return Response(Declaration(_shape(request, declaration)).data)


class _AnyAccept(BaseContentNegotiation):
    """The document is what it is (PDF or image): any Accept gets it; a refusal is JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ConsentDocument(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="toestemming_document",
        summary="De ondertekende verklaring downloaden",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="PDF of afbeelding, als bijlage.")},
    )
    def get(self, request, public_id):
        declaration = consent_get_for(
            actor=request.actor, public_id=public_id, purpose=ConsentPurpose.DOWNLOAD)
        return document_response(declaration)
