"""Meldingen, the notification centre, mounted by toolkid/urls.py at ``meldingen/``."""

from django.urls import path

from toolkid import views_notifications as views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("alles-gelezen/", views.notification_read_all, name="notifications_read_all"),
    path("voorkeuren/", views.notification_preferences, name="notification_preferences"),
    path("<uuid:public_id>/", views.notification_detail, name="notification"),
    path("<uuid:public_id>/gelezen/", views.notification_read, name="notification_read"),
]
