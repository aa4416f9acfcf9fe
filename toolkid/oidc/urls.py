"""Included by toolkid.urls under ``account/inloggen/organisatie/``. The callback's full URL is
what an organisation registers at its provider as redirect URI (README)."""

from django.urls import path

from toolkid.oidc import views

urlpatterns = [
    path("", views.start, name="oidc_start"),
    path("terug/", views.callback, name="oidc_callback"),
]
