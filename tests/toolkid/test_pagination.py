"""The keyset pagination helper on rows in memory (the deadline overview's overdue list): the
same cursors as the queried lists, no row skipped or repeated when rows are added between
pages, and a tampered cursor gives the first page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from django.test import RequestFactory

from toolkid.pagination import CURSOR_PARAM, paginate_list

factory = RequestFactory()
DAY = dt.date(2026, 12, 1)


def _key(item):
    return item


def _get(url: str = "/lijst/"):
    return factory.get(url)


def test_walking_forward_and_back_shows_every_row_once():
    items = [(DAY + dt.timedelta(days=i % 7), f"TK-{i:03d}") for i in range(60)]
    pages, request = [], _get("/lijst/?status=x")
    while True:
        page = paginate_list(request, items, _key, per_page=25)
        pages.append(page.rows)
        assert "status=x" in (page.next_url or "status=x")
        if not page.next_url:
            break
        items.append((DAY - dt.timedelta(days=1), f"TK-N{len(items)}"))  # sorts before the cursor
        request = _get("/lijst/" + page.next_url)
    seen = [row for rows in pages for row in rows]
    assert len(seen) == len(set(seen)) == 60
    assert seen == sorted(seen)
    back = paginate_list(_get("/lijst/" + page.previous_url), items, _key, per_page=25)
    assert back.rows == pages[-2]


def test_a_tampered_cursor_gives_the_first_page():
    items = [(DAY, f"TK-{i:03d}") for i in range(30)]
    first = paginate_list(_get(), items, _key, per_page=10)
    token = parse_qs(urlsplit(first.next_url).query)[CURSOR_PARAM][0]
    for bad in ("rommel", token[:-2] + "zz"):
        page = paginate_list(_get(f"/lijst/?{CURSOR_PARAM}={bad}"), items, _key, per_page=10)
        assert page.invalid_cursor and page.rows == first.rows


def test_the_cursor_bounds_the_first_key_on_its_own():
    # "(a, b) before (x, y)" spelled out as an OR is not an index bound; "a <= x" beside it is,
    # so the database starts reading at the cursor instead of at the list's first row.
    from toolkid.pagination import _beyond

    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    newest_first = [("occurred_at", True), ("seq", True)]
    forward = _beyond(newest_first, [moment, 7], backward=False)
    assert ("occurred_at__lte", moment) in forward.children
    backward = _beyond(newest_first, [moment, 7], backward=True)
    assert ("occurred_at__gte", moment) in backward.children
    # One key is its own bound.
    assert "lte" not in str(_beyond([("seq", True)], [7], backward=False))
