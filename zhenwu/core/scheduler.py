"""Time-driven jobs (`zhenwu run-scheduled`): month-end freezing today, reminders later.

A module registers a job in its AppConfig.ready():

    register_job("plan.freeze_months", "冻结已结束月份的指标状态", services.freeze_due_months)

A job is a function of the day (`today: date`) that does whatever is due by then and returns
how many things it did; it must be idempotent — running it twice in a minute does nothing the
second time — because `make run` calls `zhenwu run-scheduled` every minute beside the web
server (cron or a systemd timer does the same in production). Pages never do this work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as


@dataclass(frozen=True)
class Job:
    key: str
    label: str
    run: Callable[[date], int]
    # One transaction around the whole run (the default: all or nothing). A job that waits on
    # the network between its writes (posting to chat robots) says False and keeps each write
    # short: a transaction open across an HTTP call would hold SQLite's write lock, and every
    # other writer in the town would wait on it.
    atomic: bool = True


_jobs: dict[str, Job] = {}


def register_job(key: str, label: str, run: Callable[[date], int], *, atomic: bool = True) -> Job:
    job = Job(key, label, run, atomic)
    _jobs[key] = job
    return job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.key)


def run_due(today: date | None = None, only: str | None = None) -> dict[str, int]:
    """Run every registered job (or just `only`) for `today`; {job key: things done}."""
    today = today or timezone.localdate()
    done = {}
    for job in jobs():
        if only and job.key != only:
            continue
        with acting_as(None, Source.SYSTEM):
            if job.atomic:
                with transaction.atomic():
                    done[job.key] = int(job.run(today) or 0)
            else:
                done[job.key] = int(job.run(today) or 0)
    return done
