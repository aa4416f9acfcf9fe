"""The answer clock's actions on the request's page (R26): extending the term (provider) and
contesting an extension (requester): per action its form, service call and message
(:data:`ACTIONS`). ``requests/detail/actions.py`` shows them with the others and decides which
the actor may take now; each form posts to ``requests.detail.views.action``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from requests.core.page import ActionSpec
from requests.deadlines import forms as deadline_forms
from requests.deadlines import services as deadline_services

EXTEND = "extend"
CONTEST_EXTENSION = "contest_extension"

#: The words of each action.
ACTION_LABELS: dict[str, Any] = {
    EXTEND: gettext_lazy("Verlenging aanvragen"),
    CONTEST_EXTENSION: gettext_lazy("Bezwaar maken tegen de verlenging"),
}


class DeadlineAction(ActionSpec):
    """An action of the answer clock; its partial is
    ``templates/requests/deadlines/actions/<name>.html``."""

    template_dir = "requests/deadlines/actions"


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


ACTIONS: dict[str, DeadlineAction] = {
    spec.name: spec
    for spec in (
        DeadlineAction(EXTEND, "verlengen", deadline_forms.ExtendForm,
                       lambda a, r, fm: deadline_services.request_extend_deadline(
                           actor=a, request=r, new_due_date=fm.cleaned_data.get("new_due_date"),
                           reason=_text(fm, "reason"), expected_status=fm.expected),
                       gettext_lazy("De termijn is verlengd. De aanvrager krijgt een melding.")),
        DeadlineAction(CONTEST_EXTENSION, "bezwaar-verlenging", deadline_forms.ContestExtensionForm,
                       lambda a, r, fm: deadline_services.request_contest_extension(
                           actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                       gettext_lazy("Uw bezwaar tegen de verlenging is verstuurd. Een juridisch "
                                    "adviseur van de zorgaanbieder geeft advies; de zorgverlener "
                                    "besluit.")),
    )
}
