"""A real HTTP receiver for webhook tests: ``http.server`` on 127.0.0.1 in a thread.

It checks what a receiving system would check, with its own code, not toolKID's: the Standard
Webhooks signature (HMAC-SHA256 computed here with ``hmac``) and the CloudEvents body (parsed
with the ``cloudevents`` SDK). It can be down (its port closed) and come up later on the same
port, and it can answer with any status.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cloudevents.core.bindings.http import HTTPMessage, from_http_event


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """What the Standard Webhooks spec says the signature is, computed independently."""
    key = base64.b64decode(secret.split("_", 1)[1])
    mac = hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    wanted = expected_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    parts = headers["webhook-signature"].split()
    offered = [part.split(",", 1)[1] for part in parts if part.startswith("v1,")]
    return any(hmac.compare_digest(wanted, sig) for sig in offered)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    event: object  # cloudevents BaseCloudEvent
    signed: bool
    status: int = 0


class Receiver:
    """``start()``/``stop()`` it; ``received`` holds every POST that came in, ``accepted`` the ones
    answered with a 2xx."""

    def __init__(self, secret: str = "", status: int = 204, location: str = ""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/toolkid"
        self.secret = secret
        self.status = status
        self.location = location
        self.received: list[Received] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.signed and 200 <= r.status < 300]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                event = from_http_event(HTTPMessage(headers=headers, body=body))
                signed = signature_valid(receiver.secret, headers, body)
                item = Received(headers, body, event, signed, receiver.status if signed else 401)
                with receiver._lock:
                    receiver.received.append(item)
                self.send_response(item.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
