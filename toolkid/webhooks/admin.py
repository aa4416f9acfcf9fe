"""Platformbeheer for webhooks: endpoints (registered through the service; the secret is shown
once, on the page right after saving, never stored in a message or listed again) and their
deliveries (status, attempts, last HTTP status, last error class; never a response body), with
"Opnieuw versturen". Registered from ``toolkid/admin.py``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from toolkid.admin_site import PlatformAdminMixin
from toolkid.webhooks import events
from toolkid.webhooks.delivery import UnsafeUrl, check_url
from toolkid.webhooks.models import WebhookDelivery, WebhookEndpoint
from toolkid.webhooks.services import (
    delivery_resend,
    endpoint_deactivate,
    endpoint_register,
    endpoint_secret_rotate,
)


def _https_urls(field, **kwargs):
    # The model form's URL field assumes https when the scheme is left out (Django 6's default).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class WebhookEndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("Gebeurtenissen"), choices=events.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Bij welke gebeurtenissen dit systeem een melding krijgt."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("organisation", "description", "url", "event_types")
        formfield_callback = _https_urls

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeUrl as exc:
            raise ValidationError(str(exc)) from exc
        return url


def secret_page(
    request, endpoint: WebhookEndpoint, secret: str, *, rotated: bool = False
) -> TemplateResponse:
    """The one page that shows a secret: not cached, not redirected to (a redirect would need
    the secret in the session or a cookie)."""
    response = TemplateResponse(
        request,
        "admin/toolkid/webhookendpoint/secret.html",
        {**admin.site.each_context(request), "opts": WebhookEndpoint._meta, "endpoint": endpoint,
         "secret": secret, "rotated": rotated, "title": _("Geheim van het webhook-adres")},
    )
    add_never_cache_headers(response)
    return response


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(PlatformAdminMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("organisation", "description", "url", "types", "is_active", "created_at", "deliveries")
    list_filter = ("is_active", "organisation")
    list_select_related = ("organisation",)
    readonly = ("organisation", "description", "url", "types", "is_active", "created_by", "created_at",
                "deliveries")
    actions = ("deactivate", "rotate_secret")

    @admin.display(description=_("Gebeurtenissen"))
    def types(self, obj: WebhookEndpoint) -> str:
        return ", ".join(events.label(t) for t in obj.event_types)

    @admin.display(description=_("Afleveringen"))
    def deliveries(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:toolkid_webhookdelivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Afleveringen bekijken"))

    def get_fields(self, request, obj=None):
        return self.readonly if obj else WebhookEndpointForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        # An endpoint is not edited: a new URL or other events is a new endpoint (and secret).
        return self.readonly if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the deliveries are its record; switch it off instead

    def save_model(self, request, obj, form, change):
        endpoint, secret = endpoint_register(
            actor=request.actor, organisation=form.cleaned_data["organisation"],
            url=form.cleaned_data["url"], event_types=form.cleaned_data["event_types"],
            description=form.cleaned_data.get("description", ""),
        )
        obj.pk, obj.secret = endpoint.pk, secret
        request._webhook_secret = (endpoint, secret)

    def response_add(self, request, obj, post_url_continue=None):
        endpoint, secret = request._webhook_secret
        return secret_page(request, endpoint, secret)

    @admin.action(description=_("Uitzetten"))
    def deactivate(self, request, queryset):
        for endpoint in queryset:
            endpoint_deactivate(actor=request.actor, endpoint=endpoint)
        self.message_user(request, _("Uitgezet."), messages.SUCCESS)

    @admin.action(description=_("Geheim vernieuwen"))
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Kies precies één webhook-adres."), messages.ERROR)
            return None
        endpoint, secret = endpoint_secret_rotate(actor=request.actor, endpoint=queryset.get())
        return secret_page(request, endpoint, secret, rotated=True)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "endpoint", "type_label", "status", "attempts", "last_status_code",
                    "last_error", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event_type", "endpoint")
    list_select_related = ("endpoint", "endpoint__organisation")
    # Not the body: it holds ids only, but the list is about whether it arrived.
    fields = ("endpoint", "type_label", "event_id", "status", "attempts", "last_status_code", "last_error",
              "next_attempt_at", "created_at", "delivered_at")
    readonly_fields = fields
    actions = ("resend",)

    @admin.display(description=_("Gebeurtenis"))
    def type_label(self, obj: WebhookDelivery) -> str:
        return events.label(obj.event_type)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Opnieuw versturen"))
    def resend(self, request, queryset):
        rows = list(queryset)
        for row in rows:
            delivery_resend(actor=request.actor, delivery=row)
        self.message_user(
            request,
            ngettext("%(n)d melding wordt opnieuw verstuurd.", "%(n)d meldingen worden opnieuw verstuurd.",
                     len(rows)) % {"n": len(rows)},
            messages.SUCCESS,
        )
