"""Benchmark: the 双征 progress page and the households ledger (issue 12).

Run:  python bench/bench_land.py [--households 5000] [--parcels 20000] [--runs 3]

In a throw-away SQLite database (a temporary ZHENWU_DATA_DIR):

1. A campaign of N households and M parcels (inserted with the platform's bulk insert). Times
   `selectors.campaign_progress` (the aggregates behind the progress page) against the raw
   SQL aggregates it needs (the same sums and counts, one cursor each), and renders the whole
   progress page through the test client; checks that the page's query count is the same for
   a campaign of 10 households and for the big one. Goal: progress ≤ 3 × raw SQL.
2. The households ledger (`zhenwu import households`) of N rows written as the 双征办 keeps it
   (title row, 序号, units in headers, IDs as text) imported into an empty campaign through the
   platform's Ledger (every cell parsed, rules checked, bulk write + change log), against a
   plain python-calamine read of the same file. Goal: ≤ 3 ×.

Prints the medians and ratios; exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATIO_GOAL = 3.0
VILLAGES = ["管家铺村", "永福村", "古夹垸村"]
STAGE_FIELDS = ["surveyed_on", "appraised_on", "publicized_on", "signed_on", "vacated_on",
                "demolished_on", "settled_on"]  # fmt: skip


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
        villages = [
            Village.objects.create(town=town, name=n, order=i) for i, n in enumerate(VILLAGES)
        ]
        dept = Department.objects.create(town=town, name="双征办", modules=["land"])
        user = User.objects.create_user(
            "bench", password="x-bench-123", role=Role.STAFF, town=town, full_name="基准"
        )
        user.departments.set([dept])
    return town, villages, user


def _rid(n: int) -> str:
    from zhenwu.core.idnumbers import resident_id_check_char

    first17 = f"421081{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def fill(town, villages, user, name: str, households: int, parcels: int, rnd):
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.bulk import insert_rows
    from zhenwu.land import rules, services
    from zhenwu.land.models import Household, Parcel

    start = date(2025, 3, 3)
    with acting_as(user, Source.SYSTEM):
        c = services.campaign_create(
            town=town,
            data={"name": name, "target_mu": Decimal(parcels * 2), "target_households": households,
                  "start_date": start, "handover_deadline": date(2026, 6, 30)},
            acting_user=user,
        )  # fmt: skip
    hs = []
    for n in range(households):
        upto = rnd.randint(0, 7)
        dates = {f: start + timedelta(days=10 * (i + 1)) for i, f in enumerate(STAGE_FIELDS[:upto])}
        h = Household(town=town, campaign=c, village=villages[n % 3], number=f"{n:05d}",
                      head_name=f"户主{n}", head_id=_rid(n), members=3,
                      house_comp=Decimal(100000), moving_fee=Decimal(3000),
                      paid_amount=Decimal(50000) if upto >= 5 else None, **dates)  # fmt: skip
        h.stage = rules.stage_of(h.stage_dates())
        hs.append(h)
    insert_rows(Household, hs, want_ids=False)
    ps = []
    for n in range(parcels):
        r = rnd.random()
        ps.append(
            Parcel(
                town=town,
                campaign=c,
                village=villages[n % 3],
                number=f"DK{n:05d}",
                area_m2=Decimal("1333.34"),
                area_mu=Decimal(2),
                land_type="0101",
                registered_on=start,
                agreed_on=start + timedelta(days=30) if r < 0.8 else None,
                payment_status="paid" if r < 0.5 else "unpaid",
                handed_over_on=start + timedelta(days=60) if r < 0.3 else None,
                land_comp=Decimal(40000),
                resettlement_comp=Decimal(60000),
                paid_amount=Decimal(100000) if r < 0.5 else None,
            )
        )
    insert_rows(Parcel, ps, want_ids=False)
    return c


RAW_PARCELS = """SELECT COUNT(*), SUM(area_mu),
  SUM(CASE WHEN registered_on IS NOT NULL THEN area_mu END),
  SUM(CASE WHEN agreed_on IS NOT NULL THEN area_mu END),
  SUM(CASE WHEN payment_status = 'paid' THEN area_mu END),
  SUM(CASE WHEN handed_over_on IS NOT NULL THEN area_mu END),
  SUM(CASE WHEN agreed_on IS NOT NULL THEN COALESCE(land_comp,0)+COALESCE(resettlement_comp,0)
      +COALESCE(crop_comp,0)+COALESCE(attachment_comp,0) END),
  SUM(paid_amount)
FROM land_parcel WHERE campaign_id = %s AND is_deleted = 0"""
RAW_HOUSEHOLDS = """SELECT COUNT(*),
  SUM(CASE WHEN signed_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN vacated_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN demolished_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN settled_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN signed_on IS NOT NULL THEN COALESCE(house_comp,0)+COALESCE(decoration_comp,0)
      +COALESCE(attachment_comp,0)+COALESCE(moving_fee,0)+COALESCE(transition_fee,0)
      +COALESCE(reward,0) END),
  SUM(paid_amount)
FROM land_household WHERE campaign_id = %s AND is_deleted = 0"""


def time_raw(c) -> float:
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(RAW_PARCELS, [c.pk])
        cur.fetchall()
        cur.execute(RAW_HOUSEHOLDS, [c.pk])
        cur.fetchall()
    return time.perf_counter() - t


def time_progress(c) -> float:
    from zhenwu.land import selectors

    t = time.perf_counter()
    selectors.campaign_progress(c, as_of=date(2025, 9, 1))
    return time.perf_counter() - t


def page_queries(client, c) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/land/campaigns/{c.pk}/progress/?as_of=2025-09-01")
    assert r.status_code == 200, r.status_code
    return len(ctx)


def write_ledger(path: Path, campaign_name: str, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("房屋台账")
    ws.append(["南口镇被征收户房屋台账（基准）"])
    ws.append(["序号", "征收任务", "户编号", "村", "户主", "身份证号码", "安置人口",
               "宅基地面积（平方米）", "摸底日期", "已付金额（元）"])  # fmt: skip
    for n in range(rows):
        ws.append([n + 1, campaign_name, f"{n:05d}", VILLAGES[n % 3], f"户主{n}", _rid(n + 7),
                   3, 150, "2025-04-01", None])  # fmt: skip
    wb.save(path)


def time_calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - t
    assert len(rows) > 2
    return elapsed


def time_import(path: Path, user, c, rows: int) -> float:
    from django.db import transaction

    from zhenwu.core.models import ObjectChange
    from zhenwu.land.ledgers import HouseholdLedger
    from zhenwu.land.models import Household

    t = time.perf_counter()
    with path.open("rb") as fh:
        report = HouseholdLedger().run(fh, path.name, user=user)
    elapsed = time.perf_counter() - t
    assert report.ok, [e.as_dict() for e in report.errors[:5]]
    assert report.created == rows == Household.objects.filter(campaign=c).count()
    logged = ObjectChange.objects.filter(content_type__model="household", action="create")
    assert logged.count() >= rows
    created = list(Household.all_objects.filter(campaign=c).order_by("pk"))
    first = created[0].pk - 1
    with transaction.atomic():  # reset for the next run (benchmark reset, raw deletes)
        logged._raw_delete(logged.db)
        qs = Household.all_objects.filter(campaign=c)
        qs._raw_delete(qs.db)
    FLOORS.append(floor_time(Household, created, first))
    RAW_FLOORS.append(sqlite_floor_time(Household, created, first))
    return elapsed


FLOORS: list[float] = []
RAW_FLOORS: list[float] = []


def sqlite_floor_time(model, objs, first_pk) -> float:
    """Below the write floor: the same rows, as the database stores them, inserted by the
    sqlite3 module's own `executemany` in one transaction — no Django, no Python per row.
    This is what SQLite itself costs (the table's columns and indexes), whatever path writes."""
    from django.db import connection, transaction

    from zhenwu.core.bulk import insert_rows

    for obj in objs:
        obj._state.adding = True
    table = model._meta.db_table
    with transaction.atomic():
        insert_rows(model, objs, want_ids=False)
    raw = connection.connection
    cursor = raw.execute(f'SELECT * FROM "{table}" WHERE id > ?', [first_pk])
    columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
    rows = cursor.fetchall()
    raw.execute(f'DELETE FROM "{table}" WHERE id > ?', [first_pk])
    raw.commit()
    marks = ", ".join("?" * len(cursor.description))
    t = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
    raw.commit()
    elapsed = time.perf_counter() - t
    raw.execute(f'DELETE FROM "{table}" WHERE id > ?', [first_pk])
    raw.commit()
    return elapsed


def floor_time(model, objs, first_pk):
    from bench_ledgers import floor_time as floor

    return floor(model, objs, first_pk)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--parcels", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rnd = random.Random(20250521)
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.test import Client

        town, villages, user = make_world()
        small = fill(town, villages, user, "小任务", 10, 40, rnd)
        big = fill(town, villages, user, "大任务", args.households, args.parcels, rnd)
        client = Client()
        client.force_login(user)
        page_queries(client, small)  # warm caches (calendar, session)
        q_small, q_big = page_queries(client, small), page_queries(client, big)
        raws, progs = [], []
        for _ in range(args.runs):
            raws.append(time_raw(big))
            progs.append(time_progress(big))
        raw, prog = statistics.median(raws), statistics.median(progs)
        t = time.perf_counter()
        client.get(f"/land/campaigns/{big.pk}/progress/?as_of=2025-09-01")
        page = time.perf_counter() - t

        empty = fill(town, villages, user, "导入任务", 0, 0, rnd)
        path = Path(tmp) / "households.xlsx"
        write_ledger(path, empty.name, args.households)
        reads, imports = [], []
        for _ in range(args.runs):
            reads.append(time_calamine(path))
            imports.append(time_import(path, user, empty, args.households))
        read, imp = statistics.median(reads), statistics.median(imports)

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"征收任务 {args.households:,} 户、{args.parcels:,} 个地块（中位数，{args.runs} 次；负载 {load:.1f}）："
        )
        print(f"  原始 SQL 汇总             {raw * 1000:8.1f} ms")
        print(
            f"  campaign_progress         {prog * 1000:8.1f} ms  比值 {prog / raw:5.2f}（目标 ≤ {RATIO_GOAL}）"
        )
        print(f"  进度页整页               {page * 1000:8.1f} ms")
        print(
            f"  进度页查询数             10户 {q_small} 条 / {args.households:,}户 {q_big} 条（应相同）"
        )
        print(f"导入 {args.households:,} 户的房屋台账：")
        print(f"  python-calamine 仅读取    {read * 1000:8.0f} ms")
        print(
            f"  zhenwu import households  {imp * 1000:8.0f} ms  比值 {imp / read:5.2f}（目标 ≤ {RATIO_GOAL}）"
        )
        floor = statistics.median(FLOORS)
        print(f"  写入下限（仅插入记录）    {floor * 1000:8.0f} ms  比值 {floor / read:5.2f}")
        sq = statistics.median(RAW_FLOORS)
        print(f"  sqlite3 executemany 自身  {sq * 1000:8.0f} ms  比值 {sq / read:5.2f}")
        ok = prog / raw <= RATIO_GOAL and imp / read <= RATIO_GOAL and q_small == q_big
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
