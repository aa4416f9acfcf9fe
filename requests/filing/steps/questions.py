"""Step 5 of the guided form, *Vragen* (R14, R10, R19): the topics asked about, each with its
question, and no judgement on parenting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests.core import rules
from requests.core.models import Topic
from requests.filing.forms import ErrorItem, FilingStep, StepForm, field_anchor, form_error_items
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import QUESTION


class TopicForm(StepForm):
    """One of the six topics of R14: ticked, with the specific question(s)."""

    selected = forms.BooleanField(required=False)
    question = LimitedTextField(max_length=QUESTION, required=False, widget=text_area(4))
    #: R10: the question (normalised) the judgement warning was shown for; asking it again as it
    #: stands is then the requester's informed choice.
    warned = LimitedTextField(max_length=QUESTION, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any):
        super().__init__(*args, prefix=f"topics-{topic.value}", **kwargs)
        self.topic = topic
        self.fields["selected"].label = topic.label
        self.fields["question"].label = gettext("Uw vraag of vragen over onderwerp %(letter)s") % {
            "letter": topic.value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        question = cleaned.get("question") or ""
        if cleaned.get("selected") and not question:
            self.protocol_error("question", _("Stel uw vraag bij dit onderwerp."))
        # The question of an unticked topic is not asked (the box is hidden, what was typed is
        # kept in the page only); nothing to check.
        if (
            cleaned.get("selected")
            and rules.judgement_phrases_in(question)
            and cleaned.get("warned") != rules.normalise_question(question)
        ):
            # R10: stop once, at the question itself; asked again unchanged, it goes.
            self.protocol_error("question", _(
                "Deze vraag lijkt te vragen om een oordeel over de ouder als opvoeder. Stel de "
                "vraag anders, of kies nogmaals ‘Opslaan en verder’ als u hem toch zo wilt stellen."
            ))
        return cleaned

    @property
    def shows_question(self) -> bool:
        """Only a ticked topic shows its question box (or one with something to say about it)."""
        return bool(self["selected"].value()) or (self.is_bound and "question" in self.errors)

    @property
    def current_question(self) -> str:
        return str(self["question"].value() or "")

    @property
    def judgement_warning(self) -> str:
        """R10: the warning shown below the question box (server-side, on every rendering)."""
        return rules.judgement_warning(self.current_question)

    @property
    def warned_value(self) -> str:
        """What the hidden ``warned`` field carries on this rendering: the question the warning
        is shown for now, so the same question posted again is not stopped twice."""
        return rules.normalise_question(self.current_question) if self.judgement_warning else ""

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

    @classmethod
    def showing_questions(cls, *, actor: Any, info: Any, data: Any) -> QuestionsStep:
        """"Toon vragen" without JavaScript: the question boxes of the ticked topics, everything
        as typed, nothing validated yet (the user is not done)."""
        step = cls(actor=actor, info=info)
        step.topic_forms = [
            TopicForm(
                topic=topic,
                initial={
                    "selected": bool(data.get(f"topics-{topic.value}-selected")),
                    "question": data.get(f"topics-{topic.value}-question", ""),
                },
            )
            for topic in Topic
        ]
        step.form = QuestionsForm(initial={
            "no_parenting_judgement_confirmed": bool(data.get("no_parenting_judgement_confirmed")),
        })
        return step

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
        return {
            "form": self.form,
            "topic_forms": self.topic_forms,
            # R10: the phrase list and the warning, for the warning while typing (filing-questions.js).
            "judgement_phrases": list(rules.JUDGEMENT_PHRASES),
            "judgement_message": rules.judgement_message(),
        }
