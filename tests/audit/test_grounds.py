"""The legal ground and the object sensitivity on every audit line (NEN 7513 consent profile and
object sensitivity; issue 15): every code has a sensitivity, an event about a parent cannot be
written without a ground, old events read "onbekend (vóór registratie)" and still verify, and a
changed ground on a new event is named by audit_verify."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit import catalogue
from audit.chain import verify_chain
from audit.events import record
from audit.grounds import Ground, GroundValue, Sensitivity, ground_label
from audit.models import AuditAction, AuditEvent
from audit.reports import report_rows
from audit.selectors import filter_events
from toolkid.models import Role

from .helpers import raw_sql
from .test_purposes import append_old_event, new_read, run_verify

pytestmark = pytest.mark.django_db


def test_every_registered_code_has_a_sensitivity():
    missing = [code for code in catalogue.codes() if not catalogue.sensitivity_for(code)]
    assert missing == []


def test_an_event_about_a_parent_needs_a_ground(actor):
    with pytest.raises(ValueError, match="no legal ground"):
        record(actor=actor, event="request.read", action=AuditAction.READ, parent_ref="ouder:42")
    assert not AuditEvent.objects.filter(event="request.read").exists()
    # Given, it is stored as given.
    event = record(
        actor=actor, event="request.read", action=AuditAction.READ, parent_ref="ouder:42",
        ground=GroundValue(Ground.CONSENT, "ots", "verklaring:7"),
    )
    assert (event.ground, event.ground_framework, event.ground_ref) == ("toestemming", "ots", "verklaring:7")


def test_an_event_about_no_parent_is_marked_not_applicable(actor):
    event = record(actor=actor, event="members.view", action=AuditAction.READ)
    assert (event.ground, event.sensitivity) == (Ground.NOT_APPLICABLE, Sensitivity.METADATA)
    assert ground_label(event.ground) == "Niet van toepassing"


def test_onbekend_is_only_for_old_events(actor):
    with pytest.raises(ValueError, match="not a ground"):
        record(actor=actor, event="members.view", action=AuditAction.READ, ground=Ground.UNKNOWN)


def test_the_ground_reads_in_words():
    assert ground_label("toestemming", "ots", "verklaring:12") == (
        "Toestemming van de ouder (verklaring 12); kader: Ondertoezichtstelling: GI als gezinsvoogd "
        "(Jeugdwet art. 7.3.11 lid 4)"
    )
    assert ground_label("toestemming_geweigerd", "vrijwillig", "uitkomst:niet_akkoord") == (
        "Toestemming gevraagd en geweigerd (ouder niet akkoord met verstrekken); kader: Vrijwillig "
        "kader (op basis van toestemming)"
    )
    assert ground_label("") == "onbekend (vóór registratie)"


def test_an_old_event_still_verifies_and_reads_onbekend(actor):
    # The old chain comes first; new events are numbered after it.
    old_seq = append_old_event(actor)
    newer = new_read(actor, 1).seq
    new_read(actor, 2)
    assert verify_chain().ok
    rows = {row.seq: row for row in report_rows(AuditEvent.objects.all())}
    assert rows[old_seq].ground == "onbekend (vóór registratie)"
    assert rows[old_seq].sensitivity == "onbekend (vóór registratie)"
    assert rows[newer].ground == "Niet van toepassing"
    found = filter_events(AuditEvent.objects.all(), ground=Ground.UNKNOWN)
    assert list(found.values_list("seq", flat=True)) == [old_seq]
    found = filter_events(AuditEvent.objects.all(), sensitivity=Sensitivity.UNKNOWN)
    assert list(found.values_list("seq", flat=True)) == [old_seq]


@pytest.mark.parametrize(
    ("column", "value"),
    [("ground", "toestemming"), ("ground_framework", "ots"), ("ground_ref", "verklaring:1"),
     ("sensitivity", "metadata"), ("ground", "")],
)
def test_a_changed_ground_or_sensitivity_is_named_by_audit_verify(actor, column, value):
    events = [new_read(actor, n) for n in range(1, 4)]
    target = events[1]
    raw_sql(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, target.seq])  # noqa: S608
    code, err = run_verify()
    assert code == 1
    assert f"seq={target.seq}" in err and "gewijzigd" in err


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_a_read_of_a_request_page_has_purpose_and_ground_in_the_csv(
    filed_request, clinician, mondriaan, make_user, verified_client
):
    request = filed_request("A", framework="ots")
    detail = reverse("requests:detail", kwargs={"public_id": request.public_id})
    assert verified_client(clinician).get(detail).status_code == 200
    beheerder = make_user((mondriaan, Role.BEHEERDER))
    rows = csv_rows(verified_client(beheerder).get(reverse("audit:export_csv")))
    reads = [row for row in rows if row["Code"] == "request.read"]
    assert reads, "the clinician's read is in Mondriaan's log"
    assert reads[-1]["Doel"] == "Behandelen informatieverzoek"
    assert reads[-1]["Grondslag"] == (
        f"Toestemming van de ouder (verklaring {request.consent_declaration_id}); kader: "
        "Ondertoezichtstelling: GI als gezinsvoogd (Jeugdwet art. 7.3.11 lid 4)"
    )
    assert reads[-1]["Gevoeligheid"] == "Gezondheidsgegevens"


def test_the_audit_page_filters_by_ground_framework_and_sensitivity(
    filed_request, clinician, mondriaan, make_user, verified_client
):
    consented = filed_request("A")
    danger = filed_request("C", framework="veilig_thuis")
    for request in (consented, danger):
        verified_client(clinician).get(reverse("requests:detail", kwargs={"public_id": request.public_id}))
    beheerder = make_user((mondriaan, Role.BEHEERDER))
    client = verified_client(beheerder)

    html = client.get(reverse("audit:log"), {"grondslag": Ground.SERIOUS_DANGER}).content.decode()
    assert "Alle grondslagen" in html
    assert danger.reference in html and consented.reference not in html
    html = client.get(reverse("audit:log"), {"grondslag": "kader:veilig_thuis"}).content.decode()
    assert danger.reference in html and consented.reference not in html
    html = client.get(reverse("audit:log"), {"gevoeligheid": Sensitivity.METADATA}).content.decode()
    assert "Informatieverzoek ingezien" not in html
    html = client.get(reverse("audit:log"), {"gevoeligheid": Sensitivity.HEALTH}).content.decode()
    assert "Informatieverzoek ingezien" in html
    ground = 'data-label="Grondslag" class="utrecht-table__cell">'
    assert ground + "Niet om toestemming gevraagd vanwege ernstig gevaar" in html


def test_a_refused_read_does_not_reveal_the_ground_of_another_organisations_request(
    filed_request, outsider_clinician, verified_client
):
    request = filed_request("C", framework="veilig_thuis")
    detail = reverse("requests:detail", kwargs={"public_id": request.public_id})
    assert verified_client(outsider_clinician).get(detail).status_code == 404
    refused = AuditEvent.objects.filter(outcome="denied", user=outsider_clinician).get()
    # Logged (NEN 7513), but without the path or framework of a case that is not theirs.
    assert (refused.ground, refused.ground_framework, refused.ground_ref) == (Ground.NOT_APPLICABLE, "", "")
