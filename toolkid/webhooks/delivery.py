"""One HTTP POST of one delivery, and the rule on where toolKID may post to.

Where to: ``https`` only, and never an address that resolves to this machine or a private
network (a webhook URL must not become a way to reach the platform's own Redis, database or
cloud metadata service: server-side request forgery). ``TOOLKID_WEBHOOKS_ALLOW_LOCAL`` lifts
both for development and the tests, which post to a receiver on 127.0.0.1. The URL is checked
when the endpoint is registered and again before every attempt (DNS may have changed).

How: httpx, 5 s timeout, redirects not followed (a 3xx is a failed attempt: following it
would post the signed body to an address nobody checked).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/cloudevents+json"
TIMEOUT_SECONDS = 5.0


class UnsafeUrl(ValueError):
    """toolKID may not post to this URL (its ``args[0]`` is a Dutch message)."""


def _addresses(host: str, port: int) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(_("De naam van de server in dit adres is niet te vinden.")) from exc


def check_url(url: str) -> None:
    """Raise :class:`UnsafeUrl` unless toolKID may post to ``url`` (see the module text)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl(_("Dit is geen geldig adres.")) from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl(_("Dit is geen geldig adres."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("Een adres met een gebruikersnaam of wachtwoord erin wordt niet aanvaard."))
    if settings.TOOLKID_WEBHOOKS_ALLOW_LOCAL:
        return
    if parts.scheme != "https":
        raise UnsafeUrl(_("Alleen https-adressen zijn toegestaan."))
    for address in _addresses(parts.hostname, port):
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise UnsafeUrl(
                _("Dit adres wijst naar een intern of privé-netwerk; dat is niet toegestaan.")
            )


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: the HTTP status (None when no answer came) and the error's class
    name (empty on success). Never the response body."""

    status_code: int | None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return not self.error


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST the body; a 2xx answer is a delivery, anything else a failed attempt."""
    try:
        check_url(url)
    except UnsafeUrl:
        return Outcome(None, UnsafeUrl.__name__)
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = client.post(
                url,
                content=body,
                headers={**headers, "Content-Type": CONTENT_TYPE, "User-Agent": "toolKID-webhooks/1"},
            )
    except httpx.HTTPError as exc:
        return Outcome(None, type(exc).__name__)
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code)
    return Outcome(response.status_code, httpx.HTTPStatusError.__name__)
