"""Information request URLs, mounted by toolkid/urls.py at ``verzoeken/``."""

from django.urls import path  # noqa: F401

app_name = "requests"

urlpatterns: list = []
