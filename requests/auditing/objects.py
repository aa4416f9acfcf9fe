"""How the requests app's objects read in the audit reports (:mod:`audit.objects`): a request
by its reference, a row beside a request by its kind and the request's reference, a reverse
question by its own reference. Never a parent's or a child's name: the beheerder reads the log,
and does not see case content. One query per kind of object on a page."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.objects import Described, by_pk, int_ids, object_name, register_object
from requests.models import (
    ApprovedFiling,
    Child,
    DeadlineNotice,
    Deviation,
    DueDateChange,
    Duty,
    Feedback,
    HoldRelease,
    InformationRequest,
    Kindcheck,
    LegalAdvice,
    Parent,
    RequestedTopic,
    RequestEvent,
    ReverseQuestion,
    ReverseQuestionEvent,
    SecondaryUse,
    VeiligThuisEngagement,
)

Describer = Callable[[list[str]], dict[str, Described]]

#: Rows that belong to one request: they read as "<kind> bij <reference>".
BESIDE_A_REQUEST = (
    ApprovedFiling,
    Child,
    DeadlineNotice,
    Deviation,
    DueDateChange,
    Duty,
    Feedback,
    HoldRelease,
    LegalAdvice,
    RequestedTopic,
    RequestEvent,
    SecondaryUse,
    VeiligThuisEngagement,
)


#: Models whose own verbose name is not in Dutch.
NAMES = {
    LegalAdvice: gettext_lazy("juridisch advies"),
    RequestEvent: gettext_lazy("stap in het verzoek"),
    ReverseQuestionEvent: gettext_lazy("stap in de vraag aan de jeugdhulp"),
}


def _draft_or(reference: str | None) -> str:
    return reference or _("(concept, nog zonder kenmerk)")


def _requests(ids: list[str]) -> dict[str, Described]:
    name = object_name(InformationRequest._meta.label_lower)
    rows = InformationRequest.objects.filter(pk__in=int_ids(ids)).values_list("pk", "reference")
    return by_pk(rows, lambda ref: Described(f"{name} {_draft_or(ref)}", ref or ""))


def _beside_a_request(model: type[models.Model]) -> Describer:
    def describe(ids: list[str]) -> dict[str, Described]:
        name = object_name(model._meta.label_lower)
        rows = model.objects.filter(pk__in=int_ids(ids)).values_list("pk", "request_id", "request__reference")

        def words(request_id: int | None, ref: str | None) -> Described:
            if request_id is None:  # a deviation about a Kindcheck or a reverse question
                return Described(name)
            text = _("%(name)s bij informatieverzoek %(reference)s") % {
                "name": name,
                "reference": _draft_or(ref),
            }
            return Described(text, ref or "")

        return by_pk(rows, words)

    return describe


def _reverse_questions(ids: list[str]) -> dict[str, Described]:
    name = object_name(ReverseQuestion._meta.label_lower)
    rows = ReverseQuestion.objects.filter(pk__in=int_ids(ids)).values_list("pk", "reference")
    return by_pk(rows, lambda ref: Described(f"{name} {_draft_or(ref)}", ref or ""))


def _kindchecks(ids: list[str]) -> dict[str, Described]:
    name = object_name(Kindcheck._meta.label_lower)
    rows = Kindcheck.objects.filter(pk__in=int_ids(ids)).values_list("pk", "checked_on")
    return by_pk(rows, lambda day: Described(f"{name} {date_format(day, 'd-m-Y')}" if day else name))


def register_objects() -> None:
    register_object(InformationRequest, describe=_requests)
    register_object(ReverseQuestion, describe=_reverse_questions)
    register_object(Kindcheck, describe=_kindchecks)
    # A parent reads as "Ouder" only: the event's parent column already says which one.
    register_object(Parent)
    register_object(ReverseQuestionEvent, name=NAMES[ReverseQuestionEvent])
    for model in BESIDE_A_REQUEST:
        register_object(model, describe=_beside_a_request(model), name=NAMES.get(model))
