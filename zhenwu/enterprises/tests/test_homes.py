"""企业 on a village cadre's 我的村: each firm with its trade and its way into the 四上."""

from zhenwu.enterprises.tests.helpers import make_enterprise


def test_my_village_shows_each_firms_trade_and_entry_status(world):
    make_enterprise(world, name="本村防水材料厂", industry_code="C3033")
    make_enterprise(world, world.villages[1], name="外村企业")
    response = world.client("village").get("/")
    section = next(s for s in response.context["sections"] if s.key == "enterprises")
    assert [(i.title, i.note) for i in section.items] == [
        ("本村防水材料厂", "非金属矿物制品业 · 培育中")
    ]


def test_pages_read_the_industry_code_with_its_name_and_the_ledger_keeps_the_code(world):
    from zhenwu.core.registry import resource_by_key

    firm = make_enterprise(world, name="南口机械厂", industry_code="C3351")
    html = world.client("admin").get(f"/enterprises/enterprises/{firm.pk}/").content.decode()
    assert "C3351 金属制品业" in html
    ledger = resource_by_key("enterprises").ledger()
    headers, rows = ledger.export_rows(type(firm).objects.filter(pk=firm.pk), world.users["admin"])
    assert next(iter(rows))[headers.index("行业代码")] == "C3351"  # re-imports unchanged
