"""R10, R19: a question that asks the clinician for a judgement on parenting is recognised from
a Dutch phrase list (``rules.JUDGEMENT_PHRASES``), whatever its case, accents or punctuation;
questions that ask for facts are not."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from requests.core import rules

JUDGEMENTS = [
    "Is moeder een goede opvoeder?",
    "IS MOEDER EEN GOEDE OPVOEDER",
    "Is moeder een  goede\nopvoeder?!",
    "Vindt u vader een goede vader voor N.?",
    "Is zij geschikt als ouder?",
    "Is vader in staat om voor de kinderen te zorgen?",
    "Hoe beoordeelt u de opvoedvaardigheden van moeder?",
    "Is een uithuisplaatsing van de kinderen nodig?",
    "Is een kinderbeschermingsmaatregel nodig?",
    "Is het kind veilig bij moeder?",
    "Wat zegt u over de geschiktheid van moeder?",
    "Is er reden om het gezag te beëindigen?",
]

FACTS = [
    "Heeft moeder haar afspraken bij u nagekomen?",
    "Welke klachten ziet u bij vader en hoe lang al?",
    "Is moeder in de afgelopen drie maanden opgenomen geweest?",
    "Gebruikt vader medicatie die zijn reactievermogen beïnvloedt?",
    "Wat hebt u gezien van de zorg voor de kinderen tijdens de huisbezoeken?",
    "Is het goede contact met de behandelaar hersteld?",
    "Heeft moeder ziektebesef en -inzicht?",
    "",
]


@pytest.mark.parametrize("question", JUDGEMENTS)
def test_r10_a_question_asking_for_a_judgement_on_parenting_is_recognised(question):
    assert rules.judgement_phrases_in(question)
    assert "Vraag liever naar feiten" in rules.judgement_warning(question)


@pytest.mark.parametrize("question", FACTS)
def test_r10_a_question_asking_for_facts_is_not_flagged(question):
    assert rules.judgement_phrases_in(question) == []
    assert rules.judgement_warning(question) == ""


def test_matching_is_on_whole_words():
    # "goede ouder" must not match inside "goede ouderavond".
    assert rules.judgement_phrases_in("Was vader op de goede ouderavond?") == []


def test_normalise_question_drops_case_accents_and_punctuation():
    assert rules.normalise_question("  Is MOEDER één, goede—opvoeder? ") == "is moeder een goede opvoeder"


def test_every_phrase_is_stored_normalised():
    # The list is data: a phrase that can never match (capitals, accents, punctuation) is a bug.
    for phrase in rules.JUDGEMENT_PHRASES:
        assert rules.normalise_question(phrase) == phrase


def test_the_clinician_reads_a_warning_of_their_own():
    warning = rules.judgement_warning("Is moeder een goede opvoeder?", audience="clinician")
    assert "beantwoord de vraag met feiten" in warning


def _render(source: str, **context) -> str:
    return Template("{% load request_rules %}" + source).render(Context(context))


def test_the_template_tag_shows_the_warning_for_a_judgement_only():
    tag = '{% judgement_warning question audience="clinician" %}'
    page = _render(tag, question="Is moeder een goede opvoeder?")
    assert "Let op:" in page and "beantwoord de vraag met feiten" in page and "Waarom?" in page
    assert "R10" not in page.split("<details")[0]  # the rule only behind "Waarom?"
    assert _render(tag, question="Welke diagnose?").strip() == ""


def test_the_template_tag_refuses_an_unknown_audience():
    with pytest.raises(TemplateSyntaxError):
        _render('{% judgement_warning question audience="ouder" %}', question="x")
