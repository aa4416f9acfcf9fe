"""The base every API view builds on, ``/api/v1/ik`` and the schema and documentation pages."""

from __future__ import annotations

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from toolkid.api.permissions import calling_key

API_VERSION = "1.0.0"


class _OwnAuthentication:
    """API views authenticate themselves (a 401 Problem, not a redirect to the login page), so
    the pages' two-factor middleware lets them through (``login_required = False``)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION  # Logius API design rules: /core/version-header
        return response


class ApiView(_OwnAuthentication, APIView):
    """Base for every resource: ``required_scopes`` is the system's ceiling, the policy the rest."""

    required_scopes: tuple[str, ...] = ()


class Me(ApiView):
    """Who the call acts as: for a system without ``Toolkid-Gebruiker`` only the system."""

    person_optional = True

    @extend_schema(
        operation_id="ik",
        summary="Namens wie deze aanroep handelt",
        responses=inline_serializer("Ik", {
            "gebruiker": serializers.CharField(allow_null=True),
            "organisatie": serializers.CharField(allow_null=True),
            "rollen": serializers.ListField(child=serializers.CharField()),
            "systeem": serializers.CharField(allow_null=True),
            "bevoegdheden": serializers.ListField(child=serializers.CharField()),
        }),
    )
    def get(self, request):
        actor = request.actor
        key = calling_key(request)
        return Response({
            "gebruiker": actor.user.get_username() if actor.user else None,
            "organisatie": actor.organisation.name if actor.organisation else None,
            "rollen": sorted(actor.roles),
            "systeem": key.system.slug if key else None,
            "bevoegdheden": sorted(key.system.scopes) if key else [],
        })


class Schema(_OwnAuthentication, SpectacularAPIView):
    """The OpenAPI 3.1 document; public: it holds no personal data."""


class SwaggerDocs(_OwnAuthentication, SpectacularSwaggerSplitView):
    pass


# Swagger UI and Redoc set styles from their scripts; only these two pages allow inline styles.
SwaggerDocs.dispatch = method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}))(SwaggerDocs.dispatch)


@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class RedocDocs(_OwnAuthentication, SpectacularRedocView):
    pass
