"""Fixtures shared by every test: the two-town world (see zhenwu/core/testing.py) and the test
database, migrated once per run and copied for each xdist worker (zhenwu/core/testdb.py)."""

from zhenwu.core.testdb import django_db_setup  # noqa: F401
from zhenwu.core.testing import _media_in_tmp, world  # noqa: F401
