"""The Kindcheck through the browser (requests/kindcheck/views.py): a check with safety
concerns, its next steps, and on to a question to youth care (requests/reverse/views.py) that
youth care answers from its own page.
"""

from __future__ import annotations

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from requests.models import Kindcheck, ReverseQuestion
from requests.reverse.workflow import ReverseStatus
from tests.requests.pages import client_for, get, token

pytestmark = pytest.mark.django_db


def test_kindcheck_pages_with_concerns_to_a_reverse_question(clinician, requester, wijkteam):
    client = client_for(clinician)
    page_html = get(client, reverse("requests:kindcheck_new"))
    response = client.post(
        reverse("requests:kindcheck_new"), {"csrfmiddlewaretoken": token(page_html), "cares_for_minors": "ja"}
    )
    assert response.status_code == 400
    assert "Vul de naam van de cliënt in." in html_lib.unescape(response.content.decode())
    response = client.post(
        reverse("requests:kindcheck_new"),
        {
            "csrfmiddlewaretoken": token(page_html),
            "parent_name": "Karin Vos",
            "parent_date_of_birth": "1990-05-01",
            "checked_on": timezone.localdate().isoformat(),
            "cares_for_minors": "ja",
            "children_ages": "4, 9",
            "safety_concerns": "ja",
            "concerns_note": "Partner is agressief.",
        },
    )
    assert response.status_code == 302
    kc = Kindcheck.objects.get()
    page_html = get(client, response["Location"])
    assert "Vervolgstappen bij zorgen" in page_html
    response = client.post(
        reverse("requests:kindcheck_next_steps", kwargs={"public_id": kc.public_id}),
        {"csrfmiddlewaretoken": token(page_html), "steps": ["collega", "vraag_jeugdhulp"]},
    )
    assert response.status_code == 302 and f"?kindcheck={kc.public_id}" in response["Location"]
    page_html = get(client, response["Location"])
    assert "Karin Vos" in page_html
    born = timezone.localdate() - datetime.timedelta(days=365 * 13 + 10)
    response = client.post(
        reverse("requests:reverse_new"),
        {
            "csrfmiddlewaretoken": token(page_html),
            "kindcheck": str(kc.public_id),
            "receiving_organisation": str(wijkteam.pk),
            "phone_contact_date": timezone.localdate().isoformat(),
            "phone_contact_with": "Wijkteam",
            "child_name_or_initials": "J.",
            "child_date_of_birth": born.isoformat(),
            "asks_interventions": "on",
            "consent_parents": "on",
            "consent_note": "Gesprek 12 juni.",
        },
    )
    assert response.status_code == 400  # 13 years old: the child consents too (L2)
    assert "geeft zelf toestemming" in html_lib.unescape(response.content.decode())
    response = client.post(
        reverse("requests:reverse_new"),
        {
            "csrfmiddlewaretoken": token(page_html),
            "kindcheck": str(kc.public_id),
            "receiving_organisation": str(wijkteam.pk),
            "phone_contact_date": timezone.localdate().isoformat(),
            "phone_contact_with": "Wijkteam",
            "child_name_or_initials": "J.",
            "child_date_of_birth": born.isoformat(),
            "asks_interventions": "on",
            "consent_parents": "on",
            "consent_child": "on",
            "consent_note": "Gesprek 12 juni.",
        },
    )
    assert response.status_code == 302
    question = ReverseQuestion.objects.get()
    assert question.kindcheck == kc

    # Youth care answers from its page.
    youth = client_for(requester)
    page_html = get(youth, reverse("requests:reverse_detail", kwargs={"public_id": question.public_id}))
    assert "12 tot en met 15" in page_html
    response = youth.post(
        reverse(
            "requests:reverse_action", kwargs={"public_id": question.public_id, "action": "beantwoorden"}
        ),
        {"csrfmiddlewaretoken": token(page_html), "beantwoorden-interventions": "Gezinscoach."},
    )
    assert response.status_code == 302
    assert ReverseQuestion.objects.get().status == ReverseStatus.ANSWERED
    assert "Gezinscoach." in get(
        client, reverse("requests:reverse_detail", kwargs={"public_id": question.public_id})
    )
    assert str(question) in get(youth, reverse("requests:reverse_list"))
