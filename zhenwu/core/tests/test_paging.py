"""Keys-first pages (`core/paging.py`): the same entries in the same order as a plain slice,
their keys and the total asked in one query — the visibility filter evaluated once, its sort
carrying only the keys, not every entry's JSON snapshots — and the rows then read by key."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.core import changelog, scoping
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.models import ObjectChange, Village
from zhenwu.core.paging import KeysFirstPaginator, keys_first, page_keys, rows_by_key


def _entries(world, n=23):
    village = world.villages[0]
    with acting_as(world.users["admin"], Source.UI):
        for i in range(n):
            values = changelog.snapshot_values(village)
            changelog.record(village, "update", values, {**values, "note": f"第{i}次"}, ["note"])


def _visible(world, who):
    qs = ObjectChange.objects.select_related("user", "content_type")
    return scoping.restrict(qs, world.users[who])


@pytest.mark.parametrize("who", ["leader", "village"])
def test_every_page_holds_the_plain_slices_entries_in_order(world, who):
    _entries(world)
    qs = _visible(world, who)
    total = qs.count()
    assert total >= 23
    for start in range(0, total + 10, 10):
        plain = [e.pk for e in qs[start : start + 10]]
        assert [e.pk for e in keys_first(qs[start : start + 10])] == plain


@pytest.mark.parametrize("who", ["leader", "village"])
def test_page_keys_are_the_plain_slices_and_the_total_the_count(world, who):
    _entries(world)
    qs = _visible(world, who)
    total = qs.count()
    for start in range(0, total, 10):
        with CaptureQueriesContext(connection) as ctx:
            keys, counted = page_keys(qs, start, 10)
        assert len(ctx) == 1
        assert keys == [e.pk for e in qs[start : start + 10]]
        assert counted == total
        assert [e.pk for e in rows_by_key(qs, keys)] == keys
    assert page_keys(qs, total, 10) == ([], None)  # past the end: the caller counts
    assert page_keys(qs.none(), 0, 10) == ([], None)


def test_one_query_and_the_related_rows_come_with_it(world):
    _entries(world, 5)
    qs = _visible(world, "leader")
    with CaptureQueriesContext(connection) as ctx:
        page = list(keys_first(qs[0:5]))
        names = [(e.user.username, e.content_type.model) for e in page]
    assert len(ctx) == 1
    assert names[0] == (world.users["admin"].username, "village")
    sql = ctx.captured_queries[0]["sql"]
    # The outer query reads the page's rows by key; the visibility filter and the sort are in
    # the subquery, which selects the key alone (the snapshots are read once, outside it).
    assert _BY_KEY in sql and sql.count(_SNAPSHOT) == 1, sql


def test_the_paginator_numbers_pages_as_djangos(world):
    _entries(world, 12)
    qs = _visible(world, "leader")
    ours = KeysFirstPaginator(qs, 5)
    with CaptureQueriesContext(connection) as ctx:
        page = ours.get_page(2)
        pages = ours.num_pages  # numbered without asking again
    assert len(ctx) == 2  # the keys and the total in one query, then the rows by key
    assert ours.count == qs.count() and pages == -(-qs.count() // 5)
    assert [e.pk for e in page.object_list] == [e.pk for e in qs[5:10]]
    assert page.has_next() and page.has_previous()
    last = ours.get_page(999)  # out of range: the last page, as Django's
    assert last.number == ours.num_pages


def test_anything_but_a_sliced_queryset_passes_through(world):
    qs = Village.objects.all()
    assert keys_first(qs) is qs
    rows = [1, 2, 3]
    assert keys_first(rows) is rows


def test_the_change_log_page_and_api_show_the_same_page(world):
    _entries(world, 60)
    qs = _visible(world, "leader")
    expected = [e.pk for e in qs[50:100]]
    client, api = world.client("leader"), world.api("leader")
    with CaptureQueriesContext(connection) as page_queries:
        response = client.get("/changelog/?page=2")
    assert [e.pk for e in response.context["page"].object_list] == expected
    with CaptureQueriesContext(connection) as api_queries:
        data = api.get("change-log", limit=50, offset=50).json()
    assert [item["id"] for item in data["items"]] == expected
    for ctx in (page_queries, api_queries):
        log = [q["sql"] for q in ctx.captured_queries if _LOG in q["sql"]]
        # The filter once (keys and total together, no snapshots), then the rows by key alone.
        filtered = [sql for sql in log if "IN (SELECT" in sql]
        assert len(filtered) == 1 and "OVER ()" in filtered[0], log
        assert _SNAPSHOT not in filtered[0]
        pages = [sql for sql in log if _SNAPSHOT in sql]
        assert len(pages) == 1 and "IN (SELECT" not in pages[0], pages
    assert data["count"] == response.context["page"].paginator.count == qs.count()
    assert api.get("change-log", limit=50, offset=10_000).json() == {
        "items": [],
        "count": qs.count(),
    }


_LOG = 'FROM "core_objectchange"'
_SNAPSHOT = '"core_objectchange"."before"'
_BY_KEY = 'WHERE "core_objectchange"."id" IN (SELECT'
