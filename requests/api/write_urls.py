"""The write API's paths (docs/adr/0007 §2), included by string from ``toolkid/api/urls.py``.

``POST /api/v1/verzoeken`` (filing a draft) shares its path with the list: one view,
``requests.api.collection.RequestCollection``, in ``requests/api/urls.py``."""

from django.urls import path

from requests.api import actions, filing

urlpatterns = [
    path("verzoeken/<uuid:id>/concept", filing.UpdateDraft.as_view(), name="request-draft"),
    path("verzoeken/<uuid:id>/indienen", filing.SubmitRequest.as_view(), name="request-submit"),
    *[
        path(f"verzoeken/<uuid:id>/acties/{name}", view.as_view(), name=f"request-action-{name}")
        for name, view in actions.ACTION_VIEWS.items()
    ],
    path("verzoeken/<uuid:id>/acties/<str:actie>", actions.UnknownAction.as_view(), name="request-action"),
]
