"""Talking to an organisation's OpenID provider: discovery, signing keys, the authorization
request (state, nonce, PKCE S256), the code exchange and the ID token's validation.

Plain httpx and joserfc (ADR 0007 §10, as built): the flow is four small steps, and Authlib's
httpx client adds a deprecation warning and a second HTTP layer without taking any of the
checks below off our hands. From Authlib only the PKCE helper of RFC 7636 is used. Never
``authlib.integrations.django_client``/``requests_client``: they import PyPI ``requests``,
which our ``requests/`` app shadows (tests/test_no_requests_dependency.py).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from toolkid.oidc.models import IdentityProvider

#: Signature algorithms accepted for ID tokens: asymmetric only ("none" and the HMAC family,
#: which would make the client secret a signing key, are refused).
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
#: Seconds of clock difference tolerated on exp/iat.
LEEWAY = 60


class OidcError(Exception):
    """The provider could not be used, or its answer failed a check. ``reason`` is a short
    code for the audit trail; the user sees a Dutch message chosen by the view."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the callback must find again (kept in the session)."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def _cache_key(kind: str, issuer: str) -> str:
    return f"toolkid:oidc:{kind}:{hashlib.sha256(issuer.encode()).hexdigest()[:32]}"


def check_url_scheme(url: str) -> None:
    """https, except for the hosts settings.TOOLKID_OIDC_HTTP_HOSTS names (the local test
    provider): a token endpoint over plain http would leak the code and the client secret."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in settings.TOOLKID_OIDC_HTTP_HOSTS:
        return
    raise OidcError("insecure_url", url)


def _get_json(url: str) -> dict:
    check_url_scheme(url)
    try:
        response = httpx.get(url, timeout=settings.TOOLKID_OIDC_HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("provider_unreachable", f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise OidcError("provider_unreachable", f"{url}: not a JSON object")
    return data


def cached_discovery(provider: IdentityProvider) -> dict | None:
    """The discovery document if it is in the cache; never fetches."""
    return cache.get(_cache_key("discovery", provider.issuer_url))


def discovery(provider: IdentityProvider) -> dict:
    """The provider's discovery document, cached. Its ``issuer`` must be the configured one
    exactly (OIDC Discovery §4.3): otherwise a look-alike document could name other keys."""
    issuer = provider.issuer_url
    key = _cache_key("discovery", issuer)
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        if document.get("issuer") != issuer:
            raise OidcError("issuer_mismatch", str(document.get("issuer"))[:200])
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(field), str):
                raise OidcError("discovery_incomplete", field)
        cache.set(key, document, settings.TOOLKID_OIDC_CACHE_SECONDS)
    return document


def key_set(provider: IdentityProvider, *, refresh: bool = False) -> KeySet:
    """The provider's public signing keys (JWKS), cached; ``refresh`` fetches them anew."""
    key = _cache_key("jwks", provider.issuer_url)
    data = None if refresh else cache.get(key)
    if data is None:
        data = _get_json(discovery(provider)["jwks_uri"])
        cache.set(key, data, settings.TOOLKID_OIDC_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise OidcError("bad_jwks", str(exc)[:200]) from exc


def authorization_request(provider: IdentityProvider, *, redirect_uri: str) -> AuthorizationRequest:
    """The URL of the provider's login page for this attempt, with a fresh state, nonce and
    PKCE verifier (S256). All three are single-use and stay on the server (session)."""
    endpoint = discovery(provider)["authorization_endpoint"]
    check_url_scheme(endpoint)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scopes or "openid",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if urlsplit(endpoint).query else "?"
    return AuthorizationRequest(
        url=f"{endpoint}{separator}{query}", state=state, nonce=nonce, code_verifier=verifier
    )


def exchange_code(
    provider: IdentityProvider, *, code: str, redirect_uri: str, code_verifier: str
) -> dict:
    """The token response for an authorization code (client_secret_basic, RFC 6749 §2.3.1:
    id and secret form-encoded before the Basic header)."""
    endpoint = discovery(provider)["token_endpoint"]
    check_url_scheme(endpoint)
    auth = httpx.BasicAuth(quote(provider.client_id, safe=""), quote(provider.client_secret, safe=""))
    try:
        response = httpx.post(
            endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=settings.TOOLKID_OIDC_HTTP_TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise OidcError("provider_unreachable", str(exc)[:200]) from exc
    if response.status_code != 200:
        raise OidcError("token_refused", f"HTTP {response.status_code}")
    try:
        tokens = response.json()
    except ValueError as exc:
        raise OidcError("token_refused", "not JSON") from exc
    if not isinstance(tokens, dict) or not isinstance(tokens.get("id_token"), str):
        raise OidcError("token_refused", "no id_token")
    return tokens


def _decode(provider: IdentityProvider, id_token: str) -> dict:
    """Signature check. A key id the cached set lacks means the provider rotated its keys; so
    does a failed signature from a provider that names no ``kid`` (one key per set): then the
    set is fetched once more before the token is refused."""
    algorithms = [a for a in ALLOWED_ALGORITHMS if a in discovery(provider).get(
        "id_token_signing_alg_values_supported", ["RS256"])]
    try:
        try:
            token = jwt.decode(id_token, key_set(provider), algorithms=algorithms)
        except (InvalidKeyIdError, BadSignatureError):
            token = jwt.decode(id_token, key_set(provider, refresh=True), algorithms=algorithms)
    except (JoseError, ValueError) as exc:
        raise OidcError("bad_signature", type(exc).__name__) from exc
    return dict(token.claims)


def validate_id_token(provider: IdentityProvider, id_token: str, *, nonce: str) -> dict:
    """The ID token's claims after OIDC Core §3.1.3.7: signature, ``iss`` (this provider),
    ``aud`` (our client id), ``azp``, ``exp``, ``iat``, ``sub`` and ``nonce`` (this attempt)."""
    claims = _decode(provider, id_token)
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": provider.issuer_url},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        reason = getattr(exc, "claim", "") or type(exc).__name__
        raise OidcError(f"bad_claim_{reason}"[:60], type(exc).__name__) from exc
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise OidcError("bad_nonce")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 and azp is None) or (azp is not None and azp != provider.client_id):
        raise OidcError("bad_claim_azp")
    if not claims["sub"] or len(claims["sub"]) > 255:
        raise OidcError("bad_claim_sub")
    return claims
