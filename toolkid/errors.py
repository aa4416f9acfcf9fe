"""The one hierarchy of domain errors. Each carries a Dutch message the UI shows as-is, and
nothing was changed when one is raised (the service's transaction rolled back)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base: something the user asked cannot be done; nothing was changed."""

    def __init__(self, message: str | Promise, *, code: str = "error"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class RuleViolation(DomainError):
    """The action is not allowed by a rule of the platform (e.g. removing the last beheerder)."""

    def __init__(self, message: str | Promise, *, code: str = "rule"):
        super().__init__(message, code=code)


class IllegalMove(DomainError):
    """The record is not in a state that allows this (e.g. answering a withdrawn request)."""


class Conflict(DomainError):
    """Someone else changed the record first (two clinicians answering at once)."""


class Incomplete(DomainError):
    """Required explanations, confirmations or motivations are missing.

    ``errors`` maps field names to Dutch messages, so a form can show them beside the fields.
    """

    def __init__(self, errors: dict[str, str | Promise], *, code: str = "incomplete"):
        super().__init__(_("Niet alle verplichte gegevens zijn ingevuld."), code=code)
        self.errors = errors
