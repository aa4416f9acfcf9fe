"""``/fhir/Task/<public_id>``, included by ``toolkid/fhir_urls.py``."""

from django.urls import path

from requests.fhir.task import TaskRead

urlpatterns = [
    path("Task/<str:public_id>", TaskRead.as_view(), name="fhir-task"),
]
