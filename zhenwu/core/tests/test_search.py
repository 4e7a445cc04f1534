"""/search/ — one box over every list in the user's menu, through each list's own gate."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.core.registry import url_for
from zhenwu.core.tests.test_permission_matrix import factory_for
from zhenwu.core.views.search import MAX_QUERY, searchable_resources

pytestmark = pytest.mark.django_db

FIRST17 = "42108119800101123"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)


def _make(world, key, village, **values):
    obj = factory_for(key).make(world, village)
    type(obj)._base_manager.filter(pk=obj.pk).update(**values)
    return obj


def _hits(world, who, q):
    response = world.client(who).get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_finds_records_by_name_within_the_readers_scope(world):
    mine = _make(world, "investments", world.villages[0], name="寻找测试项目甲")
    theirs = _make(world, "investments", world.villages[1], name="寻找测试项目乙")
    leader = _hits(world, "leader", "寻找测试")
    assert url_for(mine) in leader and url_for(theirs) in leader
    assert "招商项目" in leader  # the group is named as the menu names the list
    cadre = _hits(world, "village", "寻找测试")
    assert url_for(mine) in cadre and url_for(theirs) not in cadre
    # Another town's administrator finds neither.
    other = _hits(world, "other_admin", "寻找测试")
    assert url_for(mine) not in other and 'data-testid="search-empty"' in other


def test_a_masked_number_is_found_by_the_whole_number_only(world):
    worker = _make(world, "workers", world.villages[0], resident_id=RESIDENT_ID)
    staff = world.users["staff"]
    staff.can_see_personal_numbers = False
    staff.save()
    assert url_for(worker) not in _hits(world, "staff", RESIDENT_ID[:10])
    assert url_for(worker) in _hits(world, "staff", RESIDENT_ID)
    page = _hits(world, "staff", RESIDENT_ID)
    # The whole number appears only as what the reader typed (the box, the page's own URL).
    typed = page.replace(f'value="{RESIDENT_ID}"', "").replace(f"q={RESIDENT_ID}", "")
    assert RESIDENT_ID not in typed
    staff.can_see_personal_numbers = True
    staff.save()
    assert url_for(worker) in _hits(world, "staff", RESIDENT_ID[:10])


def test_more_than_a_group_shows_links_to_the_list(world):
    for i in range(7):
        _make(world, "investments", world.villages[0], name=f"批量寻找{i}")
    page = _hits(world, "leader", "批量寻找")
    assert page.count('data-testid="search-hit"') == 5
    assert "查看全部" in page and "/investment/investments/?q=" in page


def test_one_query_per_searched_list(world, django_assert_max_num_queries):
    _make(world, "investments", world.villages[0], name="查询次数")
    user = world.users["leader"]
    client = world.client("leader")
    client.get("/search/", {"q": "查询次数"})  # warm the caches (content types, menu)
    lists = len(searchable_resources(user))
    # session, user, town and the page's navigation: a fixed handful; then one per list.
    with django_assert_max_num_queries(lists + 10):
        assert client.get("/search/", {"q": "查询次数"}).status_code == 200


def test_a_user_searches_only_the_lists_of_their_menu(world):
    user = get_user_model().objects.get(pk=world.users["staff_nomodule"].pk)
    modules = {r.app_label for r in searchable_resources(user)}
    assert modules <= {"plan", "core"}
    leader = {r.app_label for r in searchable_resources(world.users["leader"])}
    assert {"investment", "labor", "land", "enterprises"} <= leader


def test_empty_blank_and_overlong_input(world):
    page = _hits(world, "leader", "")
    assert 'data-testid="search-group"' not in page and "search-empty" not in page
    page = _hits(world, "leader", "   ")
    assert "search-empty" not in page
    long = "长" * 200
    page = _hits(world, "leader", long)
    assert f'value="{"长" * MAX_QUERY}"' in page and "search-empty" in page


def test_every_page_offers_the_search(world):
    page = world.client("village").get("/").content.decode()
    assert 'data-testid="topbar-search-link"' in page and 'data-testid="topbar-search"' in page
    assert world.client(None).get("/search/?q=x").status_code == 302  # signed-in users only
