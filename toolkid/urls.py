from django.contrib import admin
from django.urls import include, path

from toolkid import views
from toolkid.admin_site import restrict_admin_site

restrict_admin_site(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("organisatie/kiezen/", views.choose_organisation, name="choose_organisation"),
    path("privacy/", views.privacy, name="privacy"),
    path("organisatie/gebruikers/", include("toolkid.members.urls")),
    path("account/", include("toolkid.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]
