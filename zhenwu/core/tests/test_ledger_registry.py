"""Registries fill in each app's ready(), not as a side effect of importing other modules
(issue 8): a fresh `zhenwu import --help` lists every ledger, and every ledger the README
names exists and round-trips (including `departments`)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from zhenwu.core.ledgers import all_ledgers, export_bytes, get_ledger
from zhenwu.core.models import Department
from zhenwu.core.registry import all_resources

REPO = Path(__file__).resolve().parents[3]
EXPECTED = {
    "villages", "departments", "investments", "enterprises", "monthly-figures", "projects",
    "milestones", "targets", "reports",
}  # fmt: skip


def test_a_fresh_process_lists_every_ledger():
    done = subprocess.run(
        [sys.executable, "-m", "zhenwu.manage", "import", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "ZHENWU_TESTING": "1", "HOME": str(REPO)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = re.sub(r"\s+", "", done.stdout)
    listed = re.search(r"台账名：([a-z、-]+?)file", text)  # the next argument: file
    names = set(listed.group(1).split("、"))
    assert names == set(all_ledgers()) and names >= EXPECTED


def test_every_ledger_named_in_the_readme_exists():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("zhenwu export 台账 文件") :][:600]
    named = set(re.findall(r"`([a-z-]+)`", section))
    assert named and named <= set(all_ledgers()), named - set(all_ledgers())


def test_every_resource_with_a_ledger_registers_it():
    for resource in all_resources():
        if resource.ledger is not None:
            assert get_ledger(resource.ledger.key) is resource.ledger, resource.key


def test_departments_ledger_round_trips(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["南口镇部门与专班一览表"])
    ws.append(["序号", "部门名称", "类型", "负责人", "联系电话", "负责模块"])
    ws.append([1, "招商专班", "工作专班", "周一", "13800000001", "招商引资、重点项目"])
    ws.append([2, "农业服务中心", "站所", "吴二", "", "农业农村"])
    buf = io.BytesIO()
    wb.save(buf)
    ledger = get_ledger("departments")
    report = ledger().run(io.BytesIO(buf.getvalue()), "d.xlsx", user=world.users["admin"])
    assert report.ok, [e.as_dict() for e in report.errors]
    dept = Department.objects.get(name="招商专班")
    assert dept.kind == "taskforce" and dept.modules == ["investment", "projects"]
    assert Department.objects.get(name="农业服务中心").kind == "center"
    content, _, _ = export_bytes(
        ledger(), ledger().queryset(world.users["admin"]), world.users["admin"]
    )
    again = ledger().run(io.BytesIO(content), "export.xlsx", user=world.users["admin"])
    assert again.ok and (again.created, again.updated) == (0, 0), again.as_json()
    bad = Workbook()
    bad.active.append(["名称", "负责模块"])
    bad.active.append(["坏部门", "招商引资、养猪"])
    buf = io.BytesIO()
    bad.save(buf)
    report = ledger().run(io.BytesIO(buf.getvalue()), "b.xlsx", user=world.users["admin"])
    assert not report.ok and "未知模块「养猪」" in report.errors[0].message
