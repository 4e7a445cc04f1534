"""Issue 9 (§3, §5, §7, §8) and issue 8 (API): no write per read, inputs that used to answer
500, deletes of records still in use, `version` required on PATCH, and an OpenAPI that
declares what the API answers."""

from __future__ import annotations

import json
import warnings
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhenwu.core import services
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.middleware import SESSION_STAMP
from zhenwu.core.models import ApiToken, Village

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


# --- 9.3: no write per request --------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "village", "leader"])
def test_signed_in_reads_write_nothing(world, who):
    client = world.client(who)
    paths = ["/villages/", "/changelog/", "/projects/", "/api/v1/villages", "/api/v1/investments"]
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, path
        assert _writes(ctx) == [], path


def test_session_is_refreshed_at_most_every_few_minutes(world, settings):
    client = world.client("leader")
    session = client.session
    session[SESSION_STAMP] = int(timezone.now().timestamp()) - settings.SESSION_REFRESH_SECONDS - 1
    session.save()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert any("django_session" in sql for sql in _writes(ctx))  # idle timeout pushed forward
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert _writes(ctx) == []


def test_token_use_is_recorded_at_most_once_a_minute(world):
    raw = ApiToken.issue(world.users["leader"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    from django.test import Client

    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/villages", **headers).status_code == 200
    assert len(_writes(ctx)) == 1  # first use recorded
    row = ApiToken.objects.get(digest=ApiToken.hash(raw))
    first = row.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert client.get("/api/v1/villages", **headers).status_code == 200
    assert _writes(ctx) == []
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/villages", **headers)
    assert len(_writes(ctx)) == 1
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first - timedelta(seconds=61)


def test_sqlite_waits_for_the_write_lock(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10000
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() in ("wal", "memory")  # the test DB is in memory


def test_server_threads_keep_their_database_connection():
    """Opening a connection per request (Django's default) cost each request ~3 ms of CPU on
    SQLite (PRAGMAs, Django's SQL functions, the schema read again): on either database each
    server thread keeps its connection between requests."""
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60


# --- 9.5: inputs that answered 500 ------------------------------------------------------------


def _list_paths():
    from zhenwu.api import api

    schema = api.get_openapi_schema()
    return [
        path.removeprefix("/api/v1/")
        for path, ops in schema["paths"].items()
        if "get" in ops
        and "{" not in path
        and any(p["name"] == "offset" for p in ops["get"].get("parameters", []))
    ]


def test_huge_offset_is_422_on_every_list(world):
    api = world.api("village")
    paths = _list_paths()
    assert "investments" in paths and "change-log" in paths
    for path in paths:
        response = api.get(path, offset="9223372036854775808")
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["field"] == "offset"
        assert "不能大于" in response.json()["detail"][0]["message"]


@pytest.mark.parametrize(
    "path,param", [("investments", "village"), ("investments", "year"), ("enterprises", "village")]
)
def test_non_numeric_filters_are_422_and_declared(world, path, param):
    response = world.api("leader").get(path, **{param: "abc"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": param, "message": f"字段「{param}」应为整数"}]
    from zhenwu.api import api

    params = api.get_openapi_schema()["paths"][f"/api/v1/{path}"]["get"]["parameters"]
    assert param in {p["name"] for p in params}


def test_filters_still_filter(world):
    api = world.api("admin")
    v1, v2 = world.villages[0], world.villages[1]
    for i, village in enumerate((v1, v2)):
        assert (
            api.post("investments", {"code": f"F{i}", "name": f"项目{i}", "village_id": village.pk})
        ).status_code == 201
    items = api.get("investments", village=v1.pk).json()["items"]
    assert [i["code"] for i in items] == ["F0"]


def test_unknown_stage_is_422(world):
    response = world.api("admin").post(
        "investments", {"code": "S1", "name": "甲", "stage": "bogus"}
    )
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["field"] == "stage"
    assert detail["message"].startswith("字段「stage」取值无效，可选：lead、negotiating、signed")


def test_team_member_id_beyond_int64_is_422(world):
    response = world.api("admin").post("projects", {"name": "甲", "team": [2**64]})
    assert response.status_code == 422


def test_infinite_revenue_is_422(world):
    from django.test import Client

    raw = ApiToken.issue(world.users["leader"])
    response = Client().post(
        "/api/v1/tools/classify-enterprise",
        data='{"industry_code": "C2922", "revenue_wan": 1e400}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "revenue_wan"


def test_change_log_since_year_one_is_422(world):
    response = world.api("leader").get("change-log", since="0001-01-01T00:00:00")
    assert response.status_code == 422
    assert "since" in json.dumps(response.json(), ensure_ascii=False)


def test_web_delete_with_a_bad_version_is_400_and_deletes_nothing(world):
    village = world.villages[2]
    response = world.client("admin").post(f"/villages/{village.pk}/delete/", {"version": "abc"})
    assert response.status_code == 400
    assert "版本号无效" in response.content.decode()
    assert Village.objects.filter(pk=village.pk).exists()


@pytest.mark.parametrize("path", ["/projects/sanwei/", "/enterprises/pool/", "/plan/board/"])
def test_as_of_year_one_on_pages_is_a_message(world, path):
    response = world.client("leader").get(path, {"as_of": "0001-01-01"})
    assert response.status_code == 200
    assert "超出范围" in response.content.decode()


def test_as_of_year_one_on_the_api_is_422(world):
    api = world.api("leader")
    for path in ("enterprises/pool", "targets"):
        response = api.get(path, as_of="0001-01-01")
        assert response.status_code == 422, path
        assert "超出范围" in json.dumps(response.json(), ensure_ascii=False)


def test_nul_characters_are_refused_in_every_text_field(world):
    response = world.api("admin").post("villages", {"name": "村\x00名"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "name", "message": "「名称」不能包含空字符（NUL）"}
    ]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError), acting_as(None, Source.SYSTEM):
        Village.objects.create(town=world.town, name="ok", note="a\x00b")
    assert not Village.objects.filter(name="ok").exists()


def test_api_404s_are_json(world):
    api = world.api("leader")
    for path in ("no-such-thing", "villages/abc", "investments/1/nothing"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "未找到"}
    # Pages keep their HTML 404.
    assert "text/html" in world.client("leader").get("/no-such-page/")["Content-Type"]


# --- OpenAPI (issue 8) -----------------------------------------------------------------------


def test_openapi_is_generated_without_warnings_and_declares_errors(db):
    from zhenwu.api import api

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = api.get_openapi_schema()
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for code in ("401", "404", "422"):
                assert code in op["responses"], (method, path, code)


def test_every_registered_resource_has_an_api(db):
    from zhenwu.api import api
    from zhenwu.core.registry import all_resources

    paths = set(api.get_openapi_schema()["paths"])
    # at /api/v1/<key>, or under its module (`land/parcels`, DESIGN.md "Interfaces")
    missing = [
        r.key
        for r in all_resources()
        if f"/api/v1/{r.key}" not in paths and f"/api/v1/{r.app_label}/{r.key}" not in paths
    ]
    assert missing == []


def test_enterprises_take_the_names_they_return(world):
    api = world.api("admin")
    village = world.villages[0]
    from zhenwu.core.idnumbers import uscc_check_char

    uscc = [b + uscc_check_char(b) for b in ("91421081MA4900001", "91421081MA4900002")]
    body = {"name": "甲公司", "uscc": uscc[0], "industry_code": "C2922", "village_id": village.pk}
    response = api.post("enterprises", body)
    assert response.status_code == 201, response.json()
    assert response.json()["village_id"] == village.pk
    body = {**body, "name": "乙公司", "uscc": uscc[1], "village": village.pk}
    del body["village_id"]
    old = api.post("enterprises", body)
    assert old.status_code == 201 and old.json()["village_id"] == village.pk


def test_new_resource_apis_work_through_the_gate(world):
    admin = world.api("admin")
    plan = admin.post("plans", {"year": 2031, "name": "2031年计划"})
    assert plan.status_code == 201, plan.json()
    theme = admin.post("themes", {"plan_id": plan.json()["id"], "name": "板块一"})
    assert theme.status_code == 201, theme.json()
    assert admin.get("themes").json()["count"] == 1
    # Other town: 404, never 403.
    other = world.api("other_admin")
    assert other.get(f"plans/{plan.json()['id']}").status_code == 404
    # A village cadre may read but not write the plan.
    assert world.api("village").post("plans", {"year": 2032, "name": "x"}).status_code == 404


# --- 9.8: version required on PATCH -----------------------------------------------------------


def test_patch_without_version_is_422(world):
    api = world.api("admin")
    village = world.villages[0]
    response = api.patch(f"villages/{village.pk}", {"note": "改"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "version"
    assert "版本号" in response.json()["detail"][0]["message"]  # says why, not only that
    null = api.patch(f"villages/{village.pk}", {"note": "改", "version": None})
    assert null.status_code == 422 and null.json()["detail"][0]["field"] == "version"
    village.refresh_from_db()
    assert village.note == ""
    ok = api.patch(f"villages/{village.pk}", {"note": "改", "version": village.version})
    assert ok.status_code == 200
    stale = api.patch(f"villages/{village.pk}", {"note": "再改", "version": village.version})
    assert stale.status_code == 409


# --- 9.7: a record still in use cannot be deleted ------------------------------------------------


def test_category_in_use_cannot_be_deleted(world):
    from zhenwu.projects import services as project_services
    from zhenwu.projects.models import Project, ProjectCategory

    admin = world.users["admin"]
    cats = project_services.ensure_categories(world.town, admin)
    project_services.project_create(
        town=world.town, data={"name": "在用", "category": cats["key"]}, acting_user=admin
    )
    cat = cats["key"]
    with pytest.raises(services.StillReferenced) as exc:
        services.soft_delete(cat, acting_user=admin)
    assert "1 条" in str(exc.value.messages[0])
    assert str(Project._meta.verbose_name) in exc.value.messages[0]
    assert not ProjectCategory.all_objects.get(pk=cat.pk).is_deleted
    # API: 409 naming what refers to it; web: a message, nothing deleted.
    response = world.api("admin").delete(f"categories/{cat.pk}")
    assert response.status_code == 409
    assert str(Project._meta.verbose_name) in response.json()["detail"]
    page = world.client("admin").post(f"/projects/categories/{cat.pk}/delete/", follow=True)
    assert "不能删除" in page.content.decode()
    assert not ProjectCategory.all_objects.get(pk=cat.pk).is_deleted
    # An unused category is deleted as before.
    unused = cats["other"]
    assert world.api("admin").delete(f"categories/{unused.pk}").status_code == 204
