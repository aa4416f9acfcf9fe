"""Helpers for the end-to-end scenarios: the app under test (a real server process), the
two-factor login as a user does it, axe-core checks and screenshots.

Fixtures live in ``conftest.py``; scenarios import what they need from here.
"""

from __future__ import annotations

import functools
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
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request, Route, expect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

#: The password of every demo user (demo/accounts.py).
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
    page.wait_for_load_state("load")  # with its stylesheet (the route on the context turns off the cache)
    CURRENT.shots += 1
    path = CURRENT.folder / f"{CURRENT.shots:02d}-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------------------------
# Accessibility: axe-core on every page the scenarios visit
# --------------------------------------------------------------------------------------------
#
# Automatically: conftest.py runs axe_on_load on every page of the app once it has loaded
# (page.on("load")), and routes the app's requests through hold_navigation, so that a page is
# not left before its check has finished. Explicitly: axe_check, for a named state (one reached
# without leaving the page, say).


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
    #: Page states already checked: (scenario, URL path, state) — see axe_on_load.
    states: set[tuple[str, str, str]] = field(default_factory=set)
    #: Automatic checks skipped because the page state was checked before.
    repeats: int = 0

    def add(self, page_name: str, url: str, result: dict[str, Any], *, auto: bool = False) -> list[Violation]:
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
                "auto": auto,  # checked by itself on load (axe_on_load), or asked by the scenario
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
                    "automatic_checks": sum(1 for c in self.checks if c["auto"]),
                    "repeats_skipped": self.repeats,
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


#: Defined in every document before its own scripts (with axe itself, see :func:`axe_init_script`):
#: one call that names the page's state and, unless that state is among ``seen``, runs axe.
#: One call, because a call that starts after the browser began to leave the page would wait
#: for the next page (conftest.py holds the navigation until a running call is done).
#:
#: The state is what makes two visits of a page "the same page" for the automatic check: the
#: title, the headings, the buttons and summaries in <main>, and whether an error summary
#: shows. A request's page in another state (other actions, an error) is checked again; the
#: same state reloaded, or the login pages of the next user, are not.
_RUNNER_JS = """
window.__toolkidAxe = async (tags, seen) => {
    const main = document.querySelector('main') || document.body;
    const texts = (sel) => Array.from(main.querySelectorAll(sel), (el) =>
        (el.textContent || '').trim().replace(/\\s+/g, ' '));
    const state = [document.title, document.documentElement.lang, ...texts('h1, h2, h3, h4'),
                   ...texts('button, summary'),
                   String(Boolean(document.querySelector('.error-summary, [role=alert]')))].join('\\n');
    if (seen.includes(state)) {
        return {state, title: document.title, result: null};
    }
    const r = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations', 'incomplete'],
    });
    const slim = (list) => list.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
    }));
    return {state, title: document.title,
            result: {violations: slim(r.violations), incomplete: slim(r.incomplete),
                     passes: r.passes.map(p => p.id)}};
};
"""
_RUN_JS = "([tags, seen]) => window.__toolkidAxe(tags, seen)"

_REFERENCE = re.compile(r"TK-\d{4}-\d{6}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


#: The prefix of the console line for a CSP violation; conftest.py makes each one a problem.
CSP_VIOLATION = "CSP violation:"
#: For ``BrowserContext.add_init_script``: every Content-Security-Policy violation in a document
#: (an inline script, style or handler the policy blocked) becomes one console error line.
CSP_WATCH_JS = """
document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`__PREFIX__ ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`
                  + ` at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
""".replace("__PREFIX__", CSP_VIOLATION)


@functools.cache
def axe_init_script() -> str:
    """axe-core and the runner, for ``BrowserContext.add_init_script``: present in every
    document from its start, nothing fetched from a CDN."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make e2e does)")
    return AXE_JS.read_text() + "\n" + _RUNNER_JS


def auto_name(title: str, url: str) -> str:
    """The name of an automatically checked page: its title, without the site name and with
    references replaced, so one template gives one name whichever request it shows."""
    title = title.removesuffix(" — toolKID").strip()
    return _REFERENCE.sub("TK-…", title) or _UUID.sub("…", urlsplit(url).path)


def axe_check(page: Page, name: str) -> list[Violation]:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is now and record what it finds, under
    ``name``. Every page is also checked by itself once loaded (:func:`axe_on_load`); an
    explicit check names a state worth naming, or one reached without leaving the page.

    The run fails at the end on any serious or critical violation (conftest.py); lesser ones
    are reported."""
    page.wait_for_load_state("load")
    wait_for_auto_checks([page])  # one axe run at a time in a page
    url = page.url
    out = page.evaluate(_RUN_JS, [AXE_TAGS, []])
    AXE.states.add((CURRENT.nodeid, urlsplit(url).path, out["state"]))  # no need to check it again
    return AXE.add(name, url, out["result"])


@dataclass
class AutoChecks:
    """The automatic checks in flight. The scenario does not wait for them; the browser does:
    a navigation away from a page being checked is held (:func:`hold_navigation`)."""

    busy: set[Page] = field(default_factory=set)
    #: Pages whose document is parsed but not yet loaded (no check before its stylesheet).
    loading: set[Page] = field(default_factory=set)
    #: Pages left before their check could run (the scenario navigated on at once):
    #: "scenario: URL path".
    lost: list[str] = field(default_factory=list)
    #: Navigations released after HOLD_MAX_S with the check still running.
    released_early: int = 0


AUTO = AutoChecks()
#: The longest a navigation waits for the check of the page it leaves (a check takes about a
#: second on a busy machine; the bound matters only for a check that began too late, after
#: the navigation: that one waits for the next page, and is lost).
HOLD_MAX_S = 8.0
#: How often a held navigation looks whether the check is done.
HOLD_POLL_MS = 25
_GONE = ("context was destroyed", "has been closed", "navigat", "detached")


def axe_on_load(page: Page, problems: list[str]) -> None:
    """``page.on("load")``: check the page just loaded, once per scenario, URL path and page
    state (see _RUNNER_JS); pages outside the app (about:blank) are skipped. A check that
    cannot run because the page is already gone is counted as lost; any other error is a
    problem that fails the test."""
    AUTO.loading.discard(page)
    url = page.url
    if not url.startswith(("http://", "https://")):
        return
    scenario, path = CURRENT.nodeid, urlsplit(url).path
    seen = [state for (n, p, state) in AXE.states if n == scenario and p == path]
    AUTO.busy.add(page)
    try:
        out = page.evaluate(_RUN_JS, [AXE_TAGS, seen])
        if out["result"] is None:
            AXE.repeats += 1
        else:
            AXE.add(auto_name(out["title"], url), url, out["result"], auto=True)
            AXE.states.add((scenario, path, out["state"]))
    except Exception as exc:  # noqa: BLE001 - sorted below; an event handler must not raise
        if page.is_closed() or any(word in str(exc) for word in _GONE):
            AUTO.lost.append(f"{CURRENT.name}: {path}")
        else:
            problems.append(f"axe-core could not check {url}: {exc}")
    finally:
        AUTO.busy.discard(page)


def hold_navigation(route: Route, request: Request) -> None:
    """The route of the app's requests: a navigation of a page whose check is running waits
    until the check is done (the page being left stays intact while its request waits)."""
    try:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            page = request.frame.page
            if page in AUTO.loading:  # left before it loaded: no check can start now
                AUTO.lost.append(f"{CURRENT.name}: {urlsplit(page.url).path}")
                AUTO.loading.discard(page)
            deadline = time.monotonic() + HOLD_MAX_S
            while page in AUTO.busy and time.monotonic() < deadline:
                page.wait_for_timeout(HOLD_POLL_MS)
            if page in AUTO.busy:
                AUTO.released_early += 1
    finally:
        route.continue_()


def wait_for_auto_checks(pages: list[Page], timeout_s: float = 60.0) -> None:
    """Let the checks in flight on ``pages`` finish, and those of pages still loading run
    (they run while the scenario waits)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        running = [p for p in pages if (p in AUTO.busy or p in AUTO.loading) and not p.is_closed()]
        if not running:
            return
        running[0].wait_for_timeout(HOLD_POLL_MS)
    raise AssertionError(f"axe-core checks still running after {timeout_s:.0f} s")


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
    # The ring comes from the stylesheet: judge it on the page as loaded. (The route on the
    # context turns off the browser's cache, so a new page's stylesheet arrives a moment after
    # its heading.)
    page.wait_for_load_state("load")
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({predicate_js}); }}"):
            return assert_focus_visible(page)
        if page.evaluate("() => document.activeElement !== document.body"):
            assert_focus_visible(page)
    raise AssertionError(f"no focusable element matching {predicate_js} within {max_presses} tabs")
