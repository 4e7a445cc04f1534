"""Benchmark: monthly rankings of a county's inspection year (issue 13).

Run:  python bench/bench_inspections.py [--towns 20] [--units 10] [--rounds 52]
                                         [--findings 20] [--runs 5]

In a throw-away SQLite database (a temporary ZHENWU_DATA_DIR) it generates a county's year —
`--towns` towns × `--units` villages × `--rounds` weekly rounds covering every unit, about
`--findings` findings per unit and round, i.e. per sheet (20 × 10 × 52 × 20 ≈ 208,000 findings;
some zeroing items, some recurrences), every sheet scored by
the module's own rule (`rules.score_sheet`, as the services keep it) — and times, for one month:

* `selectors.monthly_ranking(town, month)` (one town) and `selectors.county_ranking(towns,
  month)` (the whole county): averages, shared ranks, flags with 约谈, findings, rectifications
  on time, recurrences;
* the raw SQL aggregate that computes the same average scores straight from the findings
  (per-item caps, zeroing items, per-section caps, recurrence multiplier), in the same run;

checks that both give the same scores, prints the medians and their ratios. The goal is a ratio
≤ 3 for both; the script exits 1 when it is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATIO_GOAL = 3.0


def setup_django(data_dir: str) -> None:
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(towns: int, units: int, rounds: int, findings: int, seed: int = 13):
    """Bulk-generate the county (a data generator, not a door: no change log)."""
    from django.utils import timezone

    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.models import Town, Village
    from zhenwu.inspections import rules, services
    from zhenwu.inspections.models import ChecklistItem, Finding, Round, Sheet, Spot

    rng = random.Random(seed)
    start = date(2025, 1, 6)
    made = []
    with acting_as(None, Source.SYSTEM):
        for t in range(towns):
            town = Town.objects.create(name=f"测试镇{t + 1}", code=f"4210811{t:02d}000")
            villages = Village.objects.bulk_create(
                [Village(town=town, name=f"{t + 1}镇{u + 1}村", order=u) for u in range(units)]
            )
            checklist = services.default_checklist(town)
            sections, item_rules = services.checklist_rules(checklist)
            items = list(ChecklistItem.objects.filter(section__checklist=checklist))
            spots = Spot.objects.bulk_create(
                [
                    Spot(town=town, village=v, name=f"点位{k}", kind="settlement")
                    for v in villages
                    for k in range(4)
                ]
            )
            by_village = {}
            for s in spots:
                by_village.setdefault(s.village_id, []).append(s)
            rounds_ = Round.objects.bulk_create(
                [
                    Round(
                        town=town,
                        title=f"第{w + 1}周暗访",
                        starts_at=timezone.make_aware(
                            datetime.combine(start + timedelta(weeks=w), datetime.min.time())
                        )
                        + timedelta(hours=8),
                        ends_on=start + timedelta(weeks=w),
                        checklist=checklist,
                        status="closed",
                    )
                    for w in range(rounds)
                ]
            )
            sheets = Sheet.objects.bulk_create(
                [
                    Sheet(town=town, round=r, village=v, month=r.month, spot_ids=[])
                    for r in rounds_
                    for v in villages
                ]
            )
            rows = []
            for sh in sheets:
                for _ in range(rng.randint(0, 2 * findings)):
                    it = rng.choice(items)
                    if it.zeroes_section and rng.random() < 0.9:
                        continue
                    rec = rng.random() < 0.1
                    count = rng.randint(1, services.max_count(it))
                    weight = checklist.recurrence_multiplier if rec else Decimal(1)
                    rows.append(
                        Finding(
                            town=town,
                            round_id=sh.round_id,
                            sheet=sh,
                            village_id=sh.village_id,
                            spot=rng.choice(by_village[sh.village_id]),
                            item=it,
                            count=count,
                            deduction=rules.item_deduction(item_rules[it.code], count, weight),
                            found_at=timezone.now(),
                            is_recurrence=rec,
                            status="accepted",
                        )
                    )
            Finding.objects.bulk_create(rows, batch_size=2000)
            # Every sheet scored by the module's rule (what services.rescore keeps).
            hits: dict[int, list] = {}
            for sheet_id, code, count, rec in Finding.objects.filter(town=town).values_list(
                "sheet_id", "item__code", "count", "is_recurrence"
            ):
                weight = checklist.recurrence_multiplier if rec else Decimal(1)
                hits.setdefault(sheet_id, []).append(rules.Hit(code, count, weight))
            for sh in sheets:
                sh.score = rules.score_sheet(sections, item_rules, hits.get(sh.pk, [])).score
            Sheet.objects.bulk_update(sheets, ["score"], batch_size=2000)
            made.append(town)
    return made


RAW = """
WITH per_item AS (
  SELECT f.sheet_id, it.section_id,
         CASE WHEN MAX(it.zeroes_section) = 1 THEN 1000000
              ELSE MIN(it.cap, SUM(f.count * it.deduction *
                   CASE WHEN f.is_recurrence THEN c.recurrence_multiplier ELSE 1 END)) END AS lost
  FROM inspections_finding f
  JOIN inspections_checklistitem it ON it.id = f.item_id
  JOIN inspections_sheet s ON s.id = f.sheet_id
  JOIN inspections_round r ON r.id = s.round_id
  JOIN inspections_checklist c ON c.id = r.checklist_id
  WHERE f.town_id IN ({towns}) AND s.month = %s AND f.is_deleted = 0 AND s.is_deleted = 0
  GROUP BY f.sheet_id, it.id
), per_section AS (
  SELECT p.sheet_id, MIN(sec.points, SUM(p.lost)) AS lost
  FROM per_item p JOIN inspections_checklistsection sec ON sec.id = p.section_id
  GROUP BY p.sheet_id, p.section_id
), per_sheet_lost AS (
  SELECT sheet_id, SUM(lost) AS lost FROM per_section GROUP BY sheet_id
), per_sheet AS (
  SELECT s.village_id, 100 - COALESCE(l.lost, 0) AS score
  FROM inspections_sheet s LEFT JOIN per_sheet_lost l ON l.sheet_id = s.id
  WHERE s.town_id IN ({towns}) AND s.month = %s AND s.is_deleted = 0
)
SELECT village_id, ROUND(AVG(score), 2) FROM per_sheet GROUP BY village_id
"""


def raw_scores(town_ids, month):
    from django.db import connection

    sql = RAW.format(towns=",".join(str(int(t)) for t in town_ids))
    with connection.cursor() as cur:
        cur.execute(sql, [month.isoformat(), month.isoformat()])
        return {vid: Decimal(str(score)).quantize(Decimal("0.01")) for vid, score in cur.fetchall()}


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--towns", type=int, default=20)
    ap.add_argument("--units", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=52)
    ap.add_argument("--findings", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--month", default="2025-06")
    ap.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the generated database in DIR and reuse it on the next run (same sizes)",
    )
    args = ap.parse_args(argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="zhenwu-bench-insp-") as tmp,
    ):
        setup_django(args.keep or tmp)
        from zhenwu.core.models import Town
        from zhenwu.inspections import selectors
        from zhenwu.inspections.models import Finding, Sheet

        t0 = time.perf_counter()
        towns = list(Town.objects.filter(name__startswith="测试镇").order_by("pk"))
        if not towns:
            towns = generate(args.towns, args.units, args.rounds, args.findings)
        print(
            f"生成：{len(towns)} 镇 × {args.units} 村 × {args.rounds} 轮；"
            f"评分表 {Sheet.objects.count()}，问题 {Finding.objects.count()}，"
            f"用时 {time.perf_counter() - t0:.1f}s；机器负载 {os.getloadavg()[0]:.1f}"
        )
        month = selectors.parse_month(args.month)
        ok = True
        for label, subset in (("一个镇", towns[:1]), ("全县", towns)):
            ids = [t.pk for t in subset]
            ours_t, ours = timed(lambda s=subset: selectors.county_ranking(s, month), args.runs)
            raw_t, raw = timed(lambda i=ids: raw_scores(i, month), args.runs)
            ours_scores = {r.village_id: r.score for rows in ours.values() for r in rows}
            mismatch = {
                v: (ours_scores.get(v), raw.get(v))
                for v in set(ours_scores) | set(raw)
                if ours_scores.get(v) != raw.get(v)
            }
            ratio = ours_t / raw_t if raw_t else float("inf")
            print(
                f"{label}月度评比：平台 {ours_t * 1000:.1f} ms，原始SQL {raw_t * 1000:.1f} ms，"
                f"比值 {ratio:.2f}（目标 ≤ {RATIO_GOAL}）"
                + (
                    f"；得分不一致 {len(mismatch)} 个：{list(mismatch.items())[:3]}"
                    if mismatch
                    else ""
                )
            )
            ok = ok and ratio <= RATIO_GOAL and not mismatch
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
