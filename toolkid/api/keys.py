"""The key format: ``tk_<prefix>.<secret>``. The prefix finds the row; the secret is 32 random
bytes, so a single SHA-256 is the right hash (nothing to brute-force, unlike a password), and
the comparison is constant-time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_BYTES = 6  # 8 url-safe characters
SECRET_BYTES = 32
_KEY = re.compile(r"^tk_(?P<prefix>[A-Za-z0-9_-]{8})\.(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewKey:
    prefix: str
    secret_hash: str
    plaintext: str


def generate() -> NewKey:
    prefix = secrets.token_urlsafe(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return NewKey(prefix=prefix, secret_hash=hash_secret(secret), plaintext=f"tk_{prefix}.{secret}")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(value: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key, else None."""
    match = _KEY.match(value or "")
    return (match["prefix"], match["secret"]) if match else None


def matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
