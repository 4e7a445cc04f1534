"""Every API list reads its rows the fast way (`api_schemas.row_reader`: each field read once by
a compiled getter, the row validated as a mapping) and answers exactly what the record's own
detail answers through ninja's generic getter — values, labels, flags and masking — for every
list of the OpenAPI, as the leader and a village cadre over the demo."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenwu.api import api
from zhenwu.core.api_schemas import Row, row_reader, with_row_input
from zhenwu.core.models import User
from zhenwu.investment.api import InvestmentOut

PER_LIST = 4  # rows compared per list (every field of each is compared)


def _lists() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    out = []
    for path, operations in paths.items():
        get = operations.get("get")
        if get and get["operationId"].endswith("_list") and f"{path}/{{pk}}" in paths:
            out.append((path, get["operationId"]))
    return sorted(out)


def test_the_lists_are_found():
    names = {op for _, op in _lists()}
    assert {"investment_list", "enterprise_list", "project_list", "village_list"} <= names


@pytest.mark.parametrize("username", ["leader", "village1"])
def test_every_list_item_equals_its_detail(demo_db, db, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    compared = 0
    for path, op in _lists():
        response = client.get(path, {"limit": PER_LIST})
        assert response.status_code == 200, (op, response.content[:200])
        for item in response.json()["items"]:
            detail = client.get(f"{path}/{item['id']}")
            assert detail.status_code == 200, (op, item["id"])
            assert item == detail.json(), op
            compared += 1
    assert compared > 40


def test_a_row_validates_like_the_object_it_was_read_from(demo_db, db):
    from zhenwu.investment.models import Investment
    from zhenwu.investment.selectors import with_flags

    schema = with_row_input(InvestmentOut)
    read = row_reader(schema)
    for obj in with_flags(Investment.objects.all())[:10]:
        row = read(obj)
        assert type(row) is Row
        assert schema.model_validate(row).model_dump() == schema.model_validate(obj).model_dump()


def test_a_schema_the_reader_cannot_read_keeps_the_generic_getter():
    from ninja import Field, Schema

    class Dotted(Schema):
        village_name: str = Field(..., alias="village.name")

    class WithContext(Schema):
        who: str

        @staticmethod
        def resolve_who(obj, context):
            return str(context["request"].user)

    assert row_reader(Dotted) is None
    assert row_reader(WithContext) is None
