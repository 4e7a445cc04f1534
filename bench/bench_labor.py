"""Benchmark: importing a 20,000-worker 人社 roster (issue 14).

Run:  python bench/bench_labor.py [--rows 20000] [--runs 3] [--profile]

In a throw-away SQLite database (a temporary ZHENWU_DATA_DIR) it writes a roster the way the
人社 office keeps it — a title row, 序号, 姓名, 身份证号码 (text; a few 15-digit old IDs),
性别, village names with and without 村, phone, 工种, skill levels in both namings — and times

* `WorkerLedger.run` (the code behind `zhenwu import workers`: header detection, every cell
  parsed and checked, GB 11643 validation, natural-key matching by resident ID, the platform's
  one write path — bulk create and a change-log entry per worker), into an empty register;
* a plain python-calamine read of the same file
  (`CalamineWorkbook.from_path(...).get_sheet_by_index(0).to_python()`), in the same run;

prints the medians and their ratio, and checks that every worker was created and logged. The
goal is a ratio ≤ 3; the script exits 1 when it is missed. (The shared import write path is
being made linear and fast by another change; this benchmark measures it through the
platform's Ledger, with no side path.)
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

RATIO_GOAL = 3.0
VILLAGES = ["管家铺村", "永福村", "古夹垸村", "示例四村", "示例五村"]
SKILLS = ["初级工", "五级", "中级工", "四级", "高级工", "三级", "技师", "高级技师/一级", ""]


def setup_django(data_dir: str) -> None:
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_world():
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.models import Department, Role, Town, User, Village

    with acting_as(None, Source.SYSTEM):
        town = Town.objects.create(
            name="南口镇", code="421081108000", county="石首市", city="荆州市", province="湖北省"
        )
        for i, name in enumerate(VILLAGES, 1):
            Village.objects.create(town=town, name=name, order=i)
        dept = Department.objects.create(town=town, name="人社服务中心", modules=["labor"])
        user = User.objects.create_user(
            "bench", password="x-bench-123", role=Role.STAFF, town=town, full_name="基准"
        )
        user.departments.set([dept])
    return user


def write_roster(path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook

    from zhenwu.core.idnumbers import resident_id_check_char

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["南口镇“石首防水建筑工”务工人员花名册（基准）"])
    ws.append(["序号", "姓名", "身份证号码", "性别", "村", "联系电话", "工种", "技能等级"])
    used = set()
    for n in range(1, rows + 1):
        while True:
            year = rnd.randint(1960, 2004)
            month, day = rnd.randint(1, 12), rnd.randint(1, 28)
            seq = rnd.randint(0, 999)
            old = year < 2000 and rnd.random() < 0.02
            if old:
                rid = f"421081{year % 100:02d}{month:02d}{day:02d}{seq:03d}"
                key = f"421081{year}{month:02d}{day:02d}{seq:03d}"
            else:
                first17 = f"421081{year}{month:02d}{day:02d}{seq:03d}"
                rid = key = first17 + resident_id_check_char(first17)
                key = first17
            if key not in used:
                used.add(key)
                break
        sex = "男" if seq % 2 else "女"
        village = rnd.choice(VILLAGES)
        if rnd.random() < 0.5:
            village = village.removesuffix("村")
        ws.append(
            [
                n,
                f"工人{n:05d}",
                rid,
                sex,
                village,
                f"139{rnd.randint(0, 99999999):08d}",
                rnd.choice(["防水工", "防水工", "保温工", "瓦工"]),
                rnd.choice(SKILLS),
            ]
        )
    wb.save(path)


def time_calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - t
    assert len(rows) > 2
    return elapsed


def time_import(path: Path, user, rows: int, profile: bool) -> float:
    from django.db import transaction

    from zhenwu.core.models import ObjectChange
    from zhenwu.labor.ledgers import WorkerLedger
    from zhenwu.labor.models import Worker

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t = time.perf_counter()
    with path.open("rb") as fh:
        report = WorkerLedger().run(fh, path.name, user=user)
    elapsed = time.perf_counter() - t
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    assert report.ok, [e.as_dict() for e in report.errors[:5]]
    assert report.created == rows == Worker.objects.count(), (report.created, rows)
    logged = ObjectChange.objects.filter(content_type__model="worker", action="create")
    assert logged.count() == rows
    created = list(Worker.all_objects.order_by("pk"))
    # reset for the next run (a benchmark reset, not a domain write: raw deletes)
    with transaction.atomic():
        logged._raw_delete(logged.db)
        qs = Worker.all_objects.all()
        qs._raw_delete(qs.db)
    FLOORS.append(floor_time(Worker, created, 0))
    return elapsed


FLOORS: list[float] = []


def floor_time(model, objs, first_pk):
    from bench_ledgers import floor_time as floor

    return floor(model, objs, first_pk)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250614)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        user = make_world()
        path = Path(tmp) / "roster.xlsx"
        write_roster(path, args.rows, args.seed)
        reads, imports = [], []
        for i in range(args.runs):
            reads.append(time_calamine(path))
            imports.append(time_import(path, user, args.rows, args.profile and i == 0))
        read, imp = statistics.median(reads), statistics.median(imports)
        ratio = imp / read
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"导入 {args.rows:,} 人的务工人员花名册（中位数，{args.runs} 次；负载 {load:.1f}）：")
        print(f"  python-calamine 仅读取   {read * 1000:8.0f} ms")
        print(f"  zhenwu import workers    {imp * 1000:8.0f} ms（含校验与变更记录）")
        print(f"  比值 import / read       {ratio:8.2f}（目标 ≤ {RATIO_GOAL}）")
        floor = statistics.median(FLOORS)
        print(f"  写入下限（仅插入记录）   {floor * 1000:8.0f} ms  比值 {floor / read:5.2f}")
        return 0 if ratio <= RATIO_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
