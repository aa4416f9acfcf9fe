"""``/api/v1/meldingen``: the person's own notifications, as the notification centre shows them
(``toolkid/views_notifications.py``): a sentence with references and dates, and links; never a
name or a request's content. Paged like every list (``toolkid.api.pagination``).

Only the notifications about the calling system's organisation (and those about none): a
person who works for two organisations is not read across through one of them. Like the page,
listing one's own notifications is not a read of a case and writes no audit line."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from toolkid import notifications as n
from toolkid.api.models import Scope
from toolkid.api.pagination import KeysetPagination
from toolkid.api.views import ApiView
from toolkid.models import NotificationKind


class NotificationLink(serializers.Serializer):
    href = serializers.URLField()


class NotificationLinks(serializers.Serializer):
    self = NotificationLink(help_text="De pagina van de melding in toolKID.")
    doel = NotificationLink(required=False,
                            help_text="Waar de melding naartoe leidt (het verzoek, het overzicht).")


class NotificationShape(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=NotificationKind.choices)
    categorie = serializers.CharField()
    tekst = serializers.CharField()
    aangemaaktOp = serializers.DateTimeField()
    gelezenOp = serializers.DateTimeField(allow_null=True)
    _links = NotificationLinks()


def _shape(request, notification) -> dict[str, Any]:
    links = {"self": {"href": request.build_absolute_uri(
        reverse("notification", kwargs={"public_id": notification.public_id}))}}
    if notification.target_url:
        links["doel"] = {"href": request.build_absolute_uri(notification.target_url)}
    return {
        "id": notification.public_id,
        "soort": notification.kind,
        "categorie": str(n.category_label(notification)),
        "tekst": str(n.text_for(notification)),
        "aangemaaktOp": notification.created_at,
        "gelezenOp": notification.read_at,
        "_links": links,
    }


class Notifications(ApiView):
    required_scopes = (Scope.NOTIFICATIONS_READ,)
    pagination_class = KeysetPagination
    keyset_order = n.NOTIFICATION_ORDER

    @extend_schema(operation_id="meldingen", summary="Mijn meldingen", responses=NotificationShape(many=True))
    def get(self, request):
        actor = request.actor
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(
            n.notifications_for(actor.user, organisation=actor.organisation), request, self)
        return paginator.get_paginated_response(NotificationShape([_shape(request, row) for row in rows],
                                                                  many=True).data)
