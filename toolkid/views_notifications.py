"""Meldingen: the notification centre (UI.md). Each user sees only their own notifications;
marking read is a POST. The link in an e-mail leads to a notification's own page, which
leads on to the request (or the overview) after login."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from toolkid import notifications as n
from toolkid.pagination import paginate

PAGE_SIZE = 50


class PreferenceForm(forms.Form):
    email_reminders = forms.BooleanField(
        label=gettext_lazy("Stuur mij ook een e-mail bij herinneringen"),
        required=False,
        help_text=gettext_lazy(
            "Bij een escalatie (een verstreken termijn) krijgt u altijd een e-mail. De e-mail "
            "bevat alleen een link, nooit gegevens over een verzoek."
        ),
    )


def _item(notification, actor) -> dict:
    organisation = notification.organisation
    other_org = bool(
        organisation and actor.organisation and organisation.pk != actor.organisation.pk
    )
    return {
        "n": notification,
        "text": n.text_for(notification),
        "category": n.category_label(notification),
        "other_organisation": organisation.name if other_org else "",
    }


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = paginate(request, n.notifications_for(user), n.NOTIFICATION_ORDER, per_page=PAGE_SIZE)
    context = {
        "page": page,
        "items": [_item(row, request.actor) for row in page.rows],
        "unread": n.unread_count(user),
        "preference_form": PreferenceForm(initial={"email_reminders": n.wants_reminder_email(user)}),
    }
    return render(request, "toolkid/notifications/list.html", context)


def _own(request: HttpRequest, public_id) -> n.Notification:
    found = n.notification_get_for(request.user, public_id)
    if found is None:  # someone else's, or none: the same answer
        raise Http404
    return found


@require_GET
def notification_detail(request: HttpRequest, public_id) -> HttpResponse:
    notification = _own(request, public_id)
    return render(request, "toolkid/notifications/detail.html", {"item": _item(notification, request.actor)})


@require_POST
def notification_read(request: HttpRequest, public_id) -> HttpResponse:
    """Mark read; with ``open`` go on to what the notification is about."""
    notification = _own(request, public_id)
    n.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("open") and notification.target_url and url_has_allowed_host_and_scheme(
        notification.target_url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.target_url)
    messages.success(request, _("De melding is als gelezen gemarkeerd."))
    return redirect("notifications")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = n.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Alle meldingen zijn als gelezen gemarkeerd."))
    return redirect("notifications")


@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    preference = n.notification_preference_set(
        user=request.user, email_reminders=bool(form.cleaned_data.get("email_reminders"))
    )
    if preference.email_reminders:
        messages.success(request, _("U krijgt een e-mail bij herinneringen en bij escalaties."))
    else:
        messages.success(request, _("U krijgt geen e-mail meer bij herinneringen; bij escalaties wel."))
    return redirect("notifications")
