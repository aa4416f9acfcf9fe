"""Template tags for the protocol's checks that pages show beside the data they concern.

``{% judgement_warning topic.question audience="clinician" %}`` renders
``requests/core/_judgement_warning.html`` when the question seems to ask for a judgement on
parenting (R10, R19: ``rules.JUDGEMENT_PHRASES``); nothing otherwise. ``audience`` is
"requester" (the default: suggest asking for facts) or "clinician" (answer with facts, or ask
for a reformulation).
"""

from __future__ import annotations

from typing import Any

from django import template

from requests.core import rules

register = template.Library()

AUDIENCES = ("requester", "clinician")


@register.inclusion_tag("requests/core/_judgement_warning.html")
def judgement_warning(question: str, audience: str = "requester", id: str = "") -> dict[str, Any]:
    if audience not in AUDIENCES:
        raise template.TemplateSyntaxError(f"judgement_warning: unknown audience {audience!r}")
    return {"message": rules.judgement_warning(question or "", audience=audience), "id": id}
