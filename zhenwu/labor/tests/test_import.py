"""`zhenwu import workers`: 人社 rosters as kept today — title rows, 序号, IDs as text or as a
number Excel mangled, 15-digit IDs, villages with or without 村, skill levels in either naming;
matched by resident ID (re-import creates and updates nothing); duplicates and conflicts are
row + column errors and nothing is stored; the CLI's JSON report."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from zhenwu.core.models import ObjectChange
from zhenwu.labor.ledgers import WorkerLedger
from zhenwu.labor.models import Worker
from zhenwu.labor.tests.helpers import make_worker, rid

HEAD = ["序号", "姓名", "身份证号码", "性别", "村", "联系电话", "工种", "技能等级"]
TITLE = "南口镇防水工花名册（2025年）"


def xlsx(rows, title=TITLE, id_as_number=()) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append(["填报单位：南口镇人社服务中心"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def run(rows, world, who="staff", dry_run=False, **kw):
    return WorkerLedger().run(
        xlsx(rows, **kw), "花名册.xlsx", user=world.users[who], dry_run=dry_run
    )


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_roster_with_title_rows_serial_numbers_and_both_namings(world):
    from zhenwu.core.models import Village

    Village.objects.create(town=world.town, name="永福村", order=9)
    a, b = rid("19800101", male=True), rid("19920315", male=False)
    before = ObjectChange.objects.count()
    report = run(
        [
            HEAD,
            [1, "张建华", a, "男", "村1", "13907160001", "防水工", "初级工"],
            [2, "李秀英", b, "女", "永福", "13907160002", "保温", "四级"],
            [3, "王志刚", "421081750301123", None, "村3村", None, "防水工", "高级技师/一级"],
        ],
        world,
    )
    assert report.ok, errors(report)
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    z = Worker.objects.get(resident_id=a)
    assert z.village.name == "村1" and z.sex == "M" and z.birth_date == date(1980, 1, 1)
    assert z.skill_level == "5" and z.trade.name == "防水工"
    li = Worker.objects.get(resident_id=b)
    assert li.village.name == "永福村" and li.skill_level == "4" and li.trade.name == "保温工"
    wang = Worker.objects.get(name="王志刚")
    assert wang.resident_id.startswith("42108119750301123") and wang.skill_level == "1"
    logs = ObjectChange.objects.filter(content_type__model="worker").order_by("-pk")[:3]
    assert ObjectChange.objects.count() == before + 3
    assert ObjectChange.objects.filter(content_type__model="worker").count() == 3
    assert all(e.source == "import" and e.user == world.users["staff"] for e in logs)


def test_village_with_double_suffix_is_an_error(world):
    report = run([HEAD, [1, "某人", rid(), "", "村9", "", "", ""]], world)
    assert not report.ok
    assert errors(report)[0][:2] == (4, "所在村（社区）")


def test_excel_mangled_id_names_row_and_column_and_stores_nothing(world):
    report = run(
        [
            HEAD,
            [1, "甲", rid(), "", "村1", "", "防水工", ""],
            [2, "乙", 421081198506121234, "", "村1", "", "防水工", ""],
            [3, "丙", "4.21081E+17", "", "村1", "", "防水工", ""],
        ],
        world,
    )
    assert not report.ok
    got = errors(report)
    assert [(r, c) for r, c, _ in got] == [(5, "身份证号码"), (6, "身份证号码")]
    for _, _, message in got:
        assert "身份证号码被Excel转换成了科学计数法" in message
        assert "请将该列设为文本后重新录入" in message
    assert "4.21081E+17" in got[0][2]
    assert Worker.objects.count() == 0


def test_bad_ids_are_row_and_column_errors(world):
    good = rid("19850612")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    report = run(
        [
            HEAD,
            [1, "甲", wrong_check, "", "村1", "", "", ""],
            [2, "乙", "421081198502301234", "", "村1", "", "", ""],
            [3, "丙", "", "", "村1", "", "", ""],
        ],
        world,
    )
    got = errors(report)
    assert got[0][:2] == (4, "身份证号码") and "校验位错误" in got[0][2]
    assert got[1][:2] == (5, "身份证号码") and "不是有效日期" in got[1][2]
    assert got[2][:2] == (6, "身份证号码") and "必填" in got[2][2]
    assert Worker.objects.count() == 0


def test_sex_column_that_disagrees_with_the_id_is_an_error(world):
    male = rid("19850612", male=True)
    report = run(
        [[*HEAD, "出生日期"], [1, "甲", male, "女", "村1", "", "", "", "1985-06-12"]], world
    )
    assert errors(report) == [(4, "性别", "性别「女」与身份证号码不符（号码显示为男）")]
    report = run(
        [[*HEAD, "出生日期"], [1, "甲", male, "男", "村1", "", "", "", "1985-06-13"]], world
    )
    assert [(r, c) for r, c, _ in errors(report)] == [(4, "出生日期")]
    assert Worker.objects.count() == 0


def test_reimport_matches_by_id_creates_and_updates_nothing(world):
    rows = [
        HEAD,
        [1, "张建华", rid("19800101"), "男", "村1", "13907160001", "防水工", "初级工"],
        [2, "李秀英", rid("19920315", male=False), "", "村2", "", "保温工", "中级工/四级"],
    ]
    assert run(rows, world).created == 2
    before = ObjectChange.objects.count()
    again = run(rows, world)
    assert again.ok and (again.created, again.updated) == (0, 0)
    assert ObjectChange.objects.count() == before
    # a changed phone updates that one worker
    rows[2][5] = "13907169999"
    changed = run(rows, world)
    assert (changed.created, changed.updated) == (0, 1)
    assert Worker.objects.get(name="李秀英").phone == "13907169999"


def test_same_id_twice_in_one_file_is_an_error_on_the_later_row(world):
    same = rid("19800101")
    report = run(
        [HEAD, [1, "甲", same, "", "村1", "", "", ""], [2, "甲", same, "", "村1", "", "", ""]],
        world,
    )
    assert [(r, c) for r, c, _ in errors(report)] == [(5, "身份证号码")]
    assert "与第4行重复" in errors(report)[0][2]
    assert Worker.objects.count() == 0


def test_id_registered_to_another_name_is_an_error(world):
    w = make_worker(world, name="张三")
    report = run([HEAD, [1, "李四", w.resident_id, "", "村1", "", "", ""]], world)
    assert [(r, c) for r, c, _ in errors(report)] == [(4, "身份证号码")]
    assert "已登记为「张三」" in errors(report)[0][2]
    w.refresh_from_db()
    assert w.name == "张三"


def test_village_cadre_cannot_take_over_another_villages_worker(world):
    other = make_worker(world, world.villages[1], name="外村人")
    report = run([HEAD, [1, "外村人", other.resident_id, "", "村1", "", "", ""]], world, "village")
    got = errors(report)
    assert [(r, c) for r, c, _ in got] == [(4, "身份证号码")]
    assert "不在您的管辖范围" in got[0][2] and "外村人" not in got[0][2]
    # and cannot put a new worker into another village
    report = run([HEAD, [1, "新人", rid(), "", "村2", "", "", ""]], world, "village")
    assert [(r, c) for r, c, _ in errors(report)] == [(4, "所在村（社区）")]


def test_dry_run_writes_nothing(world):
    report = run([HEAD, [1, "甲", rid(), "", "村1", "", "", ""]], world, dry_run=True)
    assert report.ok and report.created == 1
    assert Worker.objects.count() == 0


def test_masked_export_reimports_unchanged_for_users_without_permission(world):
    from zhenwu.core.ledgers import export_bytes

    make_worker(world, phone="13907161234")
    user = world.users["staff"]
    ledger = WorkerLedger()
    content, _, _ = export_bytes(ledger, Worker.objects.all(), user)
    assert b"13907161234" not in content
    report = WorkerLedger().run(io.BytesIO(content), "export.xlsx", user=user)
    assert report.ok and (report.created, report.updated) == (0, 0), errors(report)
    assert Worker.objects.get().phone == "13907161234"


def test_cli_json_report_follows_the_contract(world, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([HEAD, [1, "甲", rid(), "", "村1", "", "", ""]]).getvalue())
    call_command("import", "workers", str(path), "--json", "--user", "staff_t")
    data = json.loads(capsys.readouterr().out)
    assert {"ok", "rows", "created", "updated", "errors"} <= set(data)
    assert (data["ok"], data["rows"], data["created"], data["updated"]) == (True, 1, 1, 0)
    if "warnings" in data:
        assert isinstance(data["warnings"], list)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([HEAD, [1, "乙", 421081198506121234, "", "村1", "", "", ""]]).getvalue())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "workers", str(bad), "--json", "--user", "staff_t")
    assert exit_info.value.code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["created"] == 0
    assert data["errors"][0]["row"] == 4 and data["errors"][0]["column"] == "身份证号码"
    assert "科学计数法" in data["errors"][0]["message"]
    assert Worker.objects.count() == 1
