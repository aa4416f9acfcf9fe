from django.urls import path

from toolkid.members import views

# Included at /organisatie/gebruikers/ by toolkid/urls.py; no namespace, the page is "members".
urlpatterns = [
    path("", views.member_list, name="members"),
    path("rol-toevoegen/", views.member_grant, name="members_grant"),
    path("rol/<int:pk>/beeindigen/", views.member_end, name="members_end"),
    path("gebruiker/<int:pk>/deactiveren/", views.member_deactivate, name="members_deactivate"),
]
