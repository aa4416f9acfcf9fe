from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from toolkid.admin_site import PlatformAdminMixin
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
    fields = ("name", "kind", "municipality", "is_active")
    inlines = (ClosureDayInline, MembershipInline)


@admin.register(DecreeDay)
class DecreeDayAdmin(PlatformAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "description")
    fields = ("date", "description")


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
