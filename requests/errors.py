"""Domain errors. Each carries a Dutch message the UI shows as-is."""

from __future__ import annotations

from django.utils.functional import Promise


class RequestError(Exception):
    """Base: something the user asked cannot be done; nothing was changed."""

    def __init__(self, message: str | Promise, *, code: str = "error"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class IllegalMove(RequestError):
    """The request is not in a state that allows this (e.g. answering a withdrawn request)."""


class Conflict(RequestError):
    """Someone else changed the request first (two clinicians answering at once)."""


class Incomplete(RequestError):
    """Required explanations, confirmations or motivations are missing.

    ``errors`` maps field names to Dutch messages, so a form can show them beside the fields.
    """

    def __init__(self, errors: dict[str, str | Promise], *, code: str = "incomplete"):
        from django.utils.translation import gettext_lazy as _

        super().__init__(_("Niet alle verplichte gegevens zijn ingevuld."), code=code)
        self.errors = errors
