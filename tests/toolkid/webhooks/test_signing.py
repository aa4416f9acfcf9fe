"""Standard Webhooks signatures: what a receiver computes with nothing but ``hmac`` must match
what toolKID sends."""

from __future__ import annotations

import base64
import hashlib
import hmac

from toolkid.webhooks import signing


def test_a_known_vector_computed_independently():
    secret = "whsec_" + base64.b64encode(bytes(range(32))).decode()
    body = b'{"data":{"verzoek":"4f1c"},"id":"e1","specversion":"1.0"}'
    msg_id, timestamp = "2b6a2f7e-8d0b-4c1e-9a57-1a2b3c4d5e6f", 1_796_299_200

    mac = hmac.new(bytes(range(32)), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    expected = "v1," + base64.b64encode(mac.digest()).decode()

    assert signing.signature(secret, msg_id, timestamp, body) == expected
    assert signing.headers([secret], msg_id, timestamp, body) == {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": expected,
    }


def test_the_published_standard_webhooks_example():
    # The example of the Standard Webhooks specification and its reference libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_changed_body_or_timestamp_no_longer_verifies():
    secret = signing.new_secret()
    good = signing.signature(secret, "id", 100, b"{}")
    assert signing.signature(secret, "id", 101, b"{}") != good
    assert signing.signature(secret, "id", 100, b"{ }") != good
    assert signing.signature(signing.new_secret(), "id", 100, b"{}") != good


def test_secrets_are_32_random_bytes_with_the_prefix():
    one, two = signing.new_secret(), signing.new_secret()
    assert one.startswith("whsec_") and one != two
    assert len(base64.b64decode(one.removeprefix("whsec_"))) == 32


def test_during_a_rotation_both_secrets_sign():
    old, new = signing.new_secret(), signing.new_secret()
    header = signing.headers([new, old], "id", 5, b"{}")["webhook-signature"]
    assert header.split(" ") == [
        signing.signature(new, "id", 5, b"{}"), signing.signature(old, "id", 5, b"{}")
    ]
