"""Keyset pagination for the API's lists (docs/adr/0007 §5): the same walk, signed cursors and
unique key tuples as the list pages (``toolkid.pagination.seek``), so page 4,000 costs what
page 1 costs and a row filed while a client pages is neither skipped nor repeated.

``?cursor=…&limit=…`` (``limit`` at most 100, default 25); the body is
``{"resultaten": [...], "volgende": url|null, "vorige": url|null}`` and the same two links go in
an RFC 8288 ``Link`` header. A cursor that does not verify is a 400 Problem: an API client must
know it restarted, where a person is shown the first page with a message. No total count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from toolkid.api.problems import InvalidCursor
from toolkid.pagination import PAGE_SIZE, seek

CURSOR_PARAM = "cursor"
LIMIT_PARAM = "limit"
MAX_LIMIT = 100


class KeysetPagination(BasePagination):
    """DRF's pagination over :func:`toolkid.pagination.seek`. The view names the list's unique
    order (``keyset_order``) or passes ``keys``: the selector's own constant, never a second one."""

    def paginate_queryset(
        self, queryset: QuerySet, request, view=None, *, keys: Sequence[str] | None = None
    ) -> list[Any]:
        keys = keys or view.keyset_order
        self.request = request
        found = seek(queryset, keys, request.query_params.get(CURSOR_PARAM, ""), per_page=_limit(request))
        if found.invalid:
            raise InvalidCursor()
        self.next_url = self._link(found.next_token) if found.next_token else None
        if found.previous_token:
            self.previous_url = self._link(found.previous_token)
        else:
            # Every row before the cursor is gone: the previous page is the first one.
            self.previous_url = self._link(None) if found.has_previous else None
        return found.rows

    def _link(self, token: str | None) -> str:
        query = self.request.query_params.copy()
        query.pop(CURSOR_PARAM, None)
        if token:
            query[CURSOR_PARAM] = token
        encoded = query.urlencode()
        return self.request.build_absolute_uri(self.request.path + (f"?{encoded}" if encoded else ""))

    def get_paginated_response(self, data) -> Response:
        response = Response({"resultaten": data, "volgende": self.next_url, "vorige": self.previous_url})
        beside = (("next", self.next_url), ("prev", self.previous_url))
        links = [f'<{url}>; rel="{rel}"' for rel, url in beside if url]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["resultaten", "volgende", "vorige"],
            "properties": {
                "resultaten": schema,
                "volgende": {**link, "description": "De volgende pagina, of null op de laatste."},
                "vorige": {**link, "description": "De vorige pagina, of null op de eerste."},
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": CURSOR_PARAM, "in": "query", "required": False, "schema": {"type": "string"},
             "description": "De cursor uit `volgende` of `vorige` (ondertekend; niet zelf samenstellen)."},
            {"name": LIMIT_PARAM, "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": PAGE_SIZE},
             "description": "Aantal resultaten per pagina."},
        ]


def _limit(request) -> int:
    raw = request.query_params.get(LIMIT_PARAM)
    if raw is None or raw == "":
        return PAGE_SIZE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise exceptions.ValidationError(
            {LIMIT_PARAM: [_("Geef een aantal van 1 tot en met %(max)s.") % {"max": MAX_LIMIT}]}
        )
    return int(raw)
