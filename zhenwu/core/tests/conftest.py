"""Fixtures for the platform's tests beyond the shared `world` (zhenwu/core/testing.py)."""

from __future__ import annotations

import pytest

from zhenwu.core.testdb import demo_database, shared_dir

DEMO_PASSWORD = "Demo-Pass-2025"


@pytest.fixture(scope="module")
def demo_db(request, tmp_path_factory, django_db_setup, django_db_blocker):
    """The demo (`zhenwu demo`) in the test database for one test module; the command's output
    is returned. Loaded once per test run and copied for the other modules and xdist workers
    (`testdb.demo_database`); the database is put back as it was at the module's end. Tests
    using it also request `db` (each rolls back its own changes)."""
    with (
        django_db_blocker.unblock(),
        demo_database(shared_dir(request, tmp_path_factory), DEMO_PASSWORD) as output,
    ):
        yield output
