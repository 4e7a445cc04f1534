"""The API base (DESIGN.md "Interfaces"): tokens, pagination, OpenAPI and local docs, Chinese
422s, scoping (404, never 403), optimistic concurrency, CSRF for browser sessions, and the ID
validation tool."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from zhenwu.core.idnumbers import resident_id_check_char, uscc_check_char
from zhenwu.core.models import ApiToken, Village
from zhenwu.core.testing import PASSWORD


def _token(username, password=PASSWORD):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def _get(path, token, **params):
    return Client().get(f"/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")


# --- tokens -----------------------------------------------------------------------------------


def test_good_credentials_give_a_working_token(world):
    response = _token("leader_t")
    assert response.status_code == 200
    token = response.json()["token"]
    assert _get("villages", token).status_code == 200
    # Only a digest is stored.
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(digest=ApiToken.hash(token)).exists()


def test_bad_credentials_are_401(world):
    response = _token("leader_t", "wrong")
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误"
    assert _token("nobody", "x").status_code == 401


def test_missing_fields_are_422_in_chinese(world):
    response = Client().post(
        "/api/v1/auth/token", {"username": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "password", "message": "缺少必填字段「password」"}
    ]


def test_expired_token_is_401(world):
    token = _token("leader_t").json()["token"]
    ApiToken.objects.filter(digest=ApiToken.hash(token)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _get("villages", token).status_code == 401


def test_deactivated_users_token_is_401(world):
    token = _token("leader_t").json()["token"]
    user = world.users["leader"]
    user.is_active = False
    user.save()
    assert _get("villages", token).status_code == 401


def test_deactivated_user_gets_no_token(world):
    user = world.users["leader"]
    user.is_active = False
    user.save()
    assert _token("leader_t").status_code == 401


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "Token abc", "garbage"])
def test_garbage_authorization_is_401(world, header):
    response = Client().get("/api/v1/villages", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效"}


def test_anonymous_is_401(world):
    assert Client().get("/api/v1/villages").status_code == 401
    assert Client().get("/api/v1/change-log").status_code == 401


def test_token_use_is_recorded(world):
    token = _token("leader_t").json()["token"]
    _get("villages", token)
    assert ApiToken.objects.get(digest=ApiToken.hash(token)).last_used_at is not None


# --- the browser session --------------------------------------------------------------------


def test_signed_in_session_reads_the_api(world):
    assert world.client("leader").get("/api/v1/villages").status_code == 200


def test_session_write_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    response = client.post("/api/v1/villages", {"name": "跨站村"}, content_type="application/json")
    assert response.status_code == 403
    assert not Village.objects.filter(name="跨站村").exists()


def test_session_write_with_csrf_token_works(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    client.get("/villages/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/villages",
        {"name": "同源村"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content


def test_bearer_write_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    token = ApiToken.issue(world.users["admin"])
    response = client.post(
        "/api/v1/villages",
        {"name": "令牌村"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201


def test_bad_bearer_write_is_401_not_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/villages", {"name": "x"}, content_type="application/json",
        HTTP_AUTHORIZATION="Bearer garbage",
    )  # fmt: skip
    assert response.status_code == 401


# --- pagination, schema, docs ---------------------------------------------------------------


def test_pagination_shape_with_limit_and_offset(world):
    api = world.api("leader")
    page = api.get("villages", limit=2, offset=1).json()
    assert set(page) == {"items", "count"}
    assert page["count"] == 3
    assert [v["name"] for v in page["items"]] == ["村2", "村3"]
    assert api.get("villages", limit=2, offset=10).json() == {"items": [], "count": 3}


@pytest.mark.parametrize("params", [{"limit": -1}, {"limit": "abc"}, {"offset": -5}])
def test_bad_pagination_is_422_not_500(world, params):
    response = world.api("leader").get("villages", **params)
    assert response.status_code == 422
    assert all("字段" in d["message"] for d in response.json()["detail"])


def test_openapi_lists_the_platform_paths(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for p in ("/api/v1/villages", "/api/v1/change-log", "/api/v1/auth/token"):
        assert p in paths, p
    assert "/api/v1/tools/validate-id" in paths


def test_openapi_document_has_no_duplicate_keys(world):
    """Swagger UI reads the document with a YAML parser that refuses a key given twice (ninja
    keys declared responses by int, our error responses were added by string)."""
    import json

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)


def test_docs_load_only_local_assets(world):
    response = world.client("leader").get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert refs, html[:500]
    foreign = [r for r in refs if re.match(r"(https?:)?//", r)]
    assert not foreign, foreign


# --- errors and scoping ---------------------------------------------------------------------


def test_bad_body_is_422_with_chinese_field_messages(world):
    api = world.api("admin")
    response = api.post("villages", {"name": "坏村", "kind": "town", "order": "十"})
    assert response.status_code == 422
    detail = {d["field"]: d["message"] for d in response.json()["detail"]}
    assert detail == {
        "kind": "字段「kind」取值无效，可选：village、community",
        "order": "字段「order」应为整数",
    }


def test_model_validation_is_422_naming_the_field(world):
    response = world.api("admin").post("villages", {"name": "代码村", "code": "12AB"})
    assert response.status_code == 422
    assert {"field": "code", "message": "区划代码应为12位数字"} in response.json()["detail"]


def test_invalid_json_is_422(world):
    client = Client()
    token = ApiToken.issue(world.users["admin"])
    response = client.post(
        "/api/v1/villages", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert response.status_code in (400, 422)


def test_out_of_scope_detail_is_404_not_403(world):
    api = world.api("admin")
    foreign = world.other_village
    assert api.get(f"villages/{foreign.pk}").status_code == 404
    assert api.patch(f"villages/{foreign.pk}", {"note": "x", "version": 1}).status_code == 404
    assert api.delete(f"villages/{foreign.pk}").status_code == 404
    assert api.get("villages/999999").status_code == 404


def test_readers_cannot_write_through_the_api(world):
    village = world.villages[0]
    for who in ("leader", "village", "viewer", "staff"):
        api = world.api(who)
        assert api.post("villages", {"name": f"{who}村"}).status_code == 404, who
        assert (
            api.patch(
                f"villages/{village.pk}", {"note": who, "version": village.version}
            ).status_code
            == 404
        ), who
        assert api.delete(f"villages/{village.pk}").status_code == 404, who
    assert Village.objects.filter(pk=village.pk, note="").exists()


def test_list_filter_by_kind(world):
    Village.objects.create(town=world.town, name="某社区", kind="community", order=9)
    items = world.api("leader").get("villages", kind="community").json()["items"]
    assert [v["name"] for v in items] == ["某社区"]


# --- optimistic concurrency -----------------------------------------------------------------


def test_patch_with_stale_version_is_409_and_changes_nothing(world):
    api = world.api("admin")
    village = world.villages[0]
    assert api.patch(f"villages/{village.pk}", {"note": "第一", "version": 1}).status_code == 200
    response = api.patch(f"villages/{village.pk}", {"note": "第二", "version": 1})
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    village.refresh_from_db()
    assert (village.note, village.version) == ("第一", 2)


def test_patch_with_current_version_bumps_it(world):
    api = world.api("admin")
    village = world.villages[0]
    body = api.patch(f"villages/{village.pk}", {"note": "a", "version": 1}).json()
    assert body["version"] == 2
    assert api.patch(f"villages/{village.pk}", {"note": "b", "version": 2}).status_code == 200


# --- ID validation tool (domain-rules §2) -----------------------------------------------------


def _rid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def _validate(world, kind, value):
    response = world.api("leader").post("tools/validate-id", {"kind": kind, "value": value})
    assert response.status_code == 200
    return response.json()


def test_valid_resident_id(world):
    result = _validate(world, "resident_id", _rid("42108119850312001"))
    assert result == {"valid": True, "errors": [], "warnings": []}


def test_resident_id_wrong_check_digit_names_the_expected_char(world):
    good = _rid("42108119850312001")
    wrong = "0" if good[-1] != "0" else "1"
    result = _validate(world, "resident_id", good[:17] + wrong)
    assert result["valid"] is False
    assert result["errors"] == [f"校验位错误：应为 {good[-1]}，实为 {wrong}"]


def test_historic_shishou_area_code_is_valid(world):
    result = _validate(world, "resident_id", _rid("42240219900101002"))
    assert result["valid"] is True and result["errors"] == []


def test_fifteen_digit_id_is_an_error(world):
    result = _validate(world, "resident_id", "421081850312001")
    assert result["valid"] is False
    assert "15位" in result["errors"][0]


def test_thirteenth_month_is_an_error(world):
    result = _validate(world, "resident_id", _rid("42108120251301001"))
    assert result["valid"] is False
    assert any("不是有效日期" in e for e in result["errors"])


def test_future_birth_date_is_an_error(world):
    future = (timezone.localdate() + timedelta(days=400)).strftime("%Y%m%d")
    result = _validate(world, "resident_id", _rid(f"421081{future}001"))
    assert result["valid"] is False


def test_unknown_area_code_is_only_a_warning(world):
    result = _validate(world, "resident_id", _rid("99108119850312001"))
    assert result["valid"] is True and result["warnings"]


def test_valid_uscc(world):
    assert _validate(world, "uscc", "91110108551385082Q")["valid"] is True


def test_uscc_wrong_check_char_names_the_expected_char(world):
    result = _validate(world, "uscc", "91110108551385082A")
    assert result["valid"] is False
    assert "应为 Q" in result["errors"][0]


def test_village_collective_uscc_is_valid(world):
    first17 = "N2421081MA4" + "F12345"
    code = first17 + uscc_check_char(first17)
    result = _validate(world, "uscc", code)
    assert result["valid"] is True, result


def test_unknown_kind_is_422(world):
    response = world.api("leader").post("tools/validate-id", {"kind": "passport", "value": "x"})
    assert response.status_code == 422


def test_validate_id_needs_a_token(world):
    response = Client().post(
        "/api/v1/tools/validate-id", {"kind": "uscc", "value": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 401


def test_nul_characters_never_answer_500(world):
    api = world.api("admin")
    assert api.get("villages", kind="\x00").status_code == 200
    assert api.get("change-log", model="vil\x00lage").status_code == 200
    response = api.post("villages", {"name": "坏\x00村"})
    assert response.status_code in (201, 422)  # SQLite stores it; PostgreSQL refuses it (422)
