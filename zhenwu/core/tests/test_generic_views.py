"""The generic list/detail/edit pages every model gets: filter, search, sort, paginate, htmx
partials, field-level Chinese messages, and the sections of the detail page."""

from __future__ import annotations

import pytest

from zhenwu.core.models import Village


@pytest.fixture
def many(world):
    Village.objects.create(town=world.town, name="某社区", kind="community", order=0)
    for i in range(4, 60):
        Village.objects.create(town=world.town, name=f"村{i}", order=i, secretary=f"书记{i}")
    return world


def _names(response):
    return [obj.name for obj, _ in response.context["table"].body()]


def test_filter_by_choice(many):
    response = many.client("leader").get("/villages/", {"kind": "community"})
    assert _names(response) == ["某社区"]


def test_search(many):
    response = many.client("leader").get("/villages/", {"q": "书记5"})
    assert _names(response) == ["村5", *[f"村{i}" for i in range(50, 60)]]


def test_search_and_filter_together(many):
    response = many.client("leader").get("/villages/", {"q": "社区", "kind": "village"})
    assert _names(response) == []
    assert "没有符合条件的记录" in response.content.decode()


def test_sort_both_ways_and_default(many):
    client = many.client("leader")
    assert _names(client.get("/villages/", {"sort": "name"}))[:2] == ["村1", "村10"]
    assert _names(client.get("/villages/", {"sort": "-order"}))[0] == "村59"
    default = _names(client.get("/villages/"))
    assert default[:3] == ["某社区", "村1", "村2"]  # the resource's default sort: order
    assert _names(client.get("/villages/", {"sort": "nonsense"})) == default
    assert _names(client.get("/villages/", {"sort": "secretary__evil"})) == default


def test_header_links_toggle_the_sort(many):
    response = many.client("leader").get("/villages/", {"sort": "name"})
    headers = {h["name"]: h for h in response.context["table"].headers()}
    assert headers["name"]["current"] and headers["name"]["next_sort"] == "-name"
    assert headers["population"]["sortable"]


def test_paginates_50_and_clamps_bad_pages(many):
    client = many.client("leader")
    first = client.get("/villages/")
    assert len(_names(first)) == 50 and first.context["page"].paginator.count == 60
    assert len(_names(client.get("/villages/", {"page": 2}))) == 10
    assert client.get("/villages/", {"page": 99}).context["page"].number == 2
    assert client.get("/villages/", {"page": "abc"}).context["page"].number == 1


def test_paging_keeps_the_filters(many):
    response = many.client("leader").get("/villages/", {"kind": "village", "page": 2})
    assert "kind=village" in response.context["querystring"]
    assert "page" not in response.context["querystring"]


def test_invalid_filter_value_does_not_crash(many):
    response = many.client("leader").get("/villages/", {"kind": "zzz"})
    assert response.status_code == 200


def test_htmx_list_request_gets_only_the_table(many):
    response = many.client("leader").get("/villages/", {"q": "社区"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="object-table"' in html and "<html" not in html
    assert "某社区" in html


def test_list_offers_add_and_import_only_to_writers(world):
    admin = world.client("admin").get("/villages/").context
    leader = world.client("leader").get("/villages/").context
    assert admin["can_add"] and admin["import_url"] == "/villages/import/"
    assert not leader["can_add"] and leader["import_url"] is None


def test_required_field_message_is_chinese_and_names_the_field(world):
    response = world.client("admin").post("/villages/add/", {"kind": "village", "order": 1})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["这个字段是必填项。"]


def test_duplicate_name_is_a_field_error(world):
    response = world.client("admin").post(
        "/villages/add/", {"name": "村1", "kind": "village", "order": 1}
    )
    assert response.status_code == 400
    assert Village.objects.filter(name="村1").count() == 1


def test_detail_page_has_fields_attachments_comments_and_changes(world):
    village = world.villages[0]
    html = world.client("leader").get(f"/villages/{village.pk}/").content.decode()
    for part in ('id="attachments"', 'id="comments"', "变更记录", "户籍人口"):
        assert part in html, part


def test_delete_page_asks_first(world):
    village = world.villages[0]
    response = world.client("admin").get(f"/villages/{village.pk}/delete/")
    assert response.status_code == 200 and "确认删除" in response.content.decode()
    assert Village.objects.filter(pk=village.pk).exists()


def test_save_redirects_to_the_detail_with_a_message(world):
    village = world.villages[0]
    client = world.client("admin")
    response = client.post(
        f"/villages/{village.pk}/edit/",
        {"name": village.name, "kind": "village", "order": 1, "version": village.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/villages/{village.pk}/"
    assert any("已保存" in str(m) for m in response.context["messages"])


def test_nul_character_in_a_search_is_dropped(world):
    """PostgreSQL text cannot hold NUL: unfiltered it answered 500 there."""
    response = world.client("leader").get("/villages/?q=%00村1")
    assert response.status_code == 200
    assert _names(response) == ["村1"]
    assert world.client("leader").get("/changelog/?q=%00").status_code == 200


def test_header_sort_links_replace_the_sort_and_keep_the_filters(many):
    response = many.client("leader").get("/villages/", {"kind": "village", "sort": "name"})
    html = response.content.decode()
    assert 'href="?kind=village&amp;sort=-name"' in html
    assert "sort=name&amp;sort" not in html


def test_chinese_is_the_default_whatever_the_browser_asks(world):
    client = world.client("leader")
    response = client.get("/villages/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "村（社区）" in response.content.decode()


def test_the_language_switch_is_remembered(world):
    client = world.client("leader")
    client.post("/i18n/setlang/", {"language": "en", "next": "/villages/"})
    response = client.get("/villages/")
    assert response["Content-Language"] == "en"
    assert "Villages (communities)" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/villages/"})
    assert client.get("/villages/")["Content-Language"] == "zh-hans"


def test_filter_form_keeps_parameters_it_does_not_own(world):
    """A module's own list parameter (e.g. ?sanwei=) survives filtering through the form."""
    response = world.client("leader").get("/villages/?special=1&kind=village")
    assert ("special", "1") in response.context["kept_params"]
    assert all(k != "kind" for k, _ in response.context["kept_params"])
    assert '<input type="hidden" name="special" value="1">' in response.content.decode()
