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
import dataclasses
import datetime as dt
import io
import json
import operator
import os
import socket
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import load_run  # noqa: E402 - after the path above
from bench.results import Row, ScaleResult, judge, markdown  # noqa: E402
from bench.session import verified_client  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/toolkid_bench"
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results" / "latest.md")
#: Measurements to leave out (comma list of keys: a page key such as ``outgoing``, or
#: ``verify``, ``csv``, ``pdf``, ``load``, ``sweep``), e.g. for a quick second scale.
SKIP = frozenset(k.strip() for k in (os.environ.get("BENCH_SKIP") or "").split(",") if k.strip())


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


class _QueryCounter:
    """Counts every query on the connection (``execute_wrapper``: no cap, unlike the debug
    cursor's log of 9,000, which the lists that show every request ever filed exceed)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _counted(fn, out: dict) -> float:
    """One call with its queries counted: seconds; ``out`` gets the count and the body size."""
    from django.db import connection

    counter = _QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        response = fn()
    elapsed = time.perf_counter() - start
    out["n"] = counter.n
    # A page's body size; 0 for a streamed answer or a job (the sweep returns no response).
    streamed = getattr(response, "streaming", True)
    out["size"] = 0 if streamed else len(response.content)
    return elapsed


def count_queries(fn) -> int:
    out: dict = {}
    _counted(fn, out)
    return out["n"]


# --- Measurements --------------------------------------------------------------------------------


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


def measure_pages(report, result: ScaleResult, repeat: int, too_slow: dict) -> None:
    """Each page and its floor. ``too_slow`` (page key -> scale) remembers pages over the limit
    at a smaller scale: they grow with every request ever filed, so a larger scale would take
    many minutes per call and is not measured."""
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
        if key in too_slow:
            note = (
                "not measured (BENCH_SKIP)"
                if key in SKIP
                else f"not measured: over {LIMIT_S:.0f} s per call at {too_slow[key]}"
            )
            result.rows[key] = Row(label, None, note=note)
            log(f"  {result.name}: {label}: {note}")
            continue
        client = clients[who]
        page, floor = _get(client, url), _get(client, bare)
        # The first call counts the queries and the size; when it alone is over the limit it is
        # also the time (the lists that render every request ever filed, at the large scale).
        queries: dict = {}
        page_ms = _counted(page, queries) * 1000
        if page_ms > LIMIT_S * 1000:
            note = f"1 call (over {LIMIT_S:.0f} s, queries counted)"
            too_slow[key] = result.name
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

    # The export writes 20 columns from the 22 fields it reads: the ground, its framework and
    # its reference make one column, the source and site another, and the event code is
    # written twice (as words and as code). The floor writes as many columns: every field
    # but the framework and the reference.
    merged = {ROW_FIELDS.index("ground_framework"), ROW_FIELDS.index("ground_ref")}
    columns = operator.itemgetter(*(i for i in range(len(ROW_FIELDS)) if i not in merged))

    def floor():
        # The same rows (organisation and period), the same query, through csv.writer into a sink.
        rows = AuditEvent.objects.filter(organisation=org, occurred_at__gte=start, occurred_at__lt=end)
        writer = csv.writer(Sink(), delimiter=";", lineterminator="\r\n")
        for values in rows.values_list(*ROW_FIELDS).iterator(chunk_size=2000):
            writer.writerow(columns(values))

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
        f"  {result.name}: CSV {lines['n']:,} rows {ms:.0f} ms vs {floor_ms:.0f} ms, "
        f"peak {peak / 2**20:.1f} MiB"
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

    # Whatever the seed left to plan is planned first, outside the measurement: "nothing due" is
    # the steady state of a running region, not a catch-up after an outage.
    started = time.perf_counter()
    caught_up = tasks.deadline_sweep()
    log(f"  {result.name}: catch-up sweep {time.perf_counter() - started:.1f} s ({caught_up})")

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


# --- Main ----------------------------------------------------------------------------------------


def run_scale(
    scale,
    *,
    url: str,
    first: bool,
    repeat: int,
    heavy_repeat: int,
    load_seconds: int,
    n_due: int,
    too_slow: dict,
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
    measure_pages(report, result, repeat, too_slow)
    # One walk of the whole chain: at 2M events and today's speed that alone takes minutes.
    if "verify" not in SKIP:
        measure_verify(result, _env_int("BENCH_VERIFY_REPEAT", 1))
    if "csv" not in SKIP:
        measure_csv(report, result, heavy_repeat)
    if "pdf" not in SKIP:
        measure_pdf(report, result, heavy_repeat)
    if "load" not in SKIP:
        load_run(report, result, load_seconds)
    # Last: the sweep with notices due writes notifications and audit lines.
    if "sweep" not in SKIP:
        measure_sweep(result, repeat, n_due)
    connection.close()
    return result


def main() -> int:
    if os.environ.get("BENCH_MERGE"):
        return merge(os.environ["BENCH_MERGE"].split(","))
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
    results: list[ScaleResult] = []
    too_slow: dict = dict.fromkeys(SKIP, "BENCH_SKIP")
    text = ""
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
                    too_slow=too_slow,
                )
            )
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                pg = cursor.fetchone()[0]
            connection.close()
            # After every scale, so a run stopped during the next one still leaves its table.
            text = write_table(
                results,
                n_due,
                {
                    "pg": pg,
                    "load": load_avg,
                    "repeat": repeat,
                    "heavy_repeat": heavy_repeat,
                    "started": started,
                    "load_seconds": load_seconds,
                },
            )
    finally:
        connection.close()
        if os.environ.get("BENCH_KEEP") != "1":
            drop_databases(url)
    print()
    print(text)
    log(f"Written to {RESULTS}")
    return 0


def write_table(results: list[ScaleResult], n_due: int, meta: dict) -> str:
    judge(results, n_due)
    # A merge keeps the time and length of the runs it merges; a run states its own.
    full = {
        **meta,
        "when": meta.get("when") or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "total": meta.get("total") or time.perf_counter() - meta["started"],
    }
    text = markdown(results, full)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    # The numbers too, so runs of one scale each can be put side by side (BENCH_MERGE).
    data = {"meta": full, "n_due": n_due, "results": [dataclasses.asdict(r) for r in results]}
    RESULTS.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return text


def merge(paths: list[str]) -> int:
    """One table from the JSON of earlier runs (one scale each, say), scales in the given order."""
    results, metas, n_due = [], [], 500
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        metas.append(data["meta"])
        n_due = data["n_due"]
        for r in data["results"]:
            rows = {key: Row(**row) for key, row in r.pop("rows").items()}
            results.append(ScaleResult(**r, rows=rows))
    meta = {**metas[0], "total": sum(m.get("total", 0) for m in metas)}
    meta["load"] = max(m["load"] for m in metas)
    text = write_table(results, n_due, meta)
    print(text)
    log(f"Written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
