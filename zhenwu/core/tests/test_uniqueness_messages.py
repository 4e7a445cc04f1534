"""A value taken by another record is refused without naming a record the user may not see —
through the form, the API and the import (issue 8)."""

import io

from django.urls import reverse

from zhenwu.core.importing.writer import write_xlsx
from zhenwu.enterprises.ledgers import EnterpriseLedger
from zhenwu.enterprises.models import Enterprise
from zhenwu.enterprises.tests.helpers import make_enterprise, uscc
from zhenwu.investment.ledgers import InvestmentLedger
from zhenwu.investment.models import Investment
from zhenwu.investment.tests.factories import make_investment


def _messages(response):
    return " ".join(d["message"] for d in response.json()["detail"])


def test_enterprise_uscc_of_another_village_is_taken_without_its_name(world):
    code = uscc(4242)
    make_enterprise(world, world.villages[1], uscc=code, name="别村秘密企业")
    body = {"name": "新企业", "uscc": code, "industry_code": "C2922"}
    response = world.api("village").post("enterprises", {**body, "village": world.villages[0].pk})
    assert response.status_code == 422
    text = _messages(response)
    assert "已被使用" in text and "别村秘密企业" not in text
    # Whoever may see the holder is told which record it is.
    response = world.api("admin").post("enterprises", {**body, "village": world.villages[0].pk})
    assert response.status_code == 422 and "别村秘密企业" in _messages(response)
    # The form says the same.
    client = world.client("village")
    response = client.post(
        reverse("enterprises:enterprise_add"),
        {
            **body,
            "village": world.villages[0].pk,
            "qualification": "none",
            "entry_route": "upgrade",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已被使用" in page and "别村秘密企业" not in page
    assert Enterprise.objects.filter(uscc=code).count() == 1


def test_import_reusing_another_villages_code_is_a_row_error_not_500(world):
    make_investment(world, world.villages[1], code="ZS-001", name="别村秘密项目")
    file = io.BytesIO(
        write_xlsx(["项目编号", "项目名称", "所在村（社区）"], [["ZS-001", "我的", "村1"]])
    )
    report = InvestmentLedger().run(file, "i.xlsx", user=world.users["village"])
    assert not report.ok
    (error,) = report.errors
    assert error.row == 2 and error.column == "项目编号"
    assert "已被使用" in error.message and "别村秘密项目" not in error.message
    assert Investment.objects.filter(code="ZS-001").count() == 1


def test_import_reusing_another_villages_uscc_is_a_row_error(world):
    code = uscc(5151)
    make_enterprise(world, world.villages[1], uscc=code, name="别村秘密企业")
    file = io.BytesIO(
        write_xlsx(
            ["企业名称", "统一社会信用代码", "行业代码", "所在村（社区）"],
            [["我的企业", code, "C2922", "村1"]],
        )
    )
    report = EnterpriseLedger().run(file, "e.xlsx", user=world.users["village"])
    assert not report.ok
    assert [e.column for e in report.errors] == ["统一社会信用代码"]
    assert "别村秘密企业" not in report.errors[0].message
