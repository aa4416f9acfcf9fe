"""The bench's results: one row per measurement and scale, the goals, and the Markdown table
(bench/run.py writes it to bench/results/latest.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
            if row.ms is None:  # not measured at this scale
                row.ok = None
                continue
            if key in PAGE_KEYS:
                same = len({r.rows[key].queries for r in results if key in r.rows and r.rows[key].ms}) == 1
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
        f"(PDF and CSV: {meta['heavy_repeat']}; audit_verify and the sweep with notices due: one run). "
        "Times in ms; ratio = ms / floor ms; queries as page/floor.",
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
            floor = _f(row.floor_ms, 2) if row.floor_ms and row.floor_ms < 10 else _f(row.floor_ms)
            cells.append(f"{_f(row.ms)} | {floor} | {'—' if ratio is None else f'{ratio:.2f}×'} | {q}")
        marks = " ".join("—" if row is None or row.ok is None else ("✓" if row.ok else "✗") for row in rows)
        notes = "; ".join(f"{n}: {row.note}" for n, row in zip(names, rows, strict=True) if row and row.note)
        lines.append(f"| {label} | {' | '.join(cells)} | {GOALS.get(key, '')} | {marks} | {notes} |")
    lines += ["", "## Load run (gunicorn, wrk)", ""]
    any_load = False
    load_seconds = meta.get("load_seconds", 10)
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
            if not label.startswith("bare") and bare.get(users):
                mark = "✓" if rps >= bare[users] / 1.5 else "✗"
                mark += f" ({rps / bare[users]:.2f} of bare)"
            if rps == 0:  # no answer within the run: wrk has no latencies to report
                lines.append(
                    f"| {res.name} | {label} | {users} | 0 (no answer within {load_seconds} s) | — | — "
                    f"| {bad} | {mark} |"
                )
                continue
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
