"""Text limits (toolkid/limits.py): one Dutch message that names the limit, a form field that
says it and counts a line break as the browser does, and no text field of the project without
a limit, neither on a model nor on a form.

The limits per field are enforced by the services too; those tests sit beside each service
(tests/requests/*/test_text_limits.py, tests/consent/test_text_limits.py).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import translation

from toolkid import limits
from toolkid.forms import LimitedTextField

#: The apps of this project (not Django's, not third-party).
PROJECT_APPS = ("toolkid", "audit", "consent", "requests", "demo")
ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Maximaal 4.000 tekens (u typte er 4.512)."),
        ("en", "At most 4,000 characters (you typed 4,512)."),
    ],
)
def test_the_message_names_the_limit_as_the_reader_writes_numbers(language, expected):
    with translation.override(language):
        assert limits.too_long_message(4_000, 4_512) == expected
        field = LimitedTextField(max_length=4_000)
        with pytest.raises(ValidationError) as caught:
            field.clean("x" * 4_512)
        assert caught.value.messages == [expected]
        assert caught.value.error_list[0].code == "max_length"


def test_a_limited_field_takes_exactly_the_limit_and_refuses_one_more():
    field = LimitedTextField(max_length=limits.NOTE, required=False)
    assert field.clean("a" * limits.NOTE) == "a" * limits.NOTE
    with pytest.raises(ValidationError) as caught:
        field.clean("a" * (limits.NOTE + 1))
    assert caught.value.messages == ["Maximaal 1.000 tekens (u typte er 1.001)."]
    assert field.widget_attrs(forms.Textarea()) == {"maxlength": "1000"}


def test_a_line_break_counts_once_as_in_the_browser():
    """A browser counts a line break as one character for ``maxlength`` and sends it as CR LF;
    a text that fitted in the browser must fit on the server too."""
    field = LimitedTextField(max_length=10)
    typed = "abcd\r\nefgh\r\n"  # 10 characters in the browser, after the strip 9
    assert field.clean(typed) == "abcd\nefgh"
    assert field.clean("abcd\r\nefghi") == "abcd\nefghi"


def test_the_services_message_is_the_forms_message():
    errors: dict[str, str] = {}
    limits.check_length(errors, "reason", "x" * (limits.MOTIVATION + 1), limits.MOTIVATION)
    assert errors == {"reason": "Maximaal 4.000 tekens (u typte er 4.001)."}
    limits.check_length(errors, "note", "x" * limits.NOTE, limits.NOTE)
    assert "note" not in errors


def _project_models() -> list[type[models.Model]]:
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def test_every_text_field_of_the_project_has_a_limit_and_enforces_it():
    """A TextField's ``max_length`` alone reaches only its form field: the validator makes
    ``full_clean`` and the admin refuse too. A new text field without a limit fails here;
    give it one from ``toolkid.limits`` (``**text_limit(KIND)``). Historical models included."""
    text_fields = [
        (model, field)
        for model in _project_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]
    assert len(text_fields) > 50  # the walk found the project's text fields
    missing = [
        f"{model._meta.label}.{field.name}"
        for model, field in text_fields
        if not field.max_length
        or not any(
            isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length for v in field.validators
        )
    ]
    assert missing == []


def test_a_model_refuses_an_over_long_text_with_the_same_message():
    from requests.models import InformationRequest

    field = InformationRequest._meta.get_field("reason")
    with pytest.raises(ValidationError) as caught:
        field.run_validators("x" * (limits.MOTIVATION + 1))
    assert caught.value.messages == ["Maximaal 4.000 tekens (u typte er 4.001)."]


def _form_modules() -> list[str]:
    """Every module that declares forms in the apps users type into. Not the login steps
    (``toolkid/accounts``): a user name, a password and a one-time code are not stored text."""
    paths = [
        *ROOT.glob("requests/**/*forms.py"),
        *ROOT.glob("requests/filing/steps/*.py"),
        *ROOT.glob("consent/*forms.py"),
        *ROOT.glob("toolkid/*forms.py"),
        *ROOT.glob("toolkid/members/*forms.py"),
    ]
    return sorted({".".join(path.relative_to(ROOT).with_suffix("").parts) for path in paths})


def _declared_forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in _form_modules():
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == name
        ]
    return found


def test_every_text_input_of_a_form_is_limited_and_says_so_the_same_way():
    """A ``forms.CharField`` says "Zorg ervoor dat deze waarde hoogstens …" and only when given a
    ``max_length``; the project's forms use ``LimitedTextField`` with a limit from
    ``toolkid.limits``. (The answer's fields are made per topic: tested with the answer.)"""
    declared = _declared_forms()
    assert len(declared) > 30
    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in declared
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, (forms.UUIDField, forms.EmailField, forms.URLField, forms.SlugField))
        and not (isinstance(field, LimitedTextField) and field.max_length)
    ]
    assert plain == []
