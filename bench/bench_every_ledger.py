"""Benchmark: every registered ledger's import against a plain python-calamine read of the
same file (issue 9: `bench/` reports every ledger's ratio), from the demo's own records.

Run:  python bench/bench_every_ledger.py [--rows 5000] [--only bases,parcels]

In a throw-away SQLite database the Nankou demo is loaded (`zhenwu demo`). For each ledger
that `zhenwu import` knows, the demo's records are exported by the ledger itself (the export
re-imports unchanged — a tested property), and the rows are repeated up to ``--rows`` with
the varying part of their natural key made unique (a text column of the key gets "·N"; ID,
USCC and phone columns get fresh valid numbers), so every row is a new record through the
whole import: header detection, parsing, look-ups through the gate, the model's rules, the
bulk write and its change log. As in `bench_ledgers.py` it prints the read, the import, their
ratio and the *write floor* (the created records inserted again with nothing else).

Ledgers with a generator of their own (`DEDICATED`: investments, projects, enterprises and
monthly figures in `bench_ledgers.py`, workers in `bench_labor.py`) are listed with that
reference; so is a ledger whose key has nothing to vary (progress reports: target + date).
Exits 1 when a ratio exceeds 3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_ledgers import GOAL, floor_time, read_time, write

# Ledgers with a generator of their own (files as offices write them, at any size).
DEDICATED = {
    "investments": "bench_ledgers.py",
    "projects": "bench_ledgers.py",
    "enterprises": "bench_ledgers.py",
    "monthly-figures": "bench_ledgers.py",
    "workers": "bench_labor.py",
}


def setup(data_dir: str):
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", verbosity=0)
    from zhenwu.core.models import User

    return User.objects.get(username="admin")


def build_rows(ledger, user, n: int):
    if ledger.key in DEDICATED:
        return None, f"由专用生成器测量：{DEDICATED[ledger.key]}"
    from zhenwu.core.testing import grown_ledger_rows

    return grown_ledger_rows(ledger, user, n)


def import_once(ledger_cls, path: Path, user) -> tuple[float, float]:
    """(import seconds, floor seconds); everything the import wrote is removed after."""
    from django.db import connection, transaction

    from zhenwu.core.models import ObjectChange

    model = ledger_cls.model
    log_before = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    t = time.perf_counter()
    with path.open("rb") as fh:
        report = ledger_cls().run(fh, path.name, user=user)
    elapsed = time.perf_counter() - t
    if not report.ok:
        raise RuntimeError(
            "; ".join(f"第{e.row}行 {e.column}：{e.message}" for e in report.errors[:3])
        )
    created = list(model._base_manager.filter(pk__gt=first).order_by("pk"))
    with transaction.atomic(), connection.cursor() as cursor:  # a benchmark reset: raw deletes
        for rel in model._meta.related_objects:
            if rel.one_to_many or rel.one_to_one:
                table = rel.related_model._meta.db_table
                column = rel.field.column
                cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [first])
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [first])
        cursor.execute(f"DELETE FROM {ObjectChange._meta.db_table} WHERE id > %s", [log_before])
    return elapsed, floor_time(model, created, first)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    only = {k for k in args.only.split(",") if k}
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        user = setup(tmp)
        from zhenwu.core.ledgers import all_ledgers

        print(
            f"{'台账':<18}{'行数':>8}{'读取 ms':>10}{'导入 ms':>10}{'比值':>8}"
            f"{'写入下限 ms':>12}{'下限比值':>10}"
        )
        for key, ledger_cls in sorted(all_ledgers().items()):
            if only and key not in only:
                continue
            header, rows = build_rows(ledger_cls(), user, args.rows)
            if header is None:
                print(f"{key:<18}{'—':>8}  {rows}")
                continue
            path = Path(tmp) / f"{key}.xlsx"
            write(path, header, rows)
            reads, imports, floors = [], [], []
            try:
                for _ in range(args.runs):
                    reads.append(read_time(path))
                    imp, floor = import_once(ledger_cls, path, user)
                    imports.append(imp)
                    floors.append(floor)
            except RuntimeError as exc:
                print(f"{key:<18}{len(rows):>8,}  导入被拒：{exc}")
                worst = float("inf")
                continue
            read, imp = statistics.median(reads), statistics.median(imports)
            floor = statistics.median(floors)
            worst = max(worst, imp / read)
            print(
                f"{key:<18}{len(rows):>8,}{read * 1000:>10.0f}{imp * 1000:>10.0f}"
                f"{imp / read:>8.1f}{floor * 1000:>12.0f}{floor / read:>10.1f}"
            )
            sys.stdout.flush()
    print(f"负载 {os.getloadavg()[0]:.1f}；目标：每个台账 ≤ {GOAL}")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
