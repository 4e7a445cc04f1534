"""`registry.url_for` reverses a record's route once and fills the pk in afterwards (a list page
links every row); an oracle against `reverse` for every registered resource."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from zhenwu.core import registry


def _detail_resources():
    for resource in registry.all_resources():
        try:
            reverse(resource.url_name("detail"), kwargs={"pk": 1})
        except NoReverseMatch:
            continue
        yield resource


@pytest.mark.parametrize("pk", [1, 7, 42, 1000, 918273645546372819 % 10**6, 2**31 - 1])
def test_url_for_matches_reverse_for_every_resource(pk):
    resources = list(_detail_resources())
    assert len(resources) > 30
    for resource in resources:
        obj = resource.model(pk=pk)
        expected = reverse(resource.url_name("detail"), kwargs={"pk": pk})
        assert registry.url_for(obj) == expected, resource.model.__name__


def test_url_for_follows_the_script_prefix_and_the_url_conf():
    from django.urls import set_script_prefix

    resource = next(_detail_resources())
    obj = resource.model(pk=5)
    plain = registry.url_for(obj)
    set_script_prefix("/zhenwu/")
    try:
        assert registry.url_for(obj) == "/zhenwu" + plain
    finally:
        set_script_prefix("/")
    assert registry.url_for(obj) == plain
    with override_settings(ROOT_URLCONF="zhenwu.core.tests.urls_empty"):
        clear_url_caches()
        assert registry.url_for(obj) is None  # no such route there: no link, not a stale one
    clear_url_caches()


def test_url_for_without_a_resource_or_a_route_is_none():
    class NotRegistered:
        pk = 1

    assert registry.url_for(NotRegistered()) is None
