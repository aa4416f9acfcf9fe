"""The legal ground of a request as it stands now (:mod:`audit.grounds`; R24, R29, R31, R32, L3):
its consent path with the declaration or the consultation's outcome, and its framework beside it.
Used by the audit resolver (``requests.auditing.grounds``) and by the lists, which log one read per
parent shown under the ground of the row that shows them."""

from __future__ import annotations

from typing import Any

from audit.grounds import Ground, GroundValue
from requests.core.models import ConsentPath, InformationRequest, Parent


def ground_of_request(req: InformationRequest) -> GroundValue:
    """The request's ground as it stands now; no query (the fields are on the row)."""
    framework = req.legal_framework or ""
    if req.consent_path == ConsentPath.A:
        ref = f"verklaring:{req.consent_declaration_id}" if req.consent_declaration_id else ""
        return GroundValue(Ground.CONSENT, framework, ref)
    if req.consent_path == ConsentPath.B:
        return GroundValue(
            Ground.CONSENT_REFUSED, framework, f"uitkomst:{req.parent_consultation_outcome or 'open'}"
        )
    if req.consent_path == ConsentPath.C:
        return GroundValue(Ground.SERIOUS_DANGER, framework)
    return GroundValue(Ground.NOT_YET_CHOSEN, framework)


def ground_of_parent(parent: Parent) -> GroundValue:
    """A parent read outside one request (the consent form's lookup): the ground of their latest
    request, or — before there is one — the request being prepared."""
    latest = (
        InformationRequest.objects.filter(parent=parent)
        .order_by("-created_at", "-pk")
        .only("consent_path", "consent_declaration_id", "parent_consultation_outcome", "legal_framework")
        .first()
    )
    return ground_of_request(latest) if latest is not None else GroundValue(Ground.NOT_YET_CHOSEN)


def resolve(obj: Any) -> GroundValue | None:
    if isinstance(obj, InformationRequest):
        return ground_of_request(obj)
    if isinstance(obj, Parent):
        return ground_of_parent(obj)
    # A request's parts (duties, legal advice, the hold's release, deviations, secondary use).
    request = getattr(obj, "request", None)
    if isinstance(request, InformationRequest):
        return ground_of_request(request)
    # A Kindcheck, a question to youth care about a client's children, and what is recorded
    # about them (a deviation) are done under the meldcode (L4), not under a request.
    meta = getattr(obj, "_meta", None)
    if meta is not None and (
        meta.label_lower in _MELDCODE_MODELS
        or getattr(obj, "kindcheck_id", None) is not None
        or getattr(obj, "reverse_question_id", None) is not None
    ):
        return GroundValue(Ground.MELDCODE)
    return None


#: The kernel does not import the sub-domains; it knows their models by label.
_MELDCODE_MODELS = frozenset({"requests.kindcheck", "requests.reversequestion"})


def ground_of_row(item: Any) -> GroundValue | None:
    """The ground of a list row: a request's own; a Kindcheck or a question about a client's
    children (L4) under the meldcode."""
    found = resolve(item)
    if found is not None and not isinstance(item, Parent):
        return found
    if getattr(item, "parent_id", None) is not None and not isinstance(item, InformationRequest):
        return GroundValue(Ground.MELDCODE)
    return found
