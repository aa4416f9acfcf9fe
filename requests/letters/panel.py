"""What the request's page shows of the letters (in
``templates/requests/letters/_documents.html``): a download link per letter the actor can have
now (``views.py`` serves them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from requests.core.models import InformationRequest
from requests.letters import documents
from requests.letters.documents import LetterKind
from toolkid.actors import Actor

#: URL names per letter (``requests/urls.py``).
URL_NAMES: dict[LetterKind, str] = {
    LetterKind.REQUEST: "requests:letter_request",
    LetterKind.ANSWER: "requests:letter_answer",
    LetterKind.CONSENT_FORM: "requests:consent_form",
}


def panel(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """The "Documenten" links on the request's page: only letters the actor can have now.
    Writes nothing (the page's read is already logged)."""
    return {
        "documents": [
            {
                "label": str(spec.label),
                "url": reverse(URL_NAMES[spec.kind], kwargs={"public_id": req.public_id}),
            }
            for spec in documents.available_letters(actor, req)
        ]
    }
