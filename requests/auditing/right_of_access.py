"""What the audit app's parent overview (:mod:`audit.right_of_access`, AVG art. 15, R41) needs
from this app: the parent behind a reference, whether the path-C hold still applies (R35, R40),
and what each provision (TRANSFER) gave to whom, in words, never the content."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.parents import ParentMatch
from audit.right_of_access import Transfer, register_right_of_access
from requests.auditing.parents import _matches, _parents_of, _requests_of
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import ConsentPath, Topic
from requests.followup.models import HoldRelease, SecondaryPurpose
from requests.followup.workflow import ReleaseStatus
from toolkid.models import Organisation

#: R28: to whom information for another purpose goes.
SECONDARY_RECIPIENTS = {
    SecondaryPurpose.JUVENILE_COURT: gettext_lazy("de kinderrechter"),
    SecondaryPurpose.RVDK: gettext_lazy("de Raad voor de Kinderbescherming"),
    SecondaryPurpose.OTHER: gettext_lazy("een andere partij (ander doel)"),
}


def _public_id(parent_ref: str) -> str | None:
    prefix, _sep, key = parent_ref.partition(":")
    if prefix != "ouder":
        return None
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return None


def _organisation_names(ids: set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


class RequestsRightOfAccess:
    """Registered with the audit app by ``RequestsConfig.ready()``."""

    def parent(self, organisation: Organisation | None, parent_ref: str) -> ParentMatch | None:
        key = _public_id(parent_ref)
        if key is None:
            return None
        found = _matches(organisation, _parents_of(organisation).filter(public_id=key))
        return found[0] if found else None

    def hold_active(self, organisation: Organisation | None, parent_ref: str) -> bool:
        # Same rule as requests.followup.selectors.hold_active, for all the parent's requests
        # in the organisation's scope at once.
        key = _public_id(parent_ref)
        if key is None:
            return False
        released = HoldRelease.objects.filter(request=OuterRef("pk"), status=ReleaseStatus.AGREED)
        return (
            _requests_of(organisation)
            .filter(parent__public_id=key, consent_path=ConsentPath.C)
            .exclude(Exists(released))
            .exists()
        )

    def transfers(self, events: list[tuple[str, str, str, dict]]) -> list[Transfer | None]:
        ids = {
            payload.get(name)
            for _e, _t, _i, payload in events
            for name in ("requesting_organisation_id", "asking_organisation_id")
        }
        names = _organisation_names({i for i in ids if isinstance(i, int)})
        topics = dict(Topic.choices)
        found: list[Transfer | None] = []
        for event, _type, _id, payload in events:
            if event == RequestAuditCode.ANSWER_SENT:
                found.append(
                    Transfer(
                        recipient=names.get(payload.get("requesting_organisation_id"), "—"),
                        kind=_("Antwoord op een informatieverzoek"),
                        topics=tuple(str(topics[t]) for t in payload.get("topics", ()) if t in topics),
                    )
                )
            elif event == RequestAuditCode.SECONDARY_USE_SENT:
                recipient = SECONDARY_RECIPIENTS.get(
                    payload.get("purpose"), SECONDARY_RECIPIENTS[SecondaryPurpose.OTHER]
                )
                found.append(
                    Transfer(
                        recipient=str(recipient),
                        kind=_("Verstrekte informatie gebruikt voor een ander doel"),
                    )
                )
            elif event == RequestAuditCode.REVERSE_QUESTION_ANSWERED:
                found.append(
                    Transfer(
                        recipient=names.get(payload.get("asking_organisation_id"), "—"),
                        kind=_("Antwoord op een vraag aan de jeugdhulp"),
                    )
                )
            else:
                found.append(None)
        return found


def register_right_of_access_source() -> None:
    register_right_of_access(RequestsRightOfAccess())
