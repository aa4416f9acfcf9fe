"""The reverse question (R3): adult care asks youth care which interventions are deployed for a
child and whether a KOPP/KVO offer fits. Same rules as the forward request: factual, five
working days, a motivated "no"."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from simple_history.models import HistoricalRecords

from requests.core.events import ReverseQuestionEventKind
from requests.reverse.workflow import ReverseStatus, ReverseWorkflow
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE, QUESTION, text_limit


class ReverseQuestion(ReverseWorkflow, ConcurrentTransitionMixin, models.Model):
    """R3: the reverse direction. An adult-care clinician asks youth care which interventions
    are deployed for a child, and whether a preventive KOPP/KVO offer fits the child. The same
    deadline (five working days of the receiving organisation, R26/L1) and the same audit; the
    consent is about information on the *child* (L2: under 12 the parents; 12–15 the child and
    the parents; 16 and over the child alone)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, null=True, blank=True)
    status = FSMField(_("status"), default=ReverseStatus.SUBMITTED, choices=ReverseStatus.choices,
                      protected=True)
    asking_organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT,
                                            related_name="reverse_questions_asked")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="reverse_questions_received",
        verbose_name=_("organisatie jeugdhulp"),
    )
    # The adult client (ouder) of the asking clinician, owned by the asking organisation.
    parent = models.ForeignKey("requests.Parent", on_delete=models.PROTECT, related_name="reverse_questions")
    child_name_or_initials = models.CharField(_("naam of initialen van het kind"), max_length=NAME)
    child_date_of_birth = models.DateField(_("geboortedatum van het kind"))
    child_age = models.PositiveSmallIntegerField(_("leeftijd bij indienen"))
    phone_contact_date = models.DateField(_("datum telefonisch contact"), null=True, blank=True)
    phone_contact_with = models.CharField(_("telefonisch contact met"), max_length=NAME, blank=True)
    asks_interventions = models.BooleanField(_("welke interventies worden ingezet"), default=False)
    asks_kopp_kvo = models.BooleanField(_("past een preventief KOPP/KVO-aanbod"), default=False)
    question = models.TextField(_("toelichting op de vraag"), blank=True, **text_limit(QUESTION))
    # L2: whose consent the age requires; both recorded as given (or not).
    consent_parents = models.BooleanField(_("toestemming van de ouder(s) met gezag"), default=False)
    consent_child = models.BooleanField(_("toestemming van het kind"), default=False)
    consent_note = models.TextField(
        _("hoe en wanneer is de toestemming gegeven"), blank=True, **text_limit(NOTE)
    )
    kindcheck = models.ForeignKey("requests.Kindcheck", on_delete=models.SET_NULL,
                                  related_name="reverse_questions", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("uiterste datum"), null=True, blank=True, db_index=True)
    due_explanation = models.JSONField(default=dict, blank=True)
    answer_interventions = models.TextField(_("ingezette interventies"), blank=True, **text_limit(ANSWER))
    answer_kopp_kvo = models.TextField(_("past een KOPP/KVO-aanbod"), blank=True, **text_limit(ANSWER))
    decline_motivation = models.TextField(_("motivering"), blank=True, **text_limit(MOTIVATION))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, **text_limit(MOTIVATION))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vraag aan de jeugdhulp")
        verbose_name_plural = _("vragen aan de jeugdhulp")
        indexes = [
            models.Index(fields=["asking_organisation", "status"]),
            models.Index(fields=["receiving_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"{_('Vraag')} {self.public_id.hex[:8]}"

    @property
    def audit_ref(self) -> str:
        return self.parent.audit_ref


class ReverseQuestionEvent(models.Model):
    """Append-only: every step of a reverse question (who, when, from, to, why)."""

    question = models.ForeignKey(ReverseQuestion, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, null=True,
                                     related_name="+")
    kind = models.CharField(max_length=50, choices=ReverseQuestionEventKind.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    # A copy of the step's motivation: the largest limit of the inputs it copies.
    motivation = models.TextField(blank=True, **text_limit(MOTIVATION))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question} — {self.kind}"
