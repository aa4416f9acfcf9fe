"""``make bench``: seed PostgreSQL at two scales and measure every page and job beside its floor.

For each scale (default 20k requests / 200k audit events, then 200k / 2M; ``BENCH_SCALE=1m``
makes the second 1M / 10M) the bench drops and re-creates its own database
(``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/toolkid_bench``; never the
dev or test database, never SQLite), migrates it, seeds it with COPY (bench/seed.py), and then
measures, each beside its floor in the same run:

- every list page and the request page through Django's test Client with a logged-in,
  two-factor-verified session and the full middleware, against a bare view returning 50 rows
  of the same table behind the same middleware (bench/bare.py), with the queries of each;
- ``audit_verify`` (events/s) against a plain ordered read of the same rows (server-side cursor);
- the audit CSV export against the same rows through ``csv.writer`` into a sink, plus peak memory;
- the audit PDF of 1,000 rows against a naive WeasyPrint table of the same rows;
- the deadline sweep with nothing due (against the indexed query that answers "anything
  due?") and with N notices due;
- a load run: gunicorn on a free port, ``wrk`` with 2 and 8 connections on the inbox and on the
  bare view (req/s, p50, p99); skipped with a message when ``wrk`` is missing.

One Markdown table is printed and written to ``bench/results/latest.md``. The exit code is 0 when
goals are missed (a measurement, not a test) and non-zero when something fails.

Environment: ``BENCH_DATABASE_URL``, ``BENCH_SCALE`` (``200k`` or ``1m``: the second scale),
``BENCH_SCALES`` (comma list overriding both, e.g. ``2k`` for a quick look), ``BENCH_REPEAT``
(timed calls per page, default 15), ``BENCH_LOAD_SECONDS`` (per wrk run, default 10),
``BENCH_SWEEP_DUE`` (default 500), ``BENCH_KEEP=1`` keeps the database afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/toolkid_bench"
RESULTS = ROOT / "bench" / "results" / "latest.md"


def log(message: str) -> None:
    print(message, flush=True)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def bench_url() -> str:
    """The bench's own database: PostgreSQL only, and not the one DATABASE_URL names."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(
            f"bench: BENCH_DATABASE_URL must be PostgreSQL (got {parts.scheme or url!r}); "
            "COPY and the load run need it, SQLite is refused"
        )
    name = parts.path.lstrip("/")
    dev = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if not name or name == dev or name.startswith("test_"):
        raise SystemExit(
            f"bench: refusing database {name!r}: the bench drops and re-creates it; "
            "give it a database of its own (BENCH_DATABASE_URL)"
        )
    return url


def _admin(url: str, *statements: str) -> None:
    """Run statements on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _names(url: str) -> tuple[str, str]:
    name = urlsplit(url).path.lstrip("/")
    return name, f"{name}_template"


def recreate_database(url: str, *, from_template: bool) -> None:
    """DROP and CREATE the bench database: empty, or as a copy of the migrated template (the
    migrations take a minute or more; a template copy a second)."""
    name, template = _names(url)
    create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if from_template else "")
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', create)


def save_template(url: str) -> None:
    name, template = _names(url)
    _admin(
        url,
        f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
        f'CREATE DATABASE "{template}" TEMPLATE "{name}"',
    )


def drop_databases(url: str) -> None:
    name, template = _names(url)
    _admin(
        url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
    )


# --- Results -------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    ms: float | None
    floor_ms: float | None = None
    queries: int | None = None
    floor_queries: int | None = None
    note: str = ""
    ok: bool | None = None  # the goal met at this scale; None: no goal

    @property
    def ratio(self) -> float | None:
        if self.ms is None or not self.floor_ms:
            return None
        return self.ms / self.floor_ms


@dataclass
class ScaleResult:
    name: str
    seed_seconds: float = 0.0
    seed_timings: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)  # key -> Row
    load: list = field(default_factory=list)  # (target, users, req/s, p50 ms, p99 ms, non-2xx)
    load_note: str = ""


#: Calls of the last :func:`timed` (fewer than asked when one call is slow: see BUDGET_S).
LAST_CALLS = {"n": 0}
#: Seconds one measurement may take: a page of several seconds (the lists that render every
#: request ever filed) is measured fewer times, at least MIN_CALLS, and the table says so.
BUDGET_S = float(os.environ.get("BENCH_BUDGET_SECONDS") or 30)
MIN_CALLS = 5
LIMIT_S = float(os.environ.get("BENCH_LIMIT_SECONDS") or 20)


def timed(fn, *, repeat: int, warmup: int = 2) -> float:
    """Median wall time of ``repeat`` calls after ``warmup``, in ms. When the first warm-up call
    alone takes longer than ``LIMIT_S`` (a list that renders every request ever filed, and
    logs a read per parent on it), that one call is the measurement."""
    samples = []
    for i in range(warmup):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        if i == 0 and elapsed > LIMIT_S:
            LAST_CALLS["n"] = 1
            return elapsed * 1000
        samples.append(elapsed)
    first = min(samples) if samples else 0.0
    if first * repeat > BUDGET_S:
        repeat = max(MIN_CALLS, min(repeat, int(BUDGET_S / first)))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    LAST_CALLS["n"] = repeat
    return statistics.median(samples)


def _counted(fn, out: dict) -> float:
    """One call with its queries captured: seconds; ``out`` gets the count and the body size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    elapsed = time.perf_counter() - start
    out["n"] = len(ctx.captured_queries)
    out["size"] = len(response.content) if not getattr(response, "streaming", False) else 0
    return elapsed


def count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# --- Measurements --------------------------------------------------------------------------------


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _get(client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        if getattr(response, "streaming", False):
            for _ in response.streaming_content:
                pass
        return response

    return call


def measure_pages(report, result: ScaleResult, repeat: int) -> None:
    from django.urls import reverse

    cast = report.cast
    clients = {key: verified_client(user) for key, (user, _org) in cast.bench.items()}
    detail = report.detail_request
    pages = (
        (
            "inbox",
            "Binnengekomen (inbox)",
            "zorg",
            reverse("requests:inbox"),
            reverse("bench_bare_requests", args=["in"]),
        ),
        (
            "outgoing",
            "Mijn verzoeken (outgoing)",
            "jeugd",
            reverse("requests:outgoing"),
            reverse("bench_bare_requests", args=["uit"]),
        ),
        (
            "refusals",
            "Te bevestigen weigeringen",
            "teamleider",
            reverse("requests:refusals"),
            reverse("bench_bare_requests", args=["in"]),
        ),
        (
            "legal",
            "Adviesvragen (legal queue)",
            "jurist",
            reverse("requests:legal_queue"),
            reverse("bench_bare_advice"),
        ),
        ("tasks", "Mijn taken (tasks)", "jeugd", reverse("requests:tasks"), reverse("bench_bare_duties")),
        ("today", "Vandaag", "zorg", reverse("home"), reverse("bench_bare_requests", args=["in"])),
        ("audit_log", "Auditlog", "beheer", reverse("audit:log"), reverse("bench_bare_audit")),
        (
            "detail",
            "Verzoekpagina (request page)",
            "zorg",
            reverse("requests:detail", args=[detail]),
            reverse("bench_bare_request", args=[detail]),
        ),
    )
    for key, label, who, url, bare in pages:
        client = clients[who]
        page, floor = _get(client, url), _get(client, bare)
        # The first call counts the queries and the size; when it alone is over the limit it is
        # also the time (the lists that render every request ever filed, at the large scale).
        queries: dict = {}
        page_ms = _counted(page, queries) * 1000
        if page_ms > LIMIT_S * 1000:
            note = f"1 call (over {LIMIT_S:.0f} s, queries counted)"
        else:
            page_ms = timed(page, repeat=repeat, warmup=1)
            calls = LAST_CALLS["n"]
            note = f"{calls} calls" if calls < repeat else ""
        size = queries["size"]
        row = Row(
            label,
            page_ms,
            timed(floor, repeat=repeat),
            queries["n"],
            count_queries(floor),
            note=f"{size / 1024:,.0f} KB" + (f", {note}" if note else ""),
        )
        result.rows[key] = row
        log(
            f"  {result.name}: {label}: {row.ms:.1f} ms vs {row.floor_ms:.1f} ms "
            f"({row.ratio:.1f}×), {row.queries} queries"
        )


def measure_verify(result: ScaleResult, repeat: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from audit.models import AuditEvent

    events = AuditEvent.objects.count()
    out = io.StringIO()

    def verify():
        call_command("audit_verify", stdout=out, stderr=out)

    def plain_read():
        # The floor: every row of the same table, in the same order, through a server-side cursor.
        with transaction.atomic(), connection.connection.cursor(name="bench_plain_read") as cursor:
            cursor.itersize = 5000
            cursor.execute(f"SELECT * FROM {AuditEvent._meta.db_table} ORDER BY seq")  # noqa: S608
            for _ in cursor:
                pass

    ms = timed(verify, repeat=repeat, warmup=0)
    if "intact" not in out.getvalue():
        raise RuntimeError(f"audit_verify: {out.getvalue().strip()[-300:]}")
    floor = timed(plain_read, repeat=repeat, warmup=1)
    result.rows["verify"] = Row(
        "audit_verify (whole chain)",
        ms,
        floor,
        note=f"{events:,} events, {events / (ms / 1000):,.0f} events/s",
    )
    log(
        f"  {result.name}: audit_verify {ms / 1000:.1f} s vs read {floor / 1000:.1f} s, "
        f"{events / (ms / 1000):,.0f} events/s"
    )


def _csv_query(days: int):
    today = dt.date.today()
    return {"van": (today - dt.timedelta(days=days)).isoformat(), "tot": today.isoformat()}


def measure_csv(report, result: ScaleResult, repeat: int, days: int = 90) -> None:
    from django.urls import reverse

    from audit.models import AuditEvent
    from audit.reports import ROW_FIELDS

    user, org = report.cast.bench["beheer"]
    client = verified_client(user)
    query = _csv_query(days)
    url = reverse("audit:export_csv")
    lines = {}

    def export():
        response = client.get(url, query)
        if response.status_code != 200:
            raise RuntimeError(f"CSV export: HTTP {response.status_code}")
        n = 0
        for chunk in response.streaming_content:
            n += chunk.count(b"\r\n")
        lines["n"] = n - 1

    start = dt.datetime.combine(dt.date.fromisoformat(query["van"]), dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(
        dt.date.fromisoformat(query["tot"]) + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )

    class Sink:
        def write(self, value):
            return len(value)

    def floor():
        # The same rows (organisation and period) through csv.writer into a sink.
        rows = AuditEvent.objects.filter(organisation=org, occurred_at__gte=start, occurred_at__lt=end)
        writer = csv.writer(Sink(), delimiter=";", lineterminator="\r\n")
        for values in rows.values_list(*ROW_FIELDS).iterator(chunk_size=2000):
            writer.writerow(values)

    ms = timed(export, repeat=repeat, warmup=1)
    floor_ms = timed(floor, repeat=repeat, warmup=1)
    tracemalloc.start()
    export()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result.rows["csv"] = Row(
        f"Audit CSV export, {days} days",
        ms,
        floor_ms,
        note=f"{lines['n']:,} rows, peak {peak / 2**20:.1f} MiB",
    )
    log(
        f"  {result.name}: CSV {lines['n']:,} rows {ms:.0f} ms vs {floor_ms:.0f} ms, peak {peak / 2**20:.1f} MiB"
    )


def measure_pdf(report, result: ScaleResult, repeat: int) -> None:
    import weasyprint
    from django.urls import reverse
    from django.utils.html import escape

    from audit.models import AuditEvent
    from audit.reports import PDF_MAX_ROWS, ROW_FIELDS

    user, org = report.cast.bench["beheer"]
    client = verified_client(user)
    query = {"van": "2000-01-01", "tot": dt.date.today().isoformat()}
    url = reverse("audit:export_pdf")

    def pdf():
        response = client.get(url, query)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"audit PDF: HTTP {response.status_code}")

    def naive():
        # The same 1,000 rows as a plain HTML table, straight through WeasyPrint.
        rows = (
            AuditEvent.objects.filter(organisation=org)
            .order_by("seq")
            .values_list(*ROW_FIELDS)[:PDF_MAX_ROWS]
        )
        body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
        html = f"<html><body><table>{body}</table></body></html>"
        weasyprint.HTML(string=html).write_pdf()

    ms = timed(pdf, repeat=repeat, warmup=1)
    floor = timed(naive, repeat=repeat, warmup=1)
    # Goal: at least 4× faster than the naive table, i.e. a ratio of at most 0.25.
    result.rows["pdf"] = Row(f"Audit PDF, {PDF_MAX_ROWS:,} rows (floor: naive WeasyPrint)", ms, floor)
    log(f"  {result.name}: PDF {ms:.0f} ms vs naive {floor:.0f} ms")


def measure_sweep(result: ScaleResult, repeat: int, n_due: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from requests import tasks
    from requests.core.models import DeadlineNotice

    def sweep():
        tasks.deadline_sweep()

    def anything_due():
        DeadlineNotice.objects.filter(status="gepland", send_at__lte=timezone.now()).exists()

    ms = timed(sweep, repeat=repeat)
    floor = timed(anything_due, repeat=repeat)
    open_notices = DeadlineNotice.objects.filter(status="gepland").count()
    result.rows["sweep_idle"] = Row(
        "Deadline sweep, nothing due",
        ms,
        floor,
        count_queries(sweep),
        count_queries(anything_due),
        note=f"{open_notices:,} planned notices",
    )
    log(f"  {result.name}: sweep idle {ms:.1f} ms vs {floor:.2f} ms")
    try:  # another helper's measurement, when it has landed
        from bench.sweep import measure_sweep as external
    except ImportError:
        external = None
    if external is not None:
        data = external(n_due)
        seconds = float(data.get("seconds", data.get("ms", 0) / 1000))
        result.rows["sweep_due"] = Row(
            f"Deadline sweep, {n_due:,} due (bench/sweep.py)",
            seconds * 1000,
            note=json.dumps(data, default=str)[:80],
        )
        return
    ids = list(
        DeadlineNotice.objects.filter(status="gepland")
        .order_by("send_at", "pk")
        .values_list("pk", flat=True)[:n_due]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_deadlinenotice SET send_at = %s WHERE id = ANY(%s)",
            [timezone.now() - dt.timedelta(minutes=1), ids],
        )
    start = time.perf_counter()
    outcome = tasks.deadline_sweep()
    ms = (time.perf_counter() - start) * 1000
    n = len(ids)
    result.rows["sweep_due"] = Row(
        f"Deadline sweep, {n:,} due",
        ms,
        note=f"{ms / max(n, 1):.1f} ms per notice; sent {outcome.get('sent')}",
    )
    log(f"  {result.name}: sweep with {n} due: {ms:.0f} ms ({outcome})")


# --- Load run ------------------------------------------------------------------------------------


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
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p50, p99, int(bad.group(1)) if bad else 0


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
    targets = (
        ("Binnengekomen (inbox)", reverse("requests:inbox")),
        ("bare view, 50 rows", reverse("bench_bare_requests", args=["in"])),
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


# --- The table -----------------------------------------------------------------------------------

PAGE_KEYS = ("inbox", "outgoing", "refusals", "legal", "tasks", "today", "audit_log", "detail")
GOALS = {
    **dict.fromkeys(PAGE_KEYS, "≤ 1.5×, same queries"),
    "verify": "≤ 1.5×",
    "csv": "≤ 1.3×",
    "pdf": "≤ 0.25× (4× faster)",
    "sweep_idle": "≤ 50 ms",
    "sweep_due": "≤ 1 ms per notice",
}
ORDER = (*PAGE_KEYS, "verify", "csv", "pdf", "sweep_idle", "sweep_due")


def judge(results: list[ScaleResult], n_due: int) -> None:
    """Set ``ok`` on each row: the issue's goals, as ratios where there is a floor."""
    for res in results:
        for key, row in res.rows.items():
            ratio = row.ratio
            if key in PAGE_KEYS:
                same = len({r.rows[key].queries for r in results if key in r.rows}) == 1
                row.ok = ratio is not None and ratio <= 1.5 and same
            elif key == "verify":
                row.ok = ratio is not None and ratio <= 1.5
            elif key == "csv":
                row.ok = ratio is not None and ratio <= 1.3
            elif key == "pdf":
                row.ok = ratio is not None and ratio <= 0.25
            elif key == "sweep_idle":
                row.ok = row.ms is not None and row.ms <= 50
            elif key == "sweep_due":
                row.ok = row.ms is not None and row.ms <= n_due * 1.0


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(results: list[ScaleResult], meta: dict) -> str:
    names = [r.name for r in results]
    lines = [
        "# toolKID benchmark (`make bench`)",
        "",
        f"Run {meta['when']} on {meta['host']} ({meta['cpus']} CPUs, load {meta['load']:.1f} at the start), "
        f"PostgreSQL {meta['pg']}, Python {meta['python']}. Median of {meta['repeat']} calls after warm-up "
        f"(PDF and CSV: {meta['heavy_repeat']}; audit_verify and the sweep with notices due: one run). Times in ms; ratio = ms / floor ms; "
        "queries as page/floor.",
        "",
    ]
    scale_cols = " | ".join(f"{n}: ms | floor ms | ratio | queries" for n in names)
    lines.append(f"| what | {scale_cols} | goal | doel | notes |")
    lines.append("|---|" + "---:|---:|---:|---:|" * len(names) + "---|---|---|")
    for key in ORDER:
        rows = [r.rows.get(key) for r in results]
        if not any(rows):
            continue
        label = next(r for r in rows if r).what
        cells = []
        for row in rows:
            if row is None:
                cells.append("— | — | — | —")
                continue
            q = "—" if row.queries is None else f"{row.queries}/{row.floor_queries}"
            ratio = row.ratio
            cells.append(
                f"{_f(row.ms)} | {_f(row.floor_ms, 2) if row.floor_ms and row.floor_ms < 10 else _f(row.floor_ms)}"
                f" | {'—' if ratio is None else f'{ratio:.2f}×'} | {q}"
            )
        marks = " ".join("—" if row is None or row.ok is None else ("✓" if row.ok else "✗") for row in rows)
        notes = "; ".join(f"{n}: {row.note}" for n, row in zip(names, rows, strict=True) if row and row.note)
        lines.append(f"| {label} | {' | '.join(cells)} | {GOALS.get(key, '')} | {marks} | {notes} |")
    lines += ["", "## Load run (gunicorn, wrk)", ""]
    any_load = False
    for res in results:
        if res.load_note:
            lines.append(f"- {res.name}: {res.load_note}")
    lines += [
        "",
        "| scale | target | users | req/s | p50 ms | p99 ms | errors | doel |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for res in results:
        bare = {users: rps for label, users, rps, *_ in res.load if label.startswith("bare")}
        for label, users, rps, p50, p99, bad in res.load:
            any_load = True
            mark = ""
            if not label.startswith("bare") and users in bare:
                mark = "✓" if rps >= bare[users] / 1.5 else "✗"
                mark += f" ({rps / bare[users]:.2f} of bare)"
            lines.append(
                f"| {res.name} | {label} | {users} | {rps:,.1f} | {p50:,.0f} | {p99:,.0f} | {bad} | {mark} |"
            )
    if not any_load:
        lines.append("| — | (not run) | | | | | | |")
    lines += [
        "",
        "Goal under load: the inbox's req/s at least 1/1.5 of the bare view's.",
        "",
        "## Seeding (COPY)",
        "",
    ]
    for res in results:
        counts = ", ".join(f"{k} {v:,}" for k, v in res.counts.items())
        lines.append(f"- {res.name}: {res.seed_seconds:.0f} s in all ({counts}).")
        lines.append("  " + "; ".join(f"{k} {v:.1f} s" for k, v in res.seed_timings.items()))
    lines += ["", f"Whole run: {meta['total']:.0f} s.", ""]
    return "\n".join(lines)


# --- Main ----------------------------------------------------------------------------------------


def run_scale(
    scale, *, url: str, first: bool, repeat: int, heavy_repeat: int, load_seconds: int, n_due: int
) -> ScaleResult:
    from django.core.management import call_command
    from django.db import connection

    from bench.seed import seed

    result = ScaleResult(scale.name)
    log(f"== scale {scale.name}: {scale.requests:,} requests, {scale.events:,} audit events")
    connection.close()
    started = time.perf_counter()
    recreate_database(url, from_template=not first)
    if os.environ.get("BENCH_SYNCHRONOUS_COMMIT") != "1":
        # Every page view commits its audit lines one by one; on a shared VM an fsync per commit
        # measures the neighbours' disk traffic, not our code. Off for the bench database only.
        name, _template = _names(url)
        _admin(url, f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    if first:
        call_command("migrate", verbosity=0, interactive=False)
        connection.close()
        save_template(url)
    result.seed_timings["migrate" if first else "copy migrated template"] = time.perf_counter() - started
    report = seed(scale, log=log)
    result.seed_timings.update(report.timings)
    result.seed_seconds = sum(result.seed_timings.values())
    result.counts = report.counts
    log(f"  seeded {scale.name} in {result.seed_seconds:.0f} s")
    measure_pages(report, result, repeat)
    # One walk of the whole chain: at 2M events and today's speed that alone takes minutes.
    measure_verify(result, _env_int("BENCH_VERIFY_REPEAT", 1))
    measure_csv(report, result, heavy_repeat)
    measure_pdf(report, result, heavy_repeat)
    load_run(report, result, load_seconds)
    # Last: the sweep with notices due writes notifications and audit lines.
    measure_sweep(result, repeat, n_due)
    connection.close()
    return result


def main() -> int:
    url = bench_url()
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    import logging

    for name in ("weasyprint", "fontTools", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from django.db import connection

    from bench.seed import SCALES

    big = os.environ.get("BENCH_SCALE") or "200k"
    names = [n.strip() for n in os.environ.get("BENCH_SCALES", f"20k,{big}").split(",") if n.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        raise SystemExit(f"bench: unknown scale {unknown}; choose from {', '.join(SCALES)}")
    repeat = _env_int("BENCH_REPEAT", 15)
    heavy_repeat = _env_int("BENCH_HEAVY_REPEAT", 3)
    load_seconds = _env_int("BENCH_LOAD_SECONDS", 10)
    n_due = _env_int("BENCH_SWEEP_DUE", 500)
    started = time.perf_counter()
    load_avg = os.getloadavg()[0]
    results = []
    try:
        for i, name in enumerate(names):
            results.append(
                run_scale(
                    SCALES[name],
                    url=url,
                    first=i == 0,
                    repeat=repeat,
                    heavy_repeat=heavy_repeat,
                    load_seconds=load_seconds,
                    n_due=n_due,
                )
            )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = cursor.fetchone()[0]
    finally:
        connection.close()
        if os.environ.get("BENCH_KEEP") != "1":
            drop_databases(url)
    judge(results, n_due)
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "load": load_avg,
        "pg": pg,
        "python": sys.version.split()[0],
        "repeat": repeat,
        "heavy_repeat": heavy_repeat,
        "total": time.perf_counter() - started,
    }
    text = markdown(results, meta)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print()
    print(text)
    log(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
