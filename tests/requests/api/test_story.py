"""Issue 14's "Done when", as one story through the API only: the youth-care organisation's system
(acting for its jeugdhulpverlener) files and submits a request; the GGZ organisation's system
(acting for its zorgverlener) finds it among its incoming requests, reads it, takes it, decides
and answers it; the requester's system reads the answer (and may not close it before reporting
back, R38); a third organisation's system gets 404 on every one of those URLs; and every call
is in the audit log with the system it came through (``via``).

The read endpoints (``GET /api/v1/verzoeken``, ``GET /api/v1/verzoeken/{id}``) are built beside
this slice. Where they are not mounted yet (``_reads_mounted``), the incoming list is the inbox
selector the list endpoint calls, and the ETag is the one the last write answered.
"""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from audit.models import AuditEvent, AuditOutcome
from requests.core.workflow import RequestStatus
from requests.handling.selectors import inbox_for
from requests.models import InformationRequest

from ..helpers import actor_for
from .conftest import API, act, draft_body

pytestmark = pytest.mark.django_db


def _reads_mounted(public_id) -> bool:
    try:
        match = resolve(f"{API}/verzoeken/{public_id}")
    except Resolver404:
        return False
    return "get" in {m.lower() for m in getattr(match.func, "cls", object).http_method_names} and hasattr(
        match.func.cls, "get"
    )


class Audited:
    """Every call leaves at least one audit row naming the system it came through."""

    def __init__(self, via: str):
        self.via = via

    def __call__(self, call):
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = call()
        rows = AuditEvent.objects.filter(seq__gt=before)
        assert rows.exists(), "a call without an audit row"
        assert all(row.payload.get("via") == self.via for row in rows), [
            (row.event, row.payload) for row in rows
        ]
        return response


def test_two_organisations_exchange_a_request_through_their_own_systems(
    client_for, wijkteam, mondriaan, requester, clinician, other_provider, outsider_clinician
):
    jeugd = client_for(wijkteam, "jeugd")
    zorg = client_for(mondriaan, "zorg")
    elders = client_for(other_provider, "zorg.elders")
    as_jeugd = Audited(f"api:{client_for.system_of(wijkteam).slug}")
    as_zorg = Audited(f"api:{client_for.system_of(mondriaan).slug}")
    as_elders = Audited(f"api:{client_for.system_of(other_provider).slug}")

    # The youth-care side files and submits.
    created = as_jeugd(lambda: jeugd.post(f"{API}/verzoeken", draft_body(mondriaan.name), format="json"))
    assert created.status_code == 201, created.json()
    rid = created.json()["id"]
    sent = as_jeugd(lambda: jeugd.post(f"{API}/verzoeken/{rid}/indienen"))
    assert sent.status_code == 200 and sent.json()["status"] == "ingediend"
    reads = _reads_mounted(rid)

    # The GGZ side finds it among its incoming requests and reads it.
    if reads:
        listed = as_zorg(lambda: zorg.get(f"{API}/verzoeken", {"rol": "ontvanger"}))
        assert listed.status_code == 200 and rid in str(listed.json())
        read = as_zorg(lambda: zorg.get(f"{API}/verzoeken/{rid}"))
        assert read.status_code == 200 and "take" in read.json()["acties"]
        etag = read["ETag"]
    else:
        incoming = inbox_for(actor_for(clinician, mondriaan))
        assert [str(r.public_id) for r in incoming] == [rid]
        etag = 'W/"ingediend"'

    # ... takes it, decides to provide (R34: weighed, path C) and answers it.
    taken = as_zorg(lambda: act(zorg, rid, "take", etag=etag))
    assert taken.status_code == 200, taken.json()
    decided = as_zorg(lambda: act(zorg, rid, "decide", {
        "besluit": "verstrekken", "motivering": "Ernstig vermoeden van huiselijk geweld; zie dossier.",
        "afweging": "Het acute risico voor de kinderen weegt zwaarder dan het beroepsgeheim.",
    }, etag=taken["ETag"]))
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "antwoord_in_voorbereiding"
    answer = {"eigenWaarnemingen": "Moeder komt haar afspraken na.",
              "verzwakkendeFeiten": "Sinds mei stabiel."}
    answered = as_zorg(lambda: act(zorg, rid, "answer", {
        "onderwerpen": {"a": answer, "c": answer}, "versturen": True,
        "bevestigingen": {"feitelijk": True, "geenOordeelOverOuderschap": True, "criteriaGewogen": True,
                          "vastgelegdInDossier": True},
    }, etag=decided["ETag"]))
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == "beantwoord"

    # The requester's system reads the answer and closes the request.
    if reads:
        read = as_jeugd(lambda: jeugd.get(f"{API}/verzoeken/{rid}"))
        assert read.status_code == 200 and "Moeder komt haar afspraken na." in str(read.json())
        etag = read["ETag"]
    else:
        etag = 'W/"beantwoord"'
    # R38, path C: before closing, the requester reports back what was done with the information
    # (a page of its own, not yet in the API): the service says so, field by field.
    not_yet = as_jeugd(lambda: act(jeugd, rid, "acknowledge", etag=etag))
    assert not_yet.status_code == 422 and "feedback" in not_yet.json()["fouten"]
    assert InformationRequest.objects.get(public_id=rid).status == RequestStatus.ANSWERED

    # A third organisation's system: 404 on every URL of the story, each a logged denial.
    urls = [(f"{API}/verzoeken/{rid}/{tail}", "post") for tail in (
        "indienen", "acties/take", "acties/decide", "acties/answer", "acties/acknowledge")]
    urls.append((f"{API}/verzoeken/{rid}/concept", "patch"))
    if reads:
        urls.append((f"{API}/verzoeken/{rid}", "get"))
    for url, method in urls:
        denied = as_elders(lambda url=url, method=method: getattr(elders, method)(
            url, {}, format="json", HTTP_IF_MATCH='W/"beantwoord"'))
        assert denied.status_code == 404, (url, denied.status_code)
        assert denied.json()["type"] == "urn:toolkid:probleem:niet-gevonden"
    denials = AuditEvent.objects.filter(outcome=AuditOutcome.DENIED, user=outsider_clinician)
    assert denials.count() == len(urls)
