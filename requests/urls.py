"""Information request URLs, mounted by toolkid/urls.py at ``verzoeken/``.

Grouped by side: the requester's filing pages (``views_filing``) first, then the pages of a
single request and the provider's pages.
"""

from django.urls import path

from requests import views_deadlines, views_filing, views_followup, views_handling, views_letters

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
    # Issue 5: the deadline overview for teamleiders (counts and references, no case content).
    path("overzicht/", views_deadlines.overview, name="overview"),
    path("<uuid:public_id>/", views_handling.detail, name="detail"),
    path("<uuid:public_id>/actie/<slug:action>/", views_handling.action, name="action"),
    path("<uuid:public_id>/advies/<int:advice_id>/", views_handling.give_advice, name="advise"),
    # --- Follow-up after the answer (issue 4, views_followup): duties, the path-C hold, feedback,
    # secondary use, Veilig Thuis on a request; Mijn taken; the Kindcheck (L4); the reverse
    # direction (R3); the teamleider's deviations (R5) ---------------------------------------
    path("<uuid:public_id>/vervolg/<slug:action>/", views_followup.action, name="followup_action"),
    path("<uuid:public_id>/vervolg/<slug:action>/<int:item_id>/", views_followup.action,
         name="followup_item_action"),
    path("taken/", views_followup.tasks, name="tasks"),
    path("kindcheck/", views_followup.kindcheck_list, name="kindcheck_list"),
    path("kindcheck/nieuw/", views_followup.kindcheck_new, name="kindcheck_new"),
    path("kindcheck/<uuid:public_id>/", views_followup.kindcheck_detail, name="kindcheck_detail"),
    path("kindcheck/<uuid:public_id>/vervolgstappen/", views_followup.kindcheck_next_steps,
         name="kindcheck_next_steps"),
    path("kindcheck-overzicht/", views_followup.kindcheck_overview, name="kindcheck_overview"),
    path("vragen-over-kinderen/", views_followup.reverse_list, name="reverse_list"),
    path("vragen-over-kinderen/nieuw/", views_followup.reverse_new, name="reverse_new"),
    path("vragen-over-kinderen/<uuid:public_id>/", views_followup.reverse_detail, name="reverse_detail"),
    path("vragen-over-kinderen/<uuid:public_id>/<slug:action>/", views_followup.reverse_action,
         name="reverse_action"),
    path("afwijkingen/", views_followup.deviations, name="deviations"),
    # --- Letters as PDF (issue 6, views_letters): the request letter, the answer letter, the
    # consent declaration form to sign. Each download is an EXPORT audit event ---------------
    path("<uuid:public_id>/brief/verzoek.pdf", views_letters.request_letter, name="letter_request"),
    path("<uuid:public_id>/brief/antwoord.pdf", views_letters.answer_letter, name="letter_answer"),
    path("<uuid:public_id>/brief/toestemmingsverklaring.pdf", views_letters.consent_form,
         name="consent_form"),
]
