"""`zhenwu run-scheduled`: each job in one transaction, unless it waits on the network."""

from __future__ import annotations

import pytest
from django.db import connection

from zhenwu.core import scheduler


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_one_transaction_unless_it_says_otherwise():
    seen = {}

    def job(key):
        def run(today):
            seen[key] = connection.in_atomic_block
            return 1

        return run

    scheduler.register_job("zz.atomic", "测试", job("atomic"))
    scheduler.register_job("zz.network", "测试", job("network"), atomic=False)
    try:
        assert scheduler.run_due(only="zz.atomic") == {"zz.atomic": 1}
        assert scheduler.run_due(only="zz.network") == {"zz.network": 1}
    finally:
        scheduler._jobs.pop("zz.atomic", None)
        scheduler._jobs.pop("zz.network", None)
    assert seen == {"atomic": True, "network": False}


def test_the_robots_digest_holds_no_transaction_across_its_posts():
    """Each post waits up to its timeout: inside one transaction, SQLite's write lock would be
    held from the first delivery recorded to the last post."""
    job = next(j for j in scheduler.jobs() if j.key == "notices.daily_digest")
    assert job.atomic is False
    assert all(j.atomic for j in scheduler.jobs() if j.key != "notices.daily_digest")
