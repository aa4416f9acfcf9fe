"""Platformbeheer: an organisation's identity provider and its group → role rows. Saved
through the services (audit events); the client secret is write-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from toolkid.admin_site import PlatformAdminMixin
from toolkid.oidc.client import OidcError, check_url_scheme
from toolkid.oidc.models import IdentityProvider, RoleMapping
from toolkid.oidc.services import (
    identity_provider_delete,
    identity_provider_save,
    role_mapping_delete,
    role_mapping_save,
)


class IdentityProviderForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("issuer"),
        max_length=300,
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )
    # Never rendered back (not even as dots): whoever opens the page sees no secret.
    client_secret = forms.CharField(
        label=_("client-secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Wordt niet getoond. Laat leeg om het opgeslagen geheim te houden."),
    )

    class Meta:
        model = IdentityProvider
        fields = (
            "organisation", "is_active", "issuer", "client_id", "client_secret", "scopes",
            "email_domains", "groups_claim", "mfa_acr_values", "jit_users",
        )

    def clean_client_secret(self) -> str:
        return self.cleaned_data.get("client_secret") or (
            self.instance.client_secret if self.instance.pk else ""
        )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].rstrip("/")
        try:
            check_url_scheme(issuer)
        except OidcError:
            raise forms.ValidationError(
                _("Gebruik een https-adres (http alleen voor een testprovider op deze computer).")
            ) from None
        return issuer

    def clean_scopes(self) -> str:
        scopes = self.cleaned_data["scopes"].split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return " ".join(scopes)


class RoleMappingInline(PlatformAdminMixin, admin.TabularInline):
    model = RoleMapping
    extra = 1
    fields = ("group", "role")


@admin.register(IdentityProvider)
class IdentityProviderAdmin(PlatformAdminMixin, admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ("organisation", "issuer", "is_active", "jit_users")
    list_filter = ("is_active",)
    search_fields = ("organisation__name", "issuer", "email_domains")
    inlines = (RoleMappingInline,)

    def save_model(self, request, obj, form, change):
        identity_provider_save(actor=request.actor, provider=obj)

    def delete_model(self, request, obj):
        identity_provider_delete(actor=request.actor, provider=obj)

    def delete_queryset(self, request, queryset):
        for provider in queryset:
            identity_provider_delete(actor=request.actor, provider=provider)

    def save_formset(self, request, form, formset, change):
        mappings = formset.save(commit=False)
        for mapping in formset.deleted_objects:
            role_mapping_delete(actor=request.actor, mapping=mapping)
        for mapping in mappings:
            role_mapping_save(actor=request.actor, mapping=mapping)
