"""load_demo and demo_code: idempotent demo data with known second factors, never in production;
and demo information requests in every state and on every path, made through the services."""

from __future__ import annotations

import hashlib
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from consent.models import ConsentDeclaration
from consent.validation import PDF, validate_document
from demo import accounts
from demo.content import ALL_CONFIRMED
from demo.followup_cases import FOLLOWUP_REQUEST_SLUGS
from demo.request_cases import CASES
from requests.core import access
from requests.core.bsn import is_valid_bsn
from requests.core.workflow import OPEN_FOR_PROVIDER, RequestStatus
from requests.handling import answer as answer_services
from requests.handling import services as handling_services
from requests.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
    LegalAdviceStatus,
    LegalFramework,
    Parent,
    ParentConsultationOutcome,
    RequestEvent,
)
from tests.audit.helpers import raw_sql
from tests.conftest import verify_client
from toolkid.actors import Actor
from toolkid.errors import IllegalMove
from toolkid.models import (
    ClosureDay,
    DecreeDay,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from toolkid.workdays import DEFAULT_DECREE_DAYS

pytestmark = pytest.mark.django_db

PRODUCTION = {"DEBUG": False, "SETTINGS_MODULE": "toolkid.settings.production"}
CODE_AT_END = re.compile(r"\s\d{6}$")
S = RequestStatus


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    """The demo's consent declarations (PDFs) go to a folder of this test."""
    settings.DOCUMENTS_DIR = tmp_path / "documents"


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_code(username: str, *args: str) -> str:
    out = StringIO()
    call_command("demo_code", username, *args, stdout=out)
    return out.getvalue().strip()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "totp_devices": TOTPDevice.objects.count(),
        "static_devices": StaticDevice.objects.count(),
        "static_tokens": StaticToken.objects.count(),
        "closure_days": ClosureDay.objects.count(),
        "decree_days": DecreeDay.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "requests": InformationRequest.objects.count(),
        "request_events": RequestEvent.objects.count(),
        "parents": Parent.objects.count(),
        "consents": ConsentDeclaration.objects.count(),
        "legal_advice": LegalAdvice.objects.count(),
    }


def without_codes(output: str) -> list[str]:
    """The output minus the current-code column, which moves with the clock."""
    return [CODE_AT_END.sub("", line) for line in output.splitlines()]


def test_load_demo_twice_creates_nothing_new_and_prints_the_same():
    first_output = load_demo()
    first = counts()
    second_output = load_demo()
    assert counts() == first
    assert without_codes(second_output) == without_codes(first_output)
    assert first["organisations"] == len(accounts.ORGANISATIONS) == 17
    assert first["users"] == len(accounts.USERS)
    assert first["totp_devices"] == first["static_devices"] == len(accounts.USERS)
    # Plus the follow-up cases after the answer (demo.followup_cases).
    assert first["requests"] == len(CASES) + len(FOLLOWUP_REQUEST_SLUGS)


def test_demo_covers_every_role_the_seven_wijkteams_and_a_two_organisation_user():
    load_demo()
    assert set(Membership.objects.filter(is_active=True).values_list("role", flat=True)) == set(
        Role.values
    )
    wijkteams = Organisation.objects.filter(kind=OrganisationKind.WIJKTEAM)
    assert sorted(wijkteams.values_list("municipality", flat=True)) == sorted(
        ["Heerlen", "Kerkrade", "Landgraaf", "Brunssum", "Simpelveld", "Voerendaal", "Beekdaelen"]
    )
    assert all(org.name == f"Wijkteam {org.municipality}" for org in wijkteams)
    # Several roles live in several organisations, not all in one.
    assert Membership.objects.values("organisation").distinct().count() >= 8
    assert Organisation.objects.get(name="Mondriaan").kind == OrganisationKind.VOLWASSENENZORG
    assert Organisation.objects.get(name="Mondriaan Jeugd").kind == OrganisationKind.JEUGD_GGZ
    assert (
        Organisation.objects.get(name="Raad voor de Kinderbescherming Limburg").kind
        == OrganisationKind.RVDK
    )
    assert Organisation.objects.filter(kind=OrganisationKind.GI).count() == 3

    flex = User.objects.get(username="flex.parkstad")
    assert set(
        flex.memberships.filter(is_active=True).values_list("organisation__name", flat=True)
    ) == {"Wijkteam Landgraaf", "Wijkteam Brunssum"}
    assert User.objects.get(username="functioneel.beheer").is_functional_admin
    assert User.objects.filter(is_functional_admin=True).count() == 1


def test_demo_users_have_the_demo_password_and_known_confirmed_second_factors():
    load_demo()
    user = User.objects.get(username="zorg.mondriaan")
    assert user.check_password(accounts.DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == hashlib.sha1(b"toolkid-demo:zorg.mondriaan").hexdigest()
    static = StaticDevice.objects.get(user=user)
    assert static.confirmed
    assert sorted(static.token_set.values_list("token", flat=True)) == sorted(
        accounts.demo_backup_codes("zorg.mondriaan")
    )
    assert demo_code("zorg.mondriaan", "--reservecodes").split() == accounts.demo_backup_codes(
        "zorg.mondriaan"
    )


def test_a_second_run_keeps_a_changed_password_and_an_ended_membership():
    load_demo()
    user = User.objects.get(username="jeugd.heerlen")
    user.set_password("een-eigen-wachtwoord-123")
    user.save()
    Membership.objects.filter(user=user).update(is_active=False)
    load_demo()
    user.refresh_from_db()
    assert user.check_password("een-eigen-wachtwoord-123")
    assert not Membership.objects.filter(user=user, is_active=True).exists()


def test_the_calendar_is_seeded():
    load_demo()
    mondriaan = Organisation.objects.get(name="Mondriaan")
    assert ClosureDay.objects.filter(organisation=mondriaan).count() == len(accounts.CLOSURE_DAYS)
    assert set(DEFAULT_DECREE_DAYS) <= set(DecreeDay.objects.values_list("date", flat=True))


def test_the_printed_codes_verify_against_the_users_device():
    output = load_demo()
    line = next(line for line in output.splitlines() if line.startswith("zorg2.mondriaan "))
    secret, code = line.split()[-2:]
    device = TOTPDevice.objects.get(user__username="zorg2.mondriaan")
    assert secret == accounts.base32_secret(device.bin_key)
    assert "zorgverlener@Mondriaan" in line
    assert device.verify_token(code)

    other = TOTPDevice.objects.get(user__username="jurist.mondriaan")
    printed = demo_code("jurist.mondriaan")
    assert re.fullmatch(r"\d{6}", printed)
    assert other.verify_token(printed)


def test_demo_code_for_an_unknown_user_is_an_error():
    load_demo()
    with pytest.raises(CommandError):
        demo_code("niemand")


def test_the_password_and_the_table_are_printed():
    output = load_demo()
    assert accounts.DEMO_PASSWORD in output
    assert "TOTP-geheim" in output
    for spec in accounts.USERS:
        assert re.search(rf"^{re.escape(spec.username)}\s", output, re.MULTILINE)


@override_settings(**PRODUCTION)
def test_load_demo_refuses_under_production_settings():
    with pytest.raises(CommandError, match="productie"):
        load_demo()
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0


def test_demo_code_refuses_under_production_settings():
    load_demo()
    with override_settings(**PRODUCTION), pytest.raises(CommandError, match="productie"):
        demo_code("zorg.mondriaan")


# --- demo information requests ----------------------------------------------------------------


def demo_request(slug: str) -> InformationRequest:
    case = next(c for c in CASES if c.slug == slug)
    return InformationRequest.objects.get(submit_token=case.key)


def actor(username: str, organisation: str | None = None) -> Actor:
    user = User.objects.get(username=username)
    memberships = user.memberships.filter(is_active=True).select_related("organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation__name=organisation)
    org = memberships.first().organisation
    return Actor(user=user, organisation=org, roles=frozenset(m.role for m in memberships))


def test_demo_requests_cover_every_state_and_every_path():
    load_demo()
    requests = InformationRequest.objects.all()
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    sent = requests.exclude(status=S.DRAFT)
    assert set(sent.values_list("consent_path", flat=True)) == set(ConsentPath.values)

    # Path B: the parent agrees (R31a), disagrees and it is provided anyway (R31b), or not (R31c).
    b = requests.filter(consent_path=ConsentPath.B)
    agrees = ParentConsultationOutcome.AGREES
    disagrees = ParentConsultationOutcome.DISAGREES
    assert b.filter(parent_consultation_outcome=agrees, decision=Decision.PROVIDE).exists()
    assert b.filter(parent_consultation_outcome=disagrees, decision=Decision.PROVIDE).exists()
    assert b.filter(parent_consultation_outcome=disagrees, decision=Decision.NOT_PROVIDE).exists()
    # Path C provided and refused.
    c = requests.filter(consent_path=ConsentPath.C)
    assert c.filter(decision=Decision.PROVIDE, status=S.ANSWERED).exists()
    assert c.filter(decision=Decision.NOT_PROVIDE, status=S.REFUSED).exists()

    # OTS (R4): the gezinsvoogd of Bureau Jeugdzorg Limburg, answered.
    ots = demo_request("ots")
    assert ots.legal_framework == LegalFramework.OTS and ots.has_ots
    assert ots.requesting_organisation.name == "Bureau Jeugdzorg Limburg"
    assert ots.requester.username == "gezinsvoogd.bjz"
    assert ots.status == S.ANSWERED

    assert demo_request("bezwaar").legal_advice.filter(
        origin=LegalAdviceOrigin.CONTESTED_REFUSAL, status=LegalAdviceStatus.OPEN
    ).exists()
    returned = demo_request("teruggestuurd")
    assert returned.status == S.RETURNED and returned.reformulation_suggestion


def test_demo_requests_are_made_through_the_services_by_the_demo_users():
    load_demo()
    demo_usernames = {spec.username for spec in accounts.USERS}
    for req in InformationRequest.objects.exclude(status=S.DRAFT):
        submitted = AuditEvent.objects.get(
            event="request.submitted", object_type="requests.informationrequest", object_id=str(req.pk)
        )
        assert submitted.username == req.requester.username in demo_usernames
        assert RequestEvent.objects.filter(request=req, kind="submitted").count() == 1
        assert req.due_date and req.due_explanation
    # Every move was a person's, not the system's, except the one documented demo backdating.
    system = AuditEvent.objects.filter(object_type="requests.informationrequest", username="")
    assert set(system.values_list("event", flat=True)) == {"demo.request_backdated"}


def test_a_second_run_keeps_demo_requests_as_someone_left_them():
    load_demo()
    submitted = demo_request("ingediend")
    handling_services.request_take(actor=actor("zorg.mondriaan"), request=submitted)
    before = InformationRequest.objects.count()
    load_demo()
    assert InformationRequest.objects.count() == before
    assert demo_request("ingediend").status == S.IN_PROGRESS


def test_the_audit_chain_verifies_after_load_demo():
    load_demo()
    load_demo()
    out = StringIO()
    call_command("audit_verify", stdout=out)  # exits 1 (SystemExit) when the chain is broken
    assert "intact" in out.getvalue()
    # Issue 15: every line the demo wrote has its purpose, legal ground and sensitivity, and a
    # line about a parent is never "niet van toepassing".
    assert not AuditEvent.objects.filter(Q(purpose="") | Q(ground="") | Q(sensitivity="")).exists()
    assert not AuditEvent.objects.exclude(parent_ref="").filter(outcome="allowed", ground="nvt").exists()
    paths = set(AuditEvent.objects.filter(event="request.submitted").values_list("ground", flat=True))
    assert paths == {"toestemming", "toestemming_geweigerd", "ernstig_gevaar"}


def test_audit_verify_names_the_demo_event_altered_in_the_database():
    # L5 (the log is changed by no one): audit_verify fails on load_demo data after one event is altered
    # directly in the database, naming the row (on PostgreSQL past the switched-off trigger).
    load_demo()
    submitted = list(AuditEvent.objects.filter(event="request.submitted").order_by("seq"))
    target = submitted[len(submitted) // 2]
    assert AuditEvent.objects.filter(seq__gt=target.seq).exists()  # in the middle, not the head
    raw_sql(
        "UPDATE audit_auditevent SET payload = %s WHERE seq = %s",
        [json.dumps({**target.payload, "reference": "VERVALST"}), target.seq],
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("audit_verify", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert f"Auditketen verbroken bij gebeurtenis seq={target.seq} (id={target.pk})" in err.getvalue()
    assert "intact" not in out.getvalue()


def test_an_overdue_request_stands_out_in_the_inbox():
    load_demo()
    today = timezone.localdate()
    overdue = InformationRequest.objects.filter(status__in=OPEN_FOR_PROVIDER, due_date__lt=today)
    assert overdue.exists()
    late = demo_request("te-laat")
    assert late in overdue
    # The explanation is recomputed for the earlier day, in Mondriaan's calendar.
    assert late.due_explanation["start"] == timezone.localtime(late.submitted_at).date().isoformat()
    assert late.due_explanation["due"] == late.due_date.isoformat()
    assert late.phone_contact_date < timezone.localtime(late.submitted_at).date()
    assert AuditEvent.objects.filter(event="demo.request_backdated", object_id=str(late.pk)).count() == 1

    client = verify_client(Client(), User.objects.get(username="zorg.mondriaan"))
    html = client.get(reverse("requests:inbox")).content.decode()
    row = r'<tr class="[^"]*\brow--overdue\b[^"]*">(?:(?!</tr>).)*?' + late.reference
    overdue_row = re.search(row, html, re.S)
    assert overdue_row, "the overdue request's row is not marked overdue"


def test_the_revoked_consent_blocks_the_answer():
    load_demo()
    req = demo_request("toestemming-ingetrokken")
    assert req.status == S.ANSWERING and req.consent_path == ConsentPath.A
    assert req.consent_declaration.is_revoked
    # The clinician is not offered the answer, and a send is refused with the reason (R29).
    with pytest.raises(IllegalMove) as caught:
        answer_services.request_send_answer(
            actor=actor("zorg.mondriaan"), request=req, confirmations=ALL_CONFIRMED
        )
    assert "de ouder heeft de toestemming ingetrokken" in str(caught.value)


def test_the_pending_refusal_had_internal_consultation_and_legal_advice_and_stays_hidden():
    load_demo()
    req = demo_request("pad-b-weigering")
    assert req.status == S.REFUSAL_PENDING and req.decision == Decision.NOT_PROVIDE
    assert req.internal_consultation_date and req.internal_consultation_conclusion
    advice = req.legal_advice.get()
    assert advice.status == LegalAdviceStatus.GIVEN and advice.advisor.username == "jurist.mondriaan"
    # R11: the requester (flex.parkstad, for Wijkteam Landgraaf) sees "in behandeling".
    requester = actor("flex.parkstad", "Wijkteam Landgraaf")
    assert access.status_for(requester, req) == S.IN_PROGRESS


def test_the_refused_request_shows_the_veilig_thuis_sentence_to_the_requester():
    load_demo()
    req = demo_request("pad-b-geweigerd")
    assert req.status == S.REFUSED and req.refusal_confirmed_by.username == "teamleider.mondriaan"
    client = verify_client(Client(), User.objects.get(username="jeugd.xonar"))
    html = client.get(reverse("requests:detail", kwargs={"public_id": req.public_id})).content.decode()
    assert "Dan kan Veilig Thuis worden ingeschakeld." in html


def test_path_a_consent_declarations_carry_a_real_pdf():
    pypdf = pytest.importorskip("pypdf")
    load_demo()
    declarations = ConsentDeclaration.objects.filter(requests__consent_path=ConsentPath.A).distinct()
    assert declarations.count() >= 6
    for declaration in declarations:
        assert declaration.document_content_type == PDF
        with declaration.document.open("rb") as handle:
            data = handle.read()
        assert validate_document(io.BytesIO(data)) == PDF
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        assert "DEMO" in text and declaration.parent.name in text


def test_demo_people_are_invented_and_bsns_are_documented_test_numbers():
    load_demo()
    bsns = set(Parent.objects.exclude(bsn="").values_list("bsn", flat=True))
    assert bsns <= {"111222333", "123456782"} and bsns
    assert all(is_valid_bsn(bsn) for bsn in bsns)
    # Every parent belongs to the organisation that filed about them.
    for req in InformationRequest.objects.select_related("parent"):
        assert req.parent.organisation_id == req.requesting_organisation_id


def test_the_demo_request_table_is_printed():
    output = load_demo()
    assert "Demo-informatieverzoeken" in output
    for case in CASES:
        req = InformationRequest.objects.get(submit_token=case.key)
        line = next(line for line in output.splitlines() if case.note in line)
        assert (req.reference or "(concept)") in line
        assert str(RequestStatus(req.status).label) in line
        assert case.login in line
