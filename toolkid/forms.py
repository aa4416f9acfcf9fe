"""Form building blocks shared by every app: one date input, one text area, one radio group with
a hint per option. Rendered by ``templates/includes/field.html``, the one field partial."""

from __future__ import annotations

from typing import Any

from django import forms

#: ISO first (what ``<input type="date">`` sends), then what people type where a browser has
#: no date picker.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y"]


class DateInput(forms.DateInput):
    """``<input type="date">`` with the ISO value the browser expects."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"class": "input--short", **(attrs or {})}, format="%Y-%m-%d")


def text_area(rows: int, **attrs: Any) -> forms.Textarea:
    """A text area of ``rows`` lines: the height says how much text is expected."""
    return forms.Textarea(attrs={"rows": rows, **attrs})


class HintedRadioSelect(forms.RadioSelect):
    """Radio buttons with an optional hint per option: ``option.data.hint`` in templates
    (``templates/includes/field.html`` ties it to the option with ``aria-describedby``)."""

    def __init__(self, attrs=None, choices=(), hints: dict[str, Any] | None = None):
        super().__init__(attrs, choices)
        self.hints = {str(value): hint for value, hint in (hints or {}).items()}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.hints.get(str(value), "")
        return option
