"""Benchmark: every ledger's import against a plain python-calamine read of the same file
(issue 9.4: ≤ 3× at 50,000 rows, through the one write path `core.bulk`).

Run:  python bench/bench_ledgers.py [--rows 50000] [--runs 1] [--only investments,projects]

For each ledger a realistic file is generated (a title row above the header; amounts, dates,
status words and villages as offices write them), imported by `Ledger.run` — the code behind
`zhenwu import LEDGER FILE`: header detection, per-cell parsing, matching, the model's own
validation, the bulk write and its change log — into a fresh SQLite database, and compared,
in the same run, with `CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()`.
Medians of ``--runs``. Prints a table of ratios; exits 1 when a ratio exceeds 3.

It also prints the *write floor* of each ledger (`floor_time`): the created records inserted
again by the same insert, with nothing else — the part of any import no code path can skip,
as a ratio to the same read.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL = 3.0
STAGES = ["意向", "洽谈中", "已签约", "在建", "已投产"]


def setup_django(data_dir: str) -> None:
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def world():
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.idnumbers import uscc_check_char
    from zhenwu.core.models import Department, Role, Town, User, Village
    from zhenwu.enterprises.models import Enterprise

    with acting_as(None, Source.SYSTEM):
        town = Town.objects.create(name="基准镇", code="421081108000")
        villages = [Village.objects.create(town=town, name=f"村{i}", order=i) for i in range(1, 11)]
        modules = ["core", "plan", "investment", "projects", "enterprises"]
        dept = Department.objects.create(town=town, name="基准专班", modules=modules)
        user = User.objects.create_user(
            "bench", password="x", role=Role.ADMIN, town=town, full_name="基准管理员"
        )
        user.departments.set([dept])
        firms = []
        for i in range(1000):
            first17 = f"91421081MA{i:07d}"
            firms.append(
                Enterprise(
                    town=town,
                    name=f"基准企业{i:04d}",
                    uscc=first17 + uscc_check_char(first17),
                    industry_code="C3031",
                    village=villages[i % 10],
                )
            )
        Enterprise.objects.bulk_create(firms)
    return user, villages, [f.uscc for f in firms]


def write(path: Path, header: list, rows) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([f"基准台账（{len(header)} 列）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def files(n: int, rnd: random.Random, usccs: list[str]):
    """(ledger key, header, rows) for each ledger benchmarked."""
    yield (
        "investments",
        ["序号", "项目编号", "项目名称", "投资方", "项目类型", "计划总投资（万元）", "签约时间",
         "开工时间", "阶段", "所在村", "备注"],
        [[i + 1, f"ZS-{i:06d}", f"项目{i:06d}", f"投资方{i % 977}", "工业",
          f"{rnd.randint(1, 500) * 100}", "2025年3月5日", "2025.4.8", "在建",
          f"村{i % 10 + 1}", ""] for i in range(n)],
    )  # fmt: skip
    yield (
        "projects",
        ["序号", "项目名称", "类别", "建设年度", "状态", "所在村（社区）", "计划总投资（万元）",
         "计划开工", "计划竣工"],
        [[i + 1, f"重点项目{i:06d}", "重点项目", 2025, "前期工作", f"村{i % 10 + 1}",
          f"{rnd.randint(1, 900)}万", "2025-09-01", "2026-06-30"] for i in range(n)],
    )  # fmt: skip
    yield (
        "enterprises",
        ["序号", "企业名称", "统一社会信用代码", "行业代码", "所在村（社区）", "法定代表人",
         "防水企业", "入库途径"],
        [[i + 1, f"新企业{i:06d}", _uscc(10_000 + i), "C3031", f"村{i % 10 + 1}", "张三", "否",
          "年度入库"] for i in range(n)],
    )  # fmt: skip
    months = n // len(usccs) + 1
    rows = []
    for m in range(months):
        for code in usccs:
            if len(rows) == n:
                break
            revenue = round(rnd.uniform(20, 400), 1)
            month = f"{2021 + m // 12}-{m % 12 + 1:02d}"
            rows.append([code, month, revenue, round(revenue * 0.97, 1), rnd.randint(5, 300),
                         round(revenue * 0.03, 2)])  # fmt: skip
    yield "monthly-figures", ["企业", "月份", "营业收入", "主营业务收入", "从业人员", "税收"], rows


def _uscc(i: int) -> str:
    from zhenwu.core.idnumbers import uscc_check_char

    first17 = f"91421081MB{i:07d}"
    return first17 + uscc_check_char(first17)


def read_time(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - t


def import_time(key: str, path: Path, user) -> float:
    from django.db import connection, transaction

    from zhenwu.core.ledgers import get_ledger
    from zhenwu.core.models import ObjectChange

    ledger = get_ledger(key)
    model = ledger.model
    before = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    t = time.perf_counter()
    with path.open("rb") as fh:
        report = ledger().run(fh, path.name, user=user)
    elapsed = time.perf_counter() - t
    assert report.ok, [e.as_dict() for e in report.errors[:5]]
    assert report.created == report.rows, (report.created, report.rows)
    created = list(model._base_manager.filter(pk__gt=first).order_by("pk"))
    # reset for the next run, outside the timing (raw deletes: a benchmark reset)
    with transaction.atomic(), connection.cursor() as cursor:
        for related, fk in (
            ("investment_investmentevent", "investment_id"),
            ("enterprises_checklistitem", "enterprise_id"),
        ):
            if related.split("_")[0] == model._meta.app_label:
                cursor.execute(f"DELETE FROM {related} WHERE {fk} > %s", [first])
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [first])
        cursor.execute(f"DELETE FROM {ObjectChange._meta.db_table} WHERE id > %s", [before])
    FLOORS[key] = floor_time(model, created, first)
    return elapsed


FLOORS: dict[str, float] = {}


def floor_time(model, objs: list, first_pk: int) -> float:
    """The write floor: the records an import created (read back, then deleted), inserted
    again by the same `core.bulk.insert_rows` in one transaction, commit included — no
    parsing, no validation, no change log, no timeline. No import of those rows through any
    path can take less on this database. They are deleted again afterwards."""
    from django.db import connection, transaction

    from zhenwu.core.bulk import insert_rows

    for obj in objs:
        obj._state.adding = True
    t = time.perf_counter()
    with transaction.atomic():
        insert_rows(model, objs, want_ids=False)
    elapsed = time.perf_counter() - t
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [first_pk])
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="")
    parser.add_argument("--seed", type=int, default=20250101)
    args = parser.parse_args()
    only = {k for k in args.only.split(",") if k}
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        user, _villages, usccs = world()
        rnd = random.Random(args.seed)
        print(
            f"{'台账':<18}{'行数':>8}{'读取 ms':>10}{'导入 ms':>10}{'比值':>8}"
            f"{'写入下限 ms':>12}{'下限比值':>10}"
        )
        for key, header, rows in files(args.rows, rnd, usccs):
            if only and key not in only:
                continue
            path = Path(tmp) / f"{key}.xlsx"
            write(path, header, rows)
            reads, imports, floors = [], [], []
            for _ in range(args.runs):
                reads.append(read_time(path))
                imports.append(import_time(key, path, user))
                floors.append(FLOORS[key])
            read, imp = statistics.median(reads), statistics.median(imports)
            floor = statistics.median(floors)
            ratio = imp / read
            worst = max(worst, ratio)
            print(
                f"{key:<18}{len(rows):>8,}{read * 1000:>10.0f}{imp * 1000:>10.0f}{ratio:>8.1f}"
                f"{floor * 1000:>12.0f}{floor / read:>10.1f}"
            )
            sys.stdout.flush()
    print(f"负载 {os.getloadavg()[0]:.1f}；目标：每个台账 ≤ {GOAL}")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
