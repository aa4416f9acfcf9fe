"""Step 5 of the guided form, *Vragen* (R14, R10, R19): the topics asked about, each with its
question, and no judgement on parenting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests.core.models import Topic
from requests.filing.forms import ErrorItem, FilingStep, StepForm, field_anchor, form_error_items
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import QUESTION


class TopicForm(StepForm):
    """One of the six topics of R14: ticked, with the specific question(s)."""

    selected = forms.BooleanField(required=False)
    question = LimitedTextField(max_length=QUESTION, required=False, widget=text_area(4))

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any):
        super().__init__(*args, prefix=f"topics-{topic.value}", **kwargs)
        self.topic = topic
        self.fields["selected"].label = topic.label
        self.fields["question"].label = gettext("Uw vraag of vragen over onderwerp %(letter)s") % {
            "letter": topic.value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("selected") and not cleaned.get("question"):
            self.protocol_error("question", _("Stel uw vraag bij dit onderwerp."))
        if cleaned.get("question") and not cleaned.get("selected"):
            self.add_error("selected", ValidationError(
                _("Vink dit onderwerp aan als u deze vraag wilt stellen, of maak het vraagveld leeg."),
                code="unchecked",
            ))
        return cleaned

    def apply_service_error(self, key: str, message: Any) -> bool:
        if key == f"topics-{self.topic.value}-question":
            self.add_error("question", message)
            return True
        return False


class QuestionsForm(StepForm):
    no_parenting_judgement_confirmed = forms.BooleanField(
        label=_("Geen van mijn vragen vraagt om een oordeel over de geschiktheid van de ouder als opvoeder"),
        help_text=_(
            "Het oordeel over de geschiktheid als opvoeder, en over een kinderbeschermingsmaatregel, ligt "
            "bij de bevoegde instanties, niet bij de zorgverlener. Vraag binnen uw eigen kerntaak."
        ),
        error_messages={"required": _(
            "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap."
        )},
    )
    non_field_anchor = "#id_topics-a-selected"

    def apply_service_error(self, key: str, message: Any) -> bool:
        if key == "topics":
            self.add_error(None, message)
            return True
        return super().apply_service_error(key, message)


class QuestionsStep(FilingStep):
    slug = "vragen"
    title = _("Vragen")
    template = "requests/filing/step_questions.html"

    def build(self) -> None:
        saved = {t.topic: t.question for t in self.info.topics.all()}
        self.topic_forms = [
            TopicForm(
                self.data,
                topic=topic,
                lenient=self.lenient,
                initial={"selected": topic.value in saved, "question": saved.get(topic.value, "")},
            )
            for topic in Topic
        ]
        self.form = QuestionsForm(
            self.data, lenient=self.lenient,
            initial={"no_parenting_judgement_confirmed": self.info.no_parenting_judgement_confirmed},
        )

    @property
    def forms(self) -> list[Any]:
        return [*self.topic_forms, self.form]

    def validate(self) -> None:
        # R14: at least one topic, each with its question.
        if not self.lenient and not any(form.cleaned_data.get("selected") for form in self.topic_forms):
            self.form.protocol_error(None, _("Kies ten minste één onderwerp en stel uw vraag."))

    def error_items(self) -> list[ErrorItem]:
        # The summary follows the page: "at least one topic" first, then per topic, then the confirmation.
        items = [ErrorItem(str(m), self.form.non_field_anchor) for m in self.form.non_field_errors()]
        for form in self.topic_forms:
            items += form_error_items(form)
        for bound in self.form:
            items += [ErrorItem(str(m), field_anchor(bound)) for m in bound.errors]
        return items

    def update(self) -> dict[str, Any]:
        return {
            "fields": {
                "no_parenting_judgement_confirmed": bool(
                    self.form.cleaned_data.get("no_parenting_judgement_confirmed")
                ),
            },
            "topics": [
                {"topic": form.topic.value, "question": form.cleaned_data.get("question", "")}
                for form in self.topic_forms
                if form.cleaned_data.get("selected")
            ],
        }

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "topic_forms": self.topic_forms}
