"""Fixtures shared by every test: the two-town world (see zhenwu/core/testing.py), the test
database, migrated once per run and copied for each xdist worker, and the demo (`demo_db`),
loaded once per run and copied for each module that asks for it (zhenwu/core/testdb.py)."""

from zhenwu.core.testdb import demo_db, django_db_setup  # noqa: F401
from zhenwu.core.testing import _media_in_tmp, world  # noqa: F401
