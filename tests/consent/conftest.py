"""Fixtures for the consent tests: private storage in a temporary folder, a parent, actors,
minimal real file contents, and a declaration made through the service."""

from __future__ import annotations

import datetime
import struct
import zlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consent.models import ConsentDeclaration, ConsentGiver
from consent.services import consent_create
from requests.core.workflow import RequestStatus
from requests.models import InformationRequest, Parent
from toolkid.actors import Actor
from toolkid.models import Organisation, OrganisationKind, Role, User


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG_BYTES = _png_1x1()
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(64)) + b"\xff\xd9"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    """Every consent test stores its documents in its own temporary folder."""
    folder = tmp_path / "documents"
    folder.mkdir()
    settings.DOCUMENTS_DIR = folder
    return folder


def upload(
    content: bytes, name: str = "verklaring.pdf", content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def actor_for(user: User, organisation: Organisation, *roles: str) -> Actor:
    return Actor(user=user, organisation=organisation, roles=frozenset(roles), ip_address="192.0.2.1")


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def parent(wijkteam) -> Parent:
    return Parent.objects.create(
        organisation=wijkteam, name="Sanne de Vries", date_of_birth=datetime.date(1988, 4, 2)
    )


@pytest.fixture
def requester_actor(requester, wijkteam) -> Actor:
    return actor_for(requester, wijkteam, Role.JEUGDHULPVERLENER)


@pytest.fixture
def clinician_actor(clinician, mondriaan) -> Actor:
    return actor_for(clinician, mondriaan, Role.ZORGVERLENER)


@pytest.fixture
def other_wijkteam(make_organisation) -> Organisation:
    return make_organisation("Wijkteam Kerkrade", OrganisationKind.WIJKTEAM, "Kerkrade")


@pytest.fixture
def outsider(make_user, other_wijkteam) -> User:
    """A jeugdhulpverlener of another organisation."""
    return make_user((other_wijkteam, Role.JEUGDHULPVERLENER), username="buiten")


@pytest.fixture
def make_declaration(requester_actor, parent, mondriaan, today) -> Callable[..., ConsentDeclaration]:
    def make(**overrides) -> ConsentDeclaration:
        values = {
            "actor": requester_actor,
            "parent": parent,
            "recipient": mondriaan,
            "given_by": ConsentGiver.PARENT,
            "representative_name": "",
            "topics": ["a", "c"],
            "purpose": "De veiligheid van de kinderen inschatten.",
            "given_on": today - datetime.timedelta(days=3),
            "valid_until": today + datetime.timedelta(days=180),
            "document": upload(PDF_BYTES, name="Sanne de Vries toestemming.pdf"),
        }
        values.update(overrides)
        return consent_create(**values)

    return make


@pytest.fixture
def declaration(make_declaration) -> ConsentDeclaration:
    return make_declaration()


@pytest.fixture
def make_request(requester, wijkteam, mondriaan, parent) -> Callable[..., InformationRequest]:
    def make(declaration: ConsentDeclaration, status: str = RequestStatus.SUBMITTED) -> InformationRequest:
        return InformationRequest.objects.create(
            status=status,
            requesting_organisation=wijkteam,
            requester=requester,
            receiving_organisation=mondriaan,
            parent=parent,
            consent_path="A",
            consent_declaration=declaration,
        )

    return make
