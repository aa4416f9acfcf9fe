"""Domain errors of the core app. Each carries a Dutch message the UI shows as-is."""

from __future__ import annotations

from django.utils.functional import Promise


class RuleViolation(Exception):
    """The action is not allowed by a rule of the platform; nothing was changed."""

    def __init__(self, message: str | Promise, *, code: str = "rule"):
        super().__init__(str(message))
        self.message = message
        self.code = code
