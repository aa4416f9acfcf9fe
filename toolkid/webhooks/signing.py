"""Standard Webhooks signatures (https://www.standardwebhooks.com/, the published scheme with
verifiers in many languages): three headers over exactly the bytes that are sent.

- ``webhook-id``: the CloudEvents id (the same on every retry and re-send);
- ``webhook-timestamp``: Unix seconds at sending, so a receiver can refuse replays;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>``,
  space-separated when several secrets sign (the old and the new one during a rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh secret: ``whsec_`` and the base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The key the HMAC uses: the base64 after the prefix, decoded (as the scheme says)."""
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 signature>`` of one message with one secret."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(signing_secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret given."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in signing_secrets),
    }
