"""The OpenAPI 3.1 description (drf-spectacular; docs/adr/0007 §1b)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from toolkid.api.problems import PREFIX, TYPES

PROBLEM_COMPONENT = "Probleem"


class AutoSchema(SpectacularAutoSchema):
    """Every operation may answer a Problem Details body; the views list their own statuses."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ref = {"$ref": f"#/components/schemas/{PROBLEM_COMPONENT}"}
        statuses = ["400", "401", "403", "404", "429"]
        if self.method not in ("GET", "HEAD"):
            statuses += ["409", "412", "422", "428"]
        for code in statuses:
            responses.setdefault(code, {
                "content": {"application/problem+json": {"schema": ref}},
                "description": str(TYPES[_slug_for(code)][1]),
            })
        return responses


class SystemKeyScheme(OpenApiAuthenticationExtension):
    target_class = "toolkid.api.authentication.SystemKeyAuthentication"
    name = "sleutel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Sleutel van het gekoppelde systeem: tk_<kenmerk>.<geheim>. Noem de medewerker "
                "namens wie het systeem handelt in de header Toolkid-Gebruiker."
            ),
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "toolkid.api.authentication.VerifiedSessionAuthentication"
    name = "sessie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                "description": "Sessie in de browser, na inloggen met twee factoren."}


def _slug_for(code: str) -> str:
    return next(slug for slug, (status, _title) in TYPES.items() if str(status) == code)


def add_problem_types(result, generator, request, public):
    """The Problem Details schema, with every ``type`` toolKID answers and its Dutch title."""
    result.setdefault("components", {}).setdefault("schemas", {})[PROBLEM_COMPONENT] = {
        "type": "object",
        "description": "Problem Details (RFC 9457). De melding in `detail` is Nederlands.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {
                "type": "string",
                "enum": [PREFIX + slug for slug in TYPES],
                "description": "; ".join(f"{PREFIX}{slug}: {title}" for slug, (_s, title) in TYPES.items()),
            },
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "code": {
                "type": "string",
                "description": "De reden in het protocol, bijv. consent_needs_redecision.",
            },
            "fouten": {"type": "object", "description": "Meldingen per veld.",
                       "additionalProperties": True},
        },
    }
    return result

