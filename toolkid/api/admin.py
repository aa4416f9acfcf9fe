"""Platformbeheer for connected systems and their keys (docs/adr/0007 §6). Every change goes
through toolkid.api.services, so it is audited; a key's secret is shown once, after issuing."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from toolkid.admin_site import PlatformAdminMixin
from toolkid.api.models import ConnectedSystem, Scope, SystemKey
from toolkid.api.services import system_key_issue, system_key_revoke, system_key_rotate, system_save
from toolkid.errors import DomainError
from toolkid.models import Role


class ConnectedSystemForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("rollen"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De hoogste rollen waarmee het systeem mag handelen; de medewerker moet de rol ook "
            "zelf hebben."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("bevoegdheden"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ConnectedSystem
        fields = ("name", "slug", "organisation", "roles", "scopes", "acts_for_people",
                  "reads_per_minute", "writes_per_minute", "is_active")


class SystemKeyInline(PlatformAdminMixin, admin.TabularInline):
    model = SystemKey
    extra = 0
    can_delete = False
    fields = ("prefix", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _show_once(request, plaintext: str) -> None:
    messages.warning(request, _(
        "Nieuwe sleutel (wordt maar één keer getoond; geef hem veilig door aan de leverancier): %(key)s"
    ) % {"key": plaintext})


@admin.register(ConnectedSystem)
class ConnectedSystemAdmin(PlatformAdminMixin, admin.ModelAdmin):
    form = ConnectedSystemForm
    list_display = ("name", "slug", "organisation", "acts_for_people", "is_active")
    list_filter = ("is_active", "organisation")
    readonly_fields = ("mfa_statement_by", "mfa_statement_at", "created_at")
    inlines = (SystemKeyInline,)
    actions = ("issue_key",)

    def save_model(self, request, obj, form, change):
        system_save(actor=request.actor, system=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: the audit trail names the system

    @admin.action(description=_("Nieuwe API-sleutel uitgeven"))
    def issue_key(self, request, queryset):
        for system in queryset:
            _key, plaintext = system_key_issue(actor=request.actor, system=system)
            _show_once(request, plaintext)


@admin.register(SystemKey)
class SystemKeyAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "system", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("system",)
    fields = ("system", "prefix", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    actions = ("rotate", "revoke")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Vervangen (de oude sleutel werkt nog 7 dagen)"))
    def rotate(self, request, queryset):
        for key in queryset:
            try:
                _new, plaintext = system_key_rotate(actor=request.actor, key=key)
            except DomainError as exc:
                messages.error(request, f"{key}: {exc.message}")
            else:
                _show_once(request, plaintext)

    @admin.action(description=_("Direct intrekken"))
    def revoke(self, request, queryset):
        done = 0
        for key in queryset:
            try:
                system_key_revoke(actor=request.actor, key=key)
                done += 1
            except DomainError as exc:
                messages.error(request, f"{key}: {exc.message}")
        if done:
            text = ngettext("%(n)d sleutel ingetrokken.", "%(n)d sleutels ingetrokken.", done)
            messages.success(request, text % {"n": done})
