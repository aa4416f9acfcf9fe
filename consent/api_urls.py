"""The consent resources of the API, included by ``toolkid/api/urls.py`` (namespace "api")."""

from django.urls import path

from consent import api

urlpatterns = [
    path("toestemmingen/<uuid:public_id>", api.ConsentDetail.as_view(), name="toestemming"),
    path("toestemmingen/<uuid:public_id>/document", api.ConsentDocument.as_view(),
         name="toestemming-document"),
]
