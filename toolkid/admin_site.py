"""The Django admin is for the platform's functional administrator only, after two factors."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and user.is_authenticated and user.is_functional_admin and user.is_verified()
    )


def restrict_admin_site(site: AdminSite) -> None:
    site.site_header = _("toolKID platformbeheer")
    site.site_title = _("toolKID platformbeheer")
    site.index_title = _("Platformbeheer")
    site.has_permission = is_platform_admin
    # The admin's own login form has no second factor: send people to ours.
    site.login = lambda request, extra_context=None: _redirect_to_login(request)


def _redirect_to_login(request: HttpRequest):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


class PlatformAdminMixin:
    """Model admins answer to the functional administrator alone, whatever is_staff says."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request)
