"""Consent declaration URLs, mounted by toolkid/urls.py at ``toestemming/``."""

from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("ouder/<uuid:parent_public_id>/nieuw/", views.create, name="create"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/document/", views.document, name="document"),
    path("<uuid:public_id>/intrekken/", views.revoke, name="revoke"),
]
