"""What the request lists (Binnengekomen, Mijn verzoeken) share: the due window filter, the
search for a request by reference, parent name, initials with birth date or BSN, and where the
search terms are kept between pages.

Search terms are personal data (a name, a birth date, a BSN), so they never travel in a URL,
a browser history or a server log (as in the audit's parent search): the search form is a POST,
the terms are kept in the session under a random token, and the list's links carry only the
token (``?zoek=…``). The list's own organisation filter always comes first, so a name search
finds only parents on the actor's own organisation's requests.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from requests.core.bsn import is_valid_bsn, normalise_bsn
from requests.core.models import ConsentPath
from toolkid.pagination import CURSOR_PARAM

#: The query parameter that names kept search terms.
SEARCH_PARAM = "zoek"
_SESSION_KEY = "request_list_searches"
#: A session keeps the last few searches only (each tab its own).
_KEPT = 10

DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK = "te_laat", "vandaag", "deze_week"
DUE_WINDOWS = [
    (DUE_OVERDUE, _("Te laat")),
    (DUE_TODAY, _("Vandaag")),
    (DUE_THIS_WEEK, _("Deze week")),
]

#: Initials as typed in a list: "J.B.", "J. de B.", "JB" (two to six letters, dots optional).
_INITIALS = re.compile(r"^(?:[A-Za-z]\.?\s*){1,6}$")
#: A reference as the system writes it (TK-2026-000123), or its beginning.
_REFERENCE = re.compile(r"^TK-[\d-]*$", re.IGNORECASE)


class ListFilterForm(forms.Form):
    """What the request lists' GET filters share (Binnengekomen, Mijn verzoeken; rendered by
    ``includes/list_filters.html``): the state, the consent path, the due window and the
    organisation on the other side. An invalid value is shown and ignored."""

    use_required_attribute = False

    status = forms.ChoiceField(label=_("Status"), required=False)
    path = forms.ChoiceField(
        label=_("Toestemming"), required=False, choices=[("", _("Alle paden")), *ConsentPath.choices],
    )
    due_window = forms.ChoiceField(
        label=_("Termijn"), required=False, choices=[("", _("Alle termijnen")), *DUE_WINDOWS],
    )
    #: Each list labels it after its other side.
    organisation = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("Alle organisaties"))

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], organisations: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses
        if organisations is None:
            from toolkid.models import Organisation

            organisations = Organisation.objects.none()
        self.fields["organisation"].queryset = organisations

    def valid_values(self) -> dict[str, Any]:
        """The valid values; nothing for an unbound form (the list's defaults)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return getattr(self, "cleaned_data", {})


def due_window_q(window: str | None, today: dt.date) -> Q:
    """The rows whose due date falls in ``window``: before today, today, or today up to Sunday."""
    if window == DUE_OVERDUE:
        return Q(due_date__lt=today)
    if window == DUE_TODAY:
        return Q(due_date=today)
    if window == DUE_THIS_WEEK:
        return Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=6 - today.weekday()))
    return Q()


class RequestSearchForm(forms.Form):
    """Find a request: a reference (or its start), a parent's name, initials with the birth
    date, or a BSN. Posted, never in the URL."""

    use_required_attribute = False

    text = forms.CharField(
        label=_("Kenmerk, naam of voorletters van de ouder"), required=False, max_length=100,
        help_text=_("Bijvoorbeeld TK-2026, Jansen of J.B. (voorletters met de geboortedatum)."),
    )
    born = forms.DateField(
        label=_("Geboortedatum van de ouder"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    bsn = forms.CharField(label=_("BSN van de ouder"), required=False, max_length=20)

    def clean_bsn(self) -> str:
        typed = self.cleaned_data.get("bsn", "")
        if not typed:
            return ""
        value = normalise_bsn(typed)
        if not is_valid_bsn(value):
            raise forms.ValidationError(_("Dit is geen geldig BSN. Een BSN heeft negen cijfers."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("text") or "").strip()
        data["text"] = text
        if not (text or data.get("born") or data.get("bsn")):
            raise forms.ValidationError(_("Vul een kenmerk, een naam, een geboortedatum of een BSN in."))
        if text and _INITIALS.match(text) and "." in text and not data.get("born"):
            self.add_error("born", _("Vul bij voorletters ook de geboortedatum in."))
        elif text and not _REFERENCE.match(text) and len(text) < 2:
            self.add_error("text", _("Typ ten minste twee letters van de naam."))
        return data


def search_q(terms: dict[str, Any]) -> Q:
    """The rows that match the kept search terms (see :class:`RequestSearchForm`)."""
    q = Q()
    text = terms.get("text") or ""
    born = terms.get("born")
    if born:
        q &= Q(parent__date_of_birth=dt.date.fromisoformat(born))
    if terms.get("bsn"):
        q &= Q(parent__bsn=terms["bsn"])
    if text:
        if _REFERENCE.match(text):
            # The unique index on the reference serves an exact match and a prefix.
            q &= Q(reference__startswith=text.upper())
        elif _INITIALS.match(text) and "." in text:
            q &= Q(parent__name__iregex=_initials_pattern(text))
        else:
            # On PostgreSQL the trigram index on the parent's name serves this (migration 0011).
            q &= Q(parent__name__icontains=text)
    return q


def _initials_pattern(text: str) -> str:
    """"J.d.B." → the name's words start with J, d and B in that order, as the list shows them
    (``Parent.initials_and_year`` takes the first letter of every word)."""
    letters = [ch for ch in text if ch.isalpha()]
    return r"^\s*" + r"\S*\s+".join(re.escape(ch) for ch in letters) + r"\S*\s*$"


def search_kind(terms: dict[str, Any] | None) -> str:
    """What the search was by, for the audit event (never the terms themselves: L5 wants the
    search logged, and a payload holds identifiers, not a name or a BSN)."""
    if not terms:
        return ""
    kinds = []
    text = terms.get("text") or ""
    if text:
        kinds.append("kenmerk" if _REFERENCE.match(text) else "voorletters" if "." in text else "naam")
    if terms.get("born"):
        kinds.append("geboortedatum")
    if terms.get("bsn"):
        kinds.append("bsn")
    return "+".join(kinds)


def remember_search(request: HttpRequest, cleaned: dict[str, Any]) -> str:
    """Keep the terms in the session; the token goes in the list's URL instead of them."""
    token = secrets.token_urlsafe(9)
    kept: dict[str, Any] = dict(request.session.get(_SESSION_KEY, {}))
    while len(kept) >= _KEPT:
        kept.pop(next(iter(kept)))
    born = cleaned.get("born")
    kept[token] = {"text": cleaned.get("text") or "", "born": born.isoformat() if born else "",
                   "bsn": cleaned.get("bsn") or ""}
    request.session[_SESSION_KEY] = kept
    return token


def recalled_search(request: HttpRequest) -> dict[str, Any] | None:
    """The terms the URL's token names in this session, or None (no token, or an old one)."""
    token = request.GET.get(SEARCH_PARAM, "")
    if not token:
        return None
    return request.session.get(_SESSION_KEY, {}).get(token)


def search_initial(terms: dict[str, Any] | None) -> dict[str, Any]:
    """The kept terms as the search form's initial values (shown back on every page)."""
    return dict(terms) if terms else {}


def other_organisations(actor: Any) -> Any:
    """The organisations a list can be narrowed to ("organisatie aan de andere kant")."""
    from toolkid.models import Organisation

    return Organisation.objects.exclude(pk=getattr(actor.organisation, "pk", None)).order_by("name")


def search_from(request: HttpRequest) -> tuple[RequestSearchForm, dict[str, Any] | None, str]:
    """The list's search form, the terms to search for and, after a valid POST, the URL to
    redirect to (the list with the filters of the page it was sent from and the terms' token).

    A POST's form posts to ``?<the page's filters>``, so ``request.GET`` holds those filters.
    """
    if request.method == "POST":
        form = RequestSearchForm(request.POST)
        if form.is_valid():
            query = request.GET.copy()
            query.pop(CURSOR_PARAM, None)
            query[SEARCH_PARAM] = remember_search(request, form.cleaned_data)
            return form, None, f"{request.path}?{query.urlencode()}"
        return form, None, ""
    terms = recalled_search(request)
    return RequestSearchForm(initial=search_initial(terms)), terms, ""


def list_links(request: HttpRequest) -> dict[str, str]:
    """The query strings a list page's forms and links need: the filters without the cursor
    (the search form posts there) and without the search (to clear it)."""
    query = request.GET.copy()
    query.pop(CURSOR_PARAM, None)
    without_search = query.copy()
    without_search.pop(SEARCH_PARAM, None)
    clear = without_search.urlencode()
    return {
        "filters_query": query.urlencode(),
        "clear_search_url": f"{request.path}?{clear}" if clear else request.path,
        "search_token": request.GET.get(SEARCH_PARAM, ""),
    }
