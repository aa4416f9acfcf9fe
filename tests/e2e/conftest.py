"""End-to-end in a real browser (`make e2e`).

The app runs for real: gunicorn on a free local port, a fresh SQLite database in a temporary
folder (migrate + load_demo), no test client anywhere. Headless Chromium (Debian's, at
/usr/bin/chromium: Playwright's own browser download is not used) drives it through
Playwright's sync API, each user in a browser context of their own.

These tests run only with ``TOOLKID_E2E=1`` (``make e2e`` sets it): ``make test`` collects
and skips them, so the normal suite never starts a browser.

Besides the scenarios' own assertions, every test fails on:
- a serious or critical axe-core violation it met first (all of them are summarised at the
  end, written to artifacts/axe-report.json, and fail the run). axe runs by itself on every
  page a test loads, once per URL path and page state (helpers.axe_on_load); a navigation
  away waits for the check of the page it leaves (a route on the context), and a test ends
  only when its checks have. Scenarios add named checks with helpers.axe_check;
- a JavaScript error on a page, or a failed sub-request (a missing stylesheet, script, image);
- a Content-Security-Policy violation (an inline script or style the app's policy blocked).
On a failure, every open page is screenshotted into artifacts/<scenario>/ and the server log
is copied to artifacts/server.log.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.e2e import helpers as h

E2E_DIR = Path(__file__).resolve().parent
ENABLED = os.environ.get("TOOLKID_E2E") == "1"
CHROMIUM = os.environ.get("TOOLKID_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The app under test, for the reporting hooks (screenshots, log, timings).
SERVER_KEY = pytest.StashKey[h.Server]()
#: Milliseconds Playwright waits for an element, a navigation or an ``expect`` before it fails
#: the step (generous: CI machines are small and busy; a passing step never waits this long).
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def _is_e2e(item: pytest.Item) -> bool:
    return Path(str(item.path)).is_relative_to(E2E_DIR)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is marked ``e2e``, and skipped unless TOOLKID_E2E=1."""
    skip = pytest.mark.skip(reason="end-to-end in a browser: run `make e2e` (TOOLKID_E2E=1)")
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)
            if not ENABLED:
                item.add_marker(skip)


# --------------------------------------------------------------------------------------------
# Reporting: axe per test, screenshots and server log on failure, the session summary
# --------------------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """When a test has passed its own steps, the automatic axe checks still running finish
    inside it, so that what they find fails this test."""
    outcome = yield
    if not _is_e2e(item) or not ENABLED or outcome.excinfo is not None:
        return
    pages = [page for context in getattr(item, "_e2e_contexts", []) for page in context.pages]
    try:
        h.wait_for_auto_checks(pages)
    except Exception as exc:  # noqa: BLE001 - reported as a failure of the test
        getattr(item, "_e2e_page_problems", []).append(str(exc))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not _is_e2e(item) or not ENABLED:
        return
    if report.when == "call":
        problems = list(getattr(item, "_e2e_page_problems", []))
        failing = h.AXE.failing_for(item.nodeid)
        if report.passed and (failing or problems):
            report.outcome = "failed"
            text = []
            if failing:
                text.append("axe-core: serious/critical accessibility violations (WCAG 2.1 A/AA):")
                text.extend(v.describe() for v in failing)
            if problems:
                text.append("Problems in the browser:")
                text.extend(f"  - {p}" for p in problems)
            report.longrepr = "\n".join(text)
        item._e2e_call_report = report  # type: ignore[attr-defined]
    if report.failed:
        server = item.config.stash.get(SERVER_KEY, None)
        if server is not None:
            report.sections.append(("server log (last lines)", server.log_tail(40)))


def pytest_sessionstart(session: pytest.Session) -> None:
    if ENABLED:
        shutil.rmtree(h.ARTIFACTS, ignore_errors=True)
        h.ARTIFACTS.mkdir(parents=True, exist_ok=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not ENABLED:
        return
    server = config.stash.get(SERVER_KEY, None)
    if server is not None:
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in server.startup.items())
        terminalreporter.section("e2e timings")
        waits = server.totp_waits
        terminalreporter.write_line(
            f"app start: {parts}; waiting for fresh TOTP windows: {sum(w for _, w, _ in waits):.1f} s"
            + (" (" + ", ".join(f"{u} {w:.0f} s {why}" for u, w, why in waits) + ")" if waits else "")
        )
    if not h.AXE.checks:
        return
    report = h.AXE.write_report()
    tr = terminalreporter
    tr.section("axe-core (WCAG 2.1 A/AA)")
    pages = sorted({(c["scenario"], c["page"]) for c in h.AXE.checks})
    auto = sum(1 for c in h.AXE.checks if c["auto"])
    tr.write_line(
        f"{len(h.AXE.checks)} checks on {len(pages)} pages ({auto} on load by themselves, "
        f"{h.AXE.repeats} loads of a page state already checked skipped); "
        f"report: {report.relative_to(h.REPO)}"
    )
    if h.AUTO.lost or h.AUTO.released_early:
        tr.write_line(
            f"not checked: {len(h.AUTO.lost)} page(s) left before their check could run "
            f"({', '.join(sorted(set(h.AUTO.lost))[:5])}); {h.AUTO.released_early} navigation(s) "
            f"released after {h.HOLD_MAX_S:.0f} s with the check still running",
            yellow=True,
        )
    if not h.AXE.violations:
        tr.write_line("no violations")
        return
    for v in sorted(h.AXE.violations, key=lambda v: (not v.failing, v.page, v.rule)):
        tr.write_line(v.describe(), red=v.failing, yellow=not v.failing)
    failing = h.AXE.failing
    if failing:
        tr.write_line(f"FAILED: {len(failing)} serious/critical axe violation(s)", red=True, bold=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not ENABLED:
        return
    if h.AXE.failing and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    server = session.config.stash.get(SERVER_KEY, None)
    if server is not None and session.exitstatus != pytest.ExitCode.OK and server.log_path.exists():
        shutil.copy(server.log_path, h.ARTIFACTS / "server.log")


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[h.Server]:
    """The real app on a free port with a fresh database (migrate + load_demo)."""
    var_dir = tmp_path_factory.mktemp("toolkid-e2e-var")
    srv = h.Server(var_dir=var_dir, log_path=var_dir / "server.log")
    request.config.stash[SERVER_KEY] = srv
    srv.prepare()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium (apt-get install -y chromium)"
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _scenario(request: pytest.FixtureRequest) -> None:
    """Screenshots and axe findings of a test go under its name (test_ stripped)."""
    if _is_e2e(request.node):
        h.begin_scenario(request.node.name.removeprefix("test_"), request.node.nodeid)


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, server: h.Server
) -> Iterator[Callable[..., BrowserContext]]:
    """A factory of browser contexts (one per user, like separate browsers). Each watches its
    pages for JavaScript errors and failed sub-requests, and checks every page of the app with
    axe once it has loaded; all are closed after the test, with a screenshot of every
    open page if the test failed."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []
    request.node._e2e_page_problems = problems
    request.node._e2e_contexts = contexts
    # The app's pages, not its static files (no navigation there; they stay unrouted).
    app_pages = re.compile(re.escape(server.base_url) + r"/(?!static/)")
    axe_script = h.axe_init_script()

    def ours(page: Page) -> bool:
        # Another origin's page (an organisation's identity provider, tests/e2e/test_oidc_login.py)
        # is not the app's to check: its axe findings and its CDN stylesheet are not ours.
        return not page.url.startswith(("http://", "https://")) or page.url.startswith(server.base_url)

    def watch(page: Page) -> None:
        page.on("domcontentloaded", lambda: h.AUTO.loading.add(page) if ours(page) else None)
        page.on("load", lambda: h.axe_on_load(page, problems) if ours(page) else None)
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error on {page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                problems.append(f"{msg.text} on {page.url}")
                if msg.text.startswith(h.CSP_VIOLATION)
                else None
            ),
        )

        def on_response(response) -> None:
            # Documents may be 404 on purpose (the outsider scenario); sub-resources may not.
            if response.status >= 400 and response.request.resource_type != "document" and ours(page):
                problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

        page.on("response", on_response)
        # ERR_ABORTED: the browser dropped the request because the page was left meanwhile
        # (a missing file is a 404 above, a server that does not answer another error).
        page.on(
            "requestfailed",
            lambda req: (
                problems.append(f"request failed: {req.url} ({req.failure})")
                if req.resource_type != "document" and req.failure != "net::ERR_ABORTED" and ours(page)
                else None
            ),
        )

    def make(**options) -> BrowserContext:
        options.setdefault("base_url", server.base_url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        # Dutch first whatever the browser asks for; an English browser proves it.
        options.setdefault("locale", "en-GB")
        # The app's Content-Security-Policy is enforced (no bypass_csp): a blocked script or
        # style would break the page for users, so it must break the scenario too. The test
        # harness is not subject to it: init scripts (axe-core, the violation watch) go in
        # through the DevTools protocol (Page.addScriptToEvaluateOnNewDocument), as do
        # page.evaluate calls, and neither is checked against the page's policy. Only
        # page.add_script_tag(content=...) would be, and nothing here uses it.
        context = browser.new_context(**options)
        context.add_init_script(script=axe_script)  # axe-core in every document (helpers.py)
        context.add_init_script(script=h.CSP_WATCH_JS)  # reports CSP violations (helpers.py)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", watch)
        context.route(app_pages, h.hold_navigation)
        contexts.append(context)
        return context

    yield make

    call_report = getattr(request.node, "_e2e_call_report", None)
    if call_report is not None and call_report.failed:
        n = 0
        for context in contexts:
            for page in context.pages:
                n += 1
                try:
                    shot_path = h.CURRENT.folder / f"failure-{n:02d}.png"
                    shot_path.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot_path), full_page=True)
                except Exception:  # noqa: BLE001 - a crashed page must not hide the real failure
                    pass
    for context in contexts:
        context.close()


@pytest.fixture
def login_as(new_context: Callable[..., BrowserContext], server: h.Server) -> Callable[..., Page]:
    """``login_as("jeugd.heerlen")``: a new browser context for that user, logged in with
    both factors; returns the page, on whatever the login leads to."""

    def make(username: str, *, check: bool = False, **context_options) -> Page:
        return h.login(new_context(**context_options), server, username, check=check)

    return make
