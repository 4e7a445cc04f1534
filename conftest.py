"""Fixtures shared by every test: the two-town world (see zhenwu/core/testing.py), the test
database, migrated once per run and copied for each xdist worker, and the demo (`demo_db`),
loaded once per run and copied for each module that asks for it (zhenwu/core/testdb.py)."""

import pytest

from zhenwu.core.testdb import demo_db, django_db_setup  # noqa: F401
from zhenwu.core.testing import _media_in_tmp, world  # noqa: F401


def _weight(item) -> int:
    """How early a test should start: the long ones first, so that two workers end together
    (xdist hands tests out in collection order; a browser journey or a demo module left for
    the end ran alone on one core for minutes)."""
    names = getattr(item, "fixturenames", ())
    if "live_server" in names or item.nodeid.startswith("tests/e2e/"):
        return 2
    if "demo_db" in names or "demo" in item.module.__name__.rsplit(".", 1)[-1]:
        return 1
    return 0


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by fixture, which the sort keeps
def pytest_collection_modifyitems(config, items):
    # A stable sort: each module's tests stay together and in order (module fixtures such as
    # the demo are set up once per module and worker, as before).
    items.sort(key=lambda item: -_weight(item))
