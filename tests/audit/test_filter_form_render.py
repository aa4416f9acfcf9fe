"""The Audit page's selects are written out directly (issue 11): what they render is exactly
what Django's own Select renders through its templates, for every select, selected value, bad
value (with its error) and language; the "Grondslag" choices, built once per language, are
those of audit.grounds."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from audit.forms import AuditFilterForm
from audit.grounds import ground_filter_choices

SELECTS = ("actie", "doel", "grondslag", "gevoeligheid")
QUERIES = (
    "",
    "actie=read",
    "grondslag=kader:vrijwillig&doel=behandelen",
    "gevoeligheid=rommel&actie=x<y",
    "van=2026-01-01&tot=2025-01-01&grondslag=toestemming",
)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_selects_render_as_djangos_select(language, query):
    with translation.override(language):
        form = AuditFilterForm.from_query(QueryDict(query))
        form.is_valid()
        for name in SELECTS:
            field = form.fields[name]
            ours = render_to_string("includes/field.html", {"field": form[name]})
            assert "<option" in ours
            widget = field.widget
            field.widget = forms.Select(attrs=widget.attrs)
            field.widget.choices = widget.choices
            try:
                django = render_to_string("includes/field.html", {"field": form[name]})
            finally:
                field.widget = widget
            assert ours == django, (name, query)


def test_the_ground_choices_follow_the_language():
    for language in ("nl", "en"):
        with translation.override(language):
            choices = list(AuditFilterForm().fields["grondslag"].choices)
            assert choices[1:] == ground_filter_choices()
    with translation.override("nl"):
        dutch = list(AuditFilterForm().fields["grondslag"].choices)[0][1]
    with translation.override("en"):
        english = list(AuditFilterForm().fields["grondslag"].choices)[0][1]
    assert dutch == "Alle grondslagen" and english != dutch
