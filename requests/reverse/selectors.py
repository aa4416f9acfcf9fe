"""Reads of reverse questions (R3): who sees one (the asking clinician's organisation, the receiving
youth-care organisation), each read and list logged (L5, R41)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.reverse.models import ReverseQuestion, ReverseQuestionEvent
from requests.reverse.workflow import ReverseStatus
from toolkid.actors import Actor
from toolkid.models import Role

#: Reverse questions (R3): the asking side (adult care) and the answering side (youth care).
REVERSE_ASKER_ROLES: tuple[str, ...] = (Role.ZORGVERLENER, Role.TEAMLEIDER)


REVERSE_RECEIVER_ROLES: tuple[str, ...] = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)


def reverse_not_found() -> Http404:
    return Http404(_("Deze vraag bestaat niet of u hebt er geen toegang toe."))


def reverse_visibility_filter(actor: Actor) -> Q | None:
    if not access.is_acting(actor):
        return None
    org = actor.organisation
    parts: list[Q] = []
    if actor.has_role(*REVERSE_ASKER_ROLES):
        parts.append(Q(asking_organisation=org))
    if actor.has_role(*REVERSE_RECEIVER_ROLES):
        parts.append(Q(receiving_organisation=org))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def reverse_is_visible_to(actor: Actor, question: ReverseQuestion) -> bool:
    """The per-object twin of :func:`reverse_visibility_filter`."""
    if not access.is_acting(actor):
        return False
    org_id = actor.organisation.pk
    return (question.asking_organisation_id == org_id and actor.has_role(*REVERSE_ASKER_ROLES)) or (
        question.receiving_organisation_id == org_id and actor.has_role(*REVERSE_RECEIVER_ROLES)
    )


def reverse_is_asker(actor: Actor, question: ReverseQuestion) -> bool:
    return bool(
        access.is_acting(actor)
        and question.asking_organisation_id == actor.organisation.pk
        and actor.has_role(*REVERSE_ASKER_ROLES)
    )


def reverse_is_receiver(actor: Actor, question: ReverseQuestion) -> bool:
    return bool(
        access.is_acting(actor)
        and question.receiving_organisation_id == actor.organisation.pk
        and actor.has_role(*REVERSE_RECEIVER_ROLES)
    )


def reverse_get_for(*, actor: Actor, public_id: uuid.UUID | str, purpose: str) -> ReverseQuestion:
    """Fetch, check and log one reverse question; ``Http404`` alike for missing and not yours."""
    key = access.as_uuid(public_id)
    found = (
        ReverseQuestion.objects.select_related(
            "asking_organisation", "receiving_organisation", "asker", "parent", "answered_by", "kindcheck"
        )
        .filter(public_id=key)
        .first()
        if key
        else None
    )
    return access.checked_read(
        actor,
        ReverseQuestion,
        found,
        visible=reverse_is_visible_to,
        event=RequestAuditCode.REVERSE_QUESTION_READ,
        requested=public_id,
        purpose=purpose,
        not_found=reverse_not_found,
    )


#: The list's order, newest first, unique (toolkid/pagination.py).
REVERSE_ORDER = ("-created_at", "-pk")


def reverse_questions_for(actor: Actor) -> QuerySet[ReverseQuestion]:
    """The reverse questions of the actor's organisation, asked or received; newest first
    (``REVERSE_ORDER``)."""
    condition = reverse_visibility_filter(actor)
    if condition is None:
        raise access.deny_list(actor, RequestAuditCode.REVERSE_QUESTIONS_LISTED, {})
    access.record_list(actor, RequestAuditCode.REVERSE_QUESTIONS_LISTED, {})
    return (
        ReverseQuestion.objects.filter(condition)
        .select_related("asking_organisation", "receiving_organisation", "asker", "parent")
        .order_by(*REVERSE_ORDER)
    )


def reverse_timeline_for(actor: Actor, question: ReverseQuestion) -> list[ReverseQuestionEvent]:
    """The question's events, oldest first (both sides see all of them). For a question from
    :func:`reverse_get_for`."""
    if not reverse_is_visible_to(actor, question):
        raise reverse_not_found()
    return list(question.events.select_related("actor", "organisation").order_by("occurred_at", "pk"))


def reverse_questions_awaiting(actor: Actor) -> list[ReverseQuestion]:
    """R3: questions that wait for the actor's youth-care organisation to answer. Not logged
    here: the composing list logs its one SEARCH (``requests/worklist``)."""
    if not actor.has_role(Role.JEUGDHULPVERLENER):
        return []
    return list(
        ReverseQuestion.objects.filter(
            receiving_organisation=actor.organisation, status=ReverseStatus.SUBMITTED
        )
        .select_related("asking_organisation", "parent")
        .order_by("due_date", "pk")
    )
