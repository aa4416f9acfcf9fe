"""Security headers on every page of the URL map (README "Beveiliging").

One test walks every named URL pattern (``django.urls.get_resolver()``) over the demo data
(``load_demo``, about two seconds): once per role with two factors, and once anonymously. Every
response is checked, whatever its status:

- ``Cache-Control`` forbids storing it (ASVS V8.2.1): a page for a logged-in user carries
  personal data, and even the login page a CSRF token;
- an HTML response has the Content-Security-Policy, without ``'unsafe-inline'`` or
  ``'unsafe-eval'`` (V14.4.3), and ``Permissions-Policy``; its markup has no inline script,
  style attribute, ``<style>`` block, event handler or ``javascript:`` link, which the policy
  would block (and the page would break for its users).

A URL with arguments gets them from ``_arguments``; a new one without an entry there fails the
walk, as does a page no role could open (unless it only answers POST, ``NOT_A_PAGE``).
``make e2e`` runs the same policy in a real browser, which reports every violation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from consent.models import ConsentDeclaration
from requests.api.actions import ACTION_VIEWS
from requests.core.workflow import RequestStatus
from requests.detail import actions as page_actions
from requests.filing.sequence import STEPS
from requests.followup.actions import ACTIONS as FOLLOWUP_ACTIONS
from requests.kindcheck.models import Kindcheck
from requests.models import InformationRequest, LegalAdvice
from requests.reverse.models import ReverseQuestion
from requests.reverse.policy import ACTIONS as REVERSE_ACTIONS
from tests.conftest import verify_client
from toolkid.models import Membership, Notification, NotificationKind, Organisation, Role, User
from toolkid.notifications import Recipient, notify

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]

#: One demo user per role (demo/accounts.py). Each URL is opened by the first that may.
ROLES = (
    "jeugd.heerlen",  # jeugdhulpverlener, Wijkteam Heerlen
    "zorg.mondriaan",  # zorgverlener, Mondriaan
    "teamleider.mondriaan",
    "jurist.mondriaan",  # juridisch adviseur
    "beheer.mondriaan",  # beheerder of an organisation
    "functioneel.beheer",  # the platform's functional administrator (the admin)
)

#: URLs that only answer POST, or only redirect: their GET is still checked, but need not be a
#: page anyone can open.
NOT_A_PAGE = {
    "set_language",
    # The API's list needs ?rol= (tests/requests/api/test_read.py opens it); its writes answer
    # POST/PATCH only (tests/requests/api/test_actions.py, test_filing.py).
    "api:verzoeken",
    "api:request-draft",
    "api:request-submit",
    "api:request-action",
    "members_grant",
    "members_end",
    "requests:submit",
    "requests:action",
    "requests:advise",
    "requests:followup_action",
    "requests:followup_item_action",
    "requests:reverse_action",
    "notifications_read_all",
    "notification_read",
    "notification_preferences",
    "requests:kindcheck_next_steps",
    "audit:chain_check",
    "audit:parent_search",
    # A PDF for one parent's reference; without one it redirects to the search form. The PDF
    # sets its own "private, no-store" (audit/parent_views.py).
    "audit:parent_access_pdf",
    # The overview for the parent: likewise (tests/audit/test_parent_letter.py).
    "audit:parent_access_letter",
    # The FHIR AuditEvent search needs ?entity=Task/<id>; without it a 400 OperationOutcome
    # (tests/audit/test_fhir.py opens it).
    "fhir-auditevent",
    # The second step of a login: only between password and code (see the test below).
    "otp_verify",
    # Login with the organisation's account: the start only answers the login page's POST,
    # the callback only the provider's redirect (tests/toolkid/oidc/test_login.py).
    "oidc_start",
    "oidc_callback",
    # Readiness answers 503 while the background is not ready: in a long test run the sweep's
    # heartbeat is past its grace, so no 2xx is promised here (its headers are still checked;
    # tests/toolkid/test_health.py covers its answers).
    "health_ready",
    "otp_setup",
}

#: Inline code in third-party admin templates, allowed on admin pages only. The policy blocks
#: it and the page works without: it is cosmetic (django-simple-history's paginator border).
ADMIN_INLINE = frozenset({'style="border-top: 0" on <p>'})


# --------------------------------------------------------------------------------------------
# The URL map and example arguments
# --------------------------------------------------------------------------------------------


def named_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every named URL pattern, with its namespaced name (``requests:detail``)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _first(queryset):
    found = queryset.order_by("pk").first()
    assert found is not None, f"the demo data has no {queryset.model.__name__} for this walk"
    return found


def _arguments() -> dict[str, dict | tuple]:
    """Example arguments for every URL that takes some, from the demo data: a case between
    Wijkteam Heerlen and Mondriaan (the demo's main pair of organisations)."""
    heerlen_mondriaan = InformationRequest.objects.filter(
        requesting_organisation__name="Wijkteam Heerlen", receiving_organisation__name="Mondriaan"
    )
    answered = _first(heerlen_mondriaan.filter(answered_at__isnull=False).exclude(consent_path="C"))
    draft = _first(heerlen_mondriaan.filter(status=RequestStatus.DRAFT))
    advice = _first(LegalAdvice.objects.filter(request__receiving_organisation__name="Mondriaan"))
    kindcheck = _first(Kindcheck.objects.filter(organisation__name="Mondriaan"))
    question = _first(ReverseQuestion.objects.filter(asking_organisation__name="Mondriaan"))
    consent = _first(ConsentDeclaration.objects.filter(parent__organisation__name="Wijkteam Heerlen"))
    notification = _first(Notification.objects.filter(recipient__username__in=ROLES))
    membership = _first(Membership.objects.filter(organisation__name="Mondriaan"))
    action = next(iter(page_actions.ACTIONS.values())).slug
    followup = next(iter(FOLLOWUP_ACTIONS.values())).slug
    reverse_action = next(iter(REVERSE_ACTIONS))
    request_id = {"public_id": answered.public_id}
    arguments = {
        "members_end": {"pk": membership.pk},
        "members_deactivate": {"pk": membership.user_id},
        "requests:review": {"public_id": draft.public_id},
        "requests:submit": {"public_id": draft.public_id},
        "requests:detail": request_id,
        "requests:timeline": request_id,
        "requests:action": {**request_id, "action": action},
        "requests:advise": {"public_id": advice.request.public_id, "advice_id": advice.pk},
        "requests:followup_action": {**request_id, "action": followup},
        "requests:followup_item_action": {**request_id, "action": followup, "item_id": 1},
        "requests:kindcheck_detail": {"public_id": kindcheck.public_id},
        "requests:kindcheck_next_steps": {"public_id": kindcheck.public_id},
        "requests:reverse_detail": {"public_id": question.public_id},
        "requests:reverse_action": {"public_id": question.public_id, "action": reverse_action},
        "requests:letter_request": request_id,
        "requests:letter_answer": request_id,
        "requests:consent_form": request_id,
        "consent:create": {"parent_public_id": consent.parent.public_id},
        "consent:detail": {"public_id": consent.public_id},
        "consent:document": {"public_id": consent.public_id},
        "consent:revoke": {"public_id": consent.public_id},
        "fhir-task": request_id,
        # The API, through the verified session of a demo user (docs/adr/0007 §6).
        "api:verzoek": request_id,
        "api:toestemming": {"public_id": consent.public_id},
        "api:toestemming-document": {"public_id": consent.public_id},
        "api:request-draft": {"id": draft.public_id},
        "api:request-submit": {"id": draft.public_id},
        "api:request-action": {"id": answered.public_id, "actie": "onbekend"},
        "fhir-consent": {"public_id": consent.public_id},
        "notification": {"public_id": notification.public_id},
        "notification_read": {"public_id": notification.public_id},
        "admin:app_list": {"app_label": "toolkid"},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(Organisation).pk,
            "object_id": _first(Organisation.objects.all()).pk,
        },
    }
    # One API path per action, POST only.
    for name in ACTION_VIEWS:
        arguments[f"api:request-action-{name}"] = {"id": answered.public_id}
        NOT_A_PAGE.add(f"api:request-action-{name}")
    # Every step of the filing wizard is its own page (the consent step has its script).
    for step in STEPS:
        arguments[f"requests:step/{step.slug}"] = {"public_id": draft.public_id, "step": step.slug}
    # The admin's pages of one object of every registered model that has one.
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                arguments[prefix + view] = {"object_id": obj.pk}
            arguments[prefix + "password_change"] = {"id": obj.pk}
            # django-otp's pages of a TOTP device (its key as text and as QR code).
            arguments[prefix + "config"] = arguments[prefix + "qrcode"] = {"pk": obj.pk}
            # django-simple-history's page of one earlier version (positional arguments).
            version = obj.history.order_by("pk").first() if hasattr(obj, "history") else None
            if version is not None:
                arguments[prefix + "simple_history"] = (obj.pk, version.history_id)
    return arguments


@dataclass
class Visit:
    name: str
    url: str
    #: Opened with a 2xx by someone (or it is not a page: NOT_A_PAGE).
    opened: bool = False
    statuses: dict[str, int] = field(default_factory=dict)


#: The admin's pages of one object; a model without rows in the demo data has none to show.
ADMIN_OBJECT_VIEWS = ("_change", "_history", "_delete", "_password_change", "_simple_history", "_config",
                      "_qrcode")


def urls_to_visit(arguments: dict[str, dict | tuple]) -> tuple[list[tuple[str, str]], list[str]]:
    """``([(name, url)], [names without example arguments])``."""
    urls, missing = [], []
    for name, pattern in named_patterns():
        if not pattern.pattern.regex.groups:
            urls.append((name, reverse(name)))
            continue
        examples = [(key, example) for key, example in arguments.items()
                    if key == name or key.startswith(f"{name}/")]
        if not examples and not (name.startswith("admin:") and name.endswith(ADMIN_OBJECT_VIEWS)):
            missing.append(name)
        for key, example in examples:
            if isinstance(example, tuple):
                urls.append((key, reverse(name, args=example)))
            else:
                urls.append((key, reverse(name, kwargs=example)))
    return urls, missing


# --------------------------------------------------------------------------------------------
# What a response must carry
# --------------------------------------------------------------------------------------------


class InlineCode(HTMLParser):
    """Finds what a ``script-src 'self'; style-src 'self'`` policy blocks in a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in {
            "application/json", "application/ld+json"
        }:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> block")
        for attr, value in attrs:
            if attr == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif attr.startswith("on"):
                self.found.append(f"{attr}= handler on <{tag}>")
            elif attr in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL in {attr} of <{tag}>")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


#: The only pages whose CSP allows inline *styles* (never scripts): Swagger UI and Redoc set
#: styles from their scripts (docs/adr/0007 §1b). They hold no personal data.
INLINE_STYLE_PAGES = frozenset({"/api/v1/docs/", "/api/v1/redoc/"})


def header_problems(response, allowed: frozenset[str] = frozenset()) -> list[str]:
    problems = []
    cache_control = {d.strip().split("=")[0].lower() for d in response.get("Cache-Control", "").split(",")}
    if "no-store" not in cache_control:
        problems.append(f"Cache-Control {response.get('Cache-Control')!r} allows storing")
    if not response.get("Content-Type", "").startswith("text/html"):
        return problems
    policy = response.get("Content-Security-Policy")
    if not policy:
        return [*problems, "HTML without Content-Security-Policy"]
    parsed = directives(policy)
    inline_styles = response.wsgi_request.path in INLINE_STYLE_PAGES
    for directive, expected in (
        ("default-src", ["'self'"]),
        ("script-src", ["'self'"]),
        ("style-src", ["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
        ("form-action", ["'self'"]),
    ):
        if parsed.get(directive) != expected:
            problems.append(f"CSP {directive} is {parsed.get(directive)}, not {expected}")
    without_styles = "; ".join(
        f"{name} {' '.join(values)}"
        for name, values in parsed.items()
        if not (inline_styles and name == "style-src")
    )
    if "'unsafe-inline'" in without_styles or "'unsafe-eval'" in policy:
        problems.append(f"CSP allows inline code: {policy}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"Permissions-Policy is {response.get('Permissions-Policy')!r}")
    if not getattr(response, "streaming", False):
        parser = InlineCode()
        parser.feed(response.content.decode())
        problems.extend(found for found in parser.found if found not in allowed)
    return problems


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------


@pytest.fixture
def demo(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"  # the demo's consent declarations
    call_command("load_demo", stdout=io.StringIO())
    # The demo has no notifications yet (the deadline sweep makes them): one for the requester.
    requester = User.objects.get(username="jeugd.heerlen")
    notify(
        kind=NotificationKind.DEADLINE_REMINDER,
        recipients=[Recipient(requester, requester.memberships.get().organisation,
                              target_url=reverse("requests:outgoing"))],
        source_key="test_security_headers",
        params={"reference": "TK-2026-000001", "due_date": "2026-12-01"},
    )


def test_every_response_of_the_url_map_carries_the_security_headers(demo):
    arguments = _arguments()
    urls, missing = urls_to_visit(arguments)
    assert not missing, f"URLs without example arguments in _arguments: {missing}"

    clients = {username: verify_client(Client(), User.objects.get(username=username)) for username in ROLES}
    clients["anoniem"] = Client()
    problems: list[str] = []
    visits = [Visit(name, url) for name, url in urls]
    for visit in visits:
        base_name = visit.name.split("/")[0]
        who = ["functioneel.beheer"] if base_name.startswith("admin:") else list(ROLES)
        for username in ["anoniem", *who]:
            response = clients[username].get(visit.url)
            visit.statuses[username] = response.status_code
            allowed = ADMIN_INLINE if base_name.startswith("admin:") else frozenset()
            problems.extend(f"{visit.url} ({username}, {response.status_code}): {p}"
                            for p in header_problems(response, allowed))
            if 200 <= response.status_code < 300:
                visit.opened = True
                break
        if base_name in NOT_A_PAGE:
            visit.opened = True

    assert not problems, "\n".join(problems)
    # The walk really reached the pages. In the admin, the functional administrator may not
    # open every model's pages (devices, lockouts, audit rows are not edited there): the index
    # and a list of organisations are enough to know the walk got in.
    unopened = [f"{v.url} {v.statuses}" for v in visits if not v.opened and not v.name.startswith("admin:")]
    assert not unopened, "no role could open these pages:\n" + "\n".join(unopened)
    opened = {v.name for v in visits if v.opened}
    assert {"admin:index", "admin:toolkid_organisation_changelist", "requests:detail"} <= opened


def test_login_page_has_the_policy_for_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert header_problems(response) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_pages_between_password_and_second_factor_carry_the_policy(make_user, wijkteam):
    """The second step of a login exists only after the password: setting up the app (the QR
    code is inline SVG, which the policy allows, not a data: image) and typing its code."""
    for username, has_device, page in (("nieuw", False, "otp_setup"), ("bekend", True, "otp_verify")):
        user = make_user((wijkteam, Role.JEUGDHULPVERLENER), username=username)
        if has_device:
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": "correct-horse-battery"})
        assert response.status_code == 302
        assert header_problems(response) == []
        response = client.get(reverse(page))
        assert response.status_code == 200, page
        assert header_problems(response) == []
        if page == "otp_setup":
            assert "<svg" in response.content.decode()


def test_static_files_keep_their_cache_and_no_page_headers(client):
    """WhiteNoise answers static files before the page headers: they may be cached (no
    personal data), so no-store is for the app's pages only."""
    response = client.get(settings.STATIC_URL + "css/toolkid.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_that_forbids_storing_keeps_its_own_cache_control(rf):
    from django.http import HttpResponse

    from toolkid.middleware import NoStoreMiddleware

    def own(value):
        def view(request):
            response = HttpResponse("x")
            if value:
                response["Cache-Control"] = value
            return response
        return view

    request = rf.get("/verzoeken/")
    assert NoStoreMiddleware(own("no-store"))(request)["Cache-Control"] == "no-store"
    assert NoStoreMiddleware(own(None))(request)["Cache-Control"] == "no-store, private"
    # A view that would let a shared cache keep the page gets no-store and loses public.
    patched = NoStoreMiddleware(own("public, max-age=600"))(request)["Cache-Control"]
    assert "no-store" in patched and "private" in patched and "public" not in patched


# --------------------------------------------------------------------------------------------
# The templates themselves: nothing inline for the policy to block
# --------------------------------------------------------------------------------------------

#: Rendered by WeasyPrint into PDFs on the server, never served as a page: their <style>
#: and style="" never reach a browser (no view renders them; the walk above sees only PDFs).
PDF_BASES = ("audit/_pdf_base.html", "requests/letters/_letter_base.html")
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def _pdf_templates(root: Path) -> set[str]:
    found = set(PDF_BASES)
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if any(f'{{% extends "{base}" %}}' in text for base in PDF_BASES):
            found.add(path.relative_to(root).as_posix())
    return found


def test_page_templates_hold_no_inline_script_style_or_handler():
    roots = [REPO / "templates", *(p for p in REPO.glob("*/templates") if p.is_dir())]
    offenders = []
    for root in roots:
        pdfs = _pdf_templates(root)
        for path in sorted(root.rglob("*.html")):
            name = path.relative_to(root).as_posix()
            if name in pdfs:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _INLINE.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, (
        "The Content-Security-Policy blocks inline script, style and handlers: move them to a "
        "file under static/ (README \"Beveiliging\").\n" + "\n".join(offenders)
    )
