"""Bad input never answers 500: every registered resource's pages and every API GET route,
as an administrator of the demo town, with junk query parameters. Runs over the registry, so
every module's pages are covered as soon as they are registered."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

from zhenwu.core import registry, scoping
from zhenwu.core.models import ApiToken, User
from zhenwu.core.tables import Table

_ = get_resolver().url_patterns  # import every URLconf: every module registers its resources

JUNK = {
    "page": "abc",
    "sort": "nonsense",
    "as_of": "2025-13-01",
    "limit": "-1",
    "offset": "x",
    "q": "\x00'\"<script>",
    "year": "99999",
    "format": "pdf",
    "village": "abc",
    "kind": "zzz",
    "status": "[]",
    "id": "-1",
}
RESOURCES = sorted(registry.all_resources(), key=lambda r: r.key)


@pytest.fixture
def admin(demo_db, db):
    return User.objects.get(username="admin")


def _pages(resource, admin):
    urls = [reverse(resource.url_name("list")), reverse(resource.url_name("export"))]
    for action in ("add", "import", "template"):
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(resource.url_name(action)))
    obj = scoping.restrict(resource.model.objects.all(), admin).first()
    pk = obj.pk if obj is not None else 1
    for action in ("detail", "edit", "changelog", "delete"):
        urls.append(reverse(resource.url_name(action), kwargs={"pk": pk}))
    urls.append(reverse(resource.url_name("detail"), kwargs={"pk": 2_000_000_000}))
    return urls


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.key for r in RESOURCES])
def test_resource_pages_survive_junk(admin, resource):
    client = Client()
    client.force_login(admin)
    failures = []
    for url in _pages(resource, admin):
        for params in ({}, JUNK):
            response = client.get(url, params)
            if response.status_code >= 500:
                failures.append((url, params and "junk", response.status_code))
            if not params and "/export/" not in url and "/template/" not in url:
                assert response.status_code in (200, 404), (url, response.status_code)
    assert not failures, failures


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.key for r in RESOURCES])
def test_resource_list_sorts_by_every_sortable_column(admin, resource):
    client = Client()
    client.force_login(admin)
    url = reverse(resource.url_name("list"))
    for header in sorted(Table(resource, admin).sortable_names()):
        for sort in (header, f"-{header}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, (url, sort)


def _api_get_paths():
    from zhenwu.api import api

    schema = api.get_openapi_schema()
    return sorted(p for p, ops in schema["paths"].items() if "get" in ops)


API_PATHS = _api_get_paths()


def test_api_has_get_routes():
    assert "/api/v1/villages" in API_PATHS and "/api/v1/change-log" in API_PATHS


@pytest.mark.parametrize("path", API_PATHS)
def test_api_get_routes_survive_junk(admin, path):
    token = ApiToken.issue(admin)
    client = Client()
    failures = []
    for value in ("1", "2000000000", "abc"):
        url = re.sub(r"\{[^}]+\}", value, path)
        for params in ({}, JUNK, {"limit": "5", "offset": "0"}):
            response = client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")
            if response.status_code >= 500:
                failures.append((url, params, response.status_code))
        if "{" not in path:
            break
    assert not failures, failures
