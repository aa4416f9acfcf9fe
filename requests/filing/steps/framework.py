"""Step 3 of the guided form, *Kader en ontvanger* (L3, R1, R4): the legal framework and the
receiving organisation (and, if known, the clinician)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests.core import rules
from requests.core.models import InformationRequest, LegalFramework
from requests.core.workflow import RequestStatus
from requests.filing.forms import FilingStep, Preview, StepForm
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import MOTIVATION
from toolkid.models import Membership, Organisation, OrganisationKind, Role, User


class FrameworkForm(StepForm):
    has_ots = forms.BooleanField(
        label=_("Er is een ondertoezichtstelling (OTS)"),
        required=False,
        help_text=_(
            "Onder een OTS is uitwisseling met de gezinsvoogd verplicht, voor zover de informatie nodig is "
            "voor de uitvoering van de OTS."
        ),
    )
    legal_framework = forms.ChoiceField(
        label=_("Kader"),
        choices=LegalFramework.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Het voorgestelde kader volgt uit het soort organisatie waarvoor u werkt en uit de OTS. Kiest u "
            "een ander kader, licht dan toe waarom."
        ),
        error_messages={
            "required": _("Kies het kader waarbinnen u om informatie vraagt."),
            "invalid_choice": _("Kies een van de kaders in de lijst."),
        },
    )
    framework_change_reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom kiest u een ander kader dan voorgesteld?"),
        required=False,
        help_text=_("Verplicht als u een ander kader kiest dan het voorgestelde."),
        widget=text_area(4),
    )
    receiving_organisation = forms.ModelChoiceField(
        label=_("Ontvangende organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een organisatie"),
        help_text=_("De organisatie voor volwassenenzorg die u om informatie over de ouder vraagt."),
        error_messages={
            "required": _("Kies de organisatie voor volwassenenzorg die u om informatie vraagt."),
            "invalid_choice": _("Kies een organisatie voor volwassenenzorg uit de lijst."),
        },
    )
    intended_clinician = forms.ChoiceField(
        label=_("Zorgverlener"),
        required=False,
        help_text=_(
            "Niet verplicht. Weet u (bijvoorbeeld uit het telefonisch contact) welke zorgverlener de ouder "
            "behandelt, kies die dan. De zorgverlener werkt bij de gekozen organisatie."
        ),
        error_messages={"invalid_choice": _("Kies een zorgverlener uit de lijst.")},
    )

    def __init__(self, *args: Any, info: InformationRequest, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.info = info
        self._offer_frameworks(info)
        receivers = self._offer_receivers(info)
        self._offer_clinicians(receivers)

    def _offer_frameworks(self, info: InformationRequest) -> None:
        org_kind = info.requesting_organisation.kind
        if self.is_bound:
            has_ots = self.fields["has_ots"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("has_ots")
            )
        else:
            has_ots = info.has_ots
        #: L3: the ground suggested from the organisation's kind, the OTS and the consent path.
        self.suggested = rules.suggest_framework(org_kind, bool(has_ots), info.consent_path)
        # Offer what can apply to this organisation: the voluntary framework, the conflict of
        # duties, and the organisation's own legal ground (what it would be suggested with an
        # OTS); plus whatever is saved, so nothing disappears silently.
        offered = {
            LegalFramework.VOLUNTARY,
            LegalFramework.CONFLICT_OF_DUTIES,
            rules.suggest_framework(org_kind, True),
            self.suggested,
        }
        if info.legal_framework:
            offered.add(info.legal_framework)
        suggested_note = gettext("voorgesteld")
        self.fields["legal_framework"].choices = [
            (value, f"{label} — {suggested_note}" if value == self.suggested else label)
            for value, label in LegalFramework.choices
            if value in offered
        ]

    def _offer_receivers(self, info: InformationRequest) -> QuerySet[Organisation]:
        receivers = Organisation.objects.filter(kind=OrganisationKind.VOLWASSENENZORG, is_active=True)
        field = self.fields["receiving_organisation"]
        if info.status == RequestStatus.RETURNED and info.receiving_organisation_id:
            # R7: a returned request comes back to the same organisation.
            field.queryset = Organisation.objects.filter(pk=info.receiving_organisation_id)
            field.disabled = True
            field.help_text = _("Een teruggestuurd verzoek gaat terug naar dezelfde organisatie.")
            receivers = field.queryset
        else:
            field.queryset = receivers
        return receivers

    def _offer_clinicians(self, receivers: QuerySet[Organisation]) -> None:
        # Active clinicians of active adult-care organisations, grouped per organisation.
        memberships = (
            Membership.objects.filter(
                role=Role.ZORGVERLENER,
                is_active=True,
                user__is_active=True,
                organisation__in=receivers,
            )
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name", "user__username")
        )
        self._members: dict[int, set[int]] = {}
        self._clinicians: dict[int, User] = {}
        groups: dict[str, list[tuple[str, str]]] = {}
        for membership in memberships:
            user = membership.user
            self._members.setdefault(membership.organisation_id, set()).add(user.pk)
            self._clinicians[user.pk] = user
            groups.setdefault(membership.organisation.name, []).append(
                (str(user.pk), user.get_full_name() or user.get_username())
            )
        self.fields["intended_clinician"].choices = [("", gettext("Geen voorkeur"))] + list(groups.items())

    def _works_at(self, clinician: User | None, organisation: Organisation) -> bool:
        return clinician is not None and clinician.pk in self._members.get(organisation.pk, ())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        receiver = cleaned.get("receiving_organisation")
        clinician = None
        clinician_id = cleaned.get("intended_clinician")
        if clinician_id:
            clinician = self._clinicians.get(int(clinician_id))
            # Server-side, whatever the browser sent: the clinician works at the chosen organisation.
            if receiver is not None and not self._works_at(clinician, receiver):
                self.add_error("intended_clinician", ValidationError(
                    _(
                        "Deze zorgverlener werkt niet bij %(organisation)s. Kies een zorgverlener van die "
                        "organisatie, of ‘Geen voorkeur’."
                    ),
                    code="wrong_organisation", params={"organisation": receiver.name},
                ))
                clinician = None
        cleaned["clinician"] = clinician
        framework = cleaned.get("legal_framework") or ""
        if framework == self.suggested:
            cleaned["framework_change_reason"] = ""  # the suggestion needs no reason
        if "legal_framework" in self.errors or "receiving_organisation" in self.errors:
            return cleaned
        preview = Preview(
            self.info,
            has_ots=bool(cleaned.get("has_ots")),
            legal_framework=framework,
            suggested_framework=self.suggested,
            framework_change_reason=cleaned.get("framework_change_reason", ""),
            receiving_organisation=receiver,
            receiving_organisation_id=receiver.pk if receiver else None,
            intended_clinician=clinician,
            intended_clinician_id=clinician.pk if clinician else None,
        )
        missing = rules.missing_for_submit(preview)
        for key in ("legal_framework", "framework_change_reason", "receiving_organisation",
                    "intended_clinician"):
            if key in missing and key not in self.errors:
                self.protocol_error(key, missing[key])
        return cleaned


class FrameworkStep(FilingStep):
    slug = "kader-en-ontvanger"
    title = _("Kader en ontvanger")
    template = "requests/filing/step_framework.html"

    def build(self) -> None:
        info = self.info
        self.form = FrameworkForm(
            self.data,
            info=info,
            lenient=self.lenient,
            initial={
                "has_ots": info.has_ots,
                # L3: the suggestion is pre-selected; saved only when the requester goes on.
                "legal_framework": info.legal_framework
                or rules.suggest_framework(
                    info.requesting_organisation.kind, info.has_ots, info.consent_path
                ),
                "framework_change_reason": info.framework_change_reason,
                "receiving_organisation": info.receiving_organisation_id,
                "intended_clinician": str(info.intended_clinician_id or ""),
            },
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        fields: dict[str, Any] = {
            "has_ots": bool(cleaned.get("has_ots")),
            "legal_framework": cleaned.get("legal_framework", ""),
            "framework_change_reason": cleaned.get("framework_change_reason", ""),
            "intended_clinician": cleaned.get("clinician"),
        }
        if not self.form.fields["receiving_organisation"].disabled:
            fields["receiving_organisation"] = cleaned.get("receiving_organisation")
        return {"fields": fields}

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "suggested": LegalFramework(self.form.suggested)}
