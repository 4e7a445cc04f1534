"""`zhenwu import parcels|households`: the 双征办's ledgers as kept today — a title row, 序号,
units in the headers (亩 or m²), IDs as text; bad cells are row + column errors and nothing is
stored; a re-import of the same file changes nothing; the stage follows the dates."""

import io
from decimal import Decimal

from openpyxl import Workbook

from zhenwu.land.ledgers import HouseholdLedger, ParcelLedger
from zhenwu.land.models import Household, Parcel
from zhenwu.land.tests.helpers import make_campaign, make_house_price, rid


def xlsx(head, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["南口镇征地拆迁台账（2025年）"])
    ws.append(head)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


P_HEAD = [
    "序号",
    "项目名称",
    "地块编号",
    "村",
    "组",
    "承包户",
    "身份证号",
    "面积(平方米)",
    "面积(亩)",
    "地类",
]
H_HEAD = ["序号", "征收任务", "户编号", "村", "户主", "身份证号码", "安置人口", "房屋结构",
          "证载面积", "摸底日期", "评估日期", "评估机构", "评估额（元）", "公示日期", "签约日期"]  # fmt: skip


def test_parcels_in_mu_or_m2(world):
    c = make_campaign(world.town, name="站后路东延")
    rows = [
        [1, "站后路东延", "DK01", "村1", "3组", "李甲", rid(), None, 1.5, "0101 水田"],
        [2, "站后路东延", "DK02", "村1", "3组", "李乙", rid(), 2000.01, None, "旱地"],
        [3, "站后路东延", "DK03", "村1", "", "", "", 1000, 1.5, "101"],
    ]
    report = ParcelLedger().run(xlsx(P_HEAD, rows), "地块.xlsx", user=world.users["staff"])
    assert report.ok, [e.as_dict() for e in report.errors]
    assert report.created == 3
    got = {p.number: (p.area_m2, p.area_mu, p.land_type) for p in Parcel.objects.filter(campaign=c)}
    assert got["DK01"] == (Decimal("1000.01"), Decimal("1.5"), "0101")
    assert got["DK02"][1] == Decimal(3) and got["DK02"][2] == "0103"
    again = ParcelLedger().run(xlsx(P_HEAD, rows), "地块.xlsx", user=world.users["staff"])
    assert again.ok and again.created == 0 and again.updated == 0


def test_parcel_errors_name_row_and_column_nothing_stored(world):
    make_campaign(world.town, name="站后路东延")
    good = rid()
    bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        [1, "站后路东延", "DK02", "村1", "", "李乙", bad_id, None, 1, "水田"],  # check digit
        [2, "站后路东延", "DK03", "村1", "", "", "", None, 1, "稻田"],  # land type
        [3, "正锋", "DK05", "村1", "", "", "", None, 1, "水田"],  # unknown campaign
    ]
    report = ParcelLedger().run(xlsx(P_HEAD, rows), "地块.xlsx", user=world.users["staff"])
    errors = {(e.row, e.column) for e in report.errors}
    assert {(3, "身份证号码"), (4, "地类"), (5, "征收任务")} <= errors
    assert not Parcel.objects.exists()
    rows = [
        [1, "站后路东延", "DK01", "村1", "", "", "", 1000, 2, "水田"],  # areas disagree
        [2, "站后路东延", "DK03", "村1", "", "", "", None, 1, "水田"],
        [3, "站后路东延", "DK03", "村1", "", "", "", None, 1, "水田"],  # duplicate number
    ]
    report = ParcelLedger().run(xlsx(P_HEAD, rows), "地块.xlsx", user=world.users["staff"])
    errors = {(e.row, e.column) for e in report.errors}
    assert (3, "面积（亩）") in errors
    dup = [e.message for e in report.errors if e.row == 5]
    assert dup and "地块编号" in dup[0] and "第4行" in dup[0]
    assert not Parcel.objects.exists()


def test_households_with_stages(world):
    make_house_price(world.town, structure="brick_concrete", price=1000)
    c = make_campaign(world.town, name="正锋")
    rows = [
        [1, "正锋", "001", "村1", "王甲", rid(), 4, "砖混", 120, "2025-04-01", "2025-04-10",
         "某评估公司", 120000, "2025年4月20日", "2025/5/1"],
        [2, "正锋", "002", "村1", "王乙", rid(), 3, "砖混结构", 80, "2025-04-01", None, None, None,
         None, None],
    ]  # fmt: skip
    report = HouseholdLedger().run(xlsx(H_HEAD, rows), "房屋.xlsx", user=world.users["staff"])
    assert report.ok, [e.as_dict() for e in report.errors]
    h = {x.number: x for x in Household.objects.filter(campaign=c)}
    assert h["001"].stage == "sign" and h["001"].house_comp == Decimal(120000)
    assert h["002"].stage == "survey"


def test_household_signed_before_appraised_or_skipping_is_an_error(world):
    make_campaign(world.town, name="正锋")
    rows = [
        [1, "正锋", "001", "村1", "王甲", rid(), 4, "", None, "2025-04-01", "2025-04-10", None,
         None, "2025-04-20", "2025-05-01"],  # no appraiser or value: cannot sign
        [2, "正锋", "002", "村1", "王乙", rid(), 3, "", None, "2025-04-01", None, None, None,
         "2025-04-20", None],  # 公示 without 测绘评估
        [3, "正锋", "003", "村1", "王丙", rid(), 3, "", None, "2025-04-10", "2025-04-01", "某公司",
         1000, None, None],  # date goes backward
    ]  # fmt: skip
    report = HouseholdLedger().run(xlsx(H_HEAD, rows), "房屋.xlsx", user=world.users["staff"])
    errors = {(e.row, e.column) for e in report.errors}
    assert (3, "签约日期") in errors
    assert (4, "公示日期") in errors
    assert (5, "测绘评估日期") in errors
    assert not Household.objects.exists()


def test_village_cadre_imports_only_their_village(world):
    make_campaign(world.town, name="正锋")
    rows = [[1, "正锋", "001", "村2", "王甲", rid(), 4, "", None, "2025-04-01", None, None, None,
             None, None]]  # fmt: skip
    report = HouseholdLedger().run(xlsx(H_HEAD, rows), "房屋.xlsx", user=world.users["village"])
    assert not report.ok and not Household.objects.exists()
