"""The real OpenID provider the OIDC tests log in through: oidc-provider-mock, run as its own
process from its own virtual environment (var/oidc-venv, built by scripts/oidc-provider.sh
from the hash-locked tests/oidc/provider-requirements.txt). Never imported into .venv: it
brings PyPI ``requests``-era packages that our ``requests/`` app must not meet.

The provider signs real RS256 ID tokens with its own key, checks the nonce (started with
``--require-nonce true``) and puts every claim set with ``PUT /users/{sub}`` (groups, amr, acr,
email, email_verified) into the ID token.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "oidc-provider.sh"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    port: int
    process: subprocess.Popen | None = None
    host: str = "127.0.0.1"

    @property
    def issuer(self) -> str:
        # The mock names itself after the Host it is asked by: 127.0.0.1 and localhost are
        # two different issuers with the same keys (used to test a foreign issuer).
        return f"http://{self.host}:{self.port}"

    def as_host(self, host: str) -> Provider:
        return Provider(port=self.port, process=self.process, host=host)

    def start(self, timeout: float = 120) -> None:
        # Builds var/oidc-venv on first use (a minute), then starts in a second.
        subprocess.run([str(SCRIPT), "build"], cwd=REPO, check=True, timeout=600)
        self.process = subprocess.Popen(
            [str(SCRIPT), str(self.port), "--require-nonce", "true"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"OIDC test provider exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("OIDC test provider did not answer its discovery URL")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def set_user(self, sub: str, **claims) -> None:
        """What the provider will say about ``sub`` from the next login on."""
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Log ``sub`` in on the provider's own page (its form's POST, as the browser would)
        and return where the provider sends the browser back to: our callback with code and
        state."""
        response = httpx.post(authorization_url, data={"sub": sub}, timeout=5)
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        return response.headers["location"]


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
