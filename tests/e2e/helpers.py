"""Helpers for the end-to-end scenarios: the app under test (a real server process), the
two-factor login as a user does it, axe-core checks and screenshots.

Fixtures live in ``conftest.py``; scenarios import what they need from here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

#: The password of every demo user (toolkid/management/demo.py).
DEMO_PASSWORD = "toolkid-demo-2026"  # noqa: S105 - demo data, never in production
#: The settings of the app under test: dev, with DEBUG off (see settings.py beside this file).
SETTINGS = "tests.e2e.settings"

#: WCAG 2.1 A and AA: the rules axe runs on every page.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Impacts that fail the run.
FAILING_IMPACTS = frozenset({"serious", "critical"})

#: How long a TOTP code is valid (RFC 6238 default, django-otp's default step).
TOTP_STEP = 30
#: Fetch a code only with at least this many seconds left in its window, so that it is typed
#: and checked inside the same window (a code checked in the next window moves the device's
#: drift, and the next code demo_code prints would then be refused as already used).
TOTP_MARGIN = 3


# --------------------------------------------------------------------------------------------
# The app under test
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    """The environment of every process of the app under test: a fresh SQLite database and
    filesystem broker in ``var_dir``, whatever the caller's environment says (CI exports a
    PostgreSQL DATABASE_URL for its last stage; the browser run never touches that)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        TOOLKID_VAR_DIR=str(var_dir),
        TOOLKID_DOCUMENTS_DIR=str(var_dir / "documents"),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@dataclass
class Server:
    """The real app, served by gunicorn on a free local port, with its own database."""

    var_dir: Path
    log_path: Path
    port: int = 0
    process: subprocess.Popen | None = None
    #: username -> the TOTP window of the last code used (a code works only once).
    _last_window: dict[str, int] = field(default_factory=dict)
    #: Waits for a fresh TOTP window: (username, seconds, why), reported at the end of the run.
    totp_waits: list[tuple[str, float, str]] = field(default_factory=list)
    #: Seconds spent preparing: migrate, load_demo, starting gunicorn.
    startup: dict[str, float] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- management commands against the same database --------------------------------

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run ``manage.py <args>`` against the app's database; return stdout (fail loudly)."""
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=server_env(self.var_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        with self.log_path.open("a") as log:
            log.write(
                f"\n$ manage.py {' '.join(args[:1])} ... (exit {result.returncode}, "
                f"{time.monotonic() - started:.1f} s)\n"
            )
            log.write(result.stdout[-4000:])
            log.write(result.stderr[-4000:])
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def shell(self, code: str) -> Any:
        """Run Python in ``manage.py shell`` on the server's database. The code prints one
        JSON document as its last line; that document is returned."""
        out = self.manage("shell", "--no-startup", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    # -- lifecycle ---------------------------------------------------------------------

    def prepare(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        for name, args in (
            ("migrate", ("migrate", "--no-input", "--verbosity", "0")),
            ("load_demo", ("load_demo",)),
        ):
            started = time.monotonic()
            self.manage(*args)
            self.startup[name] = time.monotonic() - started

    def start(self, timeout: float = 60) -> None:
        """gunicorn, as in production (2 workers, threads), logging to ``log_path``."""
        started = time.monotonic()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        options = "--workers 2 --threads 4 --timeout 60 --access-logfile - --error-logfile -"
        # No control socket in ~/.gunicorn: runs side by side must not share one.
        options += " --no-control-socket"
        for _attempt in range(3):  # the port is free when chosen; retry should another take it
            self.port = free_port()
            command = [
                gunicorn,
                "toolkid.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                *options.split(),
            ]
            with self.log_path.open("a") as log:
                log.write(f"\n=== gunicorn on {self.base_url} ===\n")
                log.flush()
                self.process = subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=server_env(self.var_dir),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_ready(timeout):
                self.startup["gunicorn"] = time.monotonic() - started
                return
            self.stop()
        raise RuntimeError(f"the app did not start; see {self.log_path}:\n{self.log_tail()}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url("/account/inloggen/"), timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no server log)"

    # -- the second factor ---------------------------------------------------------------

    def totp_code(self, username: str) -> str:
        """The user's current code, from ``manage.py demo_code`` — fetched right before it is
        typed, in a window with time to spare, and never the window of the user's previous
        login (django-otp accepts each code once)."""
        while True:
            now = time.time()
            window = int(now // TOTP_STEP)
            left = TOTP_STEP - (now % TOTP_STEP)
            if window > self._last_window.get(username, -1) and left >= TOTP_MARGIN:
                break
            why = "margin" if window > self._last_window.get(username, -1) else "same window"
            time.sleep(left + 0.2)
            self.totp_waits.append((username, left + 0.2, why))
            with self.log_path.open("a") as log:
                log.write(f"\n[e2e] waited {left + 0.2:.1f} s for a fresh TOTP code of {username} ({why})\n")
        code = self.manage("demo_code", username).strip()
        assert re.fullmatch(r"\d{6}", code), f"demo_code printed {code!r}"
        self._last_window[username] = window
        return code


# --------------------------------------------------------------------------------------------
# The current scenario: where screenshots go, whom axe findings are attributed to
# --------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str = "setup"
    nodeid: str = ""
    shots: int = 0

    @property
    def folder(self) -> Path:
        return ARTIFACTS / self.name


CURRENT = Scenario()


def begin_scenario(name: str, nodeid: str) -> None:
    CURRENT.name, CURRENT.nodeid, CURRENT.shots = name, nodeid, 0
    shutil.rmtree(CURRENT.folder, ignore_errors=True)


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot under ``tests/e2e/artifacts/<scenario>/NN-<name>.png``."""
    CURRENT.shots += 1
    path = CURRENT.folder / f"{CURRENT.shots:02d}-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------------------------
# Accessibility: axe-core on every page the scenarios visit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    page: str
    url: str
    scenario: str
    nodes: tuple[tuple[str, str], ...]  # (CSS target, HTML snippet)

    @property
    def failing(self) -> bool:
        return self.impact in FAILING_IMPACTS

    def describe(self) -> str:
        lines = [
            f"[{self.impact}] {self.rule} on '{self.page}' ({self.url}) — {self.help}",
            f"    {self.help_url}",
        ]
        for target, html in self.nodes:
            lines.append(f"    - {target}: {html}")
        return "\n".join(lines)


@dataclass
class AxeLog:
    """Every violation of every check; each (rule, page, target) is attributed once, to the
    scenario that met it first, so one template bug fails one scenario, not all of them."""

    checks: list[dict[str, Any]] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    by_test: dict[str, list[Violation]] = field(default_factory=dict)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, page_name: str, url: str, result: dict[str, Any]) -> list[Violation]:
        found = []
        for v in result.get("violations", []):
            nodes = tuple(
                (" ".join(map(str, n.get("target", []))), n.get("html", "")[:300]) for n in v["nodes"]
            )
            fresh = tuple(n for n in nodes if (v["id"], page_name, n[0]) not in self._seen)
            if not fresh:
                continue
            self._seen.update((v["id"], page_name, n[0]) for n in fresh)
            violation = Violation(
                rule=v["id"],
                impact=v.get("impact") or "unknown",
                help=v.get("help", ""),
                help_url=v.get("helpUrl", ""),
                page=page_name,
                url=url,
                scenario=CURRENT.name,
                nodes=fresh,
            )
            found.append(violation)
        self.violations.extend(found)
        self.by_test.setdefault(CURRENT.nodeid, []).extend(found)
        self.checks.append(
            {
                "scenario": CURRENT.name,
                "page": page_name,
                "url": url,
                "violations": [
                    {"rule": v.rule, "impact": v.impact, "nodes": [t for t, _ in v.nodes]} for v in found
                ],
                "incomplete": sorted({i["id"] for i in result.get("incomplete", [])}),
                "passes": len(result.get("passes", [])),
            }
        )
        return found

    @property
    def failing(self) -> list[Violation]:
        return [v for v in self.violations if v.failing]

    def failing_for(self, nodeid: str) -> list[Violation]:
        return [v for v in self.by_test.get(nodeid, []) if v.failing]

    def write_report(self) -> Path:
        path = ARTIFACTS / "axe-report.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "tags": AXE_TAGS,
                    "pages_checked": len(self.checks),
                    "checks": self.checks,
                    "violations": [
                        {
                            "rule": v.rule,
                            "impact": v.impact,
                            "help": v.help,
                            "help_url": v.help_url,
                            "page": v.page,
                            "url": v.url,
                            "scenario": v.scenario,
                            "nodes": [{"target": t, "html": h} for t, h in v.nodes],
                        }
                        for v in self.violations
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return path


AXE = AxeLog()


def axe_check(page: Page, name: str) -> list[Violation]:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is now and record what it finds.

    axe comes from ``node_modules/axe-core`` (``npm ci``) and is injected as a local file:
    nothing is fetched from a CDN. The run fails at the end on any serious or critical
    violation (conftest.py); lesser ones are reported."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make e2e does)")
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations', 'incomplete'],
            });
            const slim = (list) => list.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
            }));
            return {violations: slim(r.violations), incomplete: slim(r.incomplete),
                    passes: r.passes.map(p => p.id)};
        }""",
        AXE_TAGS,
    )
    return AXE.add(name, page.url, result)


# --------------------------------------------------------------------------------------------
# Logging in, as a user does it
# --------------------------------------------------------------------------------------------


def login(context: BrowserContext, server: Server, username: str, *, check: bool = False) -> Page:
    """The real two-factor login in ``context``: password page, then the TOTP code (from
    ``manage.py demo_code``, fetched right before it is typed). Returns the page, logged in.

    With ``check``, axe checks and screenshots the two login pages on the way."""
    page = context.new_page()
    page.goto(server.url("/account/inloggen/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    if check:
        axe_check(page, "Inloggen")
        shot(page, "inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    if check:
        axe_check(page, "Tweestapsverificatie")
        shot(page, "tweestapsverificatie")
    enter_code(page, server, username)
    return page


def enter_code(page: Page, server: Server, username: str) -> None:
    """Type the current code on the Tweestapsverificatie page and submit it. One retry in a
    later window, should a code arrive just too late (the throttle after one wrong code is a
    second; the retry waits longer than that anyway)."""
    for attempt in range(2):
        field = page.get_by_label(re.compile("^Code"))
        field.fill(server.totp_code(username))
        page.get_by_role("button", name="Controleren").click()
        page.wait_for_load_state("load")
        if "/tweestapsverificatie/" not in page.url:
            return
        if attempt == 0:
            server._last_window[username] = int(time.time() // TOTP_STEP)  # wait for a new code
    raise AssertionError(
        f"second factor refused for {username}; page says: {page.locator('main').inner_text()[:500]}"
    )


def nav_labels(page: Page) -> list[str]:
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    if nav.count() == 0:
        return []
    return [label.strip() for label in nav.get_by_role("link").all_inner_texts()]


def focus_ring(page: Page) -> dict[str, str]:
    """The computed focus indication of the element that has focus now."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '', id: el.id || '',
                    name: el.getAttribute('name') || '',
                    outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
                    boxShadow: s.boxShadow, focusVisible: String(el.matches(':focus-visible'))};
        }"""
    )


def assert_focus_visible(page: Page) -> dict[str, str]:
    ring = focus_ring(page)
    if ring["type"] == "date" and ring["focusVisible"] == "false":
        # Tab from the year of a date input stops on the browser's own calendar button inside
        # the input (shadow DOM): the host is not :focus-visible, and the button shows the
        # browser's thin default ring, not toolKID's. Visible, so WCAG 2.4.7 holds; reported.
        return ring
    outlined = ring["outlineStyle"] not in ("none", "") and float(ring["outlineWidth"].rstrip("px") or 0) >= 2
    shadowed = ring["boxShadow"] not in ("none", "")
    assert ring["focusVisible"] == "true" and (outlined or shadowed), f"no visible focus indication: {ring}"
    return ring


def tab_to(page: Page, predicate_js: str, *, max_presses: int = 40, shift: bool = False) -> dict[str, str]:
    """Press Tab (or Shift+Tab) until the focused element matches ``predicate_js`` (a JS
    expression over ``el``); every stop on the way must show a visible focus ring."""
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({predicate_js}); }}"):
            return assert_focus_visible(page)
        if page.evaluate("() => document.activeElement !== document.body"):
            assert_focus_visible(page)
    raise AssertionError(f"no focusable element matching {predicate_js} within {max_presses} tabs")
