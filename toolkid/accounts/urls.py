"""Included by toolkid.urls under ``account/``. The names are global (``login``, ``logout``)
because settings.LOGIN_URL and the base template use them."""

from django.urls import path

from toolkid.accounts import views

urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("tweestapsverificatie/", views.otp_verify, name="otp_verify"),
    path("tweestapsverificatie/instellen/", views.otp_setup, name="otp_setup"),
    path("reservecodes/", views.backup_codes, name="backup_codes"),
    path("uitloggen/", views.logout_view, name="logout"),
]
