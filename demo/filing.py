"""How a demo request comes into being: filed and sent by the requester (:class:`Filing`), or
started and left halfway (:class:`Draft`). Both go through the filing services exactly as the
seven steps of the form do; on path A with a signed consent declaration (a generated PDF)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile

from consent.models import ConsentDeclaration, ConsentGiver
from consent.services import consent_create
from demo.accounts import Who
from demo.content import PATH_B, PATH_C
from demo.direct_writes import mark_draft
from demo.pdf import demo_consent_pdf
from requests.core import rules
from requests.filing import draft as draft_services
from requests.filing import services as filing_services
from requests.models import ConsentPath, InformationRequest, Severity
from toolkid.actors import Actor

if TYPE_CHECKING:
    from demo.runner import Play

#: Whom the requester phoned at the provider before filing (R22).
PHONE_CONTACT = "Maud Ramakers, behandelaar volwassenen-GGZ"


@dataclass(frozen=True)
class Client:
    """The parent a request is about, an adult client of the provider. All invented; the only
    BSNs are the documented test numbers 111222333 and 123456782 (the BSN is optional)."""

    name: str
    born: dt.date
    bsn: str = ""
    #: L2: an incapacitated parent's curator or mentor, who decides for them.
    curator: str = ""

    def as_data(self) -> dict[str, Any]:
        """The parent as the filing form sends it."""
        data: dict[str, Any] = {"name": self.name, "date_of_birth": self.born}
        if self.bsn:
            data["bsn"] = self.bsn
        if self.curator:
            data.update(
                is_incapacitated=True, representative_name=self.curator, representative_kind="curator_mentor"
            )
        return data


def _children(children: tuple[tuple[str, dt.date], ...]) -> list[dict[str, Any]]:
    return [{"name_or_initials": name, "date_of_birth": born} for name, born in children]


@dataclass(frozen=True)
class Filing:
    """A complete request, filed and sent by ``by`` to the provider with the case's key."""

    by: Who
    path: str  # ConsentPath: A (consent), B (without, parent asked), C (without, not asked)
    parent: Client
    children: tuple[tuple[str, dt.date], ...]  # (name or initials, date of birth)
    questions: Mapping[str, str]  # topic letter (a–f) → the question
    reason: str
    severity: str = Severity.WELLBEING_DOUBT
    has_ots: bool = False
    framework: tuple[str, str] | None = None  # (legal framework, why it differs from the default)
    consent_by: tuple[str, str] = (ConsentGiver.PARENT, "")  # (who signed, representative's name)
    phone_days_ago: int = 2
    consent_days_ago: int = 5

    @property
    def path_label(self) -> str:
        path = str(self.path)
        return f"{path} (OTS)" if self.has_ots else path

    def play(self, play: Play) -> None:
        requester = play.actor(self.by)
        req = draft_services.request_draft_create(actor=requester)
        req = draft_services.request_draft_update(
            actor=requester,
            request=req,
            fields=self._fields(play, requester),
            parent=self.parent.as_data(),
            children=_children(self.children),
            topics=[{"topic": letter, "question": text} for letter, text in self.questions.items()],
        )
        if self.path == ConsentPath.A:
            declaration = self._consent(play, requester, req)
            req = draft_services.request_draft_update(
                actor=requester, request=req, fields={"consent_declaration": declaration}
            )
        play.request = filing_services.request_submit(actor=requester, request=req, submit_token=play.key)

    def _fields(self, play: Play, requester: Actor) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "receiving_organisation": play.context.provider,
            "phone_contact_date": play.days_ago(self.phone_days_ago),
            "phone_contact_with": PHONE_CONTACT,
            "has_ots": self.has_ots,
            "severity": self.severity,
            "reason": self.reason,
            "no_parenting_judgement_confirmed": True,
            "consent_path": self.path,
            "draft_step": "controleren",
        }
        if self.framework is not None:
            fields["legal_framework"], fields["framework_change_reason"] = self.framework
        else:
            # L3: the requester takes the suggested ground (a draft's stays empty until chosen).
            fields["legal_framework"] = rules.suggest_framework(
                requester.organisation.kind, self.has_ots, self.path
            )
        if self.path == ConsentPath.B:
            fields.update(PATH_B)
        elif self.path == ConsentPath.C:
            fields.update(PATH_C)
        return fields

    def _consent(self, play: Play, requester: Actor, req: InformationRequest) -> ConsentDeclaration:
        """R24, R29: the signed declaration, stored through the consent service with a small
        generated PDF (a real PDF, so the download and the content check work as for an upload)."""
        giver, representative = self.consent_by
        given_on = play.days_ago(self.consent_days_ago)
        topics = sorted(self.questions)
        provider = play.context.provider
        parent = req.parent
        pdf = demo_consent_pdf(
            [
                "Toestemmingsverklaring - DEMO, fictieve gegevens",
                "",
                f"Ouder: {parent.name} (geboren {parent.date_of_birth:%d-%m-%Y})",
                f"Gegeven door: {representative or parent.name}",
                f"Aan: {provider.name}",
                f"Namens: {requester.organisation.name}",
                f"Onderwerpen: {', '.join(topics)}",
                "Doel: de veiligheid van de kinderen inschatten.",
                f"Datum: {given_on:%d-%m-%Y}",
                "",
                "Dit document is gemaakt door load_demo en heeft geen rechtskracht.",
            ]
        )
        return consent_create(
            actor=requester,
            parent=parent,
            recipient=provider,
            given_by=giver,
            representative_name=representative,
            topics=topics,
            purpose="De veiligheid van de kinderen inschatten.",
            given_on=given_on,
            valid_until=play.today + dt.timedelta(days=180),
            document=ContentFile(pdf, name="verklaring.pdf"),
        )


@dataclass(frozen=True)
class Draft:
    """A request ``by`` started and left at ``draft_step``; the form resumes there. It has no
    token until it is sent, so the case's key is written on it directly (see
    :func:`demo.direct_writes.mark_draft`)."""

    by: Who
    parent: Client
    children: tuple[tuple[str, dt.date], ...]
    draft_step: str
    phone_days_ago: int = 1

    #: The table lists the demo draft under path A (it has not chosen a path yet).
    path_label = "A"

    def play(self, play: Play) -> None:
        requester = play.actor(self.by)
        req = draft_services.request_draft_create(actor=requester)
        req = draft_services.request_draft_update(
            actor=requester,
            request=req,
            fields={
                "receiving_organisation": play.context.provider,
                "phone_contact_date": play.days_ago(self.phone_days_ago),
                "phone_contact_with": PHONE_CONTACT,
                "draft_step": self.draft_step,
            },
            parent=self.parent.as_data(),
            children=_children(self.children),
        )
        play.request = mark_draft(req, play.key)
