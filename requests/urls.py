"""Information request URLs, mounted by toolkid/urls.py at ``verzoeken/``.

Grouped by side: the requester's filing pages (``views_filing``) first, then the pages of a
single request and the provider's pages.
"""

from django.urls import path

from requests import views_filing

app_name = "requests"

urlpatterns = [
    # --- Filing (youth-care side): Mijn verzoeken and Nieuw informatieverzoek ----------------
    path("", views_filing.outgoing, name="outgoing"),
    path("nieuw/", views_filing.new, name="new"),
    path("<uuid:public_id>/stap/<slug:step>/", views_filing.step, name="step"),
    path("<uuid:public_id>/controleren/", views_filing.review, name="review"),
    path("<uuid:public_id>/versturen/", views_filing.submit, name="submit"),
]
