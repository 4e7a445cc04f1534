"""Fixtures shared by every test: the two-town world (see zhenwu/core/testing.py), the test
database, migrated once per run and copied for each xdist worker, and the demo (`demo_db`),
loaded once per run and copied for each module that asks for it (zhenwu/core/testdb.py)."""

import pytest

from zhenwu.core.testdb import demo_db, django_db_setup  # noqa: F401
from zhenwu.core.testing import _media_in_tmp, world  # noqa: F401


def _weight(item) -> int:
    """How early a test should start: the demo modules (each loads or copies the demo, and
    the crawls walk every page as every role) first, so that the two workers end together —
    xdist hands tests out in collection order, and one of them left near the end ran alone on
    one core for minutes. The browser journeys stay last: each ends by emptying the database,
    reference data seeded by migrations (trades, …) included, which later tests need."""
    if item.nodeid.startswith("tests/e2e/"):
        return 0
    names = getattr(item, "fixturenames", ())
    return 1 if "demo_db" in names or "demo" in item.module.__name__.rsplit(".", 1)[-1] else 0


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by fixture, which the sort keeps
def pytest_collection_modifyitems(config, items):
    # A stable sort: each module's tests stay together and in order (module fixtures such as
    # the demo are set up once per module and worker, as before).
    items.sort(key=lambda item: -_weight(item))
