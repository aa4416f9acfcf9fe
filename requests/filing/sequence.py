"""The guided form's steps in order, the review page after them, and where each item that
``rules.missing_for_submit`` reports is fixed (step and field)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from requests.filing.forms import FilingStep
from requests.filing.steps.consent import ConsentForm, ConsentStep
from requests.filing.steps.framework import FrameworkStep
from requests.filing.steps.parent import ParentAndChildrenStep
from requests.filing.steps.phone import PhoneContactStep
from requests.filing.steps.questions import QuestionsStep
from requests.filing.steps.severity import SeverityStep

STEPS: tuple[type[FilingStep], ...] = (
    PhoneContactStep,
    ParentAndChildrenStep,
    FrameworkStep,
    SeverityStep,
    QuestionsStep,
    ConsentStep,
)


STEP_BY_SLUG: dict[str, type[FilingStep]] = {step.slug: step for step in STEPS}


REVIEW_SLUG = "controleren"


REVIEW_TITLE = _("Controleren en versturen")


#: ``rules.missing_for_submit`` key → (step slug, id of the field to link to).
_KEY_PLACES: dict[str, tuple[str, str]] = {
    "phone_contact_date": (PhoneContactStep.slug, "id_phone_contact_date"),
    "phone_contact_with": (PhoneContactStep.slug, "id_phone_contact_with"),
    "parent_name": (ParentAndChildrenStep.slug, "id_parent_name"),
    "parent_date_of_birth": (ParentAndChildrenStep.slug, "id_parent_date_of_birth"),
    "parent_bsn": (ParentAndChildrenStep.slug, "id_parent_bsn"),
    "parent_representative_name": (ParentAndChildrenStep.slug, "id_parent_representative_name"),
    "parent_representative_kind": (ParentAndChildrenStep.slug, "id_parent_representative_kind_0"),
    "children": (ParentAndChildrenStep.slug, "id_children-0-name_or_initials"),
    "receiving_organisation": (FrameworkStep.slug, "id_receiving_organisation"),
    "intended_clinician": (FrameworkStep.slug, "id_intended_clinician"),
    "legal_framework": (FrameworkStep.slug, "id_legal_framework_0"),
    "framework_change_reason": (FrameworkStep.slug, "id_framework_change_reason"),
    "severity": (SeverityStep.slug, "id_severity_0"),
    "reason": (SeverityStep.slug, "id_reason"),
    "topics": (QuestionsStep.slug, "id_topics-a-selected"),
    "no_parenting_judgement_confirmed": (QuestionsStep.slug, "id_no_parenting_judgement_confirmed"),
    "consent_path": (ConsentStep.slug, "id_consent_path_0"),
    "consent_declaration": (ConsentStep.slug, "id_consent_declaration_0"),
    **{name: (ConsentStep.slug, f"id_{name}") for name in (*ConsentForm.B_FIELDS, *ConsentForm.C_FIELDS)},
}


def place_of(key: str) -> tuple[str, str]:
    """Where the user fixes ``rules.missing_for_submit``'s ``key``: (step slug, field id)."""
    if key in _KEY_PLACES:
        return _KEY_PLACES[key]
    if key.startswith("children-"):
        return ParentAndChildrenStep.slug, f"id_{key}"
    if key.startswith("topics-"):
        return QuestionsStep.slug, f"id_{key}"
    return REVIEW_SLUG, ""


def steps_missing(missing: dict[str, Any]) -> set[str]:
    """The slugs of the steps that still miss something."""
    return {place_of(key)[0] for key in missing}
