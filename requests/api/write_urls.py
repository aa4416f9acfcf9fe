"""The write API's paths (docs/adr/0007 §2), included by string from ``toolkid/api/urls.py``.

``verzoeken`` here answers POST only; the read side's list answers GET on the same path. At
merge the two views become one (a path resolves to one view)."""

from django.urls import path

from requests.api import actions, filing

urlpatterns = [
    path("verzoeken", filing.FileRequest.as_view(), name="request-file"),
    path("verzoeken/<uuid:id>/concept", filing.UpdateDraft.as_view(), name="request-draft"),
    path("verzoeken/<uuid:id>/indienen", filing.SubmitRequest.as_view(), name="request-submit"),
    *[
        path(f"verzoeken/<uuid:id>/acties/{name}", view.as_view(), name=f"request-action-{name}")
        for name, view in actions.ACTION_VIEWS.items()
    ],
    path("verzoeken/<uuid:id>/acties/<str:actie>", actions.UnknownAction.as_view(), name="request-action"),
]
