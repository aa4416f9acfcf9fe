"""Keyset (seek) pagination for every list page (issue 11): a page is "the next N rows after
this key", never "rows 51–75", so a request filed while someone pages does not push a row onto
the next page twice or skip one, and page 4,000 costs what page 1 costs.

A list orders by a *unique* key tuple (the last key is the primary key), e.g.
``("-submitted_at", "-pk")`` or ``("due_date", "pk")``; keys may name annotations, which must
not be NULL (wrap a nullable column in ``Coalesce``). The "Volgende"/"Vorige" links carry an
opaque cursor: the boundary row's key, signed, so a hand-edited link cannot steer the query. A
cursor that does not verify gives the first page and a Dutch message, never an error page.

The walk itself (:func:`seek`) needs no request: the API pages with the same cursors and keys
(``toolkid/api/pagination.py``), where a cursor that does not verify is a 400 instead.

No ``COUNT(*)`` over an organisation's whole history: :func:`count_capped` counts at most
``COUNT_CAP + 1`` rows, and the page says "meer dan 500".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

T = TypeVar("T")

#: Rows per page: a screen or two on a phone, and a bounded page on any machine.
PAGE_SIZE = 25
#: The query parameter that carries the cursor.
CURSOR_PARAM = "pagina"
#: Counts stop here: "meer dan 500" tells a case worker as much as 12,408 does.
COUNT_CAP = 500
_SALT = "toolkid.pagination"
_FORWARD, _BACKWARD = "v", "t"


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows and the links to the pages beside it ("" when none)."""

    rows: list[T]
    next_url: str = ""
    previous_url: str = ""
    #: The cursor in the link did not verify (edited, truncated): this is the first page.
    invalid_cursor: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_url or self.previous_url)

    @property
    def is_first(self) -> bool:
        return not self.previous_url

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass
class Seek(Generic[T]):
    """One page of a keyset walk, without a request: its rows and the cursors beside it.

    ``previous_token`` is None with ``has_previous`` when every row before the cursor is gone
    (withdrawn, filtered away): the previous page is then the first one, without a cursor."""

    rows: list[T]
    next_token: str | None = None
    previous_token: str | None = None
    has_previous: bool = False
    #: The cursor did not verify (edited, truncated, another list's): these are the first rows.
    invalid: bool = False


def seek(qs: QuerySet[T], keys: Sequence[str], token: str, *, per_page: int = PAGE_SIZE) -> Seek[T]:
    """The rows of ``qs`` after (or before) the signed cursor ``token`` ("" for the first page),
    ordered by ``keys`` (Django ``order_by`` names, unique together). One query (plus the
    queryset's prefetches) whatever the page or the size of the table. The HTML pages
    (:func:`paginate`) and the API (``toolkid.api.pagination``) both page through it."""
    ordering = [_parse(key) for key in keys]
    cursor = _decode(token, len(ordering)) if token else None
    if cursor is None:
        rows = list(qs.order_by(*keys)[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page]
        has_next, has_previous = more, False
    else:
        direction, values = cursor
        backward = direction == _BACKWARD
        order = [_order_name(name, desc != backward) for name, desc in ordering]
        rows = list(qs.filter(_beyond(ordering, values, backward=backward)).order_by(*order)[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page]
        if backward:
            rows.reverse()
            # The row the cursor was taken from follows this page.
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, True
    found: Seek[T] = Seek(rows=rows, has_previous=has_previous, invalid=bool(token) and cursor is None)
    if rows and has_next:
        found.next_token = _encode(_FORWARD, _key_of(rows[-1], ordering))
    if rows and has_previous:
        found.previous_token = _encode(_BACKWARD, _key_of(rows[0], ordering))
    return found


def paginate(
    request: HttpRequest,
    qs: QuerySet[T],
    keys: Sequence[str],
    *,
    per_page: int = PAGE_SIZE,
    param: str = CURSOR_PARAM,
    links_to: tuple[str, QueryDict] | None = None,
) -> Page[T]:
    """The page of ``qs`` the request's cursor points at (:func:`seek`), with its links.

    ``links_to`` is ``(path, query)`` when the links must lead elsewhere than this request's
    own URL: a page shown as the answer to a POST pages on at the GET page that shows the same
    rows."""
    found = seek(qs, keys, request.GET.get(param, ""), per_page=per_page)
    if found.invalid:
        messages.warning(request, _("De link naar deze pagina klopte niet meer. U ziet de eerste pagina."),
                         fail_silently=True)
    page: Page[T] = Page(rows=found.rows, invalid_cursor=found.invalid)
    if found.next_token:
        page.next_url = _url(request, param, found.next_token, links_to)
    if found.previous_token:
        page.previous_url = _url(request, param, found.previous_token, links_to)
    elif found.has_previous:
        # Every row before the cursor is gone (withdrawn, filtered away): back to the start.
        page.previous_url = _url(request, param, None, links_to)
    return page


def paginate_list(
    request: HttpRequest,
    items: Sequence[T],
    key: Callable[[T], tuple[Any, ...]],
    *,
    per_page: int = PAGE_SIZE,
    param: str = CURSOR_PARAM,
) -> Page[T]:
    """:func:`paginate` for rows already in memory (computed, not queried), sorted by ``key``,
    which must be unique: the same cursors, the same links, the same tampered-link answer."""
    ordered = sorted(items, key=key)
    token = request.GET.get(param, "")
    sample = key(ordered[0]) if ordered else ()
    cursor = _decode(token, len(sample)) if token and ordered else None
    invalid = bool(token) and bool(ordered) and cursor is None
    if invalid:
        messages.warning(request, _("De link naar deze pagina klopte niet meer. U ziet de eerste pagina."),
                         fail_silently=True)
    start, end = 0, per_page
    if cursor is not None:
        direction, values = cursor
        boundary = tuple(values)
        try:
            if direction == _BACKWARD:
                end = next(i for i, item in enumerate(ordered) if key(item) >= boundary)
                start = max(0, end - per_page)
            else:
                start = next((i for i, item in enumerate(ordered) if key(item) > boundary), len(ordered))
                end = start + per_page
        except TypeError:  # a key of other types than this list's: as tampered
            start, end = 0, per_page
    rows = list(ordered[start:end])
    page: Page[T] = Page(rows=rows, invalid_cursor=invalid)
    if rows and end < len(ordered):
        page.next_url = _url(request, param, _encode(_FORWARD, list(key(rows[-1]))))
    if rows and start > 0:
        page.previous_url = _url(request, param, _encode(_BACKWARD, list(key(rows[0]))))
    return page


def count_capped(qs: QuerySet[Any], *, cap: int | None = None) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting no further than ``cap`` (``COUNT_CAP``): ``(n, True)``
    means "more than n". One ``COUNT(*)`` over at most ``cap + 1`` rows of the list's own index
    range."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def without_cursor(request: HttpRequest, *, param: str = CURSOR_PARAM) -> str:
    """The request's query string without the cursor (for forms and "wissen" links)."""
    query: QueryDict = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


# --------------------------------------------------------------------------------------------
# Keys and cursors
# --------------------------------------------------------------------------------------------


def _parse(key: str) -> tuple[str, bool]:
    return (key[1:], True) if key.startswith("-") else (key, False)


def _order_name(name: str, descending: bool) -> str:
    return f"-{name}" if descending else name


def _beyond(ordering: list[tuple[str, bool]], values: list[Any], *, backward: bool) -> Q:
    """Rows strictly after (or before) the key ``values`` in the list's order: the row-value
    comparison ``(a, b, c) > (x, y, z)`` spelled out, so mixed directions work too."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(ordering, values, strict=True):
        later = "lt" if descending != backward else "gt"
        condition |= equal & Q(**{f"{name}__{later}": value})
        equal &= Q(**{name: value})
    if len(ordering) > 1:
        # The first key's bound on its own ("a <= x"), implied by the OR above: a planner does
        # not derive it from the OR, and without it an index on (…, a, b) is read from the
        # list's start to the cursor and filtered, so page 4,000 would cost 4,000 pages.
        (first, descending), value = ordering[0], values[0]
        condition &= Q(**{f"{first}__{'lte' if descending != backward else 'gte'}": value})
    return condition


def _key_of(row: Any, ordering: list[tuple[str, bool]]) -> list[Any]:
    return [_follow(row, name) for name, _desc in ordering]


def _follow(row: Any, name: str) -> Any:
    value = row
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def _encode(direction: str, values: list[Any]) -> str:
    return signing.dumps([direction, [_pack(v) for v in values]], salt=_SALT, compress=True)


def _decode(token: str, length: int) -> tuple[str, list[Any]] | None:
    """The cursor's direction and key, or None when it does not verify or does not fit."""
    try:
        direction, packed = signing.loads(token, salt=_SALT)
        values = [_unpack(v) for v in packed]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    if direction not in (_FORWARD, _BACKWARD) or len(values) != length:
        return None
    return direction, values


def _pack(value: Any) -> Any:
    if value is None:
        raise ValueError("keyset pagination keys must not be NULL; wrap the column in Coalesce")
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _unpack(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "u" in value:
            return uuid.UUID(value["u"])
        raise ValueError("unknown cursor value")
    if not isinstance(value, (bool, int, float, str)):
        raise ValueError("unknown cursor value")
    return value


def _url(
    request: HttpRequest, param: str, token: str | None, links_to: tuple[str, QueryDict] | None = None
) -> str:
    path, query = (request.path, request.GET) if links_to is None else links_to
    query = query.copy()
    query.pop(param, None)
    if token:
        query[param] = token
    encoded = query.urlencode()
    if links_to is not None:
        return f"{path}?{encoded}" if encoded else path
    return f"?{encoded}" if encoded else path
