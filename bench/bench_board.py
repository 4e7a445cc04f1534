"""Benchmark: the 挂图作战 board for one town with ten times the demo's records.

Run:  python bench/bench_board.py [--factor 10] [--runs 15] [--keep DIR]

In a throw-away SQLite database (a temporary ZHENWU_DATA_DIR), it

* migrates and loads the Nankou demo (`zhenwu demo`: every module's records and the plan);
* multiplies by `--factor` the records the board counts: every model behind a bound target's
  indicator (investment projects, enterprises, key projects …, cloned row by row with their
  unique text fields suffixed), the manual progress reports and the 督办 tasks;
* renders `/plan/board/` as the party secretary (server side, Django test client: view,
  selectors, every indicator query, template) `--runs` times and takes the median;
* renders the board of a second town whose plan is empty, as the baseline;
* prints both times, their ratio, and the SQL query counts (which must not grow with records).

Exits 1 when the full board's median exceeds 100 ms (or its query count grew with the data).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT_MS = 100.0


def setup(data_dir: str):
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")  # static files without a collected manifest
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo", password="Bench-Pass-2025", stdout=io.StringIO())


def clone_rows(model, rows, copy_no: int) -> int:
    """Bulk-insert copies of `rows` with their unique text fields suffixed (bench data only:
    bulk_create bypasses the change log on purpose)."""
    from django.db import models

    unique_text = {
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.unique
    }
    for constraint in model._meta.constraints:
        for name in getattr(constraint, "fields", ()):
            f = model._meta.get_field(name)
            if isinstance(f, models.CharField):
                unique_text.add(f.attname)
    copies = []
    for row in rows:
        row.pk = None
        row.id = None
        for name in unique_text:
            value = getattr(row, name) or ""
            limit = model._meta.get_field(name).max_length or 200
            setattr(row, name, f"{value}#{copy_no}"[-limit:])
        copies.append(row)
    model.objects.bulk_create(copies, batch_size=500)
    return len(copies)


def multiply(factor: int) -> dict[str, int]:
    from django.db import transaction

    from zhenwu.plan import selectors
    from zhenwu.plan.indicators import get_indicator
    from zhenwu.plan.models import Plan, ProgressReport, Task, TaskEvent

    plan = Plan.objects.get(year=2025)
    models_seen = {}
    for target in selectors.plan_targets(plan):
        indicator = get_indicator(target.indicator_key)
        if indicator is None:
            continue
        qs = indicator.record_queryset(
            selectors.indicator_context(target, plan.year, plan_end(plan))
        )
        if qs is not None:
            models_seen[qs.model] = qs.model
    models_seen[ProgressReport] = ProgressReport
    models_seen[Task] = Task
    added = {}
    for model in models_seen:
        base_rows = list(model.objects.filter(town=plan.town))
        n = 0
        try:
            with transaction.atomic():
                for k in range(1, factor):
                    n += clone_rows(model, [_copy(r) for r in base_rows], k)
        except Exception as exc:  # a model we cannot clone blindly: say so, keep going
            print(f"  (未能复制 {model._meta.label}：{exc})")
            n = 0
        added[model._meta.label] = n
    added["plan.TaskEvent"] = TaskEvent.objects.count()
    return added


def _copy(obj):
    import copy

    return copy.copy(obj)


def plan_end(plan):
    from datetime import date

    return date(plan.year, 12, 31)


def empty_town_leader():
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.models import Role, Town, User
    from zhenwu.plan.models import Plan

    with acting_as(None, Source.SYSTEM):
        town = Town.objects.create(
            name="基准镇", code="421081199000", county="石首市", city="荆州市", province="湖北省"
        )
        Plan.objects.create(town=town, year=2025, name="空计划")
        return User.objects.create_user("bench_empty", role=Role.LEADER, town=town)


def time_board(user, runs: int, url: str):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(url)  # warm up (template loading, calendar, month freezing)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    return statistics.median(times), len(q), response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", help="use this directory for the database (kept afterwards)")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="zhenwu-bench-")
    setup(args.keep or tmp.name)

    from zhenwu.core.models import User

    leader = User.objects.get(username="leader")
    url = "/plan/board/"
    demo_ms, demo_queries, _ = time_board(leader, args.runs, url)
    print(f"演示数据（1×）：看板 {demo_ms:.1f} ms，{demo_queries} 次查询")
    added = multiply(args.factor)
    print(f"数据扩大到 {args.factor}×：" + "，".join(f"{k} +{v}" for k, v in added.items()))
    full_ms, full_queries, response = time_board(leader, args.runs, url)
    empty_ms, empty_queries, _ = time_board(empty_town_leader(), args.runs, url)
    ratio = full_ms / empty_ms if empty_ms else float("inf")
    targets = response.content.decode().count('data-testid="target"')
    print(
        f"{args.factor}× 数据：看板 {full_ms:.1f} ms（中位数，{args.runs} 次），{full_queries} 次查询，{targets} 项指标"
    )
    print(f"空计划基准：{empty_ms:.1f} ms，{empty_queries} 次查询")
    print(f"比值（{args.factor}× / 空计划）：{ratio:.2f}")
    failed = False
    if full_ms > LIMIT_MS:
        print(f"超出预算：{full_ms:.1f} ms > {LIMIT_MS:.0f} ms")
        failed = True
    if full_queries != demo_queries:
        print(f"查询次数随数据增长：{demo_queries} → {full_queries}")
        failed = True
    if tmp is not None:
        tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
