"""The request's page as the sub-domains see it: the contract between the sub-domains that put
something on it and ``requests/detail``, which composes and renders it.

- :class:`ActionSpec`: one action a sub-domain offers on the page (its form, the service it
  calls, the message after it). ``requests/handling/actions.py`` and
  ``requests/deadlines/actions.py`` each declare theirs; ``requests/detail/actions.py`` puts
  them in one table.
- :class:`PageState` and :class:`Problem`: what the request's page shows of a problem (on top),
  and a refused action's problem on its own page.
- :func:`typed_values`: what was typed in a form that can no longer be sent, for an action's
  own page after a colleague's action made it impossible (nothing typed is lost).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms

from requests.core import access
from requests.core.forms import ActionForm
from requests.core.models import InformationRequest
from toolkid.actors import Actor


@dataclass(frozen=True)
class ActionSpec:
    """One action on the request's page: form, service call, message."""

    name: str  # also the form prefix and the anchor ``#actie-<name>``
    slug: str  # in the URL: ``<public_id>/actie/<slug>/``
    form_class: type[ActionForm]
    run: Callable[[Actor, InformationRequest, Any], Any]  # (actor, req, form)
    done: Any  # the success message (lazy)
    # The partial with the form; default ``<template_dir>/<name>.html``.
    template: str = ""
    # The form's own keyword arguments (the clinicians to assign to, the declarations to pick).
    form_kwargs: Callable[[Actor, InformationRequest], dict[str, Any]] | None = None
    # The success message when it depends on what was posted (default: ``done``).
    done_for: Callable[[Any], Any] | None = None
    # ``Incomplete.code`` → a note shown beside the messages (the service kept something).
    incomplete_notes: Mapping[str, Any] = field(default_factory=dict)

    #: Where the sub-domain keeps its partials (set by each sub-domain's subclass).
    template_dir: ClassVar[str] = ""

    @property
    def partial(self) -> str:
        return self.template or f"{self.template_dir}/{self.name}.html"

    def make_form(self, actor: Actor, req: InformationRequest, data: Any = None) -> Any:
        """The action's form, prefixed with its name, carrying the state as the actor sees it."""
        kwargs: dict[str, Any] = {
            "prefix": self.name, "request": req, "visible_status": access.status_for(actor, req).value,
        }
        if self.form_kwargs is not None:
            kwargs.update(self.form_kwargs(actor, req))
        return self.form_class(data, **kwargs)

    def message(self, form: Any) -> Any:
        """The success message for this posted form."""
        return (self.done_for(form) if self.done_for is not None else None) or self.done


@dataclass
class Problem:
    """What went wrong with the last action, shown on top of the page."""

    message: str
    conflict: bool = False


@dataclass
class PageState:
    bound: dict[str, Any] = field(default_factory=dict)
    advice_forms: dict[int, Any] = field(default_factory=dict)
    problem: Problem | None = None


def typed_values(form: Any) -> list[tuple[str, str]]:
    """The text the user typed in a form that can no longer be sent (the action is not allowed
    any more after a colleague's action): shown on the action's page so nothing is lost."""
    if form is None or not form.is_bound:
        return []
    typed = []
    for bound in form.visible_fields():
        value = bound.value()
        if isinstance(bound.field.widget, (forms.Textarea, forms.TextInput)) and isinstance(value, str) \
                and value.strip():
            typed.append((str(bound.label), value))
    return typed
