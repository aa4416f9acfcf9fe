"""The audit reports as files: a streaming CSV (all rows, constant memory) and PDFs rendered
with WeasyPrint from Django templates (offline: only the fonts shipped in static/fonts).

Nothing here checks permissions or writes audit events: the views get their querysets from
:mod:`audit.selectors` and log each download before they hand out the file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from audit import catalogue
from audit.grounds import Sensitivity, ground_label
from audit.models import AuditAction, AuditEvent, AuditOutcome
from audit.objects import Described, describe_objects
from audit.purposes import UNKNOWN_LABEL, Purpose, source_label
from audit.right_of_access import LETTER_MAX_LINES, AccessLetter
from audit.sealing import Start, next_start
from toolkid.models import Role

#: Rows fetched per database round trip while streaming.
CHUNK_SIZE = 2000
#: The PDF shows at most this many events; the CSV always holds all of them. A web request
#: renders the PDF, at about 6 s of CPU per 1,000 rows on this hardware (``make bench``).
PDF_MAX_ROWS = 1000
#: Where the PDF fonts live; the only place the PDF renderer may read from.
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}

#: The columns read for every report row (one query, no model instances).
ROW_FIELDS: tuple[str, ...] = (
    "seq",
    "occurred_at",
    "username",
    "role",
    "organisation__name",
    "on_behalf_of",
    "action",
    "event",
    "outcome",
    "object_type",
    "object_id",
    "parent_ref",
    "ip_address",
    "purpose",
    "audit_source",
    "site",
    "ground",
    "ground_framework",
    "ground_ref",
    "sensitivity",
    "payload",
    "hash",
)
_OBJECT_TYPE = ROW_FIELDS.index("object_type")
_OBJECT_ID = ROW_FIELDS.index("object_id")
#: How many described objects one report keeps between chunks (bounded: constant memory).
_DESCRIBED_KEPT = 2_000


@dataclass(frozen=True)
class ReportRow:
    """One event as the reports show it (labels in the active language)."""

    seq: int
    occurred_at: dt.datetime
    username: str
    role: str
    organisation: str
    on_behalf_of: str
    action: str
    event: str
    #: What the event code means, in words (its app's catalogue; the code itself if unknown).
    event_label: str
    outcome: str
    outcome_code: str
    #: What the event is about, in words (``audit.objects``): "Informatieverzoek VZ-2026-0012".
    object: str
    #: The reference of the request the object belongs to, if any.
    reference: str
    parent_ref: str
    ip_address: str
    #: Why (NEN 7513 purpose of use), in words; "onbekend (vóór registratie)" for old rows.
    purpose: str = ""
    #: Which installation and organisation's site wrote the line ("bron").
    source: str = ""
    #: Under which legal ground, in words (audit.grounds); "onbekend (vóór registratie)" for old rows.
    ground: str = ""
    #: Health data, personal data or metadata, in words.
    sensitivity: str = ""

    # Merged columns for the PDF (four cells a row, with the number and time, and the action
    # and outcome, side by side in the template): WeasyPrint's cost is per element — the
    # cascade (its default stylesheet gives every element six pseudo-element styles), the
    # boxes, the line breaking and the drawing — so fewer cells is the one big lever. Rows
    # are told apart by a background, not a border under every cell (each border is drawn
    # on its own). Fonts are subset on output, which costs next to nothing.
    @property
    def who(self) -> str:
        person = f"{self.username} ({self.role})" if self.role else self.username or "—"
        if self.on_behalf_of:
            person = f"{person} {_('namens')} {self.on_behalf_of}"
        return f"{person} · {self.organisation}" if self.organisation else person

    @property
    def what(self) -> str:
        """The action, the event and its purpose in words (the code is in the CSV)."""
        return f"{self.action} · {self.event_label} · {self.purpose}"

    @property
    def why(self) -> str:
        """The legal ground and the sensitivity (the PDF's second line of "what")."""
        return f"{self.ground} · {self.sensitivity}"

    @property
    def about(self) -> str:
        parts = (
            self.object,
            self.reference if self.reference not in self.object else "",
            self.parent_ref,
            self.ip_address,
        )
        return " · ".join(part for part in parts if part) or "—"


class _Labels:
    """Display words for codes, translated once per report (not once per row)."""

    def __init__(self):
        self.actions = {value: str(label) for value, label in AuditAction.choices}
        self.outcomes = {value: str(label) for value, label in AuditOutcome.choices}
        self.events = catalogue.codes()
        self.roles = {value: str(label) for value, label in Role.choices}
        self.roles["functioneel_beheerder"] = _("Functioneel beheerder")
        self.roles["systeem"] = _("Systeem")
        self.purposes = {value: str(label) for value, label in Purpose.choices}
        self.unknown = str(UNKNOWN_LABEL)
        self._grounds: dict[tuple[str, str, str], str] = {}
        self._role_labels: dict[str, str] = {}
        self._sources: dict[tuple[str, str], str] = {}
        self._described: dict[tuple[str, str], Described] = {}
        self.sensitivities = {value: str(label) for value, label in Sensitivity.choices}

    def ground(self, ground: str, framework: str, ref: str) -> str:
        key = (ground, framework, ref)
        if key not in self._grounds:
            self._grounds[key] = ground_label(ground, framework, ref)
        return self._grounds[key]

    def source(self, audit_source: str, site: str) -> str:
        """The "Bron" column, defused (a site is an organisation's name); a few per log."""
        key = (audit_source, site)
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = _cell(source_label(audit_source, site))
        return found

    def role(self, value: str) -> str:
        found = self._role_labels.get(value)
        if found is None:
            found = ", ".join(self.roles.get(code, code) for code in value.split(",") if code)
            self._role_labels[value] = found
        return found

    def event(self, code: str) -> str:
        # A code no app registers any more (retired) still reads as itself.
        return self.events.get(code, code)

    def objects(self, rows: list[tuple]) -> dict[tuple[str, str], Described]:
        """What the objects of ``rows`` (``ROW_FIELDS`` tuples) are, in one batch. A log names
        the same request many times over (tens of lines per request): what an earlier chunk
        described is kept, up to a bound, so memory stays constant however long the export."""
        pairs = {(row[_OBJECT_TYPE], row[_OBJECT_ID]) for row in rows}
        missing = pairs.difference(self._described)
        if missing:
            if len(self._described) + len(missing) > _DESCRIBED_KEPT:
                self._described.clear()
                missing = pairs
            self._described.update(describe_objects(missing))
        return self._described

    def row(self, values: tuple, objects: dict[tuple[str, str], Described]) -> ReportRow:
        (
            seq,
            occurred_at,
            username,
            role,
            organisation,
            on_behalf_of,
            action,
            event,
            outcome,
            object_type,
            object_id,
            parent_ref,
            ip_address,
            purpose,
            audit_source,
            site,
            ground,
            ground_framework,
            ground_ref,
            sensitivity,
            _payload,
            _hash,
        ) = values
        described = objects.get((object_type, object_id)) or Described("")
        return ReportRow(
            seq=seq,
            occurred_at=timezone.localtime(occurred_at),
            username=username,
            role=self.role(role),
            organisation=organisation or "",
            on_behalf_of=on_behalf_of,
            action=self.actions.get(action, action),
            event=event,
            event_label=self.event(event),
            outcome=self.outcomes.get(outcome, outcome),
            outcome_code=outcome,
            object=described.text,
            reference=described.reference,
            parent_ref=parent_ref,
            ip_address=ip_address or "",
            purpose=self.purposes.get(purpose, purpose) if purpose else self.unknown,
            source=source_label(audit_source, site),
            ground=self.ground(ground, ground_framework, ground_ref),
            sensitivity=self.sensitivities.get(sensitivity, sensitivity) if sensitivity else self.unknown,
        )


def to_rows(values: Iterable[tuple]) -> list[ReportRow]:
    """Rows of ``values_list(*ROW_FIELDS)`` as :class:`ReportRow` (e.g. one page of them)."""
    labels = _Labels()
    rows = list(values)
    objects = labels.objects(rows)
    return [labels.row(row, objects) for row in rows]


def report_rows(queryset: QuerySet[AuditEvent], *, limit: int | None = None) -> list[ReportRow]:
    values = queryset.values_list(*ROW_FIELDS)
    if limit is not None:
        values = values[:limit]
    return to_rows(values)


# --- CSV ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` hands the line back (csv.writer -> generator)."""

    def write(self, value: str) -> str:
        return value


#: Leading characters a spreadsheet would run as a formula ("CSV injection"). A user name
#: typed at a failed login ends up in the log as typed.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if type(value) is not str:
        value = "" if value is None else str(value)
    return "'" + value if value and value[0] in _FORMULA_START else value


#: ``json.dumps(payload, sort_keys=True, ensure_ascii=False)`` without building an encoder per
#: call (``dumps`` makes a new one whenever it gets arguments): once per line of the CSV.
_payload_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def csv_header() -> list[str]:
    """The columns, in this order. "Gebeurtenis" says what happened in the active language,
    "Code" is its code (stable, for scripts and for searching); "Object" names what it was
    about in words, "Verzoek" the reference of the request that belongs to."""
    return [
        _("Volgnummer"),
        _("Tijdstip"),
        _("Gebruiker"),
        _("Rol"),
        _("Organisatie"),
        _("Namens"),
        _("Actie"),
        _("Gebeurtenis"),
        _("Code"),
        _("Doel"),
        _("Grondslag"),
        _("Gevoeligheid"),
        _("Uitkomst"),
        _("Object"),
        _("Verzoek"),
        _("Ouderreferentie"),
        _("IP-adres"),
        _("Bron"),
        _("Gegevens"),
        _("Hash"),
    ]


def csv_lines(queryset: QuerySet[AuditEvent], *, lines_per_chunk: int = 500) -> Iterator[str]:
    """The CSV as text chunks: a UTF-8 byte order mark (so Excel reads the accents), the
    header, then every row. Semicolons separate the fields, as a Dutch Excel expects.

    Memory stays flat however many rows: the rows come from the database
    ``CHUNK_SIZE`` at a time (``iterator()``, no result cache; a server-side cursor on
    PostgreSQL) and leave as text ``lines_per_chunk`` at a time.
    """
    labels = _Labels()
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(csv_header())
    batch: list[tuple] = []
    for values in queryset.values_list(*ROW_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        batch.append(values)
        if len(batch) >= lines_per_chunk:
            yield _csv_chunk(writer, labels, batch)
            batch.clear()
    if batch:
        yield _csv_chunk(writer, labels, batch)


def _csv_chunk(writer, labels: _Labels, values: list[tuple]) -> str:
    """One chunk of lines; the objects of the whole chunk are described in one go (a fixed
    number of queries per chunk, not per line). Works on the value tuples directly: this runs
    once per line of a log that may hold millions (``make bench`` holds it to its floor, the
    same rows through ``csv.writer``)."""
    objects = labels.objects(values)
    tz = timezone.get_current_timezone()
    nothing = Described("")
    lines = []
    for (
        seq, occurred_at, username, role, organisation, on_behalf_of, action, event, outcome,
        object_type, object_id, parent_ref, ip_address, purpose, audit_source, site, ground,
        ground_framework, ground_ref, sensitivity, payload, digest,
    ) in values:
        described = objects.get((object_type, object_id)) or nothing
        lines.append(
            [
                seq,
                occurred_at.astimezone(tz).isoformat(timespec="seconds"),
                # Typed by people (a user name tried at a failed login, an organisation's name):
                # defused against spreadsheet formulas. The rest are codes and fixed labels.
                _cell(username),
                labels.role(role),
                _cell(organisation),
                _cell(on_behalf_of),
                labels.actions.get(action, action),
                labels.event(event),
                event,
                labels.purposes.get(purpose, purpose) if purpose else labels.unknown,
                labels.ground(ground, ground_framework, ground_ref),
                labels.sensitivities.get(sensitivity, sensitivity) if sensitivity else labels.unknown,
                labels.outcomes.get(outcome, outcome),
                _cell(described.text),
                described.reference,
                parent_ref,
                ip_address or "",
                labels.source(audit_source, site),
                _payload_json(payload) if payload else "",
                digest,
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer, dialect=writer.dialect).writerows(lines)
    return buffer.getvalue()


def csv_response(queryset: QuerySet[AuditEvent], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- PDF ---------------------------------------------------------------------------------


@functools.cache
def _fetcher_class() -> type:
    # WeasyPrint is imported on first use: it is heavy, and importing it logs its own
    # stylesheet parsing, which every manage.py command would otherwise show.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFontFetcher(URLFetcher):
        """WeasyPrint's only window on the outside world: ``file:`` URLs inside ``root``.

        Anything else (http, https, data, ftp, a file elsewhere) is refused, so a report
        never reaches the network and never reads a file it should not, whatever ends up
        in the HTML.
        """

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.root = Path(root).resolve()

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused (only local fonts): {url}")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError(f"refused (not a shipped font): {url}")
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})

    return LocalFontFetcher


def local_font_fetcher(root: Path = FONT_DIR):
    """A WeasyPrint URL fetcher that serves the shipped fonts and refuses everything else."""
    return _fetcher_class()(root)


def font_urls() -> dict[str, str]:
    return {name: (FONT_DIR / filename).as_uri() for name, filename in FONT_FILES.items()}


def css_string(value: object) -> str:
    """``value`` as a quoted CSS string for ``content:`` in the page margins. Escaped for CSS
    (quotes, backslashes, line breaks) and for the ``<style>`` element it sits in (``<``, ``&``
    as CSS escapes, so neither "</style>" nor an entity can appear)."""
    text = str(value)
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 0x20 or ch == "\x7f" else ch for ch in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every special character is escaped above


def render_pdf(template_name: str, context: dict) -> bytes:
    css = {
        "confidential": css_string(_("Vertrouwelijk")),
        "scope": css_string(context.get("scope_label", "")),
        "title": css_string(context.get("title", "")),
        "document": css_string(_("Document-id %(id)s") % {"id": context.get("document_id", "")}),
        "page": css_string(_("Pagina")),
        "of": css_string(_("van")),
    }
    html = render_to_string(template_name, {**context, "fonts": font_urls(), "css": css})
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = HTML(string=html, url_fetcher=local_font_fetcher())
    with _cyclic_gc_paused():
        return document.write_pdf(font_config=font_config)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """WeasyPrint allocates a few hundred thousand boxes, styles and layout copies for a
    1,000-row table, and the cyclic collector keeps walking that growing heap (and the rest
    of the process): a quarter to a third of the render's CPU, measured with ``gc.callbacks``.
    Reference counting still frees what the render drops; cycles wait for the collector,
    which is back on (if it was on) as soon as the PDF is written."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chain_head() -> Start | None:
    """Where the sealed log ended when the document was made (ADR 0006): the newest seal, or the
    end of the old chain before any seal. None on an empty log."""
    start = next_start()
    return start if start.seq else None


def _grouped(numbers: Iterable[tuple[str, int]], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(labels.get(code, code), number_format(n, force_grouping=True)) for code, n in numbers]


def summary(queryset: QuerySet[AuditEvent]) -> dict:
    """Totals for the PDF summary: number of events, and counts per action and outcome."""
    labels = _Labels()
    per_pair = list(
        queryset.order_by()
        .values_list("action", "outcome")
        .annotate(n=Count("pk"))
        .order_by("action", "outcome")
    )
    total = sum(n for _a, _o, n in per_pair)
    per_action: dict[str, int] = {}
    per_outcome: dict[str, int] = {}
    for action, outcome, n in per_pair:
        per_action[action] = per_action.get(action, 0) + n
        per_outcome[outcome] = per_outcome.get(outcome, 0) + n
    return {
        "total": total,
        "total_display": number_format(total, force_grouping=True),
        "per_action": _grouped(sorted(per_action.items()), labels.actions),
        "per_outcome": _grouped(sorted(per_outcome.items()), labels.outcomes),
    }


def audit_log_pdf(
    queryset: QuerySet[AuditEvent],
    *,
    document_id: uuid.UUID,
    scope_label: str,
    filters: list[tuple[str, str]],
    generated_by: str,
) -> tuple[bytes, int]:
    """The audit log PDF: summary (period, filters, counts), the newest seal, then the first
    :data:`PDF_MAX_ROWS` events. Returns the PDF and the number of events in the selection."""
    totals = summary(queryset)
    rows = report_rows(queryset, limit=PDF_MAX_ROWS)
    context = {
        "title": _("Auditlog"),
        "document_id": document_id,
        "generated_at": timezone.localtime(),
        "generated_by": generated_by,
        "scope_label": scope_label,
        "filters": filters,
        "summary": totals,
        "head": _chain_head(),
        "rows": rows,
        "truncated": totals["total"] > len(rows),
        "max_rows_display": number_format(PDF_MAX_ROWS, force_grouping=True),
    }
    return render_pdf("audit/report_pdf.html", context), totals["total"]


def parent_access_pdf(
    queryset: QuerySet[AuditEvent],
    *,
    parent_ref: str,
    document_id: uuid.UUID,
    scope_label: str,
    generated_by: str,
) -> tuple[bytes, int]:
    """ "Wie heeft gegevens van deze ouder ingezien?" as a PDF, in time order."""
    totals = summary(queryset)
    rows = report_rows(queryset, limit=PDF_MAX_ROWS)
    context = {
        "title": _("Wie heeft gegevens van deze ouder ingezien?"),
        "document_id": document_id,
        "generated_at": timezone.localtime(),
        "generated_by": generated_by,
        "scope_label": scope_label,
        "parent_ref": parent_ref,
        "summary": totals,
        "head": _chain_head(),
        "rows": rows,
        "truncated": totals["total"] > len(rows),
        "max_rows_display": number_format(PDF_MAX_ROWS, force_grouping=True),
    }
    return render_pdf("audit/parent_access_pdf.html", context), totals["total"]


def parent_access_letter_pdf(
    letter: AccessLetter, *, document_id: uuid.UUID, scope_label: str
) -> bytes:
    """The overview for the parent (AVG art. 15, R41), or its deferral (R35, R40)."""
    context = {
        "title": _("Overzicht: wie heeft uw gegevens gebruikt?"),
        "document_id": document_id,
        "generated_at": timezone.localtime(),
        "scope_label": scope_label,
        "letter": letter,
        "named": any(line.person for group in letter.groups for line in group.lines),
        "max_lines_display": number_format(LETTER_MAX_LINES, force_grouping=True),
    }
    return render_pdf("audit/parent_letter_pdf.html", context)
