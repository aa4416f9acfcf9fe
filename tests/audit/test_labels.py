"""The audit page, the CSV, the PDF and the parent's overview speak Dutch: what happened as the
label of its code, what it was about as words ("Informatieverzoek TK-2026-000001", "Organisatie
Mondriaan", "Gebruiker zorg"), never ``request.read`` or ``requests.informationrequest 12``; and
a page of events costs the same number of queries however many objects it names."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import TextChoices
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from audit import catalogue, reports
from audit.audit_codes import AuditLogCode
from audit.events import record
from audit.models import AuditAction, AuditEvent
from audit.objects import describe_objects, object_name
from consent.audit_codes import ConsentAuditCode
from demo.audit_codes import DemoAuditCode
from requests.core.access import request_get_for
from requests.core.audit_codes import RequestAuditCode
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.models import Organisation, Role, User

pytestmark = pytest.mark.django_db

CATALOGUES = (AuditLogCode, ConsentAuditCode, DemoAuditCode, RequestAuditCode, ToolkidAuditCode)
#: "requests.informationrequest 12", "toolkid.organisation 3": a model label and a key.
RAW_OBJECT = re.compile(r"\b[a-z_]+\.[a-z_]+ \d+\b")
#: Words of a model's English default name that must not reach a Dutch page.
ENGLISH = ("request", "event", "advice", "historical", "permission", "device", "object")


@pytest.fixture
def functional_admin(make_user):
    return make_user(username="fb.platform", is_functional_admin=True)


@pytest.fixture
def day_of_work(filed_request, clinician, mondriaan):
    """A filed request (drafts, consent, submission at the Wijkteam) that a clinician of
    Mondriaan opens: events about requests, parents, consent, organisations and users."""
    request = filed_request()
    actor = Actor(user=clinician, organisation=mondriaan, roles=frozenset({Role.ZORGVERLENER}))
    request_get_for(actor=actor, pk_or_public_id=request.pk, purpose="detail")
    return request


def registered_codes() -> list[str]:
    return list(catalogue.codes())


def assert_no_raw_codes(text: str) -> None:
    found = [code for code in registered_codes() if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text)]
    assert found == []
    assert RAW_OBJECT.findall(text) == []


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- every code has a Dutch label ------------------------------------------------------


def _auto_label(member) -> str:
    """What Django makes of a member declared without a label."""
    return member.name.replace("_", " ").title()


def unlabelled(catalogues) -> list[str]:
    with translation.override("nl"):
        return [
            member.value
            for catalogue_class in catalogues
            for member in catalogue_class
            if not str(member.label).strip() or str(member.label) in (member.value, _auto_label(member))
        ]


def test_every_code_in_the_catalogues_has_a_dutch_label_of_its_own():
    assert unlabelled(CATALOGUES) == []
    # Every registered code (also those of apps added later) reads as more than its code.
    with translation.override("nl"):
        assert [code for code, label in catalogue.codes().items() if label == code or not label] == []


def test_a_code_declared_without_a_label_is_caught():
    class Forgotten(TextChoices):
        SOMETHING_HAPPENED = "test.something_happened"

    assert unlabelled([Forgotten]) == ["test.something_happened"]


def test_the_parent_search_has_its_own_label():
    assert catalogue.label("audit.parent_searched") == "Ouder opgezocht voor het inzageoverzicht"


def test_every_code_written_in_a_day_of_work_has_a_label(day_of_work):
    written = set(AuditEvent.objects.values_list("event", flat=True))
    assert written
    assert [code for code in written if not catalogue.is_registered(code)] == []


# --- objects in words --------------------------------------------------------------------


def test_objects_read_as_their_kind_and_what_the_user_knows_them_by(day_of_work, mondriaan, clinician):
    described = describe_objects(
        [
            ("requests.informationrequest", str(day_of_work.pk)),
            ("toolkid.organisation", str(mondriaan.pk)),
            ("toolkid.user", str(clinician.pk)),
            ("requests.child", str(day_of_work.children.first().pk)),
            ("requests.parent", str(day_of_work.parent_id)),
            ("requests.informationrequest", "987654"),
            ("gone.model", "3"),
        ]
    )
    ref = day_of_work.reference
    assert described[("requests.informationrequest", str(day_of_work.pk))].text == f"Informatieverzoek {ref}"
    assert described[("requests.informationrequest", str(day_of_work.pk))].reference == ref
    assert described[("toolkid.organisation", str(mondriaan.pk))].text == "Organisatie Mondriaan"
    assert described[("toolkid.user", str(clinician.pk))].text == "Gebruiker zorg"
    child = described[("requests.child", str(day_of_work.children.first().pk))]
    assert (child.text, child.reference) == (f"Kind bij informatieverzoek {ref}", ref)
    # A parent by kind only: no name in the log.
    assert described[("requests.parent", str(day_of_work.parent_id))].text == "Ouder"
    assert (
        described[("requests.informationrequest", "987654")].text
        == "Informatieverzoek (verwijderd, nummer 987654)"
    )
    assert described[("gone.model", "3")].text == "Object"


def test_every_kind_of_object_of_the_project_has_a_dutch_name():
    ours = ("toolkid", "audit", "consent", "requests", "otp_totp", "otp_static")
    english = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in ours or label.split(".")[1].startswith("historical"):
            continue
        if label.endswith(("objectpermission", "rolegroup")):
            continue  # never the object of an event
        name = object_name(label).lower()
        if any(word in name for word in ENGLISH):
            english.append(f"{label}: {name}")
    assert english == []


# --- the page, the CSV, the PDF -------------------------------------------------------------


def test_the_audit_page_shows_labels_and_objects_in_words(verified_client, functional_admin, day_of_work):
    response = verified_client(functional_admin).get(reverse("audit:log"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Informatieverzoek ingezien" in content
    assert f"Informatieverzoek {day_of_work.reference}" in content
    assert "Organisatie Mondriaan" in content
    assert_no_raw_codes(content)


def test_the_csv_has_label_code_object_and_request_reference(verified_client, functional_admin, day_of_work):
    response = verified_client(functional_admin).get(reverse("audit:export_csv"))
    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    read = next(row for row in rows if row["Code"] == "request.read")
    assert read["Gebeurtenis"] == "Informatieverzoek ingezien"
    assert read["Object"] == f"Informatieverzoek {day_of_work.reference}"
    assert read["Verzoek"] == day_of_work.reference
    # The code has its own column (for scripts); everywhere else, words.
    for row in rows:
        assert catalogue.is_registered(row["Code"])
        rest = ";".join(value for key, value in row.items() if key not in ("Code", "Gegevens"))
        assert_no_raw_codes(rest)


def test_the_pdf_shows_labels_and_objects_in_words(verified_client, functional_admin, day_of_work):
    response = verified_client(functional_admin).get(reverse("audit:export_pdf"))
    text = " ".join(pdf_text(response.content).split())
    assert "Informatieverzoek ingezien" in text
    assert f"Informatieverzoek {day_of_work.reference}" in text
    assert_no_raw_codes(text)


def test_the_parents_overview_names_the_request_of_each_access(
    verified_client, functional_admin, day_of_work
):
    response = verified_client(functional_admin).get(
        reverse("audit:parent_access"), {"ouder": day_of_work.parent.audit_ref}
    )
    content = response.content.decode()
    assert "Informatieverzoek ingezien" in content and day_of_work.reference in content
    assert_no_raw_codes(content)
    pdf = verified_client(functional_admin).get(
        reverse("audit:parent_access_pdf"), {"ouder": day_of_work.parent.audit_ref}
    )
    text = " ".join(pdf_text(pdf.content).split())
    assert day_of_work.reference in text
    assert_no_raw_codes(text)


# --- a fixed number of queries ---------------------------------------------------------------


def _events_about_many_objects(actor: Actor, n: int, start: int = 0) -> None:
    """``n`` rounds of events, each naming a new organisation and a new user."""
    for i in range(start, start + n):
        org = Organisation.objects.create(
            name=f"Praktijk {i}", kind="volwassenenzorg", municipality="Heerlen"
        )
        user = User.objects.create_user(username=f"lid{i}")
        record(actor=actor, event=AuditLogCode.SEARCHED, action=AuditAction.SEARCH, obj=org)
        record(actor=actor, event=AuditLogCode.SEARCHED, action=AuditAction.SEARCH, obj=user)
        record(
            actor=actor,
            event=AuditLogCode.SEARCHED,
            action=AuditAction.SEARCH,
            object_type="requests.informationrequest",
            object_id=str(1000 + i),
        )


def _queries_of_rows(limit: int) -> int:
    values = AuditEvent.objects.order_by("-seq").values_list(*reports.ROW_FIELDS)[:limit]
    with CaptureQueriesContext(connection) as queries:
        rows = reports.to_rows(values)
    assert len(rows) == limit
    return len(queries)


def test_describing_a_page_costs_the_same_queries_for_3_or_30_events(functional_admin):
    actor = Actor(user=functional_admin, organisation=None, roles=frozenset())
    _events_about_many_objects(actor, 12)
    few, many = _queries_of_rows(3), _queries_of_rows(30)
    # The events, then one query per kind of object (organisation, user, request).
    assert few == many <= 4


def test_the_audit_page_costs_the_same_queries_for_few_and_many_events(verified_client, functional_admin):
    actor = Actor(user=functional_admin, organisation=None, roles=frozenset())
    client = verified_client(functional_admin)
    _events_about_many_objects(actor, 1)
    client.get(reverse("audit:log"))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:log"))
    _events_about_many_objects(actor, 15, start=1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:log"))
    assert len(many) == len(few)
