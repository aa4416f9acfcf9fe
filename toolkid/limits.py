"""How long typed text may be: one limit per kind of text, in one place.

Every free-text input has a maximum, enforced three times with the same number and the same
Dutch words:

- the **model**: ``max_length`` plus :class:`TextLimitValidator` (:func:`text_limit`), so
  ``full_clean`` and the admin refuse too (a ``TextField``'s ``max_length`` alone only reaches
  its form field, and the database does not enforce it);
- the **form**: ``toolkid.forms.LimitedTextField`` renders ``maxlength`` and says the limit
  beside the field, keeping what was typed;
- the **service**: :func:`check_length` (``requests.core.plumbing.limited_text`` for the
  requests services) puts the same message in ``Incomplete.errors`` before anything is written,
  because services are also called without a form (demo data, tests, later an API).

Why limits at all: without them 100,000 characters were accepted, and every page, letter, PDF,
export and history version that shows the text grows with it. Why these numbers: generous for
what the protocol asks (a few paragraphs), small enough that one field cannot fill a page of
pages. A Dutch A4 page holds about 3,000 characters.

=============  ======  ===============================================================
Kind           Limit   What
=============  ======  ===============================================================
NAME              200  a name, "met wie" (the existing ``CharField``\\s)
REFERENCE          50  an external reference (kenmerk bij Veilig Thuis)
SHORT_NOTE        500  a one-line remark (how the parent revoked a consent)
NOTE            1,000  an optional short note beside a step (toelichting niet verplicht)
QUESTION        2,000  a question asked of someone: per topic (R14), the reverse question
MOTIVATION      4,000  a motivation, reason or explanation: R30/R32 explanations, a decision's
                       motivation (R39), a deviation (R5), a contest, an extension, feedback
ANSWER         10,000  an answer: each answer field per topic (R15–R18), legal advice, the
                       reverse answer, the text of a secondary use (R28)
=============  ======  ===============================================================

A column that stores text from several inputs (a timeline row's motivation, a duty's note, a
legal advice's question) takes the largest limit of its inputs, so it never refuses what an
input accepted. This module imports nothing of the domain apps: every app may use it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

NAME = 200
REFERENCE = 50
SHORT_NOTE = 500
NOTE = 1_000
QUESTION = 2_000
MOTIVATION = 4_000
ANSWER = 10_000

#: The one message, for models, forms and services: both numbers grouped as the reader's
#: language writes them ("Maximaal 4.000 tekens (u typte er 4.512).").
MESSAGE = _("Maximaal %(limit_value)s tekens (u typte er %(show_value)s).")


def grouped(number: int) -> str:
    """``4000`` as the active language writes it: ``4.000`` in Dutch, ``4,000`` in English."""
    return number_format(number, force_grouping=True)


def message_params(limit: int, length: int) -> dict[str, str]:
    return {"limit_value": grouped(limit), "show_value": grouped(length)}


def too_long_message(limit: int, length: int) -> str:
    """The Dutch message for ``length`` characters where ``limit`` are allowed."""
    return str(MESSAGE) % message_params(limit, length)


class TextLimitValidator(MaxLengthValidator):
    """Django's ``MaxLengthValidator`` (code ``max_length``) with :data:`MESSAGE` and the
    numbers grouped: used on the models (``text_limit``) and the forms (``LimitedTextField``)."""

    message = MESSAGE

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message, code=self.code, params=message_params(self.limit_value, length)
            )


def text_limit(limit: int) -> dict[str, Any]:
    """The keyword arguments that limit a model's text field: ``models.TextField(...,
    **text_limit(MOTIVATION))``."""
    return {"max_length": limit, "validators": [TextLimitValidator(limit)]}


def check_length(errors: dict[str, Any], key: str, value: str, limit: int) -> None:
    """Put the message in ``errors[key]`` when ``value`` is longer than ``limit`` (a message
    already there stays: the first problem per field is the one shown)."""
    if len(value) > limit:
        errors.setdefault(key, too_long_message(limit, len(value)))
