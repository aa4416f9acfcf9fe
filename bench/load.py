"""The load run: gunicorn serving the app on a free port against the bench database, ``wrk``
with 2 and 8 connections on the inbox and on the bare view (req/s, p50, p99)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.results import ScaleResult
from bench.session import verified_client

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(url: str, cookie: str, users: int, seconds: int) -> tuple[float, float, float, int]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(users, 2)}",
            f"-c{users}",
            f"-d{seconds}s",
            "--latency",
            # wrk's default of 2 s drops slower answers from the latency and the count.
            "--timeout",
            "120s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 180,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return rps, p50, p99, (int(bad.group(1)) if bad else 0) + (int(timeouts.group(1)) if timeouts else 0)


def load_run(report, result: ScaleResult, seconds: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    if shutil.which("wrk") is None:
        result.load_note = (
            "load run skipped: wrk is not installed "
            "(Debian/Ubuntu: `sudo apt-get install wrk`; macOS: `brew install wrk`)"
        )
        log(f"  {result.name}: {result.load_note}")
        return
    user, _org = report.cast.bench["zorg"]
    client = verified_client(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    workers = os.cpu_count() or 2
    server = subprocess.Popen(
        [
            str(gunicorn),
            "toolkid.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # The bare view first: a slow page leaves answers in the workers' queue after wrk stops.
    targets = (
        ("bare view, 50 rows", reverse("bench_bare_requests", args=["in"])),
        ("Binnengekomen (inbox)", reverse("requests:inbox")),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/gezond/", timeout=2)  # noqa: S310 - our own local server
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + server.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.3)
        for _label, path in targets:
            req = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie})
            with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
                if response.status != 200 or response.geturl() != f"{base}{path}":
                    raise RuntimeError(f"load run: {path} did not answer 200 to the bench session")
        for users in (2, 8):
            for label, path in targets:
                rps, p50, p99, bad = run_wrk(f"{base}{path}", cookie, users, seconds)
                result.load.append((label, users, rps, p50, p99, bad))
                log(
                    f"  {result.name}: load {label}, {users} users: {rps:.1f} req/s, p50 {p50:.0f} ms, "
                    f"p99 {p99:.0f} ms{f', {bad} errors' if bad else ''}"
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
