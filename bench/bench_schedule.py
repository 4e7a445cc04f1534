"""Benchmark: zhenwu.projects.scheduling vs. the same passes written with networkx.

Run:  python bench/bench_schedule.py [--tasks 10000] [--edges 30000] [--runs 7] [--seed 20250101]

Generates a random DAG with a fixed seed (durations 1–20 working days, lags −2…5, every edge
from a lower to a higher task number), then times, as the median of several runs:

* ours:      ``schedule_spec(...)`` end to end — parsing the task dicts, Kahn's topological
             sort, forward and backward passes, mapping indexes to dates and building the result
             objects — with ``CalendarDays`` (no holiday lookups);
* networkx:  building an ``nx.DiGraph`` from the same task dicts, ``nx.topological_sort`` and
             the forward/backward longest-path passes (integers only, no dates);

and, for information, ours with the real State Council calendar and ours' passes alone.
Both implementations' ES/EF/LS/LF are checked to be identical.  Exits non-zero when ours takes
more than 200 ms or is slower than networkx (ratio ours/networkx > 1).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx

from zhenwu.projects import scheduling as sch

LIMIT_MS = 200.0
START = date(2025, 1, 2)


def make_tasks(n: int, m: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < m:
        a = rnd.randrange(n - 1)
        # mostly local links (realistic plans), some long-range ones
        b = a + 1 + (rnd.randrange(50) if rnd.random() < 0.8 else rnd.randrange(n - a - 1))
        if b < n:
            edges.add((a, b))
    preds: list[list[dict]] = [[] for _ in range(n)]
    for a, b in sorted(edges):
        preds[b].append({"key": f"T{a}", "lag": rnd.randint(-2, 5)})
    return [
        {"key": f"T{i}", "duration": rnd.randint(1, 20), "predecessors": preds[i]} for i in range(n)
    ]


def nx_schedule(tasks: list[dict]) -> dict[str, tuple[int, int, int, int]]:
    g = nx.DiGraph()
    for t in tasks:
        g.add_node(t["key"], d=t["duration"])
    for t in tasks:
        k = t["key"]
        for p in t["predecessors"]:
            g.add_edge(p["key"], k, lag=p.get("lag", 0))
    order = list(nx.topological_sort(g))
    es: dict[str, int] = {}
    ef: dict[str, int] = {}
    nodes, pred, succ = g.nodes, g.pred, g.succ
    for v in order:
        s = max((ef[u] + a["lag"] for u, a in pred[v].items()), default=0)
        es[v] = s if s > 0 else 0
        ef[v] = es[v] + nodes[v]["d"]
    boundary = max(ef.values())
    ls: dict[str, int] = {}
    lf: dict[str, int] = {}
    for v in reversed(order):
        f = min((ls[w] - a["lag"] for w, a in succ[v].items()), default=boundary)
        lf[v] = f
        ls[v] = f - nodes[v]["d"]
    return {v: (es[v], ef[v], ls[v], lf[v]) for v in g}


def median_ms(fn, runs: int) -> tuple[float, object]:
    times = []
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def real_calendar() -> sch.WorkdayCalendar:
    try:
        from zhenwu.core.workcalendar import WorkCalendar

        return WorkCalendar()
    except ImportError:  # pragma: no cover - before the calendar module exists
        import chinese_calendar

        class _Cal:
            def is_workday(self, d: date) -> bool:
                try:
                    return chinese_calendar.is_workday(d)
                except NotImplementedError:
                    return d.weekday() < 5

        return _Cal()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--edges", type=int, default=30_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20250101)
    args = ap.parse_args()

    tasks = make_tasks(args.tasks, args.edges, args.seed)
    cal_days = sch.CalendarDays()

    def ours() -> sch.ScheduleResult:
        return sch.schedule_spec(tasks, mode="forward", anchor=START, calendar=cal_days)

    # warm-up, and check both implementations agree
    res = ours()
    ref = nx_schedule(tasks)
    for t in res.tasks:
        if (t.es, t.ef, t.ls, t.lf) != ref[t.key]:
            print(f"MISMATCH on {t.key}: ours {(t.es, t.ef, t.ls, t.lf)} nx {ref[t.key]}")
            return 2
    longest = max(t.ef for t in res.tasks)

    ours_ms, _ = median_ms(ours, args.runs)
    nx_ms, _ = median_ms(lambda: nx_schedule(tasks), args.runs)

    cal = real_calendar()
    sch.schedule_spec(tasks, mode="backward", anchor=date(2026, 12, 31), calendar=cal)  # warm
    real_ms, _ = median_ms(
        lambda: sch.schedule_spec(tasks, mode="backward", anchor=date(2026, 12, 31), calendar=cal),
        args.runs,
    )
    net = sch._parse(tasks, rich=False)

    def passes_only() -> None:
        es, ef = sch._forward_plain(net, 0)
        sch._backward_plain(net, max(ef), es, ef)

    passes_ms, _ = median_ms(passes_only, args.runs)
    topo_ms, _ = median_ms(lambda: sch._toposort(net), args.runs)

    ratio = ours_ms / nx_ms
    print(
        f"network: {args.tasks} tasks, {sum(len(t['predecessors']) for t in tasks)} links, "
        f"longest path {longest} working days, seed {args.seed}, median of {args.runs} runs"
    )
    print(f"ours (schedule_spec, CalendarDays, end to end): {ours_ms:8.1f} ms")
    print(f"networkx (build graph + topo sort + passes):    {nx_ms:8.1f} ms")
    print(f"ratio ours/networkx:                            {ratio:8.2f}")
    label = f"ours with {type(cal).__name__} (backward mode):"
    print(f"{label:<48}{real_ms:8.1f} ms")
    print(f"ours: topological sort alone:                   {topo_ms:8.1f} ms")
    print(f"ours: forward + backward passes alone:          {passes_ms:8.1f} ms")
    ok = True
    if ours_ms > LIMIT_MS:
        print(f"FAIL: ours {ours_ms:.1f} ms > {LIMIT_MS:.0f} ms")
        ok = False
    if ratio > 1:
        print(f"FAIL: ours is slower than networkx (ratio {ratio:.2f})")
        ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
