"""Form building blocks shared by every app: one date input, one text area, one limited text
field, one radio group with a hint per option. Rendered by ``templates/includes/field.html``, the
one field partial."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from toolkid.limits import TextLimitValidator

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


class LimitedTextField(forms.CharField):
    """Typed text with a maximum from ``toolkid.limits``: ``maxlength`` on the control, and
    beyond it the one Dutch message beside the field ("Maximaal 4.000 tekens (u typte er
    4.512)."), with what was typed kept in the re-rendered form.

    Line breaks are counted as one character, as the browser's ``maxlength`` counts them (a
    browser sends each as CR LF).
    """

    def __init__(self, *, max_length: int, **kwargs: Any):
        super().__init__(max_length=max_length, **kwargs)
        # Django's own MaxLengthValidator says it differently; ours groups the numbers.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(TextLimitValidator(max_length))

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


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
