"""NL Design System class names in one place (ADR 0007 §11): the component class each Django
widget gets, and the alert kind of each message level. Forms never name a CSS class; the one
field partial (templates/includes/field.html) renders every control through ``nlds_control``.

    {% load nlds %}
    {{ field|nlds_control }}
    <p class="utrecht-alert utrecht-alert--{{ message.tags|nlds_alert }}">
"""

from __future__ import annotations

import re

from django import template
from django.forms.boundfield import BoundField

register = template.Library()

#: Django's widget_type (the widget class name, lower case, without "input"/"widget") to the
#: Utrecht component that draws it. A tick box or radio group is drawn option by option in
#: field.html; a widget missing here keeps only the classes it was given.
WIDGET_CLASSES = {
    "text": "utrecht-textbox utrecht-textbox--html-input",
    "email": "utrecht-textbox utrecht-textbox--html-input",
    "password": "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--password",
    "number": "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--numeric",
    "url": "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--url",
    "date": "utrecht-textbox utrecht-textbox--html-input",
    "datetime": "utrecht-textbox utrecht-textbox--html-input",
    "time": "utrecht-textbox utrecht-textbox--html-input",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "nullbooleanselect": "utrecht-select utrecht-select--html-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "clearablefile": "utrecht-form-field__input",
    "file": "utrecht-form-field__input",
}

#: django.contrib.messages level tags to the four Utrecht alert kinds.
ALERT_KINDS = {"success": "ok", "warning": "warning", "error": "error"}


def widget_kind(widget: object) -> str:
    """Django's widget_type of the nearest widget class in the MRO that the mapping knows, so a
    project subclass (toolkid.forms.DateInput, the Audit page's fast select) is drawn as the
    Django widget it extends."""
    for cls in type(widget).__mro__:
        kind = re.sub(r"widget$|input$", "", cls.__name__.lower())
        if kind in WIDGET_CLASSES:
            return kind
    return ""


def widget_classes(field: BoundField) -> str:
    """The widget's own classes (input--short, input--code, …) and then the component's."""
    widget = field.field.widget
    own = widget.attrs.get("class", "")
    nlds = WIDGET_CLASSES.get(widget_kind(widget), "")
    return " ".join(part for part in (own, nlds) if part)


@register.filter
def nlds_control(field: BoundField):
    """The control of ``field`` with its component classes; everything else (id, name,
    aria-describedby, aria-invalid, required) as Django renders it."""
    classes = widget_classes(field)
    return field.as_widget(attrs={"class": classes} if classes else None)


@register.filter
def nlds_alert(level_tags: str) -> str:
    """``message.tags`` ("success", "error extra", …) to ok, warning, error or info."""
    for tag in str(level_tags).split():
        if tag in ALERT_KINDS:
            return ALERT_KINDS[tag]
    return "info"
