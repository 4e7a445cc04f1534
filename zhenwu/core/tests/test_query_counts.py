"""Query counts do not grow with rows (STYLE.md habit 10): the global change log page, the
change-log API, the village API list and the home page. (Each resource's list page is pinned
by the battery.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.core import services
from zhenwu.core.models import Department, Village


def _count(fetch) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
        assert response.status_code == 200
    return len(ctx)


def _more_changes(world, n):
    admin = world.users["admin"]
    for i in range(n):
        village = Village.objects.create(
            town=world.town, name=f"加村{i}-{Village.all_objects.count()}"
        )
        services.update_object(village, data={"note": "x"}, acting_user=admin)
        dept = Department.objects.create(town=world.town, name=f"加科{i}-{village.pk}")
        services.soft_delete(dept, acting_user=admin)


@pytest.mark.parametrize("who", ["admin", "village", "viewer"])
def test_changelog_page_queries_do_not_grow(world, who):
    client = world.client(who)
    client.get("/changelog/")  # the first request caches the content types once
    _more_changes(world, 1)
    few = _count(lambda: client.get("/changelog/"))
    _more_changes(world, 8)
    many = _count(lambda: client.get("/changelog/"))
    assert many == few and many <= 20


@pytest.mark.parametrize("path", ["change-log", "villages", "departments"])
def test_api_list_queries_do_not_grow(world, path):
    api = world.api("admin")
    api.get(path)  # the token's first use is recorded once
    _more_changes(world, 1)
    few = _count(lambda: api.get(path, limit=100))
    _more_changes(world, 8)
    many = _count(lambda: api.get(path, limit=100))
    assert many == few and many <= 10


def test_home_queries_do_not_grow(world):
    client = world.client("admin")
    client.get("/", follow=True)  # first request of the session
    _more_changes(world, 1)
    few = _count(lambda: client.get("/", follow=True))
    _more_changes(world, 8)
    many = _count(lambda: client.get("/", follow=True))
    assert many == few


def test_object_changelog_page_queries_do_not_grow(world):
    village = world.villages[0]
    client = world.client("admin")
    services.update_object(village, data={"note": "a"}, acting_user=world.users["admin"])
    few = _count(lambda: client.get(f"/villages/{village.pk}/changelog/"))
    for i in range(8):
        services.update_object(village, data={"note": str(i)}, acting_user=world.users["admin"])
    many = _count(lambda: client.get(f"/villages/{village.pk}/changelog/"))
    assert many == few


def test_detail_page_queries_do_not_grow_with_comments(world):
    village = world.villages[0]
    client = world.client("admin")
    client.get(f"/villages/{village.pk}/")  # caches the content types (alone, it ran first)
    services.add_comment(village, body="a", acting_user=world.users["leader"])
    few = _count(lambda: client.get(f"/villages/{village.pk}/"))
    for i in range(8):
        services.add_comment(village, body=str(i), acting_user=world.users["staff"])
    many = _count(lambda: client.get(f"/villages/{village.pk}/"))
    assert many == few
