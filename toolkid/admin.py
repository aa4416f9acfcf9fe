from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from toolkid.admin_site import PlatformAdminMixin
from toolkid.calendar_services import (
    closure_day_delete,
    closure_day_save,
    decree_day_delete,
    decree_day_save,
)
from toolkid.models import ClosureDay, DecreeDay, Membership, Organisation, User
from toolkid.services import user_deactivate


class ClosureDayInline(PlatformAdminMixin, admin.TabularInline):
    model = ClosureDay
    extra = 0
    fields = ("date", "reason")


class MembershipInline(PlatformAdminMixin, admin.TabularInline):
    """Read-only: a role is granted and ended through ``membership_grant``/``membership_end``
    (the Gebruikers page), which set the guardian group and write the audit event. A save
    here would bypass both."""

    model = Membership
    extra = 0
    fields = ("user", "role", "is_active")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _(
        "Rollen (alleen-lezen: rollen worden beheerd op de pagina Gebruikers of via de services)"
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(PlatformAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "municipality", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "municipality")
    fields = ("name", "kind", "municipality", "is_active", "access_report_names_professionals")
    inlines = (ClosureDayInline, MembershipInline)

    def save_formset(self, request, form, formset, change):
        """Closure days through their services (history with the author, audit event, L1);
        the read-only memberships as Django does (nothing to save)."""
        if formset.model is not ClosureDay:
            return super().save_formset(request, form, formset, change)
        days = formset.save(commit=False)
        for day in formset.deleted_objects:
            closure_day_delete(actor=request.actor, day=day)
        for day in days:
            closure_day_save(actor=request.actor, day=day)
        formset.save_m2m()


@admin.register(DecreeDay)
class DecreeDayAdmin(PlatformAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "description")
    fields = ("date", "description")

    # Through the services: each change moves due dates (L1), so it is versioned and audited.
    def save_model(self, request, obj, form, change):
        decree_day_save(actor=request.actor, day=obj)

    def delete_model(self, request, obj):
        decree_day_delete(actor=request.actor, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            decree_day_delete(actor=request.actor, day=day)


@admin.register(User)
class UserAdmin(PlatformAdminMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "is_active", "is_functional_admin")
    list_filter = ("is_active", "is_functional_admin")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Persoonsgegevens"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "is_functional_admin", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = (MembershipInline,)

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            # Through the service, so the user's sessions end at once and it is audited.
            obj.is_active = True
            super().save_model(request, obj, form, change)
            user_deactivate(actor=request.actor, user=obj)
        else:
            super().save_model(request, obj, form, change)


# Connected systems and their keys, the organisations' identity providers, webhook endpoints
# and their deliveries (docs/adr/0007), registered on import.
import toolkid.api.admin  # noqa: E402, F401
import toolkid.oidc.admin  # noqa: E402, F401
import toolkid.webhooks.admin  # noqa: E402, F401
