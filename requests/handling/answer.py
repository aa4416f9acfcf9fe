"""The answer (R25, R29): the handling clinician writes it per topic (own observations, facts that
strengthen or weaken the concern), saves it as a concept, and sends it after the checklist. One
row lock for save-and-send, so nobody acts between the two."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from requests.core import policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import (
    InformationRequest,
)
from requests.core.plumbing import (
    check_seen,
    enforce,
    limited_text,
    lock,
    log_step,
    move,
    reject_unknown,
    require_can,
    require_visible,
    save,
    service,
)
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER


def _write_answer(actor: Actor, req: InformationRequest, topics: dict[str, dict[str, Any]]) -> None:
    """Write the answer fields of the requested topics on the locked ``req`` (R15–R18), with
    the ``answer_saved`` event. A topic that was not asked about, or a text over its limit, is
    ``Incomplete`` before anything is written."""
    for values in topics.values():
        reject_unknown(values, frozenset((*rules.ANSWER_FIELDS, rules.NO_WEAKENING_FACTS_KNOWN)), "topics")
    requested = {t.topic: t for t in req.topics.all()}
    errors: dict[str, str] = {
        f"topics-{letter}": _("Naar dit onderwerp is niet gevraagd.")
        for letter in topics
        if letter not in requested
    }
    texts = {
        letter: {
            name: bool(value) if name == rules.NO_WEAKENING_FACTS_KNOWN
            else limited_text(value, f"topics-{letter}-{name}", errors, ANSWER)
            for name, value in values.items()
        }
        for letter, values in topics.items()
    }
    if errors:
        raise Incomplete(errors)
    for letter, values in texts.items():
        row = requested[letter]
        for name, value in values.items():
            setattr(row, name, value)
        row._history_user = actor.user
        row.save()
    save(actor, req, fields=())
    # Also inside the send: the concept is logged as saved before it is sent.
    log_step(
        actor,
        req,
        kind=RequestEventKind.ANSWER_SAVED,
        event=RequestAuditCode.ANSWER_SAVED,
        data={"topics": sorted(topics)},
    )


@service(RequestAuditCode.ANSWER_SAVED)
def request_save_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    topics: dict[str, dict[str, Any]],
    expected_status: str | None = None,
) -> InformationRequest:
    """Save the answer per requested topic (R15–R18): own observations, others' observations
    and their source, facts that strengthen and weaken the concern, explanation."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_answer(actor, req))
    _write_answer(actor, req, topics)
    return req


#: ``Incomplete.code`` when ``request_send_answer(topics=...)`` saved the text but did not send.
ANSWER_SAVED_NOT_SENT = "answer_saved_not_sent"


def request_send_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    confirmations: dict[str, bool],
    topics: dict[str, dict[str, Any]] | None = None,
    expected_status: str | None = S.ANSWERING,
) -> InformationRequest:
    """Send the answer (R25, R29): checks the answer per topic and the clinician's checklist.

    With ``topics`` (as for :func:`request_save_answer`) the text is saved and sent under one
    row lock, in one transaction: nobody can act between the save and the send. When only the
    send is refused (the checklist or an answer field is missing), the saved text stays — the
    clinician does not lose what was typed — and ``Incomplete`` carries the code
    :data:`ANSWER_SAVED_NOT_SENT`. Any other refusal (a conflict, the wrong state or person, a
    topic that was not asked) changes nothing. Without ``topics`` a refusal changes nothing.

    Two clinicians sending at once: the row lock makes the second wait; it then finds the row
    no longer in ``expected_status`` and gets ``Conflict`` ("Een collega heeft dit verzoek
    zojuist behandeld.").
    """
    req, errors = _save_and_send_answer(
        actor=actor,
        request=request,
        confirmations=confirmations,
        topics=topics,
        expected_status=expected_status,
    )
    if errors:
        raise Incomplete(errors, code=ANSWER_SAVED_NOT_SENT if topics is not None else "incomplete")
    return req


@service(RequestAuditCode.ANSWER_SENT, AuditAction.TRANSFER)
def _save_and_send_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    confirmations: dict[str, bool],
    topics: dict[str, dict[str, Any]] | None,
    expected_status: str | None,
) -> tuple[InformationRequest, dict[str, str]]:
    """The body of :func:`request_send_answer`. Returns the send's missing items instead of
    raising them, so the transaction keeps a saved text (raising would roll it back)."""
    reject_unknown(confirmations, frozenset(rules.ANSWER_CONFIRMATIONS), "confirmations")
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_answer(actor, req))
    require_can(actor, req, "send_answer")
    if topics is not None:
        _write_answer(actor, req, topics)
    for name in rules.ANSWER_CONFIRMATIONS:
        setattr(req, name, bool(confirmations.get(name, False)))
    errors = rules.missing_for_answer(req)
    if errors:
        # Nothing of the send is written: the confirmations stay unsaved on this instance.
        return req, errors
    req.answered_by = actor.user
    req.answered_at = timezone.now()
    transition = move(actor, req, "send_answer")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.ANSWER_SENT,
        transition=transition,
        data={
            "topics": sorted(t.topic for t in req.topics.all()),
            "requesting_organisation_id": req.requesting_organisation_id,
        },
    )
    return req, {}
