"""The audit trail in the platform admin: to look at, never to change (L5)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from toolkid.admin_site import PlatformAdminMixin

from .models import AuditEvent, AuditSeal, RetentionRecord


class ViewOnlyMixin:
    """View only, whatever the user's flags: nobody adds, changes or deletes these rows."""

    actions = None

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyMixin, PlatformAdminMixin, admin.ModelAdmin):
    list_display = (
        "seq",
        "occurred_at",
        "event",
        "action",
        "outcome",
        "username",
        "role",
        "organisation",
        "parent_ref",
        "object_type",
        "object_id",
        "ip_address",
    )
    list_display_links = ("seq", "occurred_at")
    list_filter = ("action", "outcome", "organisation")
    search_fields = ("=event", "=username", "=parent_ref", "=object_id")
    search_help_text = _(
        "Zoek op exacte gebeurteniscode, gebruikersnaam, ouderreferentie of object-id."
    )
    date_hierarchy = "occurred_at"
    ordering = ("-seq",)
    list_select_related = ("organisation",)
    list_per_page = 100
    # The table only grows; counting it all on every page is wasted work.
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(AuditSeal)
class AuditSealAdmin(ViewOnlyMixin, PlatformAdminMixin, admin.ModelAdmin):
    """The seals over the audit log (ADR 0006): which numbers each covers, its gaps, its Merkle
    root and its link to the seal before. Hashes and numbers only."""

    list_display = ("first_seq", "last_seq", "event_count", "sealed_at", "hash")
    ordering = ("-first_seq",)
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditSeal._meta.fields]


@admin.register(RetentionRecord)
class RetentionRecordAdmin(ViewOnlyMixin, PlatformAdminMixin, admin.ModelAdmin):
    """The register of what retention deleted, when and under which rule (L6). No personal
    data: object types and ids only."""

    list_display = ("run_at", "rule", "term_years", "object_type", "object_id", "deleted_count", "run_by")
    list_filter = ("rule", "object_type")
    ordering = ("-run_at",)
    readonly_fields = [f.name for f in RetentionRecord._meta.fields]
