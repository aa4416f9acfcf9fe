"""What a reverse question needs (R3, R6, L2: the child's consent by age; R25): pure checks.

Each ``missing_for_*`` returns ``{field_name: Dutch message}``; empty means complete. The
services raise ``Incomplete`` with the same dict and the forms show it beside their fields.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from requests.core.rules import Errors, blank

#: L2: who consents to sharing information about a child, by the child's age.
CONSENT_PARENTS = "ouders"
CONSENT_CHILD = "kind"
#: The age of majority: a reverse question is about a minor child.
MAJORITY_AGE = 18




def age_on(born: date, today: date) -> int:
    """Completed years on ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def child_consent_required(age: int) -> frozenset[str]:
    """L2: under 12 the parents with authority; 12–15 the child and the parents; 16 and over
    the child alone."""
    if age < 0:
        raise ValueError("age must not be negative")
    if age < 12:
        return frozenset({CONSENT_PARENTS})
    if age < 16:
        return frozenset({CONSENT_PARENTS, CONSENT_CHILD})
    return frozenset({CONSENT_CHILD})


def child_consent_text(age: int) -> str:
    """The L2 rule for this age, in words (shown on the form and the question)."""
    required = child_consent_required(age)
    if required == {CONSENT_PARENTS}:
        return _("Het kind is jonger dan 12: de ouders met gezag geven toestemming.")  # L2
    if required == {CONSENT_PARENTS, CONSENT_CHILD}:
        return _("Het kind is 12 tot en met 15: het kind én de ouders met gezag geven toestemming.")  # L2
    return _("Het kind is 16 of ouder: het kind geeft zelf toestemming.")  # L2


def missing_for_reverse_question(
    *,
    child_date_of_birth: date | None,
    phone_contact_date: date | None,
    phone_contact_with: str,
    asks_interventions: bool,
    asks_kopp_kvo: bool,
    consent_parents: bool,
    consent_child: bool,
    consent_note: str,
    today: date,
) -> Errors:
    """R3 with R6 (talking before writing) and L2 (the child's consent by age)."""
    errors: Errors = {}
    if phone_contact_date is None:
        errors["phone_contact_date"] = _(
            "Vul de datum van het telefonisch contact in (eerst bellen, dan schrijven)."
        )
    elif phone_contact_date > today:
        errors["phone_contact_date"] = _("De datum van het telefonisch contact ligt in de toekomst.")
    if blank(phone_contact_with):
        errors["phone_contact_with"] = _("Vul in met wie u telefonisch contact had.")
    if not (asks_interventions or asks_kopp_kvo):
        errors["asks_interventions"] = _(
            "Kies wat u vraagt: de ingezette interventies, of een KOPP/KVO-aanbod, of beide."
        )  # R3
    if child_date_of_birth is None:
        errors["child_date_of_birth"] = _("Vul de geboortedatum van het kind in.")
        return errors
    if child_date_of_birth > today:
        errors["child_date_of_birth"] = _("De geboortedatum van het kind ligt in de toekomst.")
        return errors
    age = age_on(child_date_of_birth, today)
    if age >= MAJORITY_AGE:
        errors["child_date_of_birth"] = _(
            "Het kind is 18 of ouder; deze vraag gaat over een minderjarig kind."
        )
        return errors
    required = child_consent_required(age)
    if CONSENT_PARENTS in required and not consent_parents:
        errors["consent_parents"] = _(
            "Voor informatie over een kind van %(age)s jaar is toestemming van de ouders met gezag "
            "nodig."
        ) % {"age": age}  # L2
    if CONSENT_CHILD in required and not consent_child:
        errors["consent_child"] = _(
            "Een kind van %(age)s jaar geeft zelf toestemming voor informatie over zichzelf."
        ) % {"age": age}  # L2
    if CONSENT_CHILD not in required and consent_child and not consent_parents:
        # L2
        errors["consent_parents"] = _("Onder de 12 jaar beslissen de ouders met gezag over toestemming.")
    if blank(consent_note):
        errors["consent_note"] = _("Leg vast hoe en wanneer de toestemming is gegeven.")
    return errors


def missing_for_reverse_answer(
    *, asks_interventions: bool, asks_kopp_kvo: bool, interventions: str, kopp_kvo: str
) -> Errors:
    """R3, R25: answer what was asked, factually."""
    errors: Errors = {}
    if asks_interventions and blank(interventions):
        errors["interventions"] = _("Beschrijf welke interventies voor het kind worden ingezet.")
    if asks_kopp_kvo and blank(kopp_kvo):
        errors["kopp_kvo"] = _("Geef aan of een preventief KOPP/KVO-aanbod bij het kind past.")
    return errors


