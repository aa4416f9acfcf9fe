"""Information request URLs, mounted by toolkid/urls.py at ``verzoeken/``.

Grouped by side: the requester's filing pages (``views_filing``) first, then the pages of a
single request and the provider's pages.
"""

from django.urls import path

from requests import views_filing, views_handling

app_name = "requests"

urlpatterns = [
    # --- Filing (youth-care side): Mijn verzoeken and Nieuw informatieverzoek ----------------
    path("", views_filing.outgoing, name="outgoing"),
    path("nieuw/", views_filing.new, name="new"),
    path("<uuid:public_id>/stap/<slug:step>/", views_filing.step, name="step"),
    path("<uuid:public_id>/controleren/", views_filing.review, name="review"),
    path("<uuid:public_id>/versturen/", views_filing.submit, name="submit"),
    # --- Handling (views_handling): the request's page for both sides, the provider's inbox,
    # refusals waiting for a second person (R11), the legal advisor's referrals (R8, R31) ------
    path("binnengekomen/", views_handling.inbox, name="inbox"),
    path("te-bevestigen-weigeringen/", views_handling.refusals, name="refusals"),
    path("adviesvragen/", views_handling.legal_queue, name="legal_queue"),
    path("<uuid:public_id>/", views_handling.detail, name="detail"),
    path("<uuid:public_id>/actie/<slug:action>/", views_handling.action, name="action"),
    path("<uuid:public_id>/advies/<int:advice_id>/", views_handling.give_advice, name="advise"),
]
