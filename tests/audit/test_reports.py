"""The Audit page, its CSV and PDF downloads and the parent's access report (UI.md,
Administrator: Audit; NEN 7513 reporting, DOMAIN.md L5; R41)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
import uuid

import pytest
from django.conf import settings
from django.db.models import Count
from django.db.models.sql import compiler
from django.http import StreamingHttpResponse
from django.urls import reverse
from pypdf import PdfReader

from audit import reports
from audit.events import record, record_denied
from audit.models import AuditAction, AuditEvent, AuditSeal
from audit.sealing import seal_pending
from audit.selectors import audit_events_for, normalise_parent_ref, parent_access_report
from toolkid.actors import Actor
from toolkid.models import OrganisationKind, Role

from .helpers import A_GROUND, insert_events

pytestmark = pytest.mark.django_db

PARENT_A = f"ouder:{uuid.UUID(int=0xA)}"
PARENT_B = f"ouder:{uuid.UUID(int=0xB)}"

#: The streaming test: this many events through the CSV view; tracemalloc's peak after the
#: first MEMORY_CHECKPOINT rows and after all of them may differ by at most MEMORY_MARGIN.
#: The checkpoint lies just past the first database chunk (reports.CHUNK_SIZE rows): while
#: the next chunk is fetched the previous one is still referenced, so from there on the peak
#: is two chunks (about 2 MiB of rows here), whatever the total.
STREAMED_EVENTS = 20_000
MEMORY_CHECKPOINT = reports.CHUNK_SIZE + 1
MEMORY_MARGIN = 1024 * 1024


# --- people and events -------------------------------------------------------------------


@pytest.fixture
def other_org(make_organisation):
    return make_organisation("Koraal", OrganisationKind.JEUGDHULP, "Kerkrade")


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user((mondriaan, Role.BEHEERDER), username="beheer.mondriaan")


@pytest.fixture
def functional_admin(make_user):
    return make_user(username="fb.platform", is_functional_admin=True)


@pytest.fixture
def colleague(make_user, other_org):
    return make_user((other_org, Role.JEUGDHULPVERLENER), username="jeugd.koraal")


def actor_of(user, organisation, *roles, ip="192.0.2.10") -> Actor:
    return Actor(user=user, organisation=organisation, roles=frozenset(roles), ip_address=ip)


@pytest.fixture
def clinician_actor(clinician, mondriaan):
    return actor_of(clinician, mondriaan, Role.ZORGVERLENER)


@pytest.fixture
def colleague_actor(colleague, other_org):
    return actor_of(colleague, other_org, Role.JEUGDHULPVERLENER, ip="198.51.100.7")


@pytest.fixture
def events(clinician_actor, colleague_actor):
    """Accesses at Mondriaan and at Koraal, about parents A and B."""
    made = [
        record(
            actor=clinician_actor,
            event="request.read",
            action=AuditAction.READ,
            object_type="requests.informationrequest",
            object_id="11",
            parent_ref=PARENT_A,
            ground=A_GROUND,
        ),
        record(
            actor=colleague_actor,
            event="test.request_created",
            action=AuditAction.CREATE,
            object_type="requests.informationrequest",
            object_id="11",
            parent_ref=PARENT_A,
            ground=A_GROUND,
        ),
        record(
            actor=clinician_actor,
            event="test.request_answered",
            action=AuditAction.TRANSFER,
            object_type="requests.informationrequest",
            object_id="11",
            parent_ref=PARENT_A,
            ground=A_GROUND,
        ),
        record(
            actor=clinician_actor,
            event="parent.read",
            action=AuditAction.READ,
            object_type="requests.parent",
            object_id="12",
            parent_ref=PARENT_B,
            ground=A_GROUND,
        ),
        record(
            actor=colleague_actor,
            event="test.consent_elsewhere_read",
            action=AuditAction.READ,
            object_type="consent.consentdeclaration",
            object_id="13",
            parent_ref=PARENT_B,
            ground=A_GROUND,
        ),
        record_denied(
            actor=clinician_actor,
            event="request.read",
            action=AuditAction.READ,
            object_type="requests.informationrequest",
            object_id="99",
            parent_ref=PARENT_A,
            ground=A_GROUND,
        ),
    ]
    return made


def last_event(**filters) -> AuditEvent:
    return AuditEvent.objects.filter(**filters).order_by("-seq").first()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "UTF-8 with BOM, for Excel"
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


# --- who may see what --------------------------------------------------------------------


class TestAccess:
    def test_beheerder_sees_only_the_events_of_the_own_organisation(
        self, verified_client, beheerder, events, mondriaan
    ):
        response = verified_client(beheerder).get(reverse("audit:log"))
        assert response.status_code == 200
        content = response.content.decode()
        # Each event in words (its app's catalogue), not its code.
        assert "test.request_answered" not in content and "parent.read" not in content
        assert "Testverzoek beantwoord" in content
        assert "Gegevens van de ouder ingezien" in content
        assert "Informatieverzoek ingezien" in content
        # Koraal's events never appear, not even their codes.
        assert "Testverzoek aangemaakt" not in content
        assert "Testverklaring elders ingezien" not in content
        assert "jeugd.koraal" not in content

    def test_viewing_the_log_is_recorded_as_a_search_with_the_filters_as_ids(
        self, verified_client, beheerder, events, mondriaan, clinician
    ):
        client = verified_client(beheerder)
        client.get(
            reverse("audit:log"),
            {
                "van": "2020-01-01",
                "tot": "2099-12-31",
                "actie": "read",
                "gebruiker": clinician.username,
                "ouder": PARENT_A,
            },
        )
        event = last_event(event="audit.searched")
        assert (event.action, event.outcome, event.username) == ("search", "allowed", beheerder.username)
        assert event.organisation == mondriaan and event.parent_ref == PARENT_A
        assert event.payload == {
            "scope": f"organisation:{mondriaan.pk}",
            "date_from": "2020-01-01",
            "date_to": "2099-12-31",
            "action": "read",
            "user_id": clinician.pk,
            # A keyset page has no number: the events shown, newest first, are named instead.
            "rows": 2,
            "first_seq": events[5].seq,
            "last_seq": events[0].seq,
        }

    def test_functional_admin_sees_all_organisations(self, verified_client, functional_admin, events):
        response = verified_client(functional_admin).get(reverse("audit:log"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Testverzoek aangemaakt" in content and "Testverklaring elders ingezien" in content
        assert "Alle organisaties" in content or "alle organisaties" in content

    @pytest.mark.parametrize(
        ("url_name", "params", "event_code", "action"),
        [
            ("audit:log", {}, "audit.searched", "search"),
            ("audit:export_csv", {}, "audit.csv_exported", "export"),
            ("audit:export_pdf", {}, "audit.pdf_exported", "export"),
            ("audit:parent_access", {"ouder": PARENT_A}, "audit.parent_report_viewed", "search"),
            ("audit:parent_access_pdf", {"ouder": PARENT_A}, "audit.parent_report_exported", "export"),
        ],
    )
    def test_a_zorgverlener_gets_404_and_the_attempt_is_logged(
        self, verified_client, clinician, mondriaan, events, url_name, params, event_code, action
    ):
        response = verified_client(clinician).get(reverse(url_name), params)
        assert response.status_code == 404
        denied = last_event(outcome="denied", event=event_code)
        assert denied is not None
        assert (denied.action, denied.username, denied.organisation) == (
            action,
            clinician.username,
            mondriaan,
        )
        if "ouder" in params:
            assert denied.parent_ref == PARENT_A
        # Nothing allowed was recorded for them.
        assert not AuditEvent.objects.filter(event=event_code, outcome="allowed").exists()

    def test_a_beheerder_without_the_object_permission_gets_404(
        self, verified_client, beheerder, mondriaan, events
    ):
        from guardian.shortcuts import remove_perm

        from toolkid.services import role_group

        remove_perm("toolkid.view_audit", role_group(mondriaan, Role.BEHEERDER), mondriaan)
        assert verified_client(beheerder).get(reverse("audit:log")).status_code == 404

    def test_the_chain_check_needs_the_same_right(self, verified_client, clinician, events):
        response = verified_client(clinician).post(reverse("audit:chain_check"))
        assert response.status_code == 404
        assert last_event(event="audit.chain_verified", outcome="denied") is not None

    def test_the_selector_applies_the_same_rule(self, beheerder, mondriaan, clinician_actor, events):
        beheerder_actor = actor_of(beheerder, mondriaan, Role.BEHEERDER)
        seen = audit_events_for(beheerder_actor, date_from=None, date_to=None)
        assert set(seen.values_list("organisation", flat=True)) == {mondriaan.pk}
        from django.http import Http404

        with pytest.raises(Http404):
            audit_events_for(clinician_actor, date_from=None, date_to=None)

    def test_the_audit_entry_is_in_the_navigation_of_a_beheerder(self, verified_client, beheerder):
        response = verified_client(beheerder).get(reverse("home"))
        assert reverse("audit:log") in response.content.decode()


class TestFilters:
    def test_filters_on_action_user_and_parent(self, beheerder, mondriaan, clinician, events):
        actor = actor_of(beheerder, mondriaan, Role.BEHEERDER)
        reads = audit_events_for(actor, date_from=None, date_to=None, action="read")
        assert set(reads.values_list("event", flat=True)) == {"request.read", "parent.read"}
        by_user = audit_events_for(actor, date_from=None, date_to=None, user=clinician)
        assert set(by_user.values_list("username", flat=True)) == {clinician.username}
        about_a = audit_events_for(actor, date_from=None, date_to=None, parent_ref=PARENT_A)
        assert set(about_a.values_list("parent_ref", flat=True)) == {PARENT_A}

    def test_the_period_is_whole_days_in_local_time(self, beheerder, mondriaan, events):
        import datetime as dt

        from django.utils import timezone

        actor = actor_of(beheerder, mondriaan, Role.BEHEERDER)
        today = timezone.localdate()
        assert audit_events_for(actor, date_from=today, date_to=today).exists()
        yesterday = today - dt.timedelta(days=1)
        assert not audit_events_for(actor, date_from=yesterday, date_to=yesterday).exists()

    def test_an_end_before_the_start_is_explained(self, verified_client, beheerder):
        response = verified_client(beheerder).get(
            reverse("audit:log"), {"van": "2026-05-02", "tot": "2026-05-01"}
        )
        assert "De einddatum ligt vóór de begindatum." in response.content.decode()
        assert not AuditEvent.objects.filter(event="audit.searched").exists()

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            (PARENT_A, PARENT_A),
            (str(uuid.UUID(int=0xA)), PARENT_A),
            (uuid.UUID(int=0xA).hex.upper(), PARENT_A),
            ("  OUDER:" + str(uuid.UUID(int=0xA)) + " ", PARENT_A),
            ("ouder:42", "ouder:42"),
            ("Sanne de Vries", None),
            ("", None),
        ],
    )
    def test_parent_reference_or_public_id(self, typed, expected):
        assert normalise_parent_ref(typed) == expected


# --- CSV ---------------------------------------------------------------------------------


class TestCsv:
    def test_all_rows_of_3000_events_with_a_header(
        self, verified_client, beheerder, mondriaan, clinician_actor
    ):
        for n in range(3000):
            record(
                actor=clinician_actor,
                event="request.read",
                action=AuditAction.READ,
                object_type="requests.informationrequest",
                object_id=str(n),
                parent_ref=PARENT_A,
                ground=A_GROUND,
            )
        response = verified_client(beheerder).get(reverse("audit:export_csv"))
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="auditlog-')
        rows = csv_rows(response)
        assert rows[0] == [
            "Volgnummer",
            "Tijdstip",
            "Gebruiker",
            "Rol",
            "Organisatie",
            "Namens",
            "Actie",
            "Gebeurtenis",
            "Code",
            "Doel",
            "Grondslag",
            "Gevoeligheid",
            "Uitkomst",
            "Object",
            "Verzoek",
            "Ouderreferentie",
            "IP-adres",
            "Bron",
            "Gegevens",
            "Hash",
        ]
        body = rows[1:]
        expected = list(
            AuditEvent.objects.filter(organisation=mondriaan).order_by("seq").values_list("seq", flat=True)
        )
        assert [int(row[0]) for row in body] == expected
        # The 3000 accesses, plus the export itself (logged before the first byte).
        assert len(body) == 3001
        # The code for machines, and what it means for people.
        assert body[-1][7:9] == ["Auditlog gedownload als CSV", "audit.csv_exported"]

    def test_the_content_of_a_row(self, verified_client, beheerder, mondriaan, clinician, events):
        rows = csv_rows(verified_client(beheerder).get(reverse("audit:export_csv")))
        header, first = rows[0], rows[1]
        row = dict(zip(header, first, strict=True))
        event = events[0]
        assert row["Volgnummer"] == str(event.seq)
        assert row["Gebruiker"] == clinician.username
        assert row["Rol"] == "Zorgverlener"
        assert row["Organisatie"] == "Mondriaan"
        assert row["Actie"] == "Inzien"
        assert row["Code"] == "request.read"
        assert row["Gebeurtenis"] == "Informatieverzoek ingezien"
        assert row["Uitkomst"] == "toegestaan"
        # Request 11 does not exist (any more): its kind in words, and the number that is left.
        assert row["Object"] == "Informatieverzoek (verwijderd, nummer 11)"
        assert row["Verzoek"] == ""
        assert row["Ouderreferentie"] == PARENT_A
        assert row["IP-adres"] == "192.0.2.10"
        # Why, in words, and which installation and organisation wrote the line.
        assert row["Doel"] == "Behandelen informatieverzoek"
        assert row["Bron"] == f"{settings.TOOLKID_AUDIT_SOURCE}/{mondriaan.pk}"
        assert row["Hash"] == event.hash
        assert row["Tijdstip"].startswith(event.occurred_at.astimezone().date().isoformat()[:4])
        by_seq = {int(r[0]): dict(zip(header, r, strict=True)) for r in rows[1:]}
        assert by_seq[events[5].seq]["Uitkomst"] == "geweigerd"
        assert by_seq[events[3].seq]["Gebeurtenis"] == "Gegevens van de ouder ingezien"
        assert by_seq[events[3].seq]["Object"] == "Ouder"
        assert by_seq[events[2].seq]["Gebeurtenis"] == "Testverzoek beantwoord"

    def test_a_typed_name_cannot_become_a_spreadsheet_formula(self, verified_client, functional_admin):
        record(
            actor=None,
            event="auth.login_failed",
            action=AuditAction.AUTHENTICATE,
            outcome="denied",
            username='=HYPERLINK("http://x.invalid")',
            ip_address="203.0.113.9",
        )
        rows = csv_rows(verified_client(functional_admin).get(reverse("audit:export_csv")))
        cells = [row[2] for row in rows[1:]]
        assert '\'=HYPERLINK("http://x.invalid")' in cells

    def test_the_download_is_recorded_as_an_export_with_the_filters(
        self, verified_client, beheerder, mondriaan, events
    ):
        response = verified_client(beheerder).get(
            reverse("audit:export_csv"), {"van": "2020-01-01", "tot": "2099-12-31", "actie": "read"}
        )
        list(response.streaming_content)
        event = last_event(event="audit.csv_exported")
        assert (event.action, event.outcome, event.organisation) == ("export", "allowed", mondriaan)
        assert event.payload == {
            "scope": f"organisation:{mondriaan.pk}",
            "date_from": "2020-01-01",
            "date_to": "2099-12-31",
            "action": "read",
        }

    def test_the_view_streams_all_rows_lazily_in_constant_memory(
        self, verified_client, functional_admin, clinician_actor, monkeypatch
    ):
        insert_events(clinician_actor, STREAMED_EVENTS)
        response = verified_client(functional_admin).get(reverse("audit:export_csv"))
        assert isinstance(response, StreamingHttpResponse)
        expected_rows = AuditEvent.objects.count()  # the inserted events, and the export's own
        assert expected_rows > STREAMED_EVENTS

        # Rows handed over by the database cursor, counted where Django reads them: a
        # queryset loaded whole (list(queryset), a result cache) reads all of them before
        # the first line can leave; iterator() reads one chunk at a time.
        fetched = {"rows": 0}
        original_cursor_iter = compiler.cursor_iter

        def counting_cursor_iter(cursor, sentinel, col_count, itersize):
            for rows in original_cursor_iter(cursor, sentinel, col_count, itersize):
                # The event rows only, not the few rows that say what their objects are.
                if rows and len(rows[0]) == len(reports.ROW_FIELDS):
                    fetched["rows"] += len(rows)
                yield rows

        monkeypatch.setattr(compiler, "cursor_iter", counting_cursor_iter)
        lines = -1  # the header
        fetched_at_first_rows = peak_at_checkpoint = None
        tracemalloc.start()
        try:
            for chunk in response.streaming_content:
                lines += chunk.count(b"\r\n")
                if fetched_at_first_rows is None and lines > 0:
                    fetched_at_first_rows = fetched["rows"]
                if peak_at_checkpoint is None and lines >= MEMORY_CHECKPOINT:
                    peak_at_checkpoint = tracemalloc.get_traced_memory()[1]
            peak_at_end = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            response.close()

        assert lines == fetched["rows"] == expected_rows
        # Lazy: the first rows left after one database chunk, not after the whole selection.
        assert 0 < fetched_at_first_rows <= reports.CHUNK_SIZE, fetched_at_first_rows
        # Constant memory: ten times the rows, (about) the same peak.
        growth = peak_at_end - peak_at_checkpoint
        assert growth < MEMORY_MARGIN, (
            f"peak {peak_at_checkpoint / 2**20:.1f} MiB after {MEMORY_CHECKPOINT} rows, "
            f"{peak_at_end / 2**20:.1f} MiB after {lines}"
        )


# --- PDF ---------------------------------------------------------------------------------


class TestPdf:
    def test_the_pdf_of_a_beheerder(self, verified_client, beheerder, mondriaan, events):
        seal_pending(grace_period=dt.timedelta(0))
        seal = AuditSeal.objects.order_by("last_seq").last()
        response = verified_client(beheerder).get(reverse("audit:export_pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="auditlog-')
        text = pdf_text(response.content)
        export = last_event(event="audit.pdf_exported")
        assert "Vertrouwelijk" in text
        assert "Mondriaan" in text
        # The newest seal when the PDF was made (ADR 0006): whoever keeps it can prove later
        # that the log up to there is unchanged.
        assert seal.hash in text
        assert f"volgnummer {seal.last_seq}" in text
        assert export.seq > seal.last_seq
        assert "test.request_answered" not in text and "parent.read" not in text
        # The event in words (the code is in the CSV).
        flat = " ".join(text.split())
        assert "Verstrekken · Testverzoek beantwoord" in flat
        assert "Inzien · Gegevens van de ouder ingezien" in flat
        assert "geweigerd" in text and "192.0.2.10" in text  # the denied read; the IP address
        assert "Testverzoek aangemaakt" not in text  # Koraal's
        assert "Pagina 1 van" in text
        assert (export.action, export.outcome) == ("export", "allowed")
        assert export.payload["document_id"] in text
        assert export.payload["events"] == 4

    def test_every_row_of_the_pdf_names_its_purpose_and_ground(
        self, verified_client, beheerder, mondriaan, events
    ):
        # The rows sit in fewer, wider cells for speed; each still says why and under which
        # ground (NEN 7513 purpose of use; the legal ground and its framework).
        response = verified_client(beheerder).get(reverse("audit:export_pdf"))
        flat = " ".join(pdf_text(response.content).split())
        rows = AuditEvent.objects.filter(organisation=mondriaan).exclude(event="audit.pdf_exported")
        grounded = rows.filter(ground=A_GROUND.ground).count()
        assert grounded >= 2
        label = reports.ground_label(A_GROUND.ground, A_GROUND.framework, A_GROUND.ref)
        assert flat.count(label) == grounded
        for code, n in rows.values_list("purpose").annotate(n=Count("pk")).order_by():
            assert flat.count(str(reports.Purpose(code).label)) >= n

    def test_the_pdf_uses_the_shipped_fonts(self, verified_client, functional_admin, events):
        response = verified_client(functional_admin).get(reverse("audit:export_pdf"))
        reader = PdfReader(io.BytesIO(response.content))
        fonts = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                fonts.add(str(font.get_object()["/BaseFont"]))
        # The @font-face family (the shipped DejaVu files), not a system font.
        assert fonts == {name for name in fonts if name.endswith(("+ToolkidSans", "+ToolkidSans-Bold"))}
        assert fonts, fonts
        assert "Alle organisaties" in pdf_text(response.content)

    def test_a_large_selection_says_that_the_csv_holds_all_rows(
        self, verified_client, beheerder, clinician_actor, monkeypatch
    ):
        monkeypatch.setattr(reports, "PDF_MAX_ROWS", 10)
        for n in range(25):
            record(
                actor=clinician_actor,
                event="request.read",
                action=AuditAction.READ,
                object_id=str(n),
                object_type="requests.informationrequest",
            )
        text = pdf_text(verified_client(beheerder).get(reverse("audit:export_pdf")).content)
        flat = " ".join(text.split())
        assert (
            "Deze selectie bevat 25 gebeurtenissen; de PDF toont de eerste 10. De CSV bevat alle regels."
            in flat
        )

    def test_the_renderer_reads_only_the_shipped_fonts(self, tmp_path):
        fetcher = reports.local_font_fetcher()
        ok = fetcher((reports.FONT_DIR / "DejaVuSans.ttf").as_uri())
        assert ok.read(4) == b"\x00\x01\x00\x00"
        secret = tmp_path / "secret.txt"
        secret.write_text("x")
        for url in (
            "https://example.com/font.ttf",
            "http://127.0.0.1/x",
            secret.as_uri(),
            (reports.FONT_DIR / ".." / ".." / "manage.py").as_uri(),
            "data:text/plain,hi",
            "file://evil.example/static/fonts/DejaVuSans.ttf",
        ):
            with pytest.raises(ValueError, match="refused"):
                fetcher(url)

    def test_margin_texts_are_escaped_for_css(self):
        assert reports.css_string('Leger des Heils "J&R" </style>') == (
            '"Leger des Heils \\22 J\\26 R\\22  \\3c /style\\3e "'
        )


# --- the parent's right of access --------------------------------------------------------


class TestParentAccess:
    def test_functional_admin_gets_every_access_to_one_parent_in_time_order(
        self, functional_admin, events, mondriaan, other_org
    ):
        report = parent_access_report(actor_of(functional_admin, None), PARENT_A)
        rows = list(report.events.values_list("organisation__name", "role", "action", "event", "outcome"))
        assert rows == [
            ("Mondriaan", "zorgverlener", "read", "request.read", "allowed"),
            ("Koraal", "jeugdhulpverlener", "create", "test.request_created", "allowed"),
            ("Mondriaan", "zorgverlener", "transfer", "test.request_answered", "allowed"),
            ("Mondriaan", "zorgverlener", "read", "request.read", "denied"),
        ]
        times = list(report.events.values_list("occurred_at", flat=True))
        assert times == sorted(times)

    def test_the_page_for_a_beheerder_shows_own_organisation_and_nothing_of_another_parent(
        self, verified_client, beheerder, events, mondriaan
    ):
        client = verified_client(beheerder)
        response = client.get(reverse("audit:parent_access"), {"ouder": str(uuid.UUID(int=0xA))})
        content = response.content.decode()
        assert response.status_code == 200
        assert content.count("Testverzoek beantwoord") == 1
        assert "Testverzoek aangemaakt" not in content  # Koraal's access: not this beheerder's to show
        assert "Gegevens van de ouder ingezien" not in content  # parent B
        assert "Zorgverlener" in content and "Mondriaan" in content
        viewed = last_event(event="audit.parent_report_viewed")
        assert (viewed.action, viewed.parent_ref) == ("search", PARENT_A)

    def test_the_pdf_lists_organisation_role_and_action_in_time_order(
        self, verified_client, functional_admin, events
    ):
        response = verified_client(functional_admin).get(
            reverse("audit:parent_access_pdf"), {"ouder": PARENT_A}
        )
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert "Vertrouwelijk" in text and PARENT_A in text
        # The parent's report says in words what happened, in time order.
        flat = " ".join(text.split())
        labels = ("Informatieverzoek ingezien", "Testverzoek aangemaakt", "Testverzoek beantwoord")
        order = [flat.index(label) for label in labels]
        assert order == sorted(order)
        assert "Koraal" in text and "Jeugdhulpverlener" in text and "Verstrekken" in text
        assert "Gegevens van de ouder ingezien" not in flat and "Testverklaring elders ingezien" not in flat
        exported = last_event(event="audit.parent_report_exported")
        assert (exported.action, exported.parent_ref) == ("export", PARENT_A)
        assert exported.payload["document_id"] in text

    def test_a_name_is_not_a_parent_reference(self, verified_client, beheerder):
        response = verified_client(beheerder).get(reverse("audit:parent_access"), {"ouder": "Sanne de Vries"})
        assert "Dit is geen ouderreferentie" in response.content.decode()
        assert not AuditEvent.objects.filter(event="audit.parent_report_viewed").exists()


# --- the chain check ---------------------------------------------------------------------


def test_the_chain_check_runs_on_demand_and_is_logged(verified_client, beheerder, events):
    client = verified_client(beheerder)
    response = client.post(reverse("audit:chain_check"), {"query": "actie=read&evil=1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("audit:log") + "?actie=read"
    page = response.content.decode()
    assert "Auditketen intact" in page
    # ADR 0006: what the sealer has not covered yet is said, not hidden.
    assert "Nog niet verzegeld" in page
    checked = last_event(event="audit.chain_verified")
    assert (checked.action, checked.payload["ok"]) == ("read", True)
    seal_pending(grace_period=dt.timedelta(0))
    page = client.post(reverse("audit:chain_check"), follow=True).content.decode()
    assert "Auditketen intact" in page and "Nog niet verzegeld" not in page


def test_the_csv_keeps_naming_objects_after_its_memory_of_them_is_refreshed(
    monkeypatch, verified_client, beheerder, mondriaan, clinician_actor
):
    # The export remembers described objects between chunks up to a bound; past the bound it
    # starts afresh, and every line still names its object.
    monkeypatch.setattr("audit.reports._DESCRIBED_KEPT", 3)
    for n in range(8):
        record(actor=clinician_actor, event="members.view", action=AuditAction.READ, obj=mondriaan)
        record(actor=clinician_actor, event="test.request_updated", action=AuditAction.UPDATE,
               object_type="requests.informationrequest", object_id=str(1000 + n))
    from audit.reports import csv_lines

    text = "".join(csv_lines(AuditEvent.objects.order_by("seq"), lines_per_chunk=2))
    lines = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    organisation = f"Organisatie {mondriaan.name}"
    assert [row["Object"] for row in lines if row["Code"] == "members.view"] == [organisation] * 8
    assert [row["Object"] for row in lines if row["Code"] == "test.request_updated"] == [
        f"Informatieverzoek (verwijderd, nummer {1000 + n})" for n in range(8)
    ]


def test_the_pdf_render_pauses_the_cyclic_collector_and_restores_it():
    import gc

    assert gc.isenabled()
    with reports._cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with reports._cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
