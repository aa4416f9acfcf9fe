"""The reverse question (R3): adult care asks youth care about a child. Same rules as the forward
request: a phone call first (R6), the child's consent by age (L2), five working days of the
receiving organisation (R26), a factual answer (R25) or a motivated "no" (R39)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record
from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import ReverseQuestionEventKind
from requests.core.models import Parent
from requests.core.objects import client_errors, client_for, move_object, save_version
from requests.core.plumbing import (
    as_date,
    blank,
    clean_text,
    enforce,
    limited_text,
    local_today,
    running_code,
    service,
)
from requests.kindcheck import selectors as kindcheck_selectors
from requests.kindcheck.models import Kindcheck
from requests.reverse import policy as reverse_policy
from requests.reverse import rules as reverse_rules
from requests.reverse import selectors as reverse_selectors
from requests.reverse.models import ReverseQuestion, ReverseQuestionEvent
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE, QUESTION
from toolkid.models import Organisation, OrganisationKind
from toolkid.workdays import DueDateExplanation
from toolkid.working_calendar import explain_due_date


def _question_log(
    actor: Actor,
    question: ReverseQuestion,
    *,
    kind: str,
    event: str | None = None,
    action: str | None = None,
    transition: tuple[str, str] | None = None,
    motivation: str = "",
    data: dict[str, Any] | None = None,
) -> ReverseQuestionEvent:
    """The question's own event row and the audit event, together (as ``core.plumbing.log_step``,
    under the running service's code unless ``event`` names another)."""
    if event is None:
        event, running_action = running_code()
        action = action or running_action
    action = action or AuditAction.UPDATE
    from_status, to_status = transition or ("", "")
    data = dict(data or {})
    row = ReverseQuestionEvent.objects.create(
        question=question,
        actor=actor.user,
        organisation=actor.organisation,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        motivation=motivation,
        data=data,
    )
    payload: dict[str, Any] = {"kind": kind, "reverse_question_event_id": row.pk, **data}
    if transition:
        payload.update(from_status=from_status, to_status=to_status)
    record(
        actor=actor, event=event, action=action, obj=question, parent_ref=question.audit_ref, payload=payload
    )
    return row


def _locked_question(actor: Actor, question: ReverseQuestion) -> ReverseQuestion:
    locked = ReverseQuestion.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None or not reverse_selectors.reverse_is_visible_to(actor, locked):
        raise reverse_selectors.reverse_not_found()
    return locked


@service(RequestAuditCode.REVERSE_QUESTION_SUBMITTED, AuditAction.CREATE)
def reverse_question_submit(
    *,
    actor: Actor,
    receiving_organisation: Organisation | None,
    parent: Parent | dict[str, Any],
    child_name_or_initials: str,
    child_date_of_birth: dt.date | str | None,
    phone_contact_date: dt.date | str | None,
    phone_contact_with: str,
    asks_interventions: bool,
    asks_kopp_kvo: bool,
    question: str = "",
    consent_parents: bool = False,
    consent_child: bool = False,
    consent_note: str = "",
    kindcheck: Kindcheck | None = None,
) -> ReverseQuestion:
    """R3: an adult-care clinician asks youth care which interventions are deployed for a child
    and whether a preventive KOPP/KVO offer fits. A shorter form than a request; the consent the
    child's age requires (L2); five working days of the receiving organisation (R26, L1)."""
    _check_may_ask(actor, kindcheck)
    today = local_today()
    dates = _checked_answers(
        actor,
        parent,
        today,
        receiving_organisation=receiving_organisation,
        child_name_or_initials=child_name_or_initials,
        child_date_of_birth=child_date_of_birth,
        phone_contact_date=phone_contact_date,
        phone_contact_with=phone_contact_with,
        asks_interventions=asks_interventions,
        asks_kopp_kvo=asks_kopp_kvo,
        question=question,
        consent_parents=consent_parents,
        consent_child=consent_child,
        consent_note=consent_note,
    )
    return _question_create(
        actor,
        parent,
        today,
        receiving_organisation=receiving_organisation,
        child_name_or_initials=child_name_or_initials,
        child_date_of_birth=dates["child_date_of_birth"],
        phone_contact_date=dates["phone_contact_date"],
        phone_contact_with=phone_contact_with,
        asks_interventions=asks_interventions,
        asks_kopp_kvo=asks_kopp_kvo,
        question=question,
        consent_parents=consent_parents,
        consent_child=consent_child,
        consent_note=consent_note,
        kindcheck=kindcheck,
    )


def _check_may_ask(actor: Actor, kindcheck: Kindcheck | None) -> None:
    """Only a clinician of adult care asks (R3), and only about a Kindcheck they may see."""
    enforce(reverse_policy.may_ask(actor))
    if kindcheck is not None and not kindcheck_selectors.kindcheck_is_visible_to(actor, kindcheck):
        raise kindcheck_selectors.kindcheck_not_found()


#: The reverse question's texts and how long each may be (``toolkid.limits``).
TEXT_LIMITS: dict[str, int] = {
    "child_name_or_initials": NAME,
    "phone_contact_with": NAME,
    "question": QUESTION,
    "consent_note": NOTE,
}


def _too_long(**texts: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, value in texts.items():
        limited_text(value, key, errors, TEXT_LIMITS[key])
    return errors


def _checked_answers(
    actor: Actor,
    parent: Parent | dict[str, Any],
    today: dt.date,
    *,
    receiving_organisation: Organisation | None,
    child_name_or_initials: str,
    child_date_of_birth: dt.date | str | None,
    phone_contact_date: dt.date | str | None,
    phone_contact_with: str,
    asks_interventions: bool,
    asks_kopp_kvo: bool,
    question: str,
    consent_parents: bool,
    consent_child: bool,
    consent_note: str,
) -> dict[str, dt.date | None]:
    """The two dates as dates, once every rule holds; else ``Incomplete`` with every problem
    (the first message per field: a date that cannot be read is not also "missing", a text
    over its limit is not also anything else)."""
    errors = _too_long(
        child_name_or_initials=child_name_or_initials, phone_contact_with=phone_contact_with,
        question=question, consent_note=consent_note,
    )
    if (
        receiving_organisation is None
        or not receiving_organisation.is_active
        or receiving_organisation.kind not in OrganisationKind.requester_kinds()
    ):
        errors["receiving_organisation"] = _("Kies de organisatie voor jeugdhulp die u de vraag stelt.")
    if blank(child_name_or_initials):
        errors.setdefault("child_name_or_initials", _("Vul de naam of initialen van het kind in."))
    dates: dict[str, dt.date | None] = {}
    for key, value in (
        ("child_date_of_birth", child_date_of_birth),
        ("phone_contact_date", phone_contact_date),
    ):
        try:
            dates[key] = as_date(value)
        except (TypeError, ValueError):
            dates[key] = None
            errors[key] = _("Ongeldige datum.")
    for key, message in reverse_rules.missing_for_reverse_question(
        child_date_of_birth=dates["child_date_of_birth"],
        phone_contact_date=dates["phone_contact_date"],
        phone_contact_with=phone_contact_with,
        asks_interventions=asks_interventions,
        asks_kopp_kvo=asks_kopp_kvo,
        consent_parents=consent_parents,
        consent_child=consent_child,
        consent_note=consent_note,
        today=today,
    ).items():
        errors.setdefault(key, message)
    for key, message in client_errors(actor, parent).items():
        errors.setdefault(key, message)
    if errors:
        raise Incomplete(errors)
    return dates


def _question_create(
    actor: Actor,
    parent: Parent | dict[str, Any],
    today: dt.date,
    *,
    receiving_organisation: Organisation,
    child_name_or_initials: str,
    child_date_of_birth: dt.date | None,
    phone_contact_date: dt.date | None,
    phone_contact_with: str,
    asks_interventions: bool,
    asks_kopp_kvo: bool,
    question: str,
    consent_parents: bool,
    consent_child: bool,
    consent_note: str,
    kindcheck: Kindcheck | None,
) -> ReverseQuestion:
    """Saves the checked question with its client, due date and reference, and logs it."""
    client = client_for(actor, parent)
    explanation = explain_due_date(receiving_organisation, today)
    row = ReverseQuestion(
        asking_organisation=actor.organisation,
        asker=actor.user,
        receiving_organisation=receiving_organisation,
        parent=client,
        child_name_or_initials=child_name_or_initials.strip(),
        child_date_of_birth=child_date_of_birth,
        child_age=reverse_rules.age_on(child_date_of_birth, today),
        phone_contact_date=phone_contact_date,
        phone_contact_with=phone_contact_with.strip(),
        asks_interventions=bool(asks_interventions),
        asks_kopp_kvo=bool(asks_kopp_kvo),
        question=clean_text(question),
        consent_parents=bool(consent_parents),
        consent_child=bool(consent_child),
        consent_note=consent_note.strip(),
        kindcheck=kindcheck,
        submitted_at=timezone.now(),
        due_date=explanation.due,
        due_explanation=explanation.to_dict(),
    )
    save_version(actor, row)
    row.reference = f"TKJ-{today.year}-{row.pk:06d}"
    save_version(actor, row)
    _log_submitted(actor, row, explanation, kindcheck)
    return row


def _log_submitted(
    actor: Actor, row: ReverseQuestion, explanation: DueDateExplanation, kindcheck: Kindcheck | None
) -> None:
    _question_log(
        actor,
        row,
        kind=ReverseQuestionEventKind.SUBMITTED,
        transition=("", str(row.status)),
        data={
            "reference": row.reference,
            "receiving_organisation_id": row.receiving_organisation.pk,
            "due_date": explanation.due.isoformat(),
            "kindcheck_id": kindcheck.pk if kindcheck else None,
        },
    )


@service(RequestAuditCode.REVERSE_QUESTION_ANSWERED, AuditAction.TRANSFER)
def reverse_question_answer(
    *, actor: Actor, question: ReverseQuestion, interventions: str = "", kopp_kvo: str = ""
) -> ReverseQuestion:
    """R3, R25: youth care answers what was asked, factually."""
    locked = _locked_question(actor, question)
    enforce(reverse_policy.may_answer(actor, locked))
    errors: dict[str, str] = {}
    interventions = limited_text(interventions, "interventions", errors, ANSWER)
    kopp_kvo = limited_text(kopp_kvo, "kopp_kvo", errors, ANSWER)
    for key, message in reverse_rules.missing_for_reverse_answer(
        asks_interventions=locked.asks_interventions,
        asks_kopp_kvo=locked.asks_kopp_kvo,
        interventions=interventions,
        kopp_kvo=kopp_kvo,
    ).items():
        errors.setdefault(key, message)
    if errors:
        raise Incomplete(errors)
    transition = move_object(actor, locked, "answer")
    locked.answer_interventions = interventions
    locked.answer_kopp_kvo = kopp_kvo
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind=ReverseQuestionEventKind.ANSWERED,
        transition=transition,
        data={"asking_organisation_id": locked.asking_organisation_id},
    )
    return locked


@service(RequestAuditCode.REVERSE_QUESTION_DECLINED)
def reverse_question_decline(*, actor: Actor, question: ReverseQuestion, motivation: str) -> ReverseQuestion:
    """R39, L2: youth care does not answer, with a motivation."""
    locked = _locked_question(actor, question)
    enforce(reverse_policy.may_decline(actor, locked))
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if not motivation:
        errors["motivation"] = _("Motiveer waarom u de vraag niet beantwoordt.")  # R39
    if errors:
        raise Incomplete(errors)
    transition = move_object(actor, locked, "decline")
    locked.decline_motivation = motivation
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind=ReverseQuestionEventKind.DECLINED,
        transition=transition,
        motivation=locked.decline_motivation,
    )
    return locked


@service(RequestAuditCode.REVERSE_QUESTION_WITHDRAWN)
def reverse_question_withdraw(*, actor: Actor, question: ReverseQuestion, reason: str) -> ReverseQuestion:
    locked = _locked_question(actor, question)
    enforce(reverse_policy.may_withdraw(actor, locked))
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Geef aan waarom u de vraag intrekt.")
    if errors:
        raise Incomplete(errors)
    transition = move_object(actor, locked, "withdraw")
    locked.withdrawn_reason = reason
    save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind=ReverseQuestionEventKind.WITHDRAWN,
        transition=transition,
        motivation=locked.withdrawn_reason,
    )
    return locked


@service(RequestAuditCode.REVERSE_QUESTION_ACKNOWLEDGED)
def reverse_question_acknowledge(*, actor: Actor, question: ReverseQuestion) -> ReverseQuestion:
    locked = _locked_question(actor, question)
    enforce(reverse_policy.may_acknowledge(actor, locked))
    transition = move_object(actor, locked, "acknowledge")
    save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind=ReverseQuestionEventKind.ACKNOWLEDGED,
        transition=transition,
    )
    return locked
