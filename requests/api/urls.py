"""The read API's request resources, included by ``toolkid/api/urls.py`` (namespace "api")."""

from django.urls import path

from requests.api import collection, views

urlpatterns = [
    path("verzoeken", collection.RequestCollection.as_view(), name="verzoeken"),
    path("verzoeken/<uuid:public_id>", views.RequestDetail.as_view(), name="verzoek"),
    path("taken", views.Tasks.as_view(), name="taken"),
]
