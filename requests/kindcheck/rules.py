"""The Kindcheck's completeness rules (L4, meldcode step 1; R3, R5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from requests.core.rules import Errors, blank
from requests.kindcheck.models import KindcheckNextStep


def missing_for_kindcheck(
    *,
    checked_on: date | None,
    cares_for_minors: bool | None,
    is_pregnant: bool,
    children_ages: Iterable[int],
    safety_concerns: bool | None,
    concerns_note: str,
    today: date,
) -> Errors:
    """L4: the Kindcheck's three questions, consistently answered."""
    errors: Errors = {}
    ages = list(children_ages)
    if checked_on is None:
        errors["checked_on"] = _("Vul de datum van de Kindcheck in.")
    elif checked_on > today:
        errors["checked_on"] = _("De datum ligt in de toekomst.")
    if cares_for_minors is None:
        errors["cares_for_minors"] = _("Geef aan of de cliënt zorgt voor minderjarige kinderen.")
    elif cares_for_minors and not ages:
        errors["children_ages"] = _("Vul de leeftijd van elk kind in.")
    elif not cares_for_minors and ages:
        errors["children_ages"] = _("U gaf aan dat de cliënt niet voor minderjarige kinderen zorgt.")
    if any(not isinstance(age, int) or age < 0 or age >= 18 for age in ages):
        errors["children_ages"] = _("Een leeftijd is een heel getal van 0 tot en met 17.")
    has_children = bool(cares_for_minors) or is_pregnant
    if safety_concerns is None:
        if has_children:
            errors["safety_concerns"] = _("Geef aan of er zorgen zijn over de veiligheid van de kinderen.")
    elif safety_concerns:
        if not has_children:
            errors["safety_concerns"] = _(
                "Zorgen over de veiligheid gaan over kinderen van de cliënt, of een ongeboren kind."
            )
        elif blank(concerns_note):
            errors["concerns_note"] = _("Beschrijf de zorgen over de veiligheid van de kinderen.")
    return errors


def missing_for_next_steps(*, steps: Iterable[str], note: str) -> Errors:
    """L4 with R5: with concerns at least one next step; "geen" only alone and motivated."""
    chosen = list(steps)
    errors: Errors = {}
    if not chosen:
        errors["steps"] = _("Kies ten minste één vervolgstap.")
    elif any(step not in KindcheckNextStep.values for step in chosen):
        errors["steps"] = _("Onbekende vervolgstap.")
    elif KindcheckNextStep.NONE in chosen and len(chosen) > 1:
        errors["steps"] = _("‘Geen vervolgstap’ gaat niet samen met een andere vervolgstap.")
    elif KindcheckNextStep.NONE in chosen and blank(note):
        errors["note"] = _("Er zijn zorgen over de veiligheid; motiveer waarom u geen vervolgstap zet.")  # R5
    return errors
