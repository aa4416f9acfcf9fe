"""Information request URLs, mounted by toolkid/urls.py at ``verzoeken/``.

Grouped by side: the requester's filing pages (``requests/filing``) first, then the pages of a
single request (``requests/detail``, composed from each sub-domain's panel) and the provider's
pages. Every action has a page of its own (``actie/``, ``advies/``, ``vervolg/``); the request's
page links to them, so no sub-domain imports ``requests/detail``.
"""

from django.urls import path

from requests.deadlines import views as deadline_views
from requests.detail import views as detail_views
from requests.filing import views as filing_views
from requests.followup import views as followup_views
from requests.handling import views as handling_views
from requests.history import views as history_views
from requests.kindcheck import views as kindcheck_views
from requests.letters import views as letter_views
from requests.reverse import views as reverse_views
from requests.worklist import views as worklist_views

app_name = "requests"

urlpatterns = [
    # --- Filing (youth-care side, requests/filing): Mijn verzoeken and Nieuw informatieverzoek --
    path("", filing_views.outgoing, name="outgoing"),
    path("nieuw/", filing_views.new, name="new"),
    path("<uuid:public_id>/stap/<slug:step>/", filing_views.step, name="step"),
    path("<uuid:public_id>/controleren/", filing_views.review, name="review"),
    path("<uuid:public_id>/versturen/", filing_views.submit, name="submit"),
    # --- Handling (requests/handling): the provider's inbox, refusals waiting for a second
    # person (R11), the legal advisor's referrals (R8, R31); the request's page for both sides
    # and its actions (requests/detail) -------------------------------------------------------
    path("binnengekomen/", handling_views.inbox, name="inbox"),
    path("te-bevestigen-weigeringen/", handling_views.refusals, name="refusals"),
    path("adviesvragen/", handling_views.legal_queue, name="legal_queue"),
    # R26: the deadline overview for teamleiders (counts and references, no case content).
    path("overzicht/", deadline_views.overview, name="overview"),
    path("<uuid:public_id>/", detail_views.detail, name="detail"),
    path("<uuid:public_id>/actie/<slug:action>/", detail_views.action, name="action"),
    # The timeline in pages, newest first (requests/history): the request's page shows the latest.
    path("<uuid:public_id>/verloop/", history_views.timeline_page, name="timeline"),
    path("<uuid:public_id>/advies/<int:advice_id>/", handling_views.give_advice, name="advise"),
    # --- Follow-up after the answer (requests/followup): duties, the path-C hold,
    # feedback, secondary use, Veilig Thuis on a request; Mijn taken (requests/worklist); the Kindcheck (L4,
    # requests/kindcheck); the reverse direction (R3, requests/reverse); the teamleider's
    # deviations (R5) ------------------------------------------------------------------------
    path("<uuid:public_id>/vervolg/<slug:action>/", followup_views.action, name="followup_action"),
    path("<uuid:public_id>/vervolg/<slug:action>/<int:item_id>/", followup_views.action,
         name="followup_item_action"),
    path("taken/", worklist_views.tasks, name="tasks"),
    path("kindcheck/", kindcheck_views.kindcheck_list, name="kindcheck_list"),
    path("kindcheck/nieuw/", kindcheck_views.kindcheck_new, name="kindcheck_new"),
    path("kindcheck/<uuid:public_id>/", kindcheck_views.kindcheck_detail, name="kindcheck_detail"),
    path("kindcheck/<uuid:public_id>/vervolgstappen/", kindcheck_views.kindcheck_next_steps,
         name="kindcheck_next_steps"),
    path("kindcheck-overzicht/", kindcheck_views.kindcheck_overview, name="kindcheck_overview"),
    path("vragen-over-kinderen/", reverse_views.reverse_list, name="reverse_list"),
    path("vragen-over-kinderen/nieuw/", reverse_views.reverse_new, name="reverse_new"),
    path("vragen-over-kinderen/<uuid:public_id>/", reverse_views.reverse_detail, name="reverse_detail"),
    path("vragen-over-kinderen/<uuid:public_id>/<slug:action>/", reverse_views.reverse_action,
         name="reverse_action"),
    path("afwijkingen/", followup_views.deviations, name="deviations"),
    # --- Letters as PDF (requests/letters): the request letter (R22), the answer letter (R28),
    # the consent declaration form to sign (R24). Each download is an EXPORT audit event (L5) --
    path("<uuid:public_id>/brief/verzoek.pdf", letter_views.request_letter, name="letter_request"),
    path("<uuid:public_id>/brief/antwoord.pdf", letter_views.answer_letter, name="letter_answer"),
    path("<uuid:public_id>/brief/toestemmingsverklaring.pdf", letter_views.consent_form,
         name="consent_form"),
]
